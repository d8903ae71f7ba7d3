//! The generated reference docs are up to date. Regenerate with
//! `UPDATE_DOCS=1 cargo test --test docs`.

use restoreplan::diagnostic::CATALOGUE;
use restoreplan::pipeline::validate_plan;
use restoreplan::report::docs::{Example, diagnostics_reference, schema_reference};
use restoreplan::report::human;
use restoreplan::schema::SchemaKind;
use restoreplan::source::SourceFile;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Compares a generated file with the committed one, or rewrites it.
fn check_generated(relative: &str, generated: &str) {
    let path = root().join(relative);
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::create_dir_all(path.parent().expect("docs live in a folder"))
            .expect("create docs/");
        std::fs::write(&path, generated).expect("write generated docs");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{relative} is stale: run `UPDATE_DOCS=1 cargo test --test docs` and commit the result"
    );
}

#[test]
fn plan_language_reference_is_current() {
    let text = schema_reference(
        SchemaKind::Plan.value(),
        "Plan language reference (`restoreplan/v1`)",
        "schemas/restore-plan.schema.json",
    );
    check_generated("docs/plan-language.md", &text);
}

#[test]
fn inventory_reference_is_current() {
    let text = schema_reference(
        SchemaKind::Inventory.value(),
        "Inventory reference (`kind: Inventory`)",
        "schemas/inventory.schema.json",
    );
    check_generated("docs/inventory.md", &text);
}

fn fixture_examples() -> Vec<Example> {
    let folder = root().join("tests/fixtures/invalid");
    let mut paths: Vec<_> = std::fs::read_dir(&folder)
        .expect("fixtures folder")
        .map(|entry| entry.expect("fixture entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    let mut examples = Vec::new();
    for path in paths {
        let file_name = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("UTF-8 name")
            .to_owned();
        let code_id = file_name
            .split('-')
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase();
        let Some(info) = CATALOGUE.iter().find(|i| i.id == code_id) else {
            panic!("fixture {file_name} does not start with a known code");
        };
        let bytes = std::fs::read(&path).expect("fixture is readable");
        let relative = format!("tests/fixtures/invalid/{file_name}");
        let (source, problems) = SourceFile::from_bytes(relative.as_str(), &bytes);
        let text = source.text().to_owned();
        let validated = validate_plan(source, problems);
        examples.push(Example {
            code: info.code,
            path: relative,
            text,
            rendered: human::render(&validated.report, human::Style::plain()),
        });
    }
    examples
}

#[test]
fn diagnostics_reference_is_current() {
    check_generated(
        "docs/diagnostics.md",
        &diagnostics_reference(&fixture_examples()),
    );
}

#[test]
fn every_reachable_code_has_a_fixture() {
    let examples = fixture_examples();
    let untestable_by_fixture = ["RP001", "RP099"];
    let missing: Vec<&str> = CATALOGUE
        .iter()
        .filter(|info| !untestable_by_fixture.contains(&info.id))
        .filter(|info| !examples.iter().any(|e| e.code == info.code))
        .map(|info| info.id)
        .collect();
    assert!(
        missing.is_empty(),
        "codes without a fixture in tests/fixtures/invalid: {missing:?}"
    );
}
