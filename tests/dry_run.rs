//! The dry run's rules, each with a fixture pair in `tests/fixtures/rules/`:
//! `<code>-<rule>/trips.yaml` must report the rule, `passes.yaml`, the
//! nearest plan that does not, must not. Both run against the folder's
//! `inventory.yaml`, else the Contoso estate, as of its snapshot time.

use restoreplan::check::{dry_run, plan_wide, rules};
use restoreplan::diagnostic::FileDiagnostics;
use restoreplan::model::Inventory;
use restoreplan::pipeline::{expand_plan, load_inventory, validate_plan};
use restoreplan::report::{human, json};
use restoreplan::source::SourceFile;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> (SourceFile, Vec<restoreplan::diagnostic::Diagnostic>) {
    let relative = path
        .strip_prefix(root())
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned();
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {relative}: {e}"));
    SourceFile::from_bytes(relative.as_str(), &bytes)
}

fn inventory(path: &Path) -> Inventory {
    let (source, problems) = read(path);
    let loaded = load_inventory(source, problems);
    assert!(
        loaded.report.diagnostics.is_empty(),
        "{:?}",
        loaded.report.diagnostics
    );
    loaded.inventory.expect("a valid inventory")
}

/// The dry run's findings for a plan, located in the plan.
fn check(plan: &Path, inventory: &Inventory) -> FileDiagnostics {
    let (source, problems) = read(plan);
    let validated = validate_plan(source, problems);
    assert!(
        validated.report.diagnostics.is_empty(),
        "{}: {:?}",
        plan.display(),
        validated.report.diagnostics
    );
    let (graph, report) = expand_plan(&validated, inventory).expect("compiles");
    assert!(
        report.diagnostics.is_empty(),
        "{}: {:?}",
        plan.display(),
        report.diagnostics
    );
    let graph = graph.expect("expands");
    let plan = validated.plan.as_ref().expect("typed");
    let mut findings = dry_run(plan, &graph, inventory, inventory.snapshot_time).diagnostics;
    // A fixed stand-in for PATH, so that the findings do not depend on this machine.
    findings.extend(plan_wide::programs(plan, &|program, _| {
        !program.starts_with("no-such-")
    }));
    FileDiagnostics::new(
        validated.report.source.clone(),
        validated.document.as_ref(),
        findings,
    )
}

fn fixture_inventory(folder: &Path) -> Inventory {
    let own = folder.join("inventory.yaml");
    let path = if own.exists() {
        own
    } else {
        root().join("plans/inventory/contoso.yaml")
    };
    inventory(&path)
}

#[test]
fn every_rule_trips_on_its_fixture_and_not_on_the_nearest_plan() {
    insta::glob!("fixtures/rules/*/trips.yaml", |trips| {
        let folder = trips.parent().expect("a folder");
        let name = folder
            .file_name()
            .and_then(|n| n.to_str())
            .expect("UTF-8 name");
        let code = name.split('-').next().expect("a code").to_ascii_uppercase();
        let inventory = fixture_inventory(folder);
        let report = check(trips, &inventory);
        assert!(
            report.diagnostics.iter().any(|d| d.code.id() == code),
            "{name}/trips.yaml should report {code}, got {:?}",
            report
                .diagnostics
                .iter()
                .map(|d| d.code.id())
                .collect::<Vec<_>>()
        );
        let near = check(&folder.join("passes.yaml"), &inventory);
        assert!(
            !near.diagnostics.iter().any(|d| d.code.id() == code),
            "{name}/passes.yaml must not report {code}"
        );
        insta::assert_snapshot!("human", human::render(&report, human::Style::plain()));
        insta::assert_snapshot!("json", json::render(&[report]));
    });
}

#[test]
fn every_rule_has_its_fixture_pair() {
    let folder = root().join("tests/fixtures/rules");
    let missing: Vec<String> = rules::catalogue()
        .into_iter()
        .filter(|info| {
            let prefix = format!("{}-{}", info.id.to_ascii_lowercase(), info.rule);
            let dir = folder.join(&prefix);
            !(dir.join("trips.yaml").exists() && dir.join("passes.yaml").exists())
        })
        .map(|info| format!("{}-{}", info.id.to_ascii_lowercase(), info.rule))
        .collect();
    assert!(
        missing.is_empty(),
        "rules without a fixture pair in tests/fixtures/rules: {missing:?}"
    );
}

#[test]
fn the_example_plans_have_no_errors_against_contoso() {
    let contoso = inventory(&root().join("plans/inventory/contoso.yaml"));
    let mut plans: Vec<PathBuf> = std::fs::read_dir(root().join("plans"))
        .expect("plans/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    plans.sort();
    let mut warnings = String::new();
    for plan in plans {
        let report = check(&plan, &contoso);
        assert_eq!(
            report.errors(),
            0,
            "{}",
            human::render(&report, human::Style::plain())
        );
        if report.warnings() > 0 {
            warnings.push_str(&human::render(&report, human::Style::plain()));
        }
    }
    insta::assert_snapshot!(warnings);
}
