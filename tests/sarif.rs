//! The SARIF output against the official SARIF 2.1.0 schema (draft-04), as
//! published by OASIS and kept in `../shared/external-schemas/`, plus the
//! consistency of `ruleId` / `ruleIndex` with the rule list.

use jsonschema::Validator;
use restoreplan::diagnostic::FileDiagnostics;
use restoreplan::pipeline::validate_plan;
use restoreplan::report::sarif;
use restoreplan::source::SourceFile;
use serde_json::Value;
use std::path::PathBuf;
use std::sync::OnceLock;

/// Several compile errors (a cycle with three labelled entries, a
/// self-dependency, an unknown dependency, an unknown output) and a warning
/// (an unused target).
const MANY_ERRORS: &str = "\
apiVersion: restoreplan/v1
kind: RestorePlan
metadata:
  name: many-errors
vaults:
  prod:
    id: /subscriptions/3f2c8a1e-6b4d-4e8a-9c1f-2d7e5b9a0c41/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/rsv-prod
targets:
  spare:
    region: westeurope
    resourceGroup: /subscriptions/3f2c8a1e-6b4d-4e8a-9c1f-2d7e5b9a0c41/resourceGroups/rg-spare
steps:
  - id: a
    description: \"première étape\"
    dependsOn: [c]
    wait: 1s
  - id: b
    dependsOn: [a, nope]
    wait: 1s
  - id: c
    dependsOn: [b, c]
    wait: 1s
  - id: d
    dependsOn: [e]
    wait: 1s
  - id: e
    run: [echo, \"${{ steps.d.outputs.stdout }}\"]
  - id: f
    restore: { vm: vm-01, as: files, vault: prod }
";

/// Not YAML: an unclosed flow sequence.
const YAML_SYNTAX_ERROR: &str = "\
apiVersion: restoreplan/v1
kind: RestorePlan
metadata:
  name: broken
steps: [ { id: a, wait: 1s }
";

fn report(name: &str, text: &str) -> FileDiagnostics {
    let (source, problems) = SourceFile::from_bytes(name, text.as_bytes());
    validate_plan(source, problems).report
}

fn example_plan() -> FileDiagnostics {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("plans/three-tier-app.yaml");
    let bytes = std::fs::read(&path).expect("the example plan is readable");
    let (source, problems) = SourceFile::from_bytes("plans/three-tier-app.yaml", &bytes);
    validate_plan(source, problems).report
}

fn sarif_validator() -> &'static Validator {
    static VALIDATOR: OnceLock<Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/external-schemas/sarif-schema-2.1.0.json");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read the SARIF schema {}: {e}", path.display()));
        let schema: Value = serde_json::from_str(&text).expect("the SARIF schema is JSON");
        assert_eq!(
            schema["$schema"], "http://json-schema.org/draft-04/schema#",
            "the official SARIF 2.1.0 schema is draft-04"
        );
        jsonschema::draft4::options()
            .should_validate_formats(true)
            .build(&schema)
            .expect("the SARIF schema compiles")
    })
}

/// Asserts that a SARIF log is valid against the official schema, listing every error.
fn assert_valid_sarif(log: &Value) {
    let validator = sarif_validator();
    if !validator.is_valid(log) {
        let errors: Vec<String> = validator
            .iter_errors(log)
            .map(|e| format!("at {}: {e}", e.instance_path()))
            .collect();
        panic!(
            "SARIF output is not valid against sarif-schema-2.1.0.json:\n{}\n\nthe log:\n{}",
            errors.join("\n"),
            serde_json::to_string_pretty(log).unwrap_or_default()
        );
    }
}

/// Asserts that every result's `ruleId` is a rule of the driver and `ruleIndex` points at it.
fn assert_rules_consistent(log: &Value) {
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"]
        .as_array()
        .expect("runs[0].tool.driver.rules is an array");
    let results = run["results"]
        .as_array()
        .expect("runs[0].results is an array");
    for (i, result) in results.iter().enumerate() {
        let rule_id = result["ruleId"]
            .as_str()
            .unwrap_or_else(|| panic!("result {i} has a string ruleId: {result}"));
        assert!(
            rules.iter().any(|rule| rule["id"] == rule_id),
            "result {i}: ruleId {rule_id} is not among the driver's rules"
        );
        let index = result["ruleIndex"]
            .as_u64()
            .unwrap_or_else(|| panic!("result {i} has a ruleIndex: {result}"));
        let index = usize::try_from(index).expect("ruleIndex fits usize");
        assert!(
            index < rules.len(),
            "result {i}: ruleIndex {index} is out of range"
        );
        assert_eq!(
            rules[index]["id"], rule_id,
            "result {i}: ruleIndex {index} points at another rule"
        );
    }
}

fn render(reports: &[FileDiagnostics]) -> Value {
    let text = sarif::render(reports);
    serde_json::from_str(&text).expect("SARIF output is JSON")
}

fn results(log: &Value) -> &Vec<Value> {
    log["runs"][0]["results"]
        .as_array()
        .expect("runs[0].results is an array")
}

#[test]
fn a_plan_with_several_errors_and_a_cycle_is_valid_sarif() {
    let report = report("plans/many errors.yaml", MANY_ERRORS);
    let codes: Vec<&str> = report.diagnostics.iter().map(|d| d.code.id()).collect();
    for expected in ["RP021", "RP022", "RP023", "RP030", "RP040"] {
        assert!(
            codes.contains(&expected),
            "the plan should report {expected}, got {codes:?}"
        );
    }
    let log = render(&[report]);
    assert_valid_sarif(&log);
    assert_rules_consistent(&log);

    let results = results(&log);
    assert_eq!(results.len(), codes.len(), "one result per diagnostic");
    let cycle = results
        .iter()
        .find(|r| r["ruleId"] == "RP023")
        .expect("a result for the cycle");
    let related = cycle["relatedLocations"]
        .as_array()
        .expect("the cycle result has related locations");
    // a → c → b → a: three `dependsOn` entries, the first is the primary location.
    assert_eq!(related.len(), 2, "{cycle}");
    assert_eq!(
        cycle["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "plans/many%20errors.yaml"
    );
    assert!(
        results.iter().any(|r| r["level"] == "warning"),
        "the unused target is a warning"
    );
}

#[test]
fn a_valid_plan_is_valid_sarif_with_no_results() {
    let report = example_plan();
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    let log = render(&[report]);
    assert_valid_sarif(&log);
    assert_rules_consistent(&log);
    assert_eq!(log["version"], "2.1.0");
    assert!(results(&log).is_empty());
}

#[test]
fn a_yaml_syntax_error_is_valid_sarif() {
    let report = report("broken.yaml", YAML_SYNTAX_ERROR);
    assert!(
        report.diagnostics.iter().any(|d| d.code.id() == "RP006"),
        "{:?}",
        report.diagnostics
    );
    let log = render(&[report]);
    assert_valid_sarif(&log);
    assert_rules_consistent(&log);
    assert!(!results(&log).is_empty());
}

#[test]
fn problems_without_a_position_are_valid_sarif() {
    // An empty file and one with a NUL byte: diagnostics found before there is a tree.
    let empty = report("empty.yaml", "");
    let nul = report("nul.yaml", "apiVersion: restoreplan/v1\n\0\n");
    assert!(!empty.diagnostics.is_empty());
    assert!(nul.diagnostics.iter().any(|d| d.code.id() == "RP003"));
    let log = render(&[empty, nul]);
    assert_valid_sarif(&log);
    assert_rules_consistent(&log);
}

#[test]
fn several_files_make_one_valid_log() {
    let log = render(&[
        report("a.yaml", MANY_ERRORS),
        example_plan(),
        report("b.yaml", YAML_SYNTAX_ERROR),
    ]);
    assert_valid_sarif(&log);
    assert_rules_consistent(&log);
    let uris: Vec<&str> = results(&log)
        .iter()
        .filter_map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str())
        .collect();
    assert!(
        uris.contains(&"a.yaml") && uris.contains(&"b.yaml"),
        "{uris:?}"
    );
}

#[test]
fn the_schema_check_rejects_a_broken_log() {
    // The validation above is only worth something if the schema can say no.
    let mut log = render(&[report("a.yaml", MANY_ERRORS)]);
    assert!(sarif_validator().is_valid(&log));
    log["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!sarif_validator().is_valid(&log));
    let mut log = render(&[report("a.yaml", MANY_ERRORS)]);
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        Value::from(0);
    assert!(!sarif_validator().is_valid(&log));
}
