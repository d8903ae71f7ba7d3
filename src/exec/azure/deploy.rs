//! What a finished node gives later steps (its job, the VM it restored or
//! created and that VM's address), and the template deployment that turns
//! a disk restore into a VM.

use super::facts::NodeFacts;
use super::{AzureRestorer, step_failure};
use crate::check::resolved::ResolvedNode;
use crate::diagnostic::Code;
use crate::exec::failure::StepFailure;
use crate::exec::restorer::{Outputs, Submission};
use std::collections::BTreeMap;

impl AzureRestorer {
    /// The outputs of a finished node: its job, and the VM it restored or
    /// created with that VM's private address (a disk restore has no VM yet).
    pub(super) async fn outputs(
        &self,
        node: &ResolvedNode,
        facts: &NodeFacts,
        job_id: Option<&str>,
    ) -> Outputs {
        let mut outputs = Outputs::new();
        // A restore's job id; a deployment's name is not a job and keeps the
        // step's `jobId` the restore's.
        match (node.kind.as_str(), job_id) {
            ("restore", Some(job)) => {
                outputs.insert("jobId".to_string(), job.to_string());
            }
            ("deploy-template", Some(name)) => {
                outputs.insert("deployment".to_string(), name.to_string());
            }
            _ => {}
        }
        if let Some(point) = self.pinned.get(&node.id) {
            outputs.insert("recoveryPoint".to_string(), point.clone());
        }
        let disks_only = node.kind == "restore" && node.mode.as_deref() == Some("disks");
        let vm = facts.new_vm.as_ref().unwrap_or(&facts.source);
        outputs.insert("vmId".to_string(), vm.to_string());
        outputs.insert("vmName".to_string(), vm.name().to_string());
        if disks_only {
            return outputs;
        }
        // The restore has happened: a failed read of the address must not
        // make the node fail (a retry would restore again). A later step
        // that needs it fails on the missing output and says so.
        match self.backup.private_ip_of(vm).await {
            Ok(Some(ip)) => {
                outputs.insert("privateIp".to_string(), ip);
            }
            Ok(None) => tracing::warn!(node = %node.id, "the restored VM has no private address"),
            Err(error) => tracing::warn!(
                node = %node.id,
                error = %error,
                "the restored VM's private address could not be read"
            ),
        }
        outputs
    }

    pub(super) async fn deploy(
        &self,
        node: &ResolvedNode,
        upstream: &BTreeMap<String, Outputs>,
    ) -> Result<Submission, StepFailure> {
        let facts = self.facts(node)?;
        let job_id = node
            .depends_on
            .iter()
            .find_map(|dep| upstream.get(dep).and_then(|o| o.get("jobId")))
            .ok_or_else(|| {
                StepFailure::permanent(
                    Code::TemplateMissing,
                    format!("`{}` has no restore job to take the template from", node.id),
                )
            })?;
        let job = self
            .backup
            .job(&facts.vault, job_id)
            .await
            .map_err(|e| step_failure(&e))?;
        let group = facts.target_group.clone().ok_or_else(|| {
            StepFailure::permanent(
                Code::Internal,
                format!("`{}` has no target resource group", node.id),
            )
        })?;
        let name = format!("restoreplan-{}", crate::exec::file_name(&node.id))
            .chars()
            .take(64)
            .collect::<String>();
        let mut parameters = serde_json::Map::new();
        if let Some(vm) = &facts.new_vm {
            parameters.insert(
                "VirtualMachineName".to_string(),
                serde_json::json!({ "value": vm.name() }),
            );
        }
        if let Some(network) = &facts.network {
            parameters.insert(
                "VirtualNetwork".to_string(),
                serde_json::json!({ "value": network.virtual_network }),
            );
            parameters.insert(
                "Subnet".to_string(),
                serde_json::json!({ "value": network.subnet }),
            );
        }
        self.backup
            .deploy_restored_template(&job, &group, &name, Some(parameters.into()))
            .await
            .map_err(|e| step_failure(&e))?;
        Ok(Submission {
            job_id: Some(name),
            operation_url: None,
        })
    }
}
