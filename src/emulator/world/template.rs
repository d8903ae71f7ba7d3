//! Template deployments of disk restores: the emulator reads the one shape of
//! template it writes (a VM attaching restored disks, named by the
//! `VirtualMachineName` parameter, placed by `VirtualNetwork` and `Subnet`)
//! and, when the deployment ends, creates that VM from the restored disks.

use super::World;
use crate::model::{DiskRole, Nic, VirtualMachine, VmDisk, arm_id_name};
use jiff::Timestamp;
use serde_json::{Value, json};

/// The VM a deployment creates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateVm {
    /// The new VM's ARM id.
    pub vm_id: String,
    /// Its region.
    pub region: String,
    /// Its size.
    pub size: Option<String>,
    /// The managed disks it attaches, OS disk first.
    pub disk_ids: Vec<String>,
    /// The subnet of its NIC.
    pub subnet: Option<String>,
}

impl TemplateVm {
    /// Reads the VM of a template deployed into the resource group `group_id`;
    /// the error is `(code, message)` as ARM's template validation gives it.
    pub fn read(
        group_id: &str,
        template: &Value,
        parameters: &Value,
    ) -> Result<Self, (String, String)> {
        let invalid = |message: &str| ("InvalidTemplate".to_owned(), message.to_owned());
        let parameter = |name: &str| {
            parameters
                .pointer(&format!("/{name}/value"))
                .or_else(|| template.pointer(&format!("/parameters/{name}/defaultValue")))
                .and_then(Value::as_str)
        };
        let vm = template
            .get("resources")
            .and_then(Value::as_array)
            .and_then(|resources| {
                resources.iter().find(|r| {
                    r.get("type").and_then(Value::as_str).is_some_and(|t| {
                        t.eq_ignore_ascii_case("Microsoft.Compute/virtualMachines")
                    })
                })
            })
            .ok_or_else(|| {
                invalid("The template has no Microsoft.Compute/virtualMachines resource.")
            })?;
        let name = match vm.get("name").and_then(Value::as_str) {
            Some("[parameters('VirtualMachineName')]") => parameter("VirtualMachineName"),
            other => other,
        }
        .filter(|name| {
            group(group_id)
                .is_some_and(|group| crate::azure::id::VirtualMachineId::new(group, name).is_ok())
        })
        .ok_or_else(|| invalid("The template's virtual machine has no valid name."))?;
        let region = vm
            .get("location")
            .and_then(Value::as_str)
            .ok_or_else(|| invalid("The template's virtual machine has no location."))?;
        let storage = vm.pointer("/properties/storageProfile");
        let os_disk = storage
            .and_then(|s| s.pointer("/osDisk/managedDisk/id"))
            .and_then(Value::as_str)
            .ok_or_else(|| invalid("The template's virtual machine attaches no OS disk."))?;
        let data_disks = storage
            .and_then(|s| s.get("dataDisks"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|disk| disk.pointer("/managedDisk/id").and_then(Value::as_str));
        let subnet = match (parameter("VirtualNetwork"), parameter("Subnet")) {
            (Some(network), Some(subnet)) => Some(format!("{network}/subnets/{subnet}")),
            _ => None,
        };
        Ok(TemplateVm {
            vm_id: format!("{group_id}/providers/Microsoft.Compute/virtualMachines/{name}"),
            region: region.to_owned(),
            size: vm
                .pointer("/properties/hardwareProfile/vmSize")
                .and_then(Value::as_str)
                .map(str::to_owned),
            disk_ids: std::iter::once(os_disk)
                .chain(data_disks)
                .map(str::to_owned)
                .collect(),
            subnet,
        })
    }
}

/// The typed resource group of an id, for name checks.
fn group(group_id: &str) -> Option<crate::azure::id::ResourceGroupId> {
    group_id.parse().ok()
}

/// The ARM template a disk restore writes: a VM attaching the restored disks.
pub(super) fn write(vm_name: &str, region: &str, size: Option<&str>, disk_ids: &[String]) -> Value {
    let data_disks: Vec<Value> = disk_ids
        .iter()
        .skip(1)
        .enumerate()
        .map(|(lun, id)| json!({ "lun": lun, "createOption": "Attach", "managedDisk": { "id": id } }))
        .collect();
    json!({
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "parameters": {
            "VirtualMachineName": { "type": "string", "defaultValue": vm_name },
            "VirtualNetwork": { "type": "string" },
            "Subnet": { "type": "string" }
        },
        "resources": [{
            "type": "Microsoft.Compute/virtualMachines",
            "apiVersion": "2024-07-01",
            "name": "[parameters('VirtualMachineName')]",
            "location": region,
            "properties": {
                "hardwareProfile": { "vmSize": size },
                "storageProfile": {
                    "osDisk": { "createOption": "Attach", "managedDisk": { "id": disk_ids.first() } },
                    "dataDisks": data_disks
                }
            }
        }]
    })
}

impl World {
    /// Creates the VM of a deployment from restored disks; the error is
    /// `(code, message)` for the deployment's failure.
    pub fn create_vm_from_template(
        &mut self,
        vm: &TemplateVm,
        now: Timestamp,
    ) -> Result<(), (String, String)> {
        if self
            .inventory
            .vm_by_id(&vm.vm_id)
            .is_some_and(|existing| existing.exists)
        {
            return Err((
                "ResourceAlreadyExists".to_owned(),
                format!(
                    "Virtual machine '{}' already exists.",
                    arm_id_name(&vm.vm_id)
                ),
            ));
        }
        let mut disks = Vec::new();
        for (position, id) in vm.disk_ids.iter().enumerate() {
            let Some(index) = self
                .loose_disks
                .iter()
                .position(|d| d.id.eq_ignore_ascii_case(id))
            else {
                return Err((
                    "NotFound".to_owned(),
                    format!("Disk '{}' was not found.", arm_id_name(id)),
                ));
            };
            let disk = self.loose_disks.remove(index);
            disks.push(VmDisk {
                name: arm_id_name(&disk.id).to_owned(),
                lun: position
                    .checked_sub(1)
                    .and_then(|lun| u8::try_from(lun).ok()),
                role: if position == 0 {
                    DiskRole::Os
                } else {
                    DiskRole::Data
                },
                size_gib: disk.size_gib,
                kind: Default::default(),
                managed: true,
                write_accelerator: false,
                shared: false,
                storage_account: None,
            });
        }
        let name = arm_id_name(&vm.vm_id).to_owned();
        let group_id = vm
            .vm_id
            .split("/providers/")
            .next()
            .unwrap_or_default()
            .to_owned();
        let nic_id = format!("{group_id}/providers/Microsoft.Network/networkInterfaces/{name}-nic");
        let private_ip = vm
            .subnet
            .as_deref()
            .and_then(|subnet| self.allocate_ip(subnet));
        let value = json!({ "id": vm.vm_id, "name": name, "region": vm.region, "size": vm.size });
        let mut created: VirtualMachine =
            serde_json::from_value(value).expect("invariant: a VM with id, name and region reads");
        created.disks = disks;
        created.nics = vm
            .subnet
            .iter()
            .map(|subnet| Nic {
                id: nic_id.clone(),
                subnet: Some(subnet.clone()),
                private_ip: private_ip.clone(),
                static_private_ip: false,
                public_ip: false,
                load_balancer: false,
                accelerated_networking: false,
            })
            .collect();
        self.inventory.virtual_machines.push(created);
        self.inventory.reindex();
        self.record(
            now,
            "vm-created",
            &vm.vm_id,
            "deployed from the template of a disk restore".to_owned(),
        );
        if let Some(subnet) = &vm.subnet {
            let ip = private_ip.unwrap_or_else(|| "no address".to_owned());
            self.record(
                now,
                "nic-created",
                &nic_id,
                format!("{ip} in {}", arm_id_name(subnet)),
            );
        }
        Ok(())
    }
}
