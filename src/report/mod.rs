//! Every output format. Each renderer takes the same located diagnostics (or
//! the same sealed graph) and only decides how they look.

pub mod docs;
pub mod github;
pub mod graph;
pub mod human;
pub mod json;
pub mod plan;
mod position;
pub mod run;
pub mod sarif;

pub use position::Position;
