//! The `restoreplan` binary: everything lives in the library; see `cli`.

fn main() -> std::process::ExitCode {
    restoreplan::cli::run()
}
