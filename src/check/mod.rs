//! The dry run: what a plan would do against an estate, checked before it
//! runs. This stage grows rule by rule (issue 3); what is here is complete
//! and tested on its own: recovery-point resolution, the consistency
//! window across VMs, and the recovery-time estimate.

pub mod estimate;
pub mod recovery_points;
