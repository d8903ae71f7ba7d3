//! The typed world: a restore [`Plan`] read from a schema-valid JSON value.
//! The schema has already checked the shape, so reading can only fail on a
//! defect of restoreplan itself (reported as `RP099`).

mod duration;
mod inventory;
mod outline;
mod plan;
mod reference;
mod step;

pub use duration::Duration;
pub use inventory::*;
pub use outline::{STEP_KINDS, StepOutline, outputs_of};
pub use plan::*;
pub use reference::{
    OUTPUTS_OF_RESTORE, OUTPUTS_OF_RUN, Reference, ReferenceError, scan_references, substitute,
};
pub use step::*;
