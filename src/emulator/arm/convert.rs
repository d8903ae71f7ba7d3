//! The world in Azure's shapes: inventory facts turned into the contract's
//! wire types (protected items, recovery points, jobs, operation statuses).

use crate::azure::id::ProtectedItemId;
use crate::azure::wire::ResourceMeta;
use crate::azure::wire::job::{
    IaasVmErrorInfo, IaasVmJob, IaasVmJobExtendedInfo, IaasVmJobTask, Job, JobResource, JobStatus,
    TEMPLATE_BLOB_URI,
};
use crate::azure::wire::protected_item::{
    IaasVmProtectedItem, ProtectedItem as WireItem, ProtectedItemResource,
};
use crate::azure::wire::recovery_point::{
    DiskConfiguration, DiskInformation, IaasVmRecoveryPoint, RecoveryPoint as WirePoint,
    RecoveryPointProperties, RecoveryPointResource, TierInformation, TierStatus, TierType,
};
use crate::emulator::world::{JobOutcome, JobRecord};
use crate::model::{
    Consistency, InventoryVault, Os, ProtectedItem, RecoveryPoint, TierKind, VirtualMachine,
};
use indexmap::IndexMap;
use jiff::{SignedDuration, Timestamp};

/// The protected item of an inventory item.
pub fn protected_item(
    id: &ProtectedItemId,
    vault: &InventoryVault,
    item: &ProtectedItem,
) -> ProtectedItemResource {
    ProtectedItemResource {
        meta: ResourceMeta {
            id: Some(id.to_string()),
            name: Some(id.item_name()),
            kind: Some("Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems".to_owned()),
            ..ResourceMeta::default()
        },
        properties: Some(WireItem::ComputeVm(Box::new(IaasVmProtectedItem {
            backup_management_type: Some("AzureIaasVM".to_owned()),
            workload_type: Some("VM".to_owned()),
            container_name: Some(id.container_name()),
            source_resource_id: Some(item.vm.clone()),
            policy_name: item.policy.clone(),
            vault_id: Some(vault.id.clone()),
            friendly_name: Some(item.vm_name().to_owned()),
            virtual_machine_id: Some(item.vm.clone()),
            protection_status: Some("Healthy".to_owned()),
            protection_state: Some("Protected".to_owned()),
            health_status: Some("Passed".to_owned()),
            last_backup_status: Some("Completed".to_owned()),
            last_recovery_point: item.recovery_points.iter().map(|p| p.time).max(),
            last_backup_time: item.recovery_points.iter().map(|p| p.time).max(),
            ..IaasVmProtectedItem::default()
        }))),
    }
}

/// The recovery point resource of an inventory point; `secondary` shows it
/// as the paired region does (its vault tier only).
pub fn recovery_point(
    item_id: &ProtectedItemId,
    point: &RecoveryPoint,
    vm: Option<&VirtualMachine>,
    secondary: bool,
) -> RecoveryPointResource {
    let tiers = point
        .tiers
        .iter()
        .filter(|tier| !secondary || tier.kind == TierKind::Vault)
        .map(|tier| TierInformation {
            tier: Some(match tier.kind {
                TierKind::Snapshot => TierType::InstantRp,
                TierKind::Vault => TierType::HardenedRp,
                TierKind::Archive => TierType::ArchivedRp,
            }),
            status: Some(match tier.status {
                crate::model::TierStatus::Valid => TierStatus::Valid,
                crate::model::TierStatus::Deleted => TierStatus::Deleted,
                crate::model::TierStatus::Rehydrated => TierStatus::Rehydrated,
                crate::model::TierStatus::Disabled => TierStatus::Disabled,
            }),
            extended_info: None,
        })
        .collect();
    let disk_list = |included: bool| {
        point
            .disks
            .iter()
            .filter(|disk| disk.included == included)
            .map(|disk| DiskInformation {
                lun: disk.lun.map(i32::from).or(Some(-1)),
                name: disk.name.clone(),
            })
            .collect::<Vec<_>>()
    };
    let included = disk_list(true);
    let excluded = disk_list(false);
    let expiry = point.tiers.iter().filter_map(|t| t.expires_at).max();
    RecoveryPointResource {
        meta: ResourceMeta {
            id: Some(format!("{item_id}/recoveryPoints/{}", point.id)),
            name: Some(point.id.clone()),
            kind: Some("Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems/recoveryPoints".to_owned()),
            ..ResourceMeta::default()
        },
        properties: Some(WirePoint::IaasVm(Box::new(IaasVmRecoveryPoint {
            recovery_point_type: Some(
                match point.consistency {
                    Consistency::ApplicationConsistent => "AppConsistent",
                    Consistency::FileSystemConsistent => "FileSystemConsistent",
                    Consistency::CrashConsistent => "CrashConsistent",
                }
                .to_owned(),
            ),
            recovery_point_time: Some(point.time),
            is_source_vm_encrypted: Some(point.encrypted),
            key_and_secret: point
                .encrypted
                .then(|| vm.map(|vm| ade_key_and_secret(&vm.id, &point.id)))
                .flatten(),
            is_instant_ilr_session_active: Some(point.ilr_session_active),
            recovery_point_tier_details: Some(tiers),
            is_managed_virtual_machine: Some(point.managed),
            virtual_machine_size: point.vm_size.clone().or_else(|| vm.and_then(|vm| vm.size.clone())),
            original_storage_account_option: Some(false),
            os_type: vm.and_then(|vm| vm.os).map(|os| match os {
                Os::Windows => "Windows".to_owned(),
                Os::Linux => "Linux".to_owned(),
            }),
            recovery_point_disk_configuration: Some(DiskConfiguration {
                number_of_disks_included_in_backup: i32::try_from(included.len()).ok(),
                number_of_disks_attached_to_vm: i32::try_from(point.disks.len()).ok(),
                included_disk_list: Some(included),
                excluded_disk_list: Some(excluded),
            }),
            zones: (!point.zones.is_empty()).then(|| point.zones.iter().map(u8::to_string).collect()),
            security_type: point.security_type.map(|s| s.as_str().to_owned()),
            recovery_point_properties: Some(RecoveryPointProperties {
                expiry_time: expiry.map(|t| t.to_string()),
                rule_name: None,
                is_soft_deleted: Some(point.soft_deleted),
            }),
            is_private_access_enabled_on_any_disk: Some(point.private_access_on_any_disk),
            ..IaasVmRecoveryPoint::default()
        }))),
    }
}

/// A job as `JobDetails_Get` answers it at `now`.
pub fn job(job: &JobRecord, now: Timestamp, blob_base: &str) -> JobResource {
    let progress = job.progress_at(now);
    let (status, ended, error) = match &job.outcome {
        None => (JobStatus::InProgress, None, None),
        Some(JobOutcome::Completed { ended, .. }) => (JobStatus::Completed, Some(*ended), None),
        Some(JobOutcome::Cancelled { ended }) => (JobStatus::Cancelled, Some(*ended), None),
        Some(JobOutcome::Failed { ended, code }) => {
            (JobStatus::Failed, Some(*ended), Some(code.clone()))
        }
    };
    let tasks = progress
        .tasks
        .iter()
        .map(|task| IaasVmJobTask {
            task_id: Some(task.name.to_owned()),
            start_time: task.start,
            end_time: task.end,
            duration: Some(iso_duration(task.duration)),
            status: Some(match (&status, task.state) {
                (
                    JobStatus::Failed | JobStatus::Cancelled,
                    crate::emulator::jobs::TaskState::InProgress,
                ) => status.clone(),
                (_, state) => JobStatus::from_text(state.as_str()),
            }),
            progress_percentage: Some(round(task.percent)),
            ..IaasVmJobTask::default()
        })
        .collect();
    let mut bag = IndexMap::new();
    let job_type = match job.restore.kind {
        crate::emulator::jobs::RestoreKind::RestoreDisks => "Recover disks",
        crate::emulator::jobs::RestoreKind::AlternateLocation => "Restore VM",
        crate::emulator::jobs::RestoreKind::OriginalLocation => "Replace disks",
    };
    bag.insert("Job Type".to_owned(), job_type.to_owned());
    bag.insert(
        "Recovery point time ".to_owned(),
        job.restore.point.time.to_string(),
    );
    if let Some(account) = &job.restore.staging_account {
        bag.insert(
            "Target Storage Account Name".to_owned(),
            crate::model::arm_id_name(account).to_owned(),
        );
    }
    if let Some(group) = &job.restore.target_group {
        bag.insert(
            "Target resource group".to_owned(),
            crate::model::arm_id_name(group).to_owned(),
        );
    }
    if let Some(JobOutcome::Completed { produced, .. }) = &job.outcome {
        if let Some(template) = &produced.template {
            bag.insert(
                TEMPLATE_BLOB_URI.to_owned(),
                format!("{blob_base}/{template}"),
            );
        }
        if let Some(vm) = &produced.vm {
            bag.insert("Target VM".to_owned(), vm.clone());
        }
        if let Some(ip) = &produced.private_ip {
            bag.insert("Target VM private IP".to_owned(), ip.clone());
        }
    }
    let elapsed = ended.unwrap_or(now).duration_since(job.started);
    JobResource {
        meta: ResourceMeta {
            id: Some(format!("{}/backupJobs/{}", job.vault_id, job.id)),
            name: Some(job.id.clone()),
            kind: Some("Microsoft.RecoveryServices/vaults/backupJobs".to_owned()),
            ..ResourceMeta::default()
        },
        properties: Some(Job::IaasVm(Box::new(IaasVmJob {
            entity_friendly_name: Some(job.entity.clone()),
            backup_management_type: Some("AzureIaasVM".to_owned()),
            operation: Some(job.operation.as_str().to_owned()),
            status: Some(status.clone()),
            start_time: Some(job.started),
            end_time: ended,
            activity_id: Some(job.id.clone()),
            duration: Some(iso_duration(elapsed)),
            actions_info: (status == JobStatus::InProgress && job.operation == crate::emulator::world::JobOperation::Restore)
                .then(|| vec!["Cancellable".to_owned()]),
            error_details: error.map(|code| {
                vec![IaasVmErrorInfo {
                    error_code: Some(400),
                    error_title: Some(code.clone()),
                    error_string: Some(format!("The restore of '{}' failed: {code}.", job.entity)),
                    recommendations: Some(vec!["Retry the restore; if it fails again, restore from another recovery point.".to_owned()]),
                }]
            }),
            virtual_machine_version: Some("Compute".to_owned()),
            extended_info: Some(IaasVmJobExtendedInfo {
                tasks_list: Some(tasks),
                property_bag: Some(bag),
                progress_percentage: Some(round(progress.percent)),
                estimated_remaining_duration: Some(iso_duration(if ended.is_some() { SignedDuration::ZERO } else { progress.remaining })),
                ..IaasVmJobExtendedInfo::default()
            }),
            container_name: Some(job.container.clone()),
            is_user_triggered: Some(true),
        }))),
    }
}

/// An ISO 8601 duration such as `PT1H2M3S`.
pub fn iso_duration(duration: SignedDuration) -> String {
    let seconds = duration.as_secs().max(0);
    format!(
        "PT{}H{}M{}S",
        seconds / 3600,
        seconds % 3600 / 60,
        seconds % 60
    )
}

fn round(percent: f64) -> f64 {
    (percent * 100.0).round() / 100.0
}

/// The key vault details of an ADE-encrypted VM's recovery point. The
/// inventory does not record key vaults, so the emulator names one in the
/// VM's resource group (`kv-ade-<vm>`): the same for every point of the VM.
pub(super) fn ade_key_and_secret(vm_id: &str, point: &str) -> serde_json::Value {
    let group = vm_id.split("/providers/").next().unwrap_or_default();
    let vault: String = format!("kv-ade-{}", crate::model::arm_id_name(vm_id))
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(24)
        .collect();
    let vault_id = format!("{group}/providers/Microsoft.KeyVault/vaults/{vault}");
    serde_json::json!({
        "kekDetails": {
            "keyUrl": format!("https://{vault}.vault.azure.net/keys/ade-kek/1"),
            "keyVaultId": vault_id,
        },
        "bekDetails": {
            "secretUrl": format!("https://{vault}.vault.azure.net/secrets/{point}-bek/1"),
            "secretVaultId": vault_id,
        },
        "encryptionMechanism": "SinglePass"
    })
}
