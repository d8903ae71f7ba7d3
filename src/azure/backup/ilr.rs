//! Item-level (file) recovery: provision a session on a recovery point, save
//! the mount scripts Azure returns into the run folder, and revoke it.

use std::path::{Path, PathBuf};

use super::Backup;
use crate::azure::api;
use crate::azure::error::{ArmError, ArmErrorKind};
use crate::azure::id::{RecoveryPointId, VirtualMachineId};
use crate::azure::lro;
use crate::azure::wire::ilr::{ClientScriptForConnect, IlrRequest, IlrRequestResource};
use crate::azure::wire::operation::OperationStatusExtendedInfo;

/// A mount script written to the run folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedScript {
    /// Where it was written.
    pub path: PathBuf,
    /// `Windows` or `Linux`.
    pub os_type: Option<String>,
    /// Where Azure says to download the script from instead, when it gives a URL rather than content.
    pub download_url: Option<String>,
}

/// A file name from Azure's parts, keeping only characters safe in any file system.
fn script_file_name(
    point: &RecoveryPointId,
    script: &ClientScriptForConnect,
    index: usize,
) -> String {
    let safe = |text: &str| -> String {
        text.chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            .collect()
    };
    let extension = safe(
        script
            .script_extension
            .as_deref()
            .unwrap_or(".txt")
            .trim_start_matches('.'),
    );
    let suffix = safe(script.script_name_suffix.as_deref().unwrap_or(""));
    let stem = format!(
        "{}_{}_{index}{suffix}",
        safe(point.item.vm_name()),
        safe(point.name())
    );
    format!(
        "{}.{}",
        stem.trim_start_matches('.'),
        if extension.is_empty() {
            "txt"
        } else {
            &extension
        }
    )
}

impl Backup {
    /// Provisions a file recovery session for `point`, mountable from the machine with iSCSI
    /// initiator `initiator`, and writes the mount scripts into `run_folder`.
    pub async fn provision_file_recovery(
        &self,
        point: &RecoveryPointId,
        vm: &VirtualMachineId,
        initiator: &str,
        run_folder: &Path,
    ) -> Result<Vec<SavedScript>, ArmError> {
        let body = IlrRequestResource {
            location: None,
            tags: None,
            e_tag: None,
            properties: IlrRequest::IaasVmRegistration {
                recovery_point_id: Some(point.name().to_owned()),
                virtual_machine_id: Some(vm.to_string()),
                initiator_name: Some(initiator.to_owned()),
                renew_existing_registration: Some(false),
            },
        };
        let operation = "ItemLevelRecoveryConnections_Provision";
        let body = serde_json::to_value(body).map_err(|e| {
            ArmError::new(
                ArmErrorKind::Malformed {
                    what: e.to_string(),
                },
                operation,
            )
        })?;
        let accepted = self
            .arm()
            .send(&api::ilr_provision(point), Some(&body))
            .await?;
        let completed = lro::wait(self.arm(), accepted, &self.settings.operations).await?;
        let scripts = match completed.status.and_then(|status| status.properties) {
            Some(OperationStatusExtendedInfo::ProvisionIlr {
                recovery_target: Some(target),
            }) => target.client_scripts.unwrap_or_default(),
            _ => {
                let what = "the finished provisioning names no recovery target".to_owned();
                return Err(ArmError::new(ArmErrorKind::Malformed { what }, operation));
            }
        };
        let mut saved = Vec::new();
        for (index, script) in scripts.iter().enumerate() {
            let path = run_folder.join(script_file_name(point, script, index));
            let content = script.script_content.as_deref().unwrap_or_default();
            let download_url = script.url.clone().filter(|url| !url.is_empty());
            let text = match &download_url {
                Some(url) if content.is_empty() => {
                    format!("Download the mount script from {url}\n")
                }
                _ => content.to_owned(),
            };
            std::fs::write(&path, text).map_err(|e| {
                let what = format!("cannot write the mount script {}: {e}", path.display());
                ArmError::new(ArmErrorKind::Malformed { what }, operation)
            })?;
            saved.push(SavedScript {
                path,
                os_type: script.os_type.clone(),
                download_url,
            });
        }
        Ok(saved)
    }

    /// Revokes the file recovery session of `point` (unmounts its disks).
    pub async fn revoke_file_recovery(&self, point: &RecoveryPointId) -> Result<(), ArmError> {
        let accepted = self.arm().send(&api::ilr_revoke(point), None).await?;
        lro::wait(self.arm(), accepted, &self.settings.operations)
            .await
            .map(|_| ())
    }
}
