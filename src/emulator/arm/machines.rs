//! A VM of the world as ARM's VM resource shows it: size, zone, disks,
//! image and plan, identities, encryption, security type, licence,
//! priority, placement and network interfaces, in the resource's own shape.

use crate::azure::wire::ResourceMeta;
use crate::azure::wire::compute::{
    Disk, HardwareProfile, StorageProfile, VirtualMachine as WireVm, VirtualMachineProperties,
};
use crate::model::{DiskRole, VirtualMachine};
use serde_json::json;

/// A VM as ARM shows it: every fact of the inventory's VM that ARM's VM
/// resource carries, in the resource's own shape (`inventory export` reads
/// them back; see `crate::azure::discover`).
pub(super) fn wire_vm(vm: &VirtualMachine) -> WireVm {
    use crate::azure::wire::compute::{PurchasePlan, SubResource, VirtualMachineIdentity};
    let encryption = &vm.encryption;
    let disk = |d: &crate::model::VmDisk| {
        Disk {
        lun: d.lun.map(i32::from),
        name: Some(d.name.clone()),
        os_type: (d.role == DiskRole::Os)
            .then(|| vm.os.map(|os| os_type(os).to_owned()))
            .flatten(),
        disk_size_gb: d.size_gib.and_then(|s| i64::try_from(s).ok()),
        managed_disk: d.managed.then(|| {
            let mut managed = json!({ "storageAccountType": d.kind.as_str() });
            if let Some(set) = &encryption.disk_encryption_set {
                managed["diskEncryptionSet"] = json!({ "id": set });
            }
            managed
        }),
        // An unmanaged disk is a VHD blob; the inventory may not say in which account.
        vhd: (!d.managed).then(|| {
            let account = d
                .storage_account
                .as_deref()
                .map_or("unlisted", crate::model::arm_id_name);
            json!({ "uri": format!("https://{account}.blob.core.windows.net/vhds/{}.vhd", d.name) })
        }),
        encryption_settings: (d.role == DiskRole::Os && encryption.ade)
            .then(|| json!({ "enabled": true })),
        write_accelerator_enabled: d.write_accelerator.then_some(true),
        create_option: None,
    }
    };
    let reference = |id: &Option<String>| id.clone().map(|id| SubResource { id: Some(id) });
    let image_reference = vm.image.as_ref().and_then(|image| {
        let group = vm.id.split("/providers/").next().unwrap_or_default();
        match image.kind {
            crate::model::ImageKind::Marketplace => Some(json!({
                "publisher": image.publisher,
                "offer": image.offer,
                "sku": image.sku,
                "version": "latest"
            })),
            crate::model::ImageKind::Custom => Some(json!({
                "id": format!("{group}/providers/Microsoft.Compute/images/{}-image", vm.name)
            })),
            crate::model::ImageKind::Gallery => Some(json!({
                "id": format!("{group}/providers/Microsoft.Compute/galleries/gallery/images/{}/versions/latest", vm.name)
            })),
            crate::model::ImageKind::Specialized => None,
        }
    });
    let specialized = vm
        .image
        .as_ref()
        .is_some_and(|image| image.kind == crate::model::ImageKind::Specialized);
    let os_disk = vm
        .disks
        .iter()
        .find(|d| d.role == DiskRole::Os)
        .map(|d| Disk {
            // A VM made from an existing disk has no image: its OS disk was attached.
            create_option: Some(if specialized { "Attach" } else { "FromImage" }.to_owned()),
            ..disk(d)
        });
    let identity = &vm.identity;
    let identity_type = match (identity.system_assigned, identity.user_assigned.is_empty()) {
        (true, true) => Some("SystemAssigned"),
        (true, false) => Some("SystemAssigned, UserAssigned"),
        (false, false) => Some("UserAssigned"),
        (false, true) => None,
    };
    let mut security = json!({ "securityType": vm.security_type.as_str() });
    if encryption.host_encryption {
        security["encryptionAtHost"] = json!(true);
    }
    WireVm {
        meta: ResourceMeta {
            id: Some(vm.id.clone()),
            name: Some(vm.name.clone()),
            kind: Some("Microsoft.Compute/virtualMachines".to_owned()),
            location: Some(vm.region.clone()),
            tags: (!vm.tags.is_empty()).then(|| vm.tags.clone()),
            ..ResourceMeta::default()
        },
        zones: vm.zone.map(|zone| vec![zone.to_string()]),
        identity: identity_type.map(|kind| VirtualMachineIdentity {
            kind: Some(kind.to_owned()),
            user_assigned_identities: (!identity.user_assigned.is_empty()).then(|| {
                identity
                    .user_assigned
                    .iter()
                    .map(|id| (id.clone(), json!({})))
                    .collect()
            }),
        }),
        plan: vm
            .image
            .as_ref()
            .and_then(|image| image.plan.as_ref())
            .map(|plan| PurchasePlan {
                name: Some(plan.name.clone()),
                publisher: Some(plan.publisher.clone()),
                product: Some(plan.product.clone()),
            }),
        properties: Some(VirtualMachineProperties {
            hardware_profile: Some(HardwareProfile {
                vm_size: vm.size.clone(),
            }),
            storage_profile: Some(StorageProfile {
                image_reference,
                os_disk,
                data_disks: Some(
                    vm.disks
                        .iter()
                        .filter(|d| d.role == DiskRole::Data)
                        .map(disk)
                        .collect(),
                ),
            }),
            security_profile: Some(security),
            network_profile: Some(json!({
                "networkInterfaces": vm.nics.iter().enumerate().map(|(i, nic)| json!({ "id": nic.id, "properties": { "primary": i == 0 } })).collect::<Vec<_>>()
            })),
            provisioning_state: Some("Succeeded".to_owned()),
            license_type: vm.license_type.clone(),
            priority: vm.spot.then(|| "Spot".to_owned()),
            availability_set: reference(&vm.availability_set),
            proximity_placement_group: reference(&vm.proximity_placement_group),
            host: reference(&vm.dedicated_host),
            instance_view: None,
        }),
    }
}

/// The VM with only its instance view, as `VirtualMachines_ListAll` with
/// `statusOnly=true` lists it.
pub(super) fn wire_vm_status(vm: &VirtualMachine) -> WireVm {
    use crate::azure::wire::compute::{InstanceView, InstanceViewStatus};
    let status = |code: &str| InstanceViewStatus {
        code: Some(code.to_owned()),
    };
    let mut statuses = vec![
        status("ProvisioningState/succeeded"),
        status("PowerState/running"),
    ];
    if vm.generalized {
        statuses.push(status("OSState/generalized"));
    }
    WireVm {
        meta: ResourceMeta {
            id: Some(vm.id.clone()),
            name: Some(vm.name.clone()),
            kind: Some("Microsoft.Compute/virtualMachines".to_owned()),
            location: Some(vm.region.clone()),
            ..ResourceMeta::default()
        },
        zones: None,
        identity: None,
        plan: None,
        properties: Some(VirtualMachineProperties {
            instance_view: Some(InstanceView {
                statuses: Some(statuses),
            }),
            ..VirtualMachineProperties::default()
        }),
    }
}

/// The OS type as ARM spells it.
fn os_type(os: crate::model::Os) -> &'static str {
    match os {
        crate::model::Os::Windows => "Windows",
        crate::model::Os::Linux => "Linux",
    }
}
