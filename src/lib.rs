//! restoreplan: disaster recovery for Azure virtual machines as code.
//!
//! The pipeline is the architecture: `source → schema → model → compile →
//! check → exec → report`. Each module is one stage and takes the previous
//! stage's output; [`diagnostic`] is the one way every stage reports a problem.

pub mod azure;
pub mod check;
pub mod cli;
pub mod clock;
pub mod compile;
pub mod diagnostic;
pub mod emulator;
pub mod exec;
pub mod model;
pub mod pipeline;
pub mod report;
pub mod schema;
pub mod source;
pub mod suggest;
