//! Expansion against an inventory: `select:` becomes one node per VM, disk
//! restores followed by a template deployment become their phases, and each
//! restore knows what it crosses. Broken plans in `tests/fixtures/expand/`
//! (`rpNNN-….plan.yaml`, with `rpNNN-….inventory.yaml` beside it when the
//! Contoso estate does not fit) must report their code, snapshotted.

use restoreplan::compile::RestoreGraph;
use restoreplan::model::Inventory;
use restoreplan::pipeline::{Validated, expand_plan, load_inventory, validate_plan};
use restoreplan::report::{human, json};
use restoreplan::source::SourceFile;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path, name: &str) -> (SourceFile, Vec<restoreplan::diagnostic::Diagnostic>) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {name}: {e}"));
    SourceFile::from_bytes(name, &bytes)
}

fn inventory(path: &Path) -> Inventory {
    let (source, problems) = read(path, "inventory");
    let loaded = load_inventory(source, problems);
    assert!(
        loaded.report.diagnostics.is_empty(),
        "{:?}",
        loaded.report.diagnostics
    );
    loaded.inventory.expect("a valid inventory")
}

fn contoso() -> Inventory {
    inventory(&root().join("plans/inventory/contoso.yaml"))
}

fn plan(relative: &str) -> Validated {
    let (source, problems) = read(&root().join(relative), relative);
    let validated = validate_plan(source, problems);
    assert!(
        validated.report.diagnostics.is_empty(),
        "{:?}",
        validated.report.diagnostics
    );
    validated
}

fn expanded(relative: &str, inventory: &Inventory) -> RestoreGraph {
    let (graph, report) = expand_plan(&plan(relative), inventory).expect("the plan compiles");
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    graph.expect("expands")
}

fn ids(graph: &RestoreGraph, indices: &[usize]) -> Vec<String> {
    indices.iter().map(|i| graph.node(*i).id.clone()).collect()
}

fn index_of(graph: &RestoreGraph, id: &str) -> usize {
    (0..graph.node_count())
        .find(|i| graph.node(*i).id == id)
        .unwrap_or_else(|| panic!("no node {id}"))
}

#[test]
fn a_selector_becomes_one_node_per_vm_and_dependents_wait_for_all() {
    let graph = expanded("plans/three-tier-app.yaml", &contoso());
    let web: Vec<String> = graph
        .nodes()
        .filter(|n| n.id.starts_with("web["))
        .map(|n| n.id.clone())
        .collect();
    assert_eq!(web, ["web[web-01]", "web[web-02]", "web[web-03]"]);
    let smoke = index_of(&graph, "smoke");
    let waits_for = ids(&graph, &graph.dependencies(smoke));
    for node in &web {
        assert!(
            waits_for.contains(node),
            "smoke should wait for {node}: {waits_for:?}"
        );
    }
    // Each web VM waits for every app VM, as the step waited for the app step.
    let web_01 = index_of(&graph, "web[web-01]");
    let needs = ids(&graph, &graph.dependencies(web_01));
    assert!(
        ["app[app-01]", "app[app-02]", "app[app-03]", "api"]
            .iter()
            .all(|n| needs.contains(&n.to_string()))
    );
}

#[test]
fn an_encrypted_linux_disk_restore_becomes_its_three_phases() {
    let graph = expanded("plans/encrypted-linux-disks.yaml", &contoso());
    let phases = [
        "analytics",
        "analytics#deploy-template",
        "analytics#reinstall-disk-encryption",
    ];
    let indices: Vec<usize> = phases.iter().map(|id| index_of(&graph, id)).collect();
    assert_eq!(graph.dependencies(indices[1]), [indices[0]]);
    assert_eq!(graph.dependencies(indices[2]), [indices[1]]);
    assert_eq!((graph.wave(indices[0]), graph.wave(indices[2])), (0, 2));
    // What depended on the step now waits for its last phase.
    let after: Vec<usize> = (0..graph.node_count())
        .filter(|i| graph.dependencies(*i).contains(&indices[2]))
        .collect();
    assert!(
        !after.is_empty(),
        "the checks wait for the reinstalled extension"
    );
}

#[test]
fn the_scenario_is_derived_from_target_and_source() {
    let inventory = contoso();
    let failover = expanded("plans/region-failover.yaml", &inventory);
    let restores: Vec<_> = failover.nodes().filter_map(|n| n.vm.as_ref()).collect();
    assert!(restores.len() >= 12);
    assert!(
        restores
            .iter()
            .all(|vm| vm.cross_region && !vm.cross_subscription)
    );
    let same_region = expanded("plans/single-vm-new.yaml", &inventory);
    let vm = same_region
        .nodes()
        .find_map(|n| n.vm.as_ref())
        .expect("a restore");
    assert!(!vm.cross_region && !vm.cross_subscription && !vm.cross_zone);
    let drill = expanded("plans/quarterly-drill.yaml", &inventory);
    assert!(
        drill
            .nodes()
            .filter_map(|n| n.vm.as_ref())
            .any(|vm| vm.cross_subscription)
    );
}

#[test]
fn every_broken_expansion_reports_its_code() {
    insta::glob!("fixtures/expand/*.plan.yaml", |path| {
        let file_name = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("UTF-8 name");
        let code = file_name
            .split('-')
            .next()
            .expect("a code")
            .to_ascii_uppercase();
        let own = path.with_file_name(file_name.replace(".plan.yaml", ".inventory.yaml"));
        let inventory = if own.exists() {
            inventory(&own)
        } else {
            contoso()
        };
        let name = format!("tests/fixtures/expand/{file_name}");
        let (source, problems) = read(path, &name);
        let validated = validate_plan(source, problems);
        assert!(
            validated.report.diagnostics.is_empty(),
            "{name} must be a valid plan"
        );
        let (graph, report) = expand_plan(&validated, &inventory).expect("the plan compiles");
        assert!(graph.is_none(), "{name} must not expand");
        assert!(
            report.diagnostics.iter().any(|d| d.code.id() == code),
            "{name} should report {code}, got {:?}",
            report
                .diagnostics
                .iter()
                .map(|d| d.code.id())
                .collect::<Vec<_>>()
        );
        insta::assert_snapshot!("human", human::render(&report, human::Style::plain()));
        insta::assert_snapshot!("json", json::render(&[report]));
    });
}
