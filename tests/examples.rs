//! The example plans in `plans/` are clean (no errors, no warnings), their
//! compiled graphs are snapshotted, and the inventory they are written
//! against passes the inventory schema.

use restoreplan::pipeline::{Validated, validate_plan};
use restoreplan::report::graph;
use restoreplan::schema::{SchemaKind, validate};
use restoreplan::source::{SourceFile, parse};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Validates a file of the repository, named by its path relative to the root.
fn validate_file(relative: &str) -> Validated {
    let bytes = std::fs::read(root().join(relative))
        .unwrap_or_else(|e| panic!("cannot read {relative}: {e}"));
    let (source, problems) = SourceFile::from_bytes(relative, &bytes);
    validate_plan(source, problems)
}

fn relative_name(path: &Path) -> String {
    format!(
        "plans/{}",
        path.file_name()
            .and_then(|n| n.to_str())
            .expect("plan names are UTF-8")
    )
}

#[test]
fn there_are_example_plans() {
    let count = example_plans().len();
    assert!(count >= 6, "expected the six example plans, found {count}");
}

fn example_plans() -> Vec<PathBuf> {
    let mut plans: Vec<PathBuf> = std::fs::read_dir(root().join("plans"))
        .expect("plans/ is readable")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|x| x == "yaml"))
        .collect();
    plans.sort();
    plans
}

#[test]
fn every_example_plan_is_clean() {
    let mut dirty = Vec::new();
    for path in example_plans() {
        let name = relative_name(&path);
        let validated = validate_file(&name);
        if validated.report.diagnostics.is_empty() {
            let plan = validated.plan.as_ref().expect("a clean plan has a model");
            let compiled = validated.graph.as_ref().expect("a clean plan has a graph");
            assert_eq!(compiled.node_count(), plan.steps.len(), "{name}");
        } else {
            dirty.push(restoreplan::report::human::render(
                &validated.report,
                restoreplan::report::human::Style::plain(),
            ));
        }
    }
    assert!(
        dirty.is_empty(),
        "every example plan should have no errors and no warnings:\n{}",
        dirty.join("\n")
    );
}

#[test]
fn every_example_graph_is_stable() {
    let mut without_graph = Vec::new();
    insta::glob!("../plans", "*.yaml", |path| {
        let name = relative_name(path);
        match validate_file(&name).graph {
            Some(compiled) => insta::assert_snapshot!("graph_json", graph::json(&compiled)),
            // Reported by `every_example_plan_is_clean`; go on with the other plans.
            None => without_graph.push(name),
        }
    });
    assert!(
        without_graph.is_empty(),
        "these example plans do not compile: {without_graph:?}"
    );
}

/// The wave of the node with this id.
fn wave_of(graph: &restoreplan::compile::RestoreGraph, id: &str) -> usize {
    let index = graph
        .nodes()
        .position(|n| n.id == id)
        .unwrap_or_else(|| panic!("no node `{id}`"));
    graph.wave(index)
}

#[test]
fn three_tier_app_has_six_waves() {
    // db → app, api → web → smoke → go-live → dns
    let validated = validate_file("plans/three-tier-app.yaml");
    let compiled = validated.graph.expect("the plan compiles");
    assert_eq!(compiled.node_count(), 7);
    assert_eq!(compiled.wave_count(), 6);
    let wave_of = |id: &str| wave_of(&compiled, id);
    assert_eq!(wave_of("db"), 0);
    assert_eq!(wave_of("app"), 1);
    assert_eq!(wave_of("api"), 1);
    assert_eq!(wave_of("web"), 2);
    assert_eq!(wave_of("dns"), 5);
}

#[test]
fn region_failover_has_eleven_waves() {
    // sql-primary, sql-secondary, redis → data-ready, cache-ready → messaging →
    // messaging-settle → app → web → smoke → go-live → traffic-manager →
    // disable-primary, public-check → notify
    let validated = validate_file("plans/region-failover.yaml");
    let compiled = validated.graph.expect("the plan compiles");
    assert_eq!(compiled.node_count(), 15);
    assert_eq!(compiled.wave_count(), 11);
    let wave_of = |id: &str| wave_of(&compiled, id);
    assert_eq!(wave_of("redis"), 0);
    assert_eq!(wave_of("cache-ready"), 1);
    assert_eq!(wave_of("app"), 4);
    assert_eq!(wave_of("disable-primary"), 9);
    assert_eq!(wave_of("public-check"), 9);
    assert_eq!(wave_of("notify"), 10);
}

#[test]
fn the_inventory_passes_the_inventory_schema() {
    let relative = "plans/inventory/contoso.yaml";
    let text = std::fs::read_to_string(root().join(relative))
        .unwrap_or_else(|e| panic!("cannot read {relative}: {e}"));
    let source = SourceFile::from_text(relative, text);
    let document = parse(&source).unwrap_or_else(|diagnostics| {
        panic!("{relative} does not parse: {diagnostics:?}");
    });
    let problems = validate(SchemaKind::Inventory, &document.value);
    assert!(
        problems.is_empty(),
        "{relative} breaks the inventory schema:\n{problems:#?}"
    );
    // And the check is not vacuous: the inventory is not a plan.
    assert!(!validate(SchemaKind::Plan, &document.value).is_empty());
}

#[test]
fn every_example_written_as_json_is_accepted_and_compiles_the_same() {
    for path in example_plans() {
        let name = relative_name(&path);
        let yaml = validate_file(&name);
        let text = std::fs::read_to_string(&path).expect("readable");
        let document = parse(&SourceFile::from_text(name.as_str(), text)).expect("valid YAML");
        let json = serde_json::to_string_pretty(&document.value).expect("serialises");
        let (source, problems) = SourceFile::from_bytes(format!("{name}.json"), json.as_bytes());
        let from_json = validate_plan(source, problems);
        assert!(
            from_json.report.diagnostics.is_empty(),
            "{name} as JSON: {:?}",
            from_json.report.diagnostics
        );
        let (a, b) = (
            yaml.graph.expect("compiles"),
            from_json.graph.expect("compiles"),
        );
        assert_eq!(
            graph::json(&a),
            graph::json(&b),
            "{name}: the JSON form compiles differently"
        );
    }
}
