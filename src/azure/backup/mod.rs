//! Azure Backup operations for restores, built on the HTTP layer and the
//! contract: find a VM's protected item, list its recovery points (paged),
//! build and trigger restores of every mode, follow operations to jobs and
//! jobs to their end, cancel, cross-region restore, file recovery, Azure's
//! own validation, and the deployment of a disk restore's template.

mod crr;
mod encryption;
mod ilr;
mod jobs;
mod points;
mod request;
mod restored;
mod template;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;

pub use self::crr::CrossRegionTarget;
pub use self::encryption::{AdeKeys, LINUX_ADE_EXTENSION};
pub use self::ilr::SavedScript;
pub use self::jobs::JobProgress;
pub use self::request::{IdentityChoice, RestoreMode, RestoreSpec};
use super::api::Request;
use super::error::{ArmError, ArmErrorKind};
use super::http::ArmClient;
use super::lro::PollSettings;
use super::wire::Page;

/// How long and how often to wait for Azure Backup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackupSettings {
    /// Polling of long-running operations (trigger → job id).
    pub operations: PollSettings,
    /// Wait between reads of a running job.
    pub job_interval: Duration,
    /// The longest a job is followed.
    pub job_deadline: Duration,
    /// The most pages a listing may have (ARM pages hold up to 200 items).
    pub max_pages: usize,
}

impl Default for BackupSettings {
    fn default() -> Self {
        Self {
            operations: PollSettings::default(),
            job_interval: Duration::from_secs(30),
            job_deadline: Duration::from_secs(24 * 3600),
            max_pages: 500,
        }
    }
}

/// Azure Backup, through one ARM client.
#[derive(Debug, Clone)]
pub struct Backup {
    arm: Arc<ArmClient>,
    settings: BackupSettings,
}

impl Backup {
    /// Azure Backup over `arm`.
    pub fn new(arm: Arc<ArmClient>, settings: BackupSettings) -> Self {
        Self { arm, settings }
    }

    /// The ARM client underneath.
    pub fn arm(&self) -> &ArmClient {
        &self.arm
    }

    /// Reads every page of a listing, following `nextLink` on the ARM host; a link seen
    /// twice or more than `max_pages` pages is [`ArmErrorKind::PagingRunaway`].
    pub async fn list_all<T: DeserializeOwned>(&self, first: &Request) -> Result<Vec<T>, ArmError> {
        let mut page: Page<T> = self.arm.send_json(first, None).await?;
        let mut items = Vec::new();
        let mut guard = PageGuard::new(first.operation.operation_id, self.settings.max_pages);
        loop {
            items.append(&mut page.value);
            let Some(next) = page.next_link.take().filter(|link| !link.trim().is_empty()) else {
                return Ok(items);
            };
            guard.admit(&next)?;
            page = self.arm.follow(&next).await?.json()?;
        }
    }
}

/// Stops a listing whose next pages loop back or never end.
pub(super) struct PageGuard {
    operation: &'static str,
    seen: HashSet<String>,
    pages: usize,
    max_pages: usize,
}

impl PageGuard {
    /// A guard for a listing of `operation` whose first page has been read.
    pub(super) fn new(operation: &'static str, max_pages: usize) -> Self {
        PageGuard {
            operation,
            seen: HashSet::new(),
            pages: 1,
            max_pages,
        }
    }

    /// Lets the listing read the page `next` (a link or a skip token) names,
    /// or says why it is stopped.
    pub(super) fn admit(&mut self, next: &str) -> Result<(), ArmError> {
        let why = if !self.seen.insert(next.to_owned()) {
            format!("page {} links back to an earlier page", self.pages)
        } else if self.pages >= self.max_pages {
            format!("more than {} pages", self.max_pages)
        } else {
            self.pages += 1;
            return Ok(());
        };
        Err(self.runaway(why))
    }

    /// The error that stops the listing.
    pub(super) fn runaway(&self, why: String) -> ArmError {
        ArmError::new(ArmErrorKind::PagingRunaway { why }, self.operation)
    }
}
