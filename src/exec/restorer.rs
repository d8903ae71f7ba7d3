//! What the executor needs from Azure to run a restore node. The Azure client
//! implements it against ARM (or the local emulator); the executor knows
//! nothing of HTTP, and its tests drive it with a scripted restorer.

use super::failure::StepFailure;
use crate::check::resolved::ResolvedNode;
use jiff::Timestamp;
use std::collections::BTreeMap;
use std::future::Future;

/// A restore that Azure accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    /// The backup job id, once Azure has named it.
    pub job_id: Option<String>,
    /// The long-running operation's status URL, to follow it after a crash.
    pub operation_url: Option<String>,
}

/// The outputs of a node by name (`vmId`, `vmName`, `privateIp`, `jobId`).
pub type Outputs = BTreeMap<String, String>;

/// Submits restore nodes to Azure and follows their jobs.
pub trait Restorer: Send + Sync + 'static {
    /// Sends the node's request (a restore, a template deployment, an
    /// extension install) and returns once Azure has accepted it.
    /// `upstream` holds the outputs of the nodes it depends on (a template
    /// deployment reads the job id of its restore there).
    fn submit(
        &self,
        node: &ResolvedNode,
        upstream: &BTreeMap<String, Outputs>,
    ) -> impl Future<Output = Result<Submission, StepFailure>> + Send;

    /// Follows a submitted node to its end and returns its outputs.
    fn follow(
        &self,
        node: &ResolvedNode,
        submission: &Submission,
    ) -> impl Future<Output = Result<Outputs, StepFailure>> + Send;

    /// Looks for work Azure started for the node since `since`: after a
    /// crash between sending a request and recording it, this decides
    /// whether the request went through, so that it is never sent twice.
    fn find_submitted(
        &self,
        node: &ResolvedNode,
        since: Timestamp,
    ) -> impl Future<Output = Result<Option<Submission>, StepFailure>> + Send;
}
