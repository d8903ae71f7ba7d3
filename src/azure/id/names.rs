//! ARM naming rules, one table per resource type, so an id that reaches a URL
//! holds only names Azure itself would accept (and nothing that could change
//! the URL's meaning: no `/`, `..`, `?`, `#`, `%` or control characters).

use super::IdError;

/// The naming rule of one kind of ARM resource.
#[derive(Debug, Clone, Copy)]
pub struct NameRule {
    /// What the name names, for error messages ("vault name").
    pub what: &'static str,
    /// Shortest accepted length in characters.
    pub min: usize,
    /// Longest accepted length in characters.
    pub max: usize,
    allowed: fn(char) -> bool,
    first: fn(char) -> bool,
    last: fn(char) -> bool,
}

fn alnum(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

fn alnum_dash(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-'
}

fn alnum_dash_underscore(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

fn alnum_dash_underscore_dot(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
}

fn resource_group_char(c: char) -> bool {
    // ARM allows Unicode letters and digits here, plus `-_.()`.
    c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '(' | ')')
}

fn letter(c: char) -> bool {
    c.is_ascii_alphabetic()
}

fn alnum_or_underscore(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn lower_alnum(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

fn not_dot(c: char) -> bool {
    c != '.'
}

fn not_dot_or_dash(c: char) -> bool {
    c != '.' && c != '-'
}

fn not_underscore(c: char) -> bool {
    c != '_'
}

fn any(_: char) -> bool {
    true
}

/// Resource group: 1–90 of letters, digits, `-_.()`, not ending in `.`.
pub const RESOURCE_GROUP: NameRule = NameRule {
    what: "resource group name",
    min: 1,
    max: 90,
    allowed: resource_group_char,
    first: any,
    last: not_dot,
};

/// Recovery Services vault: 2–50 of letters, digits and `-`, starting with a letter.
pub const VAULT: NameRule = NameRule {
    what: "vault name",
    min: 2,
    max: 50,
    allowed: alnum_dash,
    first: letter,
    last: any,
};

/// Virtual machine: 1–64 of letters, digits, `-_.`, not starting with `_`, not ending in `.` or `-`.
pub const VIRTUAL_MACHINE: NameRule = NameRule {
    what: "virtual machine name",
    min: 1,
    max: 64,
    allowed: alnum_dash_underscore_dot,
    first: not_underscore,
    last: not_dot_or_dash,
};

/// Virtual network: 2–64 of letters, digits, `-_.`, starting alphanumeric, ending alphanumeric or `_`.
pub const VIRTUAL_NETWORK: NameRule = NameRule {
    what: "virtual network name",
    min: 2,
    max: 64,
    allowed: alnum_dash_underscore_dot,
    first: alnum,
    last: alnum_or_underscore,
};

/// Subnet: 1–80 of letters, digits, `-_.`, starting alphanumeric, ending alphanumeric or `_`.
pub const SUBNET: NameRule = NameRule {
    what: "subnet name",
    min: 1,
    max: 80,
    allowed: alnum_dash_underscore_dot,
    first: alnum,
    last: alnum_or_underscore,
};

/// Network interface: 1–80 of letters, digits, `-_.`, starting alphanumeric, ending alphanumeric or `_`.
pub const NETWORK_INTERFACE: NameRule = NameRule {
    what: "network interface name",
    min: 1,
    max: 80,
    allowed: alnum_dash_underscore_dot,
    first: alnum,
    last: alnum_or_underscore,
};

/// Storage account: 3–24 lowercase letters and digits.
pub const STORAGE_ACCOUNT: NameRule = NameRule {
    what: "storage account name",
    min: 3,
    max: 24,
    allowed: lower_alnum,
    first: any,
    last: any,
};

/// Disk encryption set: 1–80 of letters, digits, `-` and `_`.
pub const DISK_ENCRYPTION_SET: NameRule = NameRule {
    what: "disk encryption set name",
    min: 1,
    max: 80,
    allowed: alnum_dash_underscore,
    first: alnum,
    last: any,
};

/// User-assigned managed identity: 3–128 of letters, digits, `-` and `_`, starting alphanumeric.
pub const USER_ASSIGNED_IDENTITY: NameRule = NameRule {
    what: "managed identity name",
    min: 3,
    max: 128,
    allowed: alnum_dash_underscore,
    first: alnum,
    last: any,
};

/// Recovery point: Azure Backup uses digit strings or GUIDs; accept 1–128 of letters, digits, `-` and `_`.
pub const RECOVERY_POINT: NameRule = NameRule {
    what: "recovery point id",
    min: 1,
    max: 128,
    allowed: alnum_dash_underscore,
    first: any,
    last: any,
};

impl NameRule {
    /// Checks `name` against this rule.
    pub fn check(&self, name: &str) -> Result<(), IdError> {
        let length = name.chars().count();
        if length < self.min || length > self.max {
            return Err(IdError::new(format!(
                "a {} has {}–{} characters, this one has {length}",
                self.what, self.min, self.max
            )));
        }
        if let Some(bad) = name.chars().find(|c| !(self.allowed)(*c)) {
            return Err(IdError::new(format!(
                "a {} cannot contain {:?}",
                self.what, bad
            )));
        }
        let (Some(first), Some(last)) = (name.chars().next(), name.chars().last()) else {
            return Err(IdError::new(format!("a {} cannot be empty", self.what)));
        };
        if !(self.first)(first) {
            return Err(IdError::new(format!(
                "a {} cannot start with {first:?}",
                self.what
            )));
        }
        if !(self.last)(last) {
            return Err(IdError::new(format!(
                "a {} cannot end with {last:?}",
                self.what
            )));
        }
        Ok(())
    }
}
