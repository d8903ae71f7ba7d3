//! The generated reference docs are up to date. Regenerate with
//! `UPDATE_DOCS=1 cargo test --test docs`.

use restoreplan::check::{dry_run, plan_wide, rules};
use restoreplan::diagnostic::CATALOGUE;
use restoreplan::diagnostic::Code;
use restoreplan::diagnostic::FileDiagnostics;
use restoreplan::pipeline::{expand_plan, load_inventory, validate_plan};
use restoreplan::report::docs::{
    Example, diagnostics_reference, rules_reference, schema_reference,
};
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

/// The fixture files of a folder whose names end in `suffix`, sorted.
fn fixtures(folder: &str, suffix: &str) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = std::fs::read_dir(root().join(folder))
        .expect("fixtures folder")
        .map(|entry| entry.expect("fixture entry").path())
        .filter_map(|p| p.file_name().and_then(|n| n.to_str()).map(str::to_owned))
        .filter(|name| name.ends_with(suffix))
        .map(|name| (format!("{folder}/{name}"), name))
        .collect();
    found.sort();
    found
}

fn code_of(file_name: &str) -> Code {
    let id = file_name
        .split('-')
        .next()
        .unwrap_or_default()
        .to_ascii_uppercase();
    match CATALOGUE.iter().find(|i| i.id == id) {
        Some(info) => info.code,
        None => panic!("fixture {file_name} does not start with a known code"),
    }
}

fn read(relative: &str) -> (SourceFile, Vec<restoreplan::diagnostic::Diagnostic>) {
    let bytes = std::fs::read(root().join(relative)).expect("fixture is readable");
    SourceFile::from_bytes(relative, &bytes)
}

/// Every broken plan, with what restoreplan says of it: the plan-language
/// fixtures alone, the expansion fixtures against their inventory.
fn fixture_examples() -> Vec<Example> {
    let mut examples = Vec::new();
    for (relative, file_name) in fixtures("tests/fixtures/invalid", ".yaml") {
        let (source, problems) = read(&relative);
        let text = source.text().to_owned();
        let validated = validate_plan(source, problems);
        examples.push(Example {
            code: code_of(&file_name),
            path: relative,
            text,
            rendered: human::render(&validated.report, human::Style::plain()),
        });
    }
    for (relative, file_name) in fixtures("tests/fixtures/expand", ".plan.yaml") {
        let own = relative.replace(".plan.yaml", ".inventory.yaml");
        let inventory_path = if root().join(&own).exists() {
            own
        } else {
            "plans/inventory/contoso.yaml".to_owned()
        };
        let (source, problems) = read(&inventory_path);
        let inventory = load_inventory(source, problems)
            .inventory
            .expect("fixture inventories are valid");
        let (source, problems) = read(&relative);
        let text = source.text().to_owned();
        let validated = validate_plan(source, problems);
        let (_, report) = expand_plan(&validated, &inventory).expect("expansion fixtures compile");
        examples.push(Example {
            code: code_of(&file_name),
            path: format!("{relative}` with `{inventory_path}"),
            text,
            rendered: human::render(&report, human::Style::plain()),
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

/// The trips fixture of every rule with what the dry run says of it (only
/// the rule's own findings, so the example shows the rule).
fn rule_examples() -> Vec<Example> {
    let folder = root().join("tests/fixtures/rules");
    let Ok(entries) = std::fs::read_dir(&folder) else {
        return Vec::new();
    };
    let mut dirs: Vec<String> = entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    dirs.sort();
    let mut examples = Vec::new();
    for dir in dirs {
        let id = dir
            .split('-')
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase();
        let Some(rule) = rules::catalogue().into_iter().find(|r| r.id == id) else {
            continue;
        };
        let relative = format!("tests/fixtures/rules/{dir}/trips.yaml");
        let own = format!("tests/fixtures/rules/{dir}/inventory.yaml");
        let inventory_path = if root().join(&own).exists() {
            own
        } else {
            "plans/inventory/contoso.yaml".to_owned()
        };
        let (source, problems) = read(&inventory_path);
        let Some(inventory) = load_inventory(source, problems).inventory else {
            continue;
        };
        let (source, problems) = read(&relative);
        let text = source.text().to_owned();
        let validated = validate_plan(source, problems);
        let Some((Some(graph), _)) = expand_plan(&validated, &inventory) else {
            continue;
        };
        let Some(plan) = validated.plan.as_ref() else {
            continue;
        };
        let mut run = dry_run(plan, &graph, &inventory, inventory.snapshot_time);
        // The same stand-in for PATH as the rule fixtures' harness.
        run.diagnostics
            .extend(plan_wide::programs(plan, &|program, _| {
                !program.starts_with("no-such-")
            }));
        let own_findings = run
            .diagnostics
            .into_iter()
            .filter(|d| d.code.rule() == Some(rule))
            .collect();
        let report = FileDiagnostics::new(
            validated.report.source.clone(),
            validated.document.as_ref(),
            own_findings,
        );
        examples.push(Example {
            code: restoreplan::diagnostic::Code::Rule(rule),
            path: format!("{relative}` with `{inventory_path}"),
            text,
            rendered: human::render(&report, human::Style::plain()),
        });
    }
    examples
}

#[test]
fn rules_reference_is_current() {
    check_generated(
        "docs/rules.md",
        &rules_reference(&rules::catalogue(), &rule_examples()),
    );
}

#[test]
fn every_reachable_code_has_a_fixture() {
    let examples = fixture_examples();
    let untestable_by_fixture = ["RP001", "RP099"];
    let missing: Vec<&str> = CATALOGUE
        .iter()
        .filter(|info| !untestable_by_fixture.contains(&info.id))
        // Run-time codes (`EX0xx`) come from commands and Azure's answers, not from a
        // plan file: tests/azure_*.rs and tests/emulator_*.rs cover them.
        .filter(|info| !info.id.starts_with("EX"))
        .filter(|info| !examples.iter().any(|e| e.code == info.code))
        .map(|info| info.id)
        .collect();
    assert!(
        missing.is_empty(),
        "codes without a fixture in tests/fixtures/invalid: {missing:?}"
    );
}
