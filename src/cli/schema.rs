//! `restoreplan schema plan|inventory`

use super::{Outcome, print};
use crate::schema::SchemaKind;
use clap::ValueEnum;

/// Arguments of `schema`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Which schema.
    #[arg(value_enum)]
    which: Which,
}

/// The embedded schemas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Which {
    /// The restore plan language.
    Plan,
    /// The inventory (the estate a dry run checks against).
    Inventory,
}

pub(super) fn run(args: Args) -> Outcome {
    let kind = match args.which {
        Which::Plan => SchemaKind::Plan,
        Which::Inventory => SchemaKind::Inventory,
    };
    print(kind.text());
    Outcome::Success
}
