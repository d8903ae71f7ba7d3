//! `restoreplan completions bash|zsh|fish|…`

use super::{Cli, Outcome};
use clap::CommandFactory;
use clap_complete::Shell;

/// Arguments of `completions`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The shell.
    shell: Shell,
}

pub(super) fn run(args: Args) -> Outcome {
    let mut command = Cli::command();
    clap_complete::generate(
        args.shell,
        &mut command,
        "restoreplan",
        &mut std::io::stdout(),
    );
    Outcome::Success
}
