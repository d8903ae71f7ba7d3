//! File recovery (`as: files`): Azure's item-level recovery mounts a
//! recovery point, the mount scripts go into the run folder for the operator,
//! and the session is revoked once the run has ended.

use super::{AzureRestorer, step_failure};
use crate::azure::id::{RecoveryPointId, VirtualMachineId};
use crate::check::resolved::Resolved;
use crate::diagnostic::Code;
use crate::exec::executor::NodeResult;
use crate::exec::failure::StepFailure;
use crate::exec::file_name;
use crate::exec::restorer::Outputs;
use std::collections::BTreeMap;

impl AzureRestorer {
    /// Provisions the file recovery session of a node and saves its mount
    /// scripts under `file-recovery/<node>/` in the run folder.
    pub(super) async fn mount(
        &self,
        node: &crate::check::resolved::ResolvedNode,
        source: &VirtualMachineId,
        point: &RecoveryPointId,
    ) -> Result<Outputs, StepFailure> {
        let folder = self.run_dir.join("file-recovery").join(file_name(&node.id));
        StepFailure::create_folder(&folder)?;
        // One initiator per run: a resumed run renews the same session.
        let initiator = format!(
            "iqn.2016-04.com.restoreplan:{}",
            self.run_id.to_ascii_lowercase()
        );
        let scripts = self
            .backup
            .provision_file_recovery(point, source, &initiator, &folder)
            .await
            .map_err(|e| step_failure(&e))?;
        let first = scripts.first().ok_or_else(|| {
            StepFailure::permanent(
                Code::ArmMalformedResponse,
                "Azure provisioned the file recovery but returned no mount script",
            )
        })?;
        Ok(Outputs::from([
            ("recoveryPoint".to_string(), point.name().to_string()),
            ("mountScript".to_string(), first.path.display().to_string()),
            ("mountScripts".to_string(), scripts.len().to_string()),
        ]))
    }

    /// Revokes the file recovery sessions that succeeded in a run that has
    /// ended (not an interrupted one: its resumption still needs them), and
    /// says for each node whether that worked.
    pub async fn unmount_all(
        &self,
        resolved: &Resolved,
        results: &BTreeMap<String, NodeResult>,
    ) -> Vec<(String, Result<(), StepFailure>)> {
        let mut done = Vec::new();
        for node in &resolved.nodes {
            if node.mode.as_deref() != Some("files")
                || !matches!(results.get(&node.id), Some(NodeResult::Succeeded(_)))
            {
                continue;
            }
            let revoked = match self.facts(node) {
                Ok(facts) => match &facts.point {
                    Some(point) => self
                        .backup
                        .revoke_file_recovery(point)
                        .await
                        .map_err(|e| step_failure(&e)),
                    None => continue,
                },
                Err(failure) => Err(failure),
            };
            done.push((node.id.clone(), revoked));
        }
        done
    }
}
