//! Virtual machines as the inventory has them: ARM's VM resource read into
//! disks, encryption, identities, image, security and placement facts, the
//! network interfaces read one by one, and the protected VMs ARM no longer
//! has added as deleted.

use std::collections::HashMap;

use super::Progress;
use super::estate::{SizeFacts, account_of_vhd, from_azure};
use super::{Problems, in_parallel};
use crate::azure::api;
use crate::azure::backup::Backup;
use crate::azure::id::NetworkInterfaceId;
use crate::azure::wire::compute::{Disk, VirtualMachine as WireVm};
use crate::azure::wire::network::NetworkInterface;
use crate::model::{
    DiskRole, DiskSku, ImageKind, Inventory, Nic, Os, PurchasePlan, SecurityType, StorageAccount,
    VirtualMachine, VmDisk, VmEncryption, VmIdentity, VmImage, arm_id_name, same_arm_id,
};

/// The inventory's VMs for ARM's, each with its network interfaces read.
pub(super) async fn machines(
    backup: &Backup,
    wire: Vec<WireVm>,
    sizes: &HashMap<String, SizeFacts>,
    accounts: &[StorageAccount],
    problems: &mut Problems,
    progress: &dyn Progress,
) -> Vec<VirtualMachine> {
    progress.expect(u64::try_from(wire.len()).unwrap_or(u64::MAX));
    let built: Vec<VirtualMachine> = wire
        .iter()
        .filter_map(|vm| machine(vm, sizes, accounts))
        .collect();
    let read = in_parallel(built, |mut machine| {
        let backup = backup.clone();
        async move {
            let mut problems = Problems::default();
            for nic in &mut machine.nics {
                read_nic(&backup, nic, &mut problems).await;
            }
            (machine, problems.0)
        }
    })
    .await;
    let mut machines = Vec::with_capacity(read.len());
    for (machine, found) in read {
        problems.0.extend(found);
        progress.done(&format!("VM {}", machine.name));
        machines.push(machine);
    }
    machines
}

/// Fills a NIC's subnet, address and options from `NetworkInterfaces_Get`.
async fn read_nic(backup: &Backup, nic: &mut Nic, problems: &mut Problems) {
    let Ok(id) = nic.id.parse::<NetworkInterfaceId>() else {
        return;
    };
    let read: NetworkInterface = match backup
        .arm()
        .send_json(&api::network_interface_get(&id), None)
        .await
    {
        Ok(read) => read,
        Err(error) => {
            problems.detail(&format!("network interface {}", nic.id), &error);
            return;
        }
    };
    let properties = read.properties.as_ref();
    let configurations = properties
        .and_then(|p| p.ip_configurations.as_deref())
        .unwrap_or_default();
    let primary = configurations
        .iter()
        .find(|c| c.properties.as_ref().and_then(|p| p.primary) == Some(true))
        .or_else(|| configurations.first())
        .and_then(|c| c.properties.as_ref());
    nic.private_ip = read.primary_private_ip().map(str::to_owned);
    nic.subnet = primary.and_then(|p| p.subnet.as_ref()?.id.clone());
    nic.accelerated_networking = properties
        .and_then(|p| p.enable_accelerated_networking)
        .unwrap_or(false);
    nic.public_ip = configurations
        .iter()
        .filter_map(|c| c.properties.as_ref())
        .any(|p| p.public_ip_address.is_some());
    nic.load_balancer = configurations
        .iter()
        .filter_map(|c| c.properties.as_ref())
        .any(|p| {
            p.load_balancer_backend_address_pools
                .as_ref()
                .is_some_and(|pools| !pools.is_empty())
        });
    nic.static_private_ip = primary
        .and_then(|p| p.private_ip_allocation_method.as_deref())
        .is_some_and(|m| m.eq_ignore_ascii_case("Static"));
}

/// One VM as the inventory has it; `None` for an entry without id, name or region.
fn machine(
    vm: &WireVm,
    sizes: &HashMap<String, SizeFacts>,
    accounts: &[StorageAccount],
) -> Option<VirtualMachine> {
    let id = vm.meta.id.clone()?;
    let properties = vm.properties.clone().unwrap_or_default();
    let storage = properties.storage_profile.clone().unwrap_or_default();
    let size = properties
        .hardware_profile
        .as_ref()
        .and_then(|h| h.vm_size.clone());
    let facts = size
        .as_ref()
        .and_then(|s| sizes.get(&s.to_ascii_lowercase()));
    let os_disk = storage.os_disk.as_ref();
    let security = properties.security_profile.as_ref();
    let mut disks: Vec<VmDisk> = os_disk
        .map(|d| disk(d, DiskRole::Os, accounts))
        .into_iter()
        .collect();
    disks.extend(
        storage
            .data_disks
            .iter()
            .flatten()
            .map(|d| disk(d, DiskRole::Data, accounts)),
    );
    let disk_encryption_set = os_disk
        .and_then(|d| d.managed_disk.as_ref())
        .and_then(|m| m.pointer("/diskEncryptionSet/id"))
        .and_then(serde_json::Value::as_str)
        .map(str::to_owned);
    let encryption = VmEncryption {
        ade: os_disk
            .and_then(|d| d.encryption_settings.as_ref())
            .and_then(|s| s.get("enabled"))
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(false),
        cmk: disk_encryption_set.is_some(),
        disk_encryption_set,
        host_encryption: security
            .and_then(|s| s.get("encryptionAtHost"))
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(false),
        ..VmEncryption::default()
    };
    let identity_kind = vm
        .identity
        .as_ref()
        .and_then(|i| i.kind.clone())
        .unwrap_or_default();
    let identity = VmIdentity {
        system_assigned: identity_kind
            .to_ascii_lowercase()
            .contains("systemassigned"),
        user_assigned: vm
            .identity
            .as_ref()
            .and_then(|i| i.user_assigned_identities.as_ref())
            .map(|ids| ids.keys().cloned().collect())
            .unwrap_or_default(),
    };
    let mut nics: Vec<(bool, Nic)> = properties
        .network_profile
        .as_ref()
        .and_then(|p| p.get("networkInterfaces"))
        .and_then(serde_json::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|nic| {
            let id = nic.get("id")?.as_str()?.to_owned();
            let primary = nic
                .pointer("/properties/primary")
                .and_then(serde_json::Value::as_bool)
                .unwrap_or(false);
            Some((
                primary,
                Nic {
                    id,
                    subnet: None,
                    private_ip: None,
                    static_private_ip: false,
                    public_ip: false,
                    load_balancer: false,
                    accelerated_networking: false,
                },
            ))
        })
        .collect();
    // The primary interface first, as the inventory lists them.
    nics.sort_by_key(|(primary, _)| !primary);
    Some(VirtualMachine {
        name: vm
            .meta
            .name
            .clone()
            .unwrap_or_else(|| arm_id_name(&id).to_owned()),
        region: vm.meta.location.clone()?,
        zone: vm
            .zones
            .as_ref()
            .and_then(|z| z.first())
            .and_then(|z| z.parse().ok()),
        os: os_disk.and_then(|d| d.os_type.as_deref()).and_then(os),
        family: facts.map(|f| f.family.clone()),
        v_cpus: facts.map(|f| f.v_cpus),
        size,
        exists: true,
        generalized: false,
        spot: properties
            .priority
            .as_deref()
            .is_some_and(|p| p.eq_ignore_ascii_case("Spot")),
        license_type: properties
            .license_type
            .clone()
            .filter(|l| !l.eq_ignore_ascii_case("None")),
        disks,
        encryption,
        identity,
        image: image(vm, os_disk),
        security_type: from_azure!(
            SecurityType,
            security
                .and_then(|s| s.get("securityType"))
                .and_then(serde_json::Value::as_str)
        )
        .unwrap_or_default(),
        availability_set: properties.availability_set.and_then(|r| r.id),
        dedicated_host: properties.host.and_then(|r| r.id),
        proximity_placement_group: properties.proximity_placement_group.and_then(|r| r.id),
        diagnostic_settings: false,
        nics: nics.into_iter().map(|(_, nic)| nic).collect(),
        tags: vm.meta.tags.clone().unwrap_or_default(),
        id,
    })
}

/// ARM's `Windows`/`Linux`.
pub(super) fn os(text: &str) -> Option<Os> {
    match text.to_ascii_lowercase().as_str() {
        "windows" => Some(Os::Windows),
        "linux" => Some(Os::Linux),
        _ => None,
    }
}

/// A disk of a VM.
fn disk(wire: &Disk, role: DiskRole, accounts: &[StorageAccount]) -> VmDisk {
    let managed = wire.managed_disk.is_some() || wire.vhd.is_none();
    VmDisk {
        name: wire.name.clone().unwrap_or_default(),
        lun: wire
            .lun
            .and_then(|l| u8::try_from(l).ok())
            .filter(|_| role == DiskRole::Data),
        role,
        size_gib: wire.disk_size_gb.and_then(|s| u64::try_from(s).ok()),
        kind: from_azure!(
            DiskSku,
            wire.managed_disk
                .as_ref()
                .and_then(|m| m.get("storageAccountType"))
                .and_then(serde_json::Value::as_str)
        )
        .unwrap_or_default(),
        managed,
        write_accelerator: wire.write_accelerator_enabled.unwrap_or(false),
        shared: false,
        storage_account: wire
            .vhd
            .as_ref()
            .and_then(|v| v.get("uri"))
            .and_then(serde_json::Value::as_str)
            .and_then(|uri| account_of_vhd(accounts, uri)),
    }
}

/// The image a VM was made from: Marketplace (with its plan), a gallery or
/// a managed image by id, or none for a VM whose OS disk was attached.
fn image(vm: &WireVm, os_disk: Option<&Disk>) -> Option<VmImage> {
    let reference = vm
        .properties
        .as_ref()
        .and_then(|p| p.storage_profile.as_ref())
        .and_then(|s| s.image_reference.as_ref());
    let text = |key: &str| {
        reference
            .and_then(|r| r.get(key))
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned)
    };
    let bare = |kind| VmImage {
        kind,
        publisher: None,
        offer: None,
        sku: None,
        plan: None,
    };
    if let Some(publisher) = text("publisher") {
        return Some(VmImage {
            kind: ImageKind::Marketplace,
            publisher: Some(publisher),
            offer: text("offer"),
            sku: text("sku"),
            plan: vm.plan.as_ref().and_then(|plan| {
                Some(PurchasePlan {
                    publisher: plan.publisher.clone()?,
                    product: plan.product.clone()?,
                    name: plan.name.clone()?,
                })
            }),
        });
    }
    let gallery = ["sharedGalleryImageId", "communityGalleryImageId"]
        .iter()
        .any(|k| text(k).is_some());
    match text("id") {
        Some(id) if id.to_ascii_lowercase().contains("/galleries/") => {
            Some(bare(ImageKind::Gallery))
        }
        Some(_) => Some(bare(ImageKind::Custom)),
        None if gallery => Some(bare(ImageKind::Gallery)),
        None if os_disk
            .and_then(|d| d.create_option.as_deref())
            .is_some_and(|c| c.eq_ignore_ascii_case("Attach")) =>
        {
            Some(bare(ImageKind::Specialized))
        }
        None => None,
    }
}

/// Adds, for every protected VM that ARM no longer has, a deleted VM built
/// from its newest recovery point in its vault's region.
pub(super) fn add_deleted_machines(
    inventory: &mut Inventory,
    os_by_vm: &HashMap<String, Os>,
    sizes: &HashMap<String, SizeFacts>,
) {
    let mut deleted: Vec<VirtualMachine> = Vec::new();
    for vault in &inventory.vaults {
        for item in &vault.protected_items {
            let known = inventory
                .virtual_machines
                .iter()
                .chain(&deleted)
                .any(|vm| same_arm_id(&vm.id, &item.vm));
            let Some(point) = item
                .recovery_points
                .iter()
                .max_by_key(|p| p.time)
                .filter(|_| !known)
            else {
                continue;
            };
            let facts = point
                .vm_size
                .as_ref()
                .and_then(|s| sizes.get(&s.to_ascii_lowercase()));
            deleted.push(VirtualMachine {
                id: item.vm.clone(),
                name: item.vm_name().to_owned(),
                region: vault.region.clone(),
                zone: point.zones.first().copied(),
                os: os_by_vm.get(&item.vm.to_ascii_lowercase()).copied(),
                size: point.vm_size.clone(),
                family: facts.map(|f| f.family.clone()),
                v_cpus: facts.map(|f| f.v_cpus),
                exists: false,
                generalized: false,
                spot: false,
                license_type: None,
                disks: point
                    .disks
                    .iter()
                    .map(|d| VmDisk {
                        name: d.name.clone().unwrap_or_default(),
                        lun: d.lun,
                        role: if d.is_os_disk() {
                            DiskRole::Os
                        } else {
                            DiskRole::Data
                        },
                        size_gib: d.size_gib,
                        kind: DiskSku::default(),
                        managed: point.managed,
                        write_accelerator: false,
                        shared: false,
                        storage_account: None,
                    })
                    .collect(),
                encryption: VmEncryption {
                    ade: point.encrypted,
                    ..VmEncryption::default()
                },
                identity: VmIdentity::default(),
                image: None,
                security_type: point.security_type.unwrap_or_default(),
                availability_set: None,
                dedicated_host: None,
                proximity_placement_group: None,
                diagnostic_settings: false,
                nics: Vec::new(),
                tags: Default::default(),
            });
        }
    }
    inventory.virtual_machines.extend(deleted);
}
