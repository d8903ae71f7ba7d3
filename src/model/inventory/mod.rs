//! The typed inventory (`kind: Inventory`), as `schemas/inventory.schema.json`
//! describes it: a snapshot of an Azure estate that a dry run checks a plan
//! against. Every schema enum is a Rust enum with the schema's default, and
//! every RFC 3339 time a [`jiff::Timestamp`]. Counts the schema leaves
//! unbounded (vCPUs, quotas, free IPs, sizes) are `u64`, so that no
//! schema-valid number fails the typed read.

/// Declares an enum for a schema `enum` of strings: one variant per value,
/// `as_str` and `Display` giving the value back as written, `ALL` listing them
/// in the schema's order, and `Default` when the schema has a `default`.
macro_rules! schema_enum {
    (
        $(#[$meta:meta])*
        $name:ident {
            $( $(#[$variant_meta:meta])* $variant:ident = $text:literal, )+
        }
        $(default $default:ident)?
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize, serde::Serialize)]
        pub enum $name {
            $( $(#[$variant_meta])* #[serde(rename = $text)] $variant, )+
        }

        impl $name {
            /// Every value, in the schema's order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The value as the inventory writes it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        $(
            impl Default for $name {
                fn default() -> Self {
                    $name::$default
                }
            }
        )?
    };
}

mod backup;
mod compute;
mod emulator;
mod network;
#[cfg(test)]
mod tests;

pub use backup::*;
pub use compute::*;
pub use emulator::*;
pub use network::*;

use crate::diagnostic::{Code, Diagnostic};
use crate::schema::SchemaKind;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A snapshot of an Azure estate.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Inventory {
    /// When the estate was read; a dry run measures ages from it.
    pub snapshot_time: Timestamp,
    /// The subscriptions of the estate.
    #[serde(default)]
    pub subscriptions: Vec<Subscription>,
    /// The Recovery Services vaults, with their protected items.
    #[serde(default)]
    pub vaults: Vec<InventoryVault>,
    /// The virtual machines, deleted ones included.
    #[serde(default)]
    pub virtual_machines: Vec<VirtualMachine>,
    /// The virtual networks.
    #[serde(default)]
    pub virtual_networks: Vec<VirtualNetwork>,
    /// The storage accounts.
    #[serde(default)]
    pub storage_accounts: Vec<StorageAccount>,
    /// The resource groups.
    #[serde(default)]
    pub resource_groups: Vec<ResourceGroup>,
    /// The regional vCPU quotas.
    #[serde(default)]
    pub quotas: Vec<Quota>,
    /// The settings of `restoreplan emulator`; the dry run ignores them.
    /// Never written back out: they hold client secrets.
    #[serde(default, skip_serializing)]
    pub emulator: EmulatorSettings,
    /// Lookups by id and name, built on first use: a 10,000-node plan
    /// against a 10,000-VM estate must not scan the estate per node.
    #[serde(skip)]
    index: std::sync::OnceLock<Index>,
}

/// Positions in the inventory's lists, by lower-cased ARM id (ARM ids and
/// VM names compare without case).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Index {
    vms: std::collections::HashMap<String, usize>,
    vms_by_group_and_name: std::collections::HashMap<(String, String), Vec<usize>>,
    /// (vault position, VM id) → protected item position.
    items: std::collections::HashMap<(usize, String), usize>,
    vaults: std::collections::HashMap<String, usize>,
}

impl Inventory {
    /// An estate with nothing in it, read at `snapshot_time` (discovery fills it).
    pub fn empty(snapshot_time: Timestamp) -> Inventory {
        Inventory {
            snapshot_time,
            subscriptions: Vec::new(),
            vaults: Vec::new(),
            virtual_machines: Vec::new(),
            virtual_networks: Vec::new(),
            storage_accounts: Vec::new(),
            resource_groups: Vec::new(),
            quotas: Vec::new(),
            emulator: EmulatorSettings::default(),
            index: std::sync::OnceLock::new(),
        }
    }

    /// Reads an inventory from a value that has passed the inventory schema
    /// (and, for located errors, [`Inventory::check_timestamps`]).
    pub fn from_value(value: &Value) -> Result<Inventory, Diagnostic> {
        Inventory::deserialize(value).map_err(|error| {
            // A time such as 30 February fits the schema's pattern but not the
            // calendar: that is the file's fault, so say where it is.
            Inventory::check_timestamps(value)
                .into_iter()
                .next()
                .unwrap_or_else(|| {
                    Diagnostic::new(
                        Code::Internal,
                        format!("could not read the inventory: {error}"),
                    )
                    .at("", "")
                    .with_help(Code::Internal.info().fix)
                })
        })
    }

    /// One diagnostic per time in a schema-valid value that is not a real
    /// instant (30 February, hour 24, an offset of 99 hours): the schema's
    /// pattern checks the form only.
    pub fn check_timestamps(value: &Value) -> Vec<Diagnostic> {
        let mut found = Vec::new();
        let mut check = |node: Option<&Value>, pointer: &dyn Fn() -> String| {
            if let Some(Value::String(text)) = node
                && let Err(error) = text.parse::<Timestamp>()
            {
                found.push(bad_timestamp(text, &pointer(), &error));
            }
        };
        check(value.get("snapshotTime"), &|| "/snapshotTime".to_owned());
        for (v, vault) in items(value, "vaults") {
            for (i, item) in items(vault, "protectedItems") {
                for (p, point) in items(item, "recoveryPoints") {
                    let base = || format!("/vaults/{v}/protectedItems/{i}/recoveryPoints/{p}");
                    check(point.get("time"), &|| format!("{}/time", base()));
                    for (t, tier) in items(point, "tiers") {
                        check(tier.get("expiresAt"), &|| {
                            format!("{}/tiers/{t}/expiresAt", base())
                        });
                    }
                }
            }
        }
        found
    }

    /// Forgets the lookups after the lists changed (the emulator's world
    /// grows as restores complete); the next lookup rebuilds them.
    pub fn reindex(&mut self) {
        self.index = std::sync::OnceLock::new();
    }

    /// Builds the lookups by id and name now, so that a loader thread pays
    /// for them rather than the first lookup.
    pub fn build_lookups(&self) {
        self.index();
    }

    fn index(&self) -> &Index {
        self.index.get_or_init(|| {
            let mut index = Index::default();
            for (position, vm) in self.virtual_machines.iter().enumerate() {
                index
                    .vms
                    .entry(vm.id.to_ascii_lowercase())
                    .or_insert(position);
                if let Some(group) = vm.id.to_ascii_lowercase().split("/providers/").next() {
                    index
                        .vms_by_group_and_name
                        .entry((group.to_owned(), vm.name.to_ascii_lowercase()))
                        .or_default()
                        .push(position);
                }
            }
            for (v, vault) in self.vaults.iter().enumerate() {
                index
                    .vaults
                    .entry(vault.id.to_ascii_lowercase())
                    .or_insert(v);
                for (i, item) in vault.protected_items.iter().enumerate() {
                    index
                        .items
                        .entry((v, item.vm.to_ascii_lowercase()))
                        .or_insert(i);
                }
            }
            index
        })
    }

    /// The vault with this ARM id (compared case-insensitively, see [`same_arm_id`]).
    pub fn vault_by_id(&self, id: &str) -> Option<&InventoryVault> {
        let position = *self.index().vaults.get(&id.to_ascii_lowercase())?;
        self.vaults.get(position)
    }

    /// The VM with this ARM id (compared case-insensitively, see [`same_arm_id`]).
    pub fn vm_by_id(&self, id: &str) -> Option<&VirtualMachine> {
        let position = *self.index().vms.get(&id.to_ascii_lowercase())?;
        self.virtual_machines.get(position)
    }

    /// The protected item of the VM with this ARM id in the vault with this ARM id.
    pub fn protected_item_in(&self, vault_id: &str, vm_id: &str) -> Option<&ProtectedItem> {
        let vault = *self.index().vaults.get(&vault_id.to_ascii_lowercase())?;
        let item = *self
            .index()
            .items
            .get(&(vault, vm_id.to_ascii_lowercase()))?;
        self.vaults.get(vault)?.protected_items.get(item)
    }

    /// The VMs named `name` (without case) in the resource group with this ARM id.
    pub fn vms_in_group_named<'a>(
        &'a self,
        group_id: &str,
        name: &str,
    ) -> impl Iterator<Item = &'a VirtualMachine> + 'a {
        let key = (
            group_id
                .to_ascii_lowercase()
                .trim_end_matches('/')
                .to_owned(),
            name.to_ascii_lowercase(),
        );
        self.index()
            .vms_by_group_and_name
            .get(&key)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .filter_map(|position| self.virtual_machines.get(*position))
    }

    /// The first VM in file order named `name`; Azure VM names compare
    /// case-insensitively. Names are unique only within a resource group, so
    /// use [`Inventory::vms_named`] where two VMs of one name matter.
    pub fn vm_by_name(&self, name: &str) -> Option<&VirtualMachine> {
        self.vms_named(name).next()
    }

    /// Every VM named `name` (compared case-insensitively), in file order.
    pub fn vms_named(&self, name: &str) -> impl Iterator<Item = &VirtualMachine> {
        self.virtual_machines
            .iter()
            .filter(move |vm| vm.name.eq_ignore_ascii_case(name))
    }

    /// The VM a plan's `vm:` names: by ARM id when it starts with `/`, else
    /// by name (see [`Inventory::vm_by_name`]).
    pub fn vm_by_reference(&self, reference: &str) -> Option<&VirtualMachine> {
        if reference.starts_with('/') {
            self.vm_by_id(reference)
        } else {
            self.vm_by_name(reference)
        }
    }

    /// The vault and protected item that back up the VM with this ARM id
    /// (compared case-insensitively); the first in file order if several do.
    pub fn protected_item_for_vm(&self, vm_id: &str) -> Option<(&InventoryVault, &ProtectedItem)> {
        self.vaults.iter().find_map(|vault| {
            vault
                .protected_items
                .iter()
                .find(|item| same_arm_id(&item.vm, vm_id))
                .map(|item| (vault, item))
        })
    }
}

/// Whether two ARM resource ids name the same resource. ARM ids are
/// case-insensitive (`/subscriptions/…/resourceGroups/RG-Web` is
/// `…/resourcegroups/rg-web`), so they compare ASCII-case-insensitively.
pub fn same_arm_id(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// The resource's name: the last segment of an ARM id.
pub fn arm_id_name(id: &str) -> &str {
    id.rsplit_once('/').map_or(id, |(_, name)| name)
}

/// The segment after the first segment equal to `key` (case-insensitively):
/// `arm_id_segment(id, "resourceGroups")` is the resource group's name.
pub fn arm_id_segment<'a>(id: &'a str, key: &str) -> Option<&'a str> {
    let mut segments = id.split('/');
    segments.find(|segment| segment.eq_ignore_ascii_case(key))?;
    segments.next().filter(|segment| !segment.is_empty())
}

/// `true`, for the booleans whose schema default is `true`.
fn yes() -> bool {
    true
}

/// The items of the array member `key` of `value`, with their indexes.
fn items<'a>(value: &'a Value, key: &str) -> impl Iterator<Item = (usize, &'a Value)> {
    value
        .get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
}

/// The diagnostic for a time that fits the schema's pattern but is no instant.
fn bad_timestamp(text: &str, pointer: &str, error: &jiff::Error) -> Diagnostic {
    // Named as the schema's own messages name a member: `a.0.b`.
    let path = pointer.trim_start_matches('/').replace('/', ".");
    let examples: Vec<String> = SchemaKind::Inventory
        .value()
        .pointer("/$defs/timestamp/examples")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|example| format!("`{example}`"))
        .collect();
    Diagnostic::new(
        Code::NotARealTime,
        format!("`{text}` is not a real point in time for `{path}`: {error}"),
    )
    .at(pointer, "no such time")
    .with_help(format!("write it like {}", examples.join(", ")))
}
