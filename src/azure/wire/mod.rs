//! The JSON bodies of the ARM contract, shared by the client and the emulator.
//! Every type both serializes and deserializes; responses tolerate unknown
//! fields (Azure adds fields without a new api-version) and unknown
//! polymorphic subtypes (kept as raw JSON in an `Other` variant).

pub mod compute;
pub mod crr;
pub mod deployment;
pub mod error;
pub mod estate;
pub mod ilr;
pub mod job;
pub mod network;
pub mod operation;
pub mod protected_item;
pub mod recovery_point;
pub mod restore;
pub mod storage_config;
pub mod time;
pub mod validate;

use serde::{Deserialize, Serialize};

/// One page of an ARM list: the items and the link to the next page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", bound(deserialize = "T: Deserialize<'de>"))]
pub struct Page<T> {
    /// The items of this page.
    #[serde(default = "Vec::new", deserialize_with = "null_as_empty")]
    pub value: Vec<T>,
    /// Absolute URL of the next page, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_link: Option<String>,
}

/// Reads `null` or a missing list as an empty one (Azure sends both).
fn null_as_empty<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(deserializer)?.unwrap_or_default())
}

/// Fields every ARM resource envelope carries (all read-only).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceMeta {
    /// The resource's ARM id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The resource's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The resource type (`Microsoft.RecoveryServices/vaults/backupJobs`).
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The resource's region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// The resource's tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<indexmap::IndexMap<String, String>>,
    /// The resource's ETag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub e_tag: Option<String>,
}

/// Declares a string enum with Azure's spellings plus an `Other` variant that
/// keeps values a newer service version may send (the spec's `modelAsString`).
macro_rules! open_string_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
            /// A value this version of restoreplan does not know.
            Other(String),
        }

        impl $name {
            /// The value as Azure spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $text,)+
                    Self::Other(text) => text,
                }
            }

            /// Reads a value, matching Azure's spellings without regard to case.
            pub fn from_text(text: &str) -> Self {
                $(if text.eq_ignore_ascii_case($text) { return Self::$variant; })+
                Self::Other(text.to_owned())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
                Ok(Self::from_text(&text))
            }
        }
    };
}
pub(crate) use open_string_enum;
