//! Cross-region restore: the secondary region's Entra properties, the
//! recovery point's access token, the restore request carrying it, the CRR
//! operation and the CRR job (read by POST).

use super::jobs::{job_id_of, newest_restores_of};
use super::{Backup, JobProgress, PageGuard, RestoreSpec};
use crate::azure::api;
use crate::azure::error::{ArmError, ArmErrorKind};
use crate::azure::id::{SubscriptionId, VaultId};
use crate::azure::lro;
use crate::azure::wire::crr::{
    AadPropertiesResource, CrossRegionRestoreRequest, CrrAccessTokenResource,
};
use crate::azure::wire::job::{CrrJobRequest, JobResource};
use crate::azure::wire::{Page, ResourceMeta};

/// Where a cross-region restore runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrossRegionTarget {
    /// The subscription of the vault.
    pub subscription: SubscriptionId,
    /// The secondary (paired) region.
    pub region: String,
}

fn to_json(body: &impl serde::Serialize, what: &str) -> Result<serde_json::Value, ArmError> {
    serde_json::to_value(body).map_err(|e| {
        ArmError::new(
            ArmErrorKind::Malformed {
                what: format!("the {what} body: {e}"),
            },
            what,
        )
    })
}

impl Backup {
    /// Runs the cross-region restore flow up to the job id: AAD properties → access token →
    /// trigger → operation. The CRR api-version (2023-01-15) predates some restore options;
    /// a spec using them is refused rather than silently trimmed.
    pub async fn trigger_cross_region_restore(
        &self,
        target: &CrossRegionTarget,
        spec: &RestoreSpec,
    ) -> Result<String, ArmError> {
        if spec.disk_access.is_some() {
            let what =
                "disk network access settings are not in the cross-region restore API (2023-01-15)"
                    .to_owned();
            return Err(ArmError::new(
                ArmErrorKind::Unsupported { what },
                "CrossRegionRestore_Trigger",
            ));
        }
        let aad: AadPropertiesResource = self
            .arm()
            .send_json(
                &api::aad_properties_get(&target.subscription, &target.region),
                None,
            )
            .await?;
        // Sent back as Azure's SDKs do: without the read-only id, name and type of the answer.
        let aad = AadPropertiesResource {
            meta: ResourceMeta {
                id: None,
                name: None,
                kind: None,
                ..aad.meta
            },
            properties: aad.properties,
        };
        let aad_body = to_json(&aad, "RecoveryPoints_GetAccessToken")?;
        let token: CrrAccessTokenResource = self
            .arm()
            .send_json(&api::crr_access_token(&spec.point), Some(&aad_body))
            .await?;
        let Some(access) = token.properties else {
            let what = "the access token answer has no properties".to_owned();
            return Err(ArmError::new(
                ArmErrorKind::Malformed { what },
                "RecoveryPoints_GetAccessToken",
            ));
        };
        let body = CrossRegionRestoreRequest {
            cross_region_restore_access_details: Some(access),
            restore_request: Some(spec.request()),
        };
        let body = to_json(&body, "CrossRegionRestore_Trigger")?;
        let accepted = self
            .arm()
            .send(
                &api::crr_trigger(&target.subscription, &target.region),
                Some(&body),
            )
            .await?;
        let completed = lro::wait(self.arm(), accepted, &self.settings.operations).await?;
        job_id_of(&completed, "CrossRegionRestore_Trigger")
    }

    /// Reads a cross-region restore job.
    pub async fn cross_region_job(
        &self,
        target: &CrossRegionTarget,
        vault: &VaultId,
        job_id: &str,
    ) -> Result<JobResource, ArmError> {
        let body = CrrJobRequest {
            resource_id: Some(vault.to_string()),
            job_name: Some(job_id.to_owned()),
        };
        let body = to_json(&body, "BackupCrrJobDetails_Get")?;
        self.arm()
            .send_json(
                &api::crr_job_get(&target.subscription, &target.region),
                Some(&body),
            )
            .await
    }

    /// Follows a cross-region restore job to its end (these jobs cannot be cancelled).
    pub async fn follow_cross_region_job(
        &self,
        target: &CrossRegionTarget,
        vault: &VaultId,
        job_id: &str,
        progress: &mut (dyn FnMut(&JobProgress) + Send),
    ) -> Result<JobResource, ArmError> {
        self.follow_job_with(job_id, progress, || {
            self.cross_region_job(target, vault, job_id)
        })
        .await
    }

    /// The cross-region restore jobs of `vm_name` that started within `window`, newest
    /// first: how a run re-attaches to a cross-region restore whose trigger outcome is
    /// unknown. The listing is a POST, so its pages are read by sending the same request
    /// again with the `$skipToken` of each `nextLink`.
    pub async fn cross_region_restore_jobs_of(
        &self,
        target: &CrossRegionTarget,
        vault: &VaultId,
        vm_name: &str,
        window: &api::TimeWindow,
    ) -> Result<Vec<JobResource>, ArmError> {
        let body = to_json(
            &CrrJobRequest {
                resource_id: Some(vault.to_string()),
                job_name: None,
            },
            "BackupCrrJobs_List",
        )?;
        let mut guard = PageGuard::new("BackupCrrJobs_List", self.settings.max_pages);
        let mut jobs: Vec<JobResource> = Vec::new();
        let mut skip_token: Option<String> = None;
        loop {
            let request = api::crr_jobs_list(
                &target.subscription,
                &target.region,
                Some(window),
                skip_token.as_deref(),
            );
            let mut page: Page<JobResource> = self.arm().send_json(&request, Some(&body)).await?;
            jobs.append(&mut page.value);
            let Some(next) = page.next_link.filter(|link| !link.trim().is_empty()) else {
                return Ok(newest_restores_of(jobs, vm_name));
            };
            let url = self.arm().trusted_url(&next)?;
            let token = url
                .query_pairs()
                .find(|(name, _)| name.eq_ignore_ascii_case("$skipToken"))
                .map(|(_, value)| value.into_owned())
                .ok_or_else(|| guard.runaway("a nextLink without a $skipToken".to_owned()))?;
            guard.admit(&token)?;
            skip_token = Some(token);
        }
    }
}
