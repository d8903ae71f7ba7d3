//! `restoreplan validate <PLAN>...`

use super::{Outcome, fail, print, read_and_validate};
use crate::report::{github, human, json, sarif};
use clap::ValueEnum;

/// Arguments of `validate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Plan files to check; `-` reads standard input.
    #[arg(required = true, value_name = "PLAN")]
    plans: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    strict: bool,
}

/// Output formats of diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people, with the YAML line drawn.
    Human,
    /// A JSON array (see docs/diagnostics.md).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    /// GitHub Actions workflow commands.
    Github,
}

pub(super) fn run(args: Args, style: human::Style) -> Outcome {
    if args.plans.iter().filter(|p| *p == "-").count() > 1 {
        return fail("standard input (`-`) can be read only once");
    }
    let mut reports = Vec::new();
    let mut unreadable = false;
    for path in &args.plans {
        match read_and_validate(path) {
            Ok(validated) => reports.push(validated.report),
            Err(message) => {
                eprintln!("error: {message}");
                unreadable = true;
            }
        }
    }
    let text = match args.format {
        Format::Human => reports
            .iter()
            .map(|r| human::render(r, style))
            .collect::<Vec<_>>()
            .join(""),
        Format::Json => json::render(&reports),
        Format::Sarif => sarif::render(&reports),
        Format::Github => github::render(&reports),
    };
    print(&text);
    let errors: usize = reports.iter().map(|r| r.errors()).sum();
    let warnings: usize = reports.iter().map(|r| r.warnings()).sum();
    if unreadable {
        Outcome::Failure
    } else if errors > 0 || (args.strict && warnings > 0) {
        Outcome::Problems
    } else {
        Outcome::Success
    }
}
