//! Typed ARM resource ids. Every id the client puts in a URL is parsed and
//! validated here first (ARM is case-insensitive on keywords, provider
//! namespaces and types, so parsing is too), displays as its canonical id and
//! renders as a percent-encoded URL path (protected item names contain `;`).

mod backup;
pub mod names;
mod resources;

use std::fmt;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

pub use backup::{ProtectedItemId, RecoveryPointId};
pub use resources::{
    DiskEncryptionSetId, NetworkInterfaceId, ResourceGroupId, StorageAccountId, SubnetId,
    SubscriptionId, UserAssignedIdentityId, VaultId, VirtualMachineId, VirtualNetworkId,
};

/// The longest id accepted; ARM ids are far shorter, and a bound keeps hostile input cheap.
const MAX_ID_LENGTH: usize = 2048;

/// Everything but RFC 3986 unreserved characters is encoded in a path segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Why a string is not a valid id of the expected kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdError {
    reason: String,
}

impl IdError {
    pub(crate) fn new(reason: impl Into<String>) -> Self {
        Self {
            reason: reason.into(),
        }
    }

    /// The reason, as one sentence fragment ("a vault name cannot contain '/'").
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for IdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for IdError {}

/// A typed ARM id: canonical text via `Display`, and the path to put in a URL.
pub trait ArmId: fmt::Display {
    /// The id as a URL path with every name segment percent-encoded.
    fn url_path(&self) -> String;
}

/// Percent-encodes one path segment.
pub fn encode_segment(segment: &str) -> String {
    utf8_percent_encode(segment, SEGMENT).to_string()
}

/// A cursor over the `/`-separated segments of an id being parsed.
pub(crate) struct Segments<'a> {
    parts: Vec<&'a str>,
    position: usize,
}

impl<'a> Segments<'a> {
    pub(crate) fn new(input: &'a str) -> Result<Self, IdError> {
        if input.len() > MAX_ID_LENGTH {
            return Err(IdError::new(format!(
                "an id has at most {MAX_ID_LENGTH} bytes"
            )));
        }
        if let Some(bad) = input.chars().find(|c| c.is_control()) {
            return Err(IdError::new(format!(
                "an id cannot contain the control character {bad:?}"
            )));
        }
        let Some(rest) = input.strip_prefix('/') else {
            return Err(IdError::new("an id starts with '/'"));
        };
        let parts: Vec<&str> = rest.split('/').collect();
        if parts.iter().any(|part| part.is_empty()) {
            return Err(IdError::new(
                "an id has no empty segments (no '//' and no trailing '/')",
            ));
        }
        if parts.iter().any(|part| matches!(*part, "." | "..")) {
            return Err(IdError::new("an id has no '.' or '..' segments"));
        }
        Ok(Self { parts, position: 0 })
    }

    fn next(&mut self, expected: &str) -> Result<&'a str, IdError> {
        let part = self
            .parts
            .get(self.position)
            .ok_or_else(|| IdError::new(format!("the id ends before {expected}")))?;
        self.position += 1;
        Ok(part)
    }

    /// Consumes a fixed segment, compared without regard to case as ARM does.
    pub(crate) fn keyword(&mut self, keyword: &str) -> Result<(), IdError> {
        let part = self.next(&format!("'{keyword}'"))?;
        if part.eq_ignore_ascii_case(keyword) {
            Ok(())
        } else {
            Err(IdError::new(format!(
                "expected '{keyword}' but found {part:?}"
            )))
        }
    }

    /// Consumes a name segment checked against `rule`.
    pub(crate) fn name(&mut self, rule: &names::NameRule) -> Result<String, IdError> {
        let part = self.next(&format!("the {}", rule.what))?;
        rule.check(part)?;
        Ok(part.to_owned())
    }

    /// Consumes a raw segment for a caller that validates it itself.
    pub(crate) fn raw(&mut self, what: &str) -> Result<&'a str, IdError> {
        self.next(what)
    }

    /// Fails unless every segment has been consumed.
    pub(crate) fn end(&self) -> Result<(), IdError> {
        match self.parts.get(self.position) {
            None => Ok(()),
            Some(extra) => Err(IdError::new(format!(
                "unexpected segment {extra:?} after the end of the id"
            ))),
        }
    }
}

/// Implements `FromStr`, `Display`-based serde and `TryFrom<&str>` for an id type with a `read` parser.
macro_rules! id_text_impls {
    ($ty:ty) => {
        impl std::str::FromStr for $ty {
            type Err = $crate::azure::id::IdError;

            fn from_str(input: &str) -> Result<Self, Self::Err> {
                let mut segments = $crate::azure::id::Segments::new(input)?;
                let id = Self::read(&mut segments)?;
                segments.end()?;
                Ok(id)
            }
        }

        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}
pub(crate) use id_text_impls;
