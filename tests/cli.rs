//! The `restoreplan` binary as a process: exit codes, where output goes, every
//! output format and the colour rules. Each test runs in its own temporary
//! directory and writes the plans it needs there.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// A small valid plan.
const VALID: &str = "\
apiVersion: restoreplan/v1
kind: RestorePlan
metadata:
  name: small
steps:
  - id: first
    wait: 1s
  - id: second
    dependsOn: [first]
    wait: 2s
";

/// A typo: `dependOn` for `dependsOn` (RP011).
const TYPO: &str = "\
apiVersion: restoreplan/v1
kind: RestorePlan
metadata:
  name: typo
steps:
  - id: first
    wait: 1s
  - id: second
    dependOn: [first]
    wait: 2s
";

/// Valid, but a vault nothing uses (the warning RP040).
const WARNING_ONLY: &str = "\
apiVersion: restoreplan/v1
kind: RestorePlan
metadata:
  name: warning-only
vaults:
  spare:
    id: /subscriptions/3f2c8a1e-6b4d-4e8a-9c1f-2d7e5b9a0c41/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/rsv-spare
steps:
  - id: only
    wait: 1s
";

/// Two errors: an unknown dependency and a self-dependency.
const TWO_ERRORS: &str = "\
apiVersion: restoreplan/v1
kind: RestorePlan
metadata:
  name: two-errors
steps:
  - id: first
    dependsOn: [nothing]
    wait: 1s
  - id: second
    dependsOn: [second]
    wait: 1s
";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn tempdir() -> TempDir {
    tempfile::tempdir().expect("a temporary directory")
}

/// The binary, run in `dir`, with colour left to its defaults (stdout is a pipe).
fn restoreplan(dir: &Path) -> Command {
    let mut command = Command::cargo_bin("restoreplan").expect("the binary is built");
    command.current_dir(dir).env_remove("NO_COLOR");
    command
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("the plan is written");
    path
}

fn stdout_of(output: &std::process::Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8")
}

fn example_plans() -> Vec<PathBuf> {
    let mut plans: Vec<PathBuf> = std::fs::read_dir(root().join("plans"))
        .expect("plans/ is readable")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|x| x == "yaml"))
        .collect();
    plans.sort();
    assert!(!plans.is_empty(), "no example plans found");
    plans
}

/// The 1-based line and column where `needle` first occurs in `text`.
fn position_of(text: &str, needle: &str) -> (usize, usize) {
    let offset = text.find(needle).expect("the needle is in the text");
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, column)
}

// --- validate: exit codes -----------------------------------------------------

#[test]
fn validate_accepts_every_example_plan() {
    let dir = tempdir();
    let mut refused = Vec::new();
    for plan in example_plans() {
        let output = restoreplan(dir.path())
            .arg("validate")
            .arg(&plan)
            .output()
            .expect("the binary runs");
        let stdout = stdout_of(&output);
        if output.status.code() != Some(0) || !stdout.contains(": ok") || !output.stderr.is_empty()
        {
            refused.push(format!(
                "{} (exit {:?}):\n{stdout}{}",
                plan.display(),
                output.status.code(),
                stderr_of(&output)
            ));
        }
    }
    assert!(
        refused.is_empty(),
        "every example plan should validate with exit 0:\n{}",
        refused.join("\n")
    );
}

#[test]
fn validate_exits_1_and_prints_the_code_for_a_plan_with_an_error() {
    let dir = tempdir();
    write(dir.path(), "typo.yaml", TYPO);
    restoreplan(dir.path())
        .args(["validate", "typo.yaml"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("RP011"))
        .stdout(predicate::str::contains("typo.yaml: 1 error"));
}

#[test]
fn validate_exits_2_and_names_a_missing_file_on_stderr() {
    let dir = tempdir();
    restoreplan(dir.path())
        .args(["validate", "missing-plan.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing-plan.yaml"));
}

#[test]
fn validate_exits_2_on_bad_arguments() {
    let dir = tempdir();
    write(dir.path(), "plan.yaml", VALID);
    restoreplan(dir.path())
        .arg("validate")
        .assert()
        .code(2)
        .stderr(predicate::str::is_empty().not());
    restoreplan(dir.path())
        .args(["validate", "--format", "nope", "plan.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nope"));
    restoreplan(dir.path())
        .args(["validate", "--no-such-flag", "plan.yaml"])
        .assert()
        .code(2);
}

#[test]
fn validate_checks_several_files_and_names_each() {
    let dir = tempdir();
    write(dir.path(), "good.yaml", VALID);
    write(dir.path(), "bad.yaml", TYPO);
    restoreplan(dir.path())
        .args(["validate", "good.yaml", "bad.yaml"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("good.yaml: ok"))
        .stdout(predicate::str::contains("bad.yaml: 1 error"));
    // A missing file among readable ones: the command could not do all it was asked.
    restoreplan(dir.path())
        .args(["validate", "good.yaml", "gone.yaml"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("good.yaml: ok"))
        .stderr(predicate::str::contains("gone.yaml"));
}

#[test]
fn validate_reads_standard_input_for_a_dash() {
    let dir = tempdir();
    restoreplan(dir.path())
        .args(["validate", "-"])
        .write_stdin(VALID)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("<stdin>: ok"));
    restoreplan(dir.path())
        .args(["validate", "-"])
        .write_stdin(TYPO)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("RP011"))
        .stdout(predicate::str::contains("<stdin>"));
}

#[test]
fn validate_refuses_standard_input_twice() {
    let dir = tempdir();
    restoreplan(dir.path())
        .args(["validate", "-", "-"])
        .write_stdin(VALID)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("standard input").or(predicate::str::contains("stdin")));
}

#[test]
fn strict_turns_warnings_into_failure() {
    let dir = tempdir();
    write(dir.path(), "warn.yaml", WARNING_ONLY);
    restoreplan(dir.path())
        .args(["validate", "warn.yaml"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("RP040"));
    restoreplan(dir.path())
        .args(["validate", "--strict", "warn.yaml"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("RP040"));
    // --strict changes nothing for a clean plan.
    write(dir.path(), "good.yaml", VALID);
    restoreplan(dir.path())
        .args(["validate", "--strict", "good.yaml"])
        .assert()
        .code(0);
}

// --- validate: formats --------------------------------------------------------

#[test]
fn json_format_is_an_array_of_flat_diagnostics() {
    let dir = tempdir();
    write(dir.path(), "typo.yaml", TYPO);
    write(dir.path(), "two.yaml", TWO_ERRORS);
    let output = restoreplan(dir.path())
        .args(["validate", "--format", "json", "typo.yaml", "two.yaml"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let value: Value = serde_json::from_str(&stdout_of(&output)).expect("stdout is JSON");
    let items = value.as_array().expect("a JSON array");
    assert_eq!(items.len(), 3, "{value:#}");
    // The documented item shape (README: "an array of `{code, severity, message, file,
    // line, column, endLine, endColumn, pointer, help, related}`").
    let keys = [
        "code",
        "severity",
        "message",
        "file",
        "line",
        "column",
        "endLine",
        "endColumn",
        "pointer",
        "help",
        "related",
    ];
    for item in items {
        let object = item.as_object().expect("each item is an object");
        let mut found: Vec<&str> = object.keys().map(String::as_str).collect();
        found.sort_unstable();
        let mut expected = keys.to_vec();
        expected.sort_unstable();
        assert_eq!(found, expected, "{item:#}");
    }

    let typo = &items[0];
    let (line, column) = position_of(TYPO, "dependOn");
    assert_eq!(typo["code"], "RP011");
    assert_eq!(typo["severity"], "error");
    assert_eq!(typo["file"], "typo.yaml");
    assert_eq!(typo["line"], line);
    assert_eq!(typo["column"], column);
    assert_eq!(typo["endLine"], line);
    assert_eq!(typo["endColumn"], column + "dependOn".len());
    assert_eq!(typo["pointer"], "/steps/1/dependOn");
    assert_eq!(typo["related"], Value::Array(Vec::new()), "{typo:#}");

    let codes: Vec<&str> = items[1..]
        .iter()
        .map(|i| i["code"].as_str().expect("a code"))
        .collect();
    assert_eq!(codes, ["RP021", "RP022"]);
    assert!(items[1..].iter().all(|i| i["file"] == "two.yaml"));
    let (line, column) = position_of(TWO_ERRORS, "second]");
    assert_eq!(
        (items[2]["line"].clone(), items[2]["column"].clone()),
        (line.into(), column.into())
    );
}

#[test]
fn json_format_of_a_clean_plan_is_an_empty_array() {
    let dir = tempdir();
    write(dir.path(), "good.yaml", VALID);
    let output = restoreplan(dir.path())
        .args(["validate", "--format", "json", "good.yaml"])
        .assert()
        .code(0)
        .get_output()
        .clone();
    let value: Value = serde_json::from_str(&stdout_of(&output)).expect("stdout is JSON");
    assert_eq!(value, Value::Array(Vec::new()));
}

#[test]
fn github_format_prints_workflow_commands() {
    let dir = tempdir();
    write(dir.path(), "typo.yaml", TYPO);
    write(dir.path(), "two.yaml", TWO_ERRORS);
    let output = restoreplan(dir.path())
        .args(["validate", "--format", "github", "typo.yaml", "two.yaml"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stdout = stdout_of(&output);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    for line in &lines {
        assert!(line.starts_with("::error file="), "{line}");
        for part in ["line=", "col=", "title=RP0"] {
            assert!(line.contains(part), "`{part}` missing in {line}");
        }
    }
    let (line, column) = position_of(TYPO, "dependOn");
    assert!(
        lines[0].starts_with(&format!("::error file=typo.yaml,line={line},col={column},")),
        "{}",
        lines[0]
    );
    assert!(lines[0].contains("title=RP011::"), "{}", lines[0]);
}

#[test]
fn github_format_reports_warnings_as_warnings() {
    let dir = tempdir();
    write(dir.path(), "warn.yaml", WARNING_ONLY);
    restoreplan(dir.path())
        .args(["validate", "--format", "github", "warn.yaml"])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("::warning file=warn.yaml,"))
        .stdout(predicate::str::contains("title=RP040"));
}

#[test]
fn sarif_format_is_sarif_2_1_0() {
    let dir = tempdir();
    write(dir.path(), "typo.yaml", TYPO);
    let output = restoreplan(dir.path())
        .args(["validate", "--format", "sarif", "typo.yaml"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let log: Value = serde_json::from_str(&stdout_of(&output)).expect("stdout is JSON");
    assert_eq!(log["version"], "2.1.0");
    let results = log["runs"][0]["results"]
        .as_array()
        .expect("runs[0].results");
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["ruleId"], "RP011");
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "typo.yaml"
    );
}

// --- graph --------------------------------------------------------------------

#[test]
fn graph_prints_every_format_for_an_example_plan() {
    let dir = tempdir();
    let plan = root().join("plans/three-tier-app.yaml");
    let run = |format: &str| {
        let output = restoreplan(dir.path())
            .args(["graph", "--format", format])
            .arg(&plan)
            .assert()
            .code(0)
            .stderr("")
            .get_output()
            .clone();
        stdout_of(&output)
    };

    let dot = run("dot");
    assert!(dot.starts_with("digraph "), "{dot}");
    assert!(dot.contains("\"db\" -> \"app\""), "{dot}");
    assert!(dot.trim_end().ends_with('}'), "{dot}");

    let mermaid = run("mermaid");
    assert!(mermaid.starts_with("flowchart "), "{mermaid}");
    assert!(mermaid.contains("-->"), "{mermaid}");

    let json: Value = serde_json::from_str(&run("json")).expect("graph JSON parses");
    let text = std::fs::read_to_string(&plan).expect("the plan is readable");
    let source = restoreplan::source::SourceFile::from_text("three-tier-app.yaml", text);
    let document = restoreplan::source::parse(&source).expect("the plan parses");
    let steps = document.value["steps"]
        .as_array()
        .expect("the plan has steps")
        .len();
    assert_eq!(json["nodeCount"], steps);
    assert_eq!(
        json["nodes"].as_array().map(Vec::len),
        Some(steps),
        "{json:#}"
    );

    // Mermaid is the default.
    restoreplan(dir.path())
        .arg("graph")
        .arg(&plan)
        .assert()
        .code(0)
        .stdout(predicate::eq(mermaid.as_str()));
}

#[test]
fn graph_of_an_invalid_plan_prints_only_diagnostics_on_stderr() {
    let dir = tempdir();
    write(dir.path(), "typo.yaml", TYPO);
    for format in ["dot", "mermaid", "json"] {
        restoreplan(dir.path())
            .args(["graph", "--format", format, "typo.yaml"])
            .assert()
            .code(1)
            .stdout("")
            .stderr(predicate::str::contains("RP011"))
            .stderr(predicate::str::contains("dependOn"));
    }
    restoreplan(dir.path())
        .args(["graph", "missing.yaml"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("missing.yaml"));
}

// --- schema, completions ----------------------------------------------------------

#[test]
fn schema_prints_the_shipped_schemas() {
    let dir = tempdir();
    for (which, file) in [
        ("plan", "schemas/restore-plan.schema.json"),
        ("inventory", "schemas/inventory.schema.json"),
    ] {
        let output = restoreplan(dir.path())
            .args(["schema", which])
            .assert()
            .code(0)
            .get_output()
            .clone();
        let printed: Value = serde_json::from_str(&stdout_of(&output))
            .unwrap_or_else(|e| panic!("`schema {which}` is not JSON: {e}"));
        let shipped: Value = serde_json::from_str(
            &std::fs::read_to_string(root().join(file)).expect("the schema file is readable"),
        )
        .expect("the schema file is JSON");
        assert_eq!(printed, shipped, "`schema {which}` differs from {file}");
    }
    restoreplan(dir.path())
        .args(["schema", "nope"])
        .assert()
        .code(2);
}

#[test]
fn completions_are_printed_for_each_shell() {
    let dir = tempdir();
    for shell in ["bash", "zsh", "fish"] {
        restoreplan(dir.path())
            .args(["completions", shell])
            .assert()
            .code(0)
            .stdout(predicate::str::contains("restoreplan"))
            .stdout(predicate::str::contains("validate"));
    }
}

// --- colour -------------------------------------------------------------------

const ESCAPE: &str = "\x1b[";

#[test]
fn human_output_has_no_colour_when_not_a_terminal_or_no_color() {
    let dir = tempdir();
    write(dir.path(), "typo.yaml", TYPO);
    let plain = restoreplan(dir.path())
        .args(["validate", "typo.yaml"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert!(!stdout_of(&plain).contains(ESCAPE), "{}", stdout_of(&plain));
    assert!(stdout_of(&plain).contains("RP011"));

    let no_color = restoreplan(dir.path())
        .env("NO_COLOR", "1")
        .args(["validate", "typo.yaml"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert!(!stdout_of(&no_color).contains(ESCAPE));

    let graph_errors = restoreplan(dir.path())
        .env("NO_COLOR", "1")
        .args(["graph", "typo.yaml"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert!(!stderr_of(&graph_errors).contains(ESCAPE));

    let never = restoreplan(dir.path())
        .args(["--color", "never", "validate", "typo.yaml"])
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert!(!stdout_of(&never).contains(ESCAPE));
}

#[test]
fn color_always_colours_human_output() {
    let dir = tempdir();
    write(dir.path(), "typo.yaml", TYPO);
    for args in [
        ["--color", "always", "validate", "typo.yaml"],
        ["validate", "--color", "always", "typo.yaml"],
    ] {
        let output = restoreplan(dir.path())
            .env("NO_COLOR", "1")
            .args(args)
            .assert()
            .code(1)
            .get_output()
            .clone();
        assert!(
            stdout_of(&output).contains(ESCAPE),
            "{args:?}: {}",
            stdout_of(&output)
        );
    }
}

// --- snapshot -----------------------------------------------------------------

#[test]
fn human_output_of_a_typo() {
    let dir = tempdir();
    write(dir.path(), "typo.yaml", TYPO);
    let output = restoreplan(dir.path())
        .args(["validate", "typo.yaml"])
        .assert()
        .code(1)
        .stderr("")
        .get_output()
        .clone();
    insta::assert_snapshot!("validate_typo_human", stdout_of(&output));
}

#[test]
fn graph_with_an_inventory_expands_selectors_and_reports_what_the_estate_lacks() {
    let dir = tempdir();
    let plan = root().join("plans/three-tier-app.yaml");
    let inventory = root().join("plans/inventory/contoso.yaml");
    let output = restoreplan(dir.path())
        .args(["graph", "--format", "json", "--inventory"])
        .arg(&inventory)
        .arg(&plan)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let graph: Value = serde_json::from_str(&stdout_of(&output)).expect("JSON graph");
    let ids: Vec<&str> = graph["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .filter_map(|n| n["id"].as_str())
        .collect();
    assert!(ids.contains(&"web[web-02]"), "{ids:?}");

    let typo = write(
        dir.path(),
        "typo.yaml",
        &std::fs::read_to_string(&plan)
            .expect("readable")
            .replace("vm: sql-01", "vm: sql-1"),
    );
    let output = restoreplan(dir.path())
        .args(["graph", "--inventory"])
        .arg(&inventory)
        .arg(&typo)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout_of(&output).is_empty());
    assert!(
        stderr_of(&output).contains("RP034"),
        "{}",
        stderr_of(&output)
    );

    let broken = write(
        dir.path(),
        "inventory.yaml",
        "apiVersion: restoreplan/v1\nkind: Inventory\n",
    );
    let output = restoreplan(dir.path())
        .args(["graph", "--inventory"])
        .arg(&broken)
        .arg(&plan)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr_of(&output).contains("snapshotTime"),
        "{}",
        stderr_of(&output)
    );
}
