//! The disk-encryption reinstall of an ADE-encrypted Linux VM restored as
//! disks and deployed from its template: the extension is installed on the
//! new VM with the key vault details of the recovery point the disks came from.

use super::facts::{NodeFacts, invalid};
use super::{AzureRestorer, step_failure};
use crate::azure::id::{ProtectedItemId, RecoveryPointId};
use crate::check::resolved::ResolvedNode;
use crate::diagnostic::Code;
use crate::exec::failure::StepFailure;

impl AzureRestorer {
    /// Installs the extension on the VM the step's template deployment created.
    pub(super) async fn reinstall_disk_encryption(
        &self,
        node: &ResolvedNode,
        facts: &NodeFacts,
    ) -> Result<(), StepFailure> {
        let missing = |what: &str| {
            StepFailure::permanent(Code::Internal, format!("`{}` has no {what}", node.id))
        };
        let restore_node = node.id.split('#').next().unwrap_or(&node.id);
        let point = self
            .pinned
            .get(restore_node)
            .ok_or_else(|| missing("pinned recovery point"))?;
        let point = RecoveryPointId::new(
            ProtectedItemId::for_vm(facts.vault.clone(), &facts.source),
            point,
        )
        .map_err(|e| invalid("the recovery point", e))?;
        let vm = facts
            .new_vm
            .as_ref()
            .ok_or_else(|| missing("deployed VM"))?;
        let region = facts
            .target_region
            .as_deref()
            .ok_or_else(|| missing("target region"))?;
        let keys = self
            .backup
            .disk_encryption_keys(&point)
            .await
            .map_err(|e| step_failure(&e))?;
        self.backup
            .reinstall_disk_encryption(vm, region, &keys)
            .await
            .map_err(|e| step_failure(&e))
    }
}
