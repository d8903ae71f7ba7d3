//! What a completed restore does to the estate: a new VM with its NIC and an
//! address in the target subnet, quota consumed; replaced disks with the
//! originals kept; restored disks and a template in the staging account.

use super::World;
use crate::emulator::jobs::RestoreKind;
use crate::model::{
    DiskRole, Nic, RecoveryPoint, TierKind, VirtualMachine, VmDisk, arm_id_name, arm_id_segment,
};
use jiff::Timestamp;
use serde::Serialize;
use serde_json::{Value, json};
use std::net::Ipv4Addr;

/// A restore whose job has just completed.
#[derive(Debug, Clone)]
pub struct CompletedRestore {
    /// What it produces.
    pub kind: RestoreKind,
    /// The job's id, which names what the restore creates.
    pub job_id: String,
    /// The ARM id of the backed-up VM.
    pub source_vm: String,
    /// The point restored.
    pub point: RecoveryPoint,
    /// The tier it was read from.
    pub tier: TierKind,
    /// The region restored into.
    pub region: String,
    /// The new VM's ARM id (alternate location).
    pub target_vm: Option<String>,
    /// The target subnet's ARM id (alternate location).
    pub subnet: Option<String>,
    /// The target resource group's ARM id.
    pub target_group: Option<String>,
    /// The staging storage account's ARM id.
    pub staging_account: Option<String>,
}

/// A managed disk a restore created outside any VM's disk list (restore
/// disks), or one it detached (the originals a replace keeps).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LooseDisk {
    /// The disk's ARM id.
    pub id: String,
    /// Its size in GiB, when known.
    #[serde(rename = "sizeGiB")]
    pub size_gib: Option<u64>,
    /// Why it is there: `restored` or `kept-original`.
    pub origin: String,
}

/// A blob in a staging account (the template of a disk restore).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Blob {
    /// The storage account's name.
    pub account: String,
    /// The container.
    pub container: String,
    /// The blob's name.
    pub name: String,
    /// Its JSON content.
    pub content: Value,
}

/// What a completed restore produced, for the job's properties.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Produced {
    /// The VM created or changed.
    pub vm: Option<String>,
    /// The new NIC's private address.
    pub private_ip: Option<String>,
    /// `account/container/blob` of the template of a disk restore.
    pub template: Option<String>,
}

impl World {
    /// Applies a completed restore and records each change.
    pub fn complete_restore(&mut self, done: &CompletedRestore, now: Timestamp) -> Produced {
        let produced = match done.kind {
            RestoreKind::AlternateLocation => self.create_vm(done, now),
            RestoreKind::OriginalLocation => self.replace_disks(done, now),
            RestoreKind::RestoreDisks => self.restore_disks(done, now),
        };
        self.inventory.reindex();
        produced
    }

    fn create_vm(&mut self, done: &CompletedRestore, now: Timestamp) -> Produced {
        let (Some(vm_id), Some(subnet)) = (&done.target_vm, &done.subnet) else {
            return Produced::default();
        };
        let name = arm_id_name(vm_id).to_owned();
        let group = vm_id
            .split("/providers/")
            .next()
            .unwrap_or_default()
            .to_owned();
        let source = self.inventory.vm_by_id(&done.source_vm).cloned();
        let private_ip = self.allocate_ip(subnet);
        let nic_id = format!("{group}/providers/Microsoft.Network/networkInterfaces/{name}-nic");
        let disks = restored_disks(&done.point, source.as_ref(), &name);
        let mut vm = source.unwrap_or_else(|| blank_vm(&done.point));
        vm.id = vm_id.clone();
        vm.name = name.clone();
        vm.region = done.region.clone();
        vm.exists = true;
        vm.zone = None;
        vm.size = done.point.vm_size.clone().or(vm.size);
        vm.disks = disks;
        vm.nics = vec![Nic {
            id: nic_id.clone(),
            subnet: Some(subnet.clone()),
            private_ip: private_ip.clone(),
            static_private_ip: false,
            public_ip: false,
            load_balancer: false,
            accelerated_networking: false,
        }];
        let subscription = arm_id_segment(vm_id, "subscriptions")
            .unwrap_or_default()
            .to_owned();
        let cores = vm.v_cpus.unwrap_or(0);
        let family = vm.family.clone();
        for quota in &mut self.inventory.quotas {
            let counts = quota.family.eq_ignore_ascii_case("cores")
                || family
                    .as_deref()
                    .is_some_and(|f| quota.family.eq_ignore_ascii_case(f));
            if counts
                && quota.subscription.eq_ignore_ascii_case(&subscription)
                && quota.region.eq_ignore_ascii_case(&done.region)
            {
                quota.used = quota.used.saturating_add(cores);
            }
        }
        if let Some(group) = self
            .inventory
            .resource_groups
            .iter_mut()
            .find(|g| g.id.eq_ignore_ascii_case(&group))
        {
            group.existing_names.push(name.clone());
            group.existing_names.push(format!("{name}-nic"));
        }
        self.inventory.virtual_machines.push(vm);
        let ip = private_ip
            .clone()
            .unwrap_or_else(|| "no address".to_owned());
        self.record(
            now,
            "vm-created",
            vm_id,
            format!(
                "restored from point {} of {}",
                done.point.id,
                arm_id_name(&done.source_vm)
            ),
        );
        self.record(
            now,
            "nic-created",
            &nic_id,
            format!("{ip} in {}", arm_id_name(subnet)),
        );
        Produced {
            vm: Some(vm_id.clone()),
            private_ip,
            template: None,
        }
    }

    fn replace_disks(&mut self, done: &CompletedRestore, now: Timestamp) -> Produced {
        let Some(position) = self
            .inventory
            .virtual_machines
            .iter()
            .position(|vm| vm.id.eq_ignore_ascii_case(&done.source_vm))
        else {
            return Produced::default();
        };
        let vm_id = self.inventory.virtual_machines[position].id.clone();
        let group = vm_id
            .split("/providers/")
            .next()
            .unwrap_or_default()
            .to_owned();
        let suffix = short(&done.job_id);
        let mut kept = Vec::new();
        for disk in &mut self.inventory.virtual_machines[position].disks {
            let replacement = format!("{}-{suffix}", disk.name);
            let original = std::mem::replace(&mut disk.name, replacement);
            kept.push((original, disk.size_gib, disk.name.clone()));
        }
        for (original, size_gib, replacement) in kept {
            let id = format!("{group}/providers/Microsoft.Compute/disks/{original}");
            self.loose_disks.push(LooseDisk {
                id: id.clone(),
                size_gib,
                origin: "kept-original".to_owned(),
            });
            self.record(
                now,
                "disk-replaced",
                &vm_id,
                format!(
                    "{original} replaced by {replacement}, restored from point {}",
                    done.point.id
                ),
            );
            self.record(
                now,
                "disk-kept",
                &id,
                format!("the original {original} is kept, detached"),
            );
        }
        Produced {
            vm: Some(vm_id),
            private_ip: None,
            template: None,
        }
    }

    fn restore_disks(&mut self, done: &CompletedRestore, now: Timestamp) -> Produced {
        let Some(account_id) = &done.staging_account else {
            return Produced::default();
        };
        let group = done.target_group.clone().unwrap_or_else(|| {
            done.source_vm
                .split("/providers/")
                .next()
                .unwrap_or_default()
                .to_owned()
        });
        let vm_name = arm_id_name(&done.source_vm).to_owned();
        let source = self.inventory.vm_by_id(&done.source_vm).cloned();
        let disks = restored_disks(
            &done.point,
            source.as_ref(),
            &format!("{vm_name}-{}", short(&done.job_id)),
        );
        let mut disk_ids = Vec::new();
        for disk in &disks {
            let id = format!("{group}/providers/Microsoft.Compute/disks/{}", disk.name);
            self.loose_disks.push(LooseDisk {
                id: id.clone(),
                size_gib: disk.size_gib,
                origin: "restored".to_owned(),
            });
            self.record(
                now,
                "disk-restored",
                &id,
                format!("from point {} of {vm_name}", done.point.id),
            );
            disk_ids.push(id);
        }
        let account = arm_id_name(account_id).to_owned();
        let container = format!("{vm_name}-{}", short(&done.job_id));
        let name = format!("azuredeploy{}.json", done.job_id);
        let template = super::template::write(
            &vm_name,
            &done.region,
            done.point.vm_size.as_deref(),
            &disk_ids,
        );
        self.blobs.push(Blob {
            account: account.clone(),
            container: container.clone(),
            name: name.clone(),
            content: template,
        });
        let path = format!("{account}/{container}/{name}");
        self.record(
            now,
            "template-written",
            account_id,
            format!("{container}/{name}"),
        );
        Produced {
            vm: None,
            private_ip: None,
            template: Some(path),
        }
    }

    /// The next free address of a subnet (Azure keeps the first four and the
    /// last), counted down from the subnet's free addresses.
    pub(super) fn allocate_ip(&mut self, subnet_id: &str) -> Option<String> {
        let used: std::collections::HashSet<Ipv4Addr> = self
            .inventory
            .virtual_machines
            .iter()
            .flat_map(|vm| &vm.nics)
            .filter(|nic| {
                nic.subnet
                    .as_deref()
                    .is_some_and(|s| s.eq_ignore_ascii_case(subnet_id))
            })
            .filter_map(|nic| nic.private_ip.as_deref()?.parse().ok())
            .collect();
        let (network_id, subnet_name) = subnet_id.rsplit_once("/subnets/")?;
        let network = self
            .inventory
            .virtual_networks
            .iter_mut()
            .find(|n| n.id.eq_ignore_ascii_case(network_id))?;
        let subnet = network
            .subnets
            .iter_mut()
            .find(|s| s.name.eq_ignore_ascii_case(subnet_name))?;
        if let Some(free) = &mut subnet.free_ips {
            *free = free.saturating_sub(1);
        }
        let (base, bits) = subnet.address_prefix.as_deref()?.split_once('/')?;
        let base: Ipv4Addr = base.parse().ok()?;
        let bits: u32 = bits.parse().ok().filter(|b| *b <= 29)?;
        let first = u32::from(base) & (u32::MAX << (32 - bits));
        let size = 1u32 << (32 - bits);
        (4..size - 1)
            .map(|offset| Ipv4Addr::from(first + offset))
            .find(|candidate| !used.contains(candidate))
            .map(|address| address.to_string())
    }
}

/// The disks a restore creates from a point, named after `prefix`.
fn restored_disks(
    point: &RecoveryPoint,
    source: Option<&VirtualMachine>,
    prefix: &str,
) -> Vec<VmDisk> {
    let kind = source
        .and_then(|vm| vm.os_disk())
        .map(|disk| disk.kind)
        .unwrap_or_default();
    point
        .disks
        .iter()
        .filter(|disk| disk.included)
        .map(|disk| VmDisk {
            name: match disk.lun {
                None => format!("{prefix}-osdisk"),
                Some(lun) => format!("{prefix}-datadisk-{lun}"),
            },
            lun: disk.lun,
            role: if disk.is_os_disk() {
                DiskRole::Os
            } else {
                DiskRole::Data
            },
            size_gib: disk.size_gib,
            kind,
            managed: true,
            write_accelerator: false,
            shared: false,
            storage_account: None,
        })
        .collect()
}

/// A VM for a point whose source VM the inventory does not list.
fn blank_vm(point: &RecoveryPoint) -> VirtualMachine {
    let value = json!({ "id": "", "name": "", "region": "", "size": point.vm_size });
    serde_json::from_value(value).expect("invariant: a VM with id, name and region reads")
}

/// The first eight characters of a job id, for names.
fn short(job_id: &str) -> &str {
    job_id.get(..8).unwrap_or(job_id)
}
