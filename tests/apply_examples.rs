//! Every example plan in `plans/` applies against the embedded emulator, as
//! a process, and the emulated estate afterwards holds each VM the plan
//! created, with the name, region and network its target asked for.

mod apply_support;

use apply_support::{only_run, report, root};
use assert_cmd::Command;
use restoreplan::model::{Plan, StepKind};
use restoreplan::pipeline::validate_plan;
use restoreplan::source::SourceFile;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn example_plans() -> Vec<PathBuf> {
    let mut plans: Vec<PathBuf> = std::fs::read_dir(root().join("plans"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .collect();
    plans.sort();
    plans
}

fn plan_of(path: &Path) -> Plan {
    let (source, problems) = SourceFile::from_bytes("plan.yaml", &std::fs::read(path).unwrap());
    validate_plan(source, problems)
        .plan
        .expect("the example plans are valid")
}

fn json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Applies `plan` with every approval gate approved in advance.
fn apply(path: &Path, plan: &Plan, state: &Path) -> std::process::Output {
    let mut command = Command::cargo_bin("restoreplan").unwrap();
    command
        .current_dir(root())
        .arg("apply")
        .arg(path)
        .args([
            "--inventory",
            "plans/inventory/contoso.yaml",
            "--emulator",
            "--yes",
        ])
        .arg("--state-dir")
        .arg(state)
        .timeout(std::time::Duration::from_secs(600));
    for step in &plan.steps {
        if matches!(step.kind, StepKind::Approve(_)) {
            command.args(["--approve", &step.id]);
        }
    }
    command.output().unwrap()
}

/// Checks that each VM the run reports having created is in the world, where
/// its target puts it; returns how many were checked.
fn created_vms_are_in_the_world(plan: &Plan, report: &Value, world: &Value) -> usize {
    let vms = world["inventory"]["virtualMachines"].as_array().unwrap();
    let mut checked = 0;
    for step in report["steps"].as_array().unwrap() {
        let id = step["id"].as_str().unwrap();
        let Some(vm_id) = step["outputs"]["vmId"].as_str() else {
            continue;
        };
        let base = id.split(['[', '#']).next().unwrap();
        let Some(plan_step) = plan.steps.iter().find(|s| s.id == base) else {
            panic!("`{id}` is not a step of the plan");
        };
        let StepKind::Restore(restore) = &plan_step.kind else {
            continue;
        };
        if restore.mode == restoreplan::model::RestoreMode::Disks
            && !id.ends_with("#deploy-template")
            && !id.ends_with("#reinstall-disk-encryption")
        {
            continue;
        }
        let vm = vms
            .iter()
            .find(|vm| {
                vm["id"]
                    .as_str()
                    .is_some_and(|v| v.eq_ignore_ascii_case(vm_id))
            })
            .unwrap_or_else(|| panic!("`{id}`: {vm_id} is not in the emulated estate"));
        assert_eq!(vm["exists"], Value::Bool(true), "{vm_id}");
        let target_name = restore
            .target
            .clone()
            .or_else(|| plan.defaults.target.clone());
        if let Some(target) = target_name.and_then(|t| plan.targets.get(&t))
            && restore.mode != restoreplan::model::RestoreMode::ReplaceExisting
        {
            assert_eq!(vm["region"], target.region.as_str(), "{id}: region");
            if let Some(network) = &target.network {
                let subnet = format!("{}/subnets/{}", network.virtual_network, network.subnet);
                let nic_subnet = vm["nics"][0]["subnet"].as_str().unwrap_or_default();
                assert!(
                    nic_subnet.eq_ignore_ascii_case(&subnet),
                    "{id}: {nic_subnet}"
                );
                assert_eq!(
                    vm["nics"][0]["privateIp"], step["outputs"]["privateIp"],
                    "{id}: the privateIp output is the NIC's address"
                );
            }
        }
        checked += 1;
    }
    checked
}

#[test]
fn every_example_plan_applies_against_the_emulator() {
    // The runs mostly wait on the emulated clock: run them side by side.
    let created: usize = std::thread::scope(|scope| {
        let runs: Vec<_> = example_plans()
            .into_iter()
            .map(|path| scope.spawn(move || apply_and_check(&path)))
            .collect();
        runs.into_iter().map(|run| run.join().unwrap()).sum()
    });
    // The examples restore 29 VMs in all; most of them as new VMs.
    assert!(created >= 20, "only {created} restored VMs were checked");
}

/// Applies one example plan and checks its run; returns the VMs checked.
fn apply_and_check(path: &Path) -> usize {
    let plan = plan_of(path);
    let state = tempfile::tempdir().unwrap();
    let output = apply(path, &plan, state.path());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}:\n{stderr}",
        path.display()
    );
    let run = only_run(state.path());
    let report = report(&run);
    assert_eq!(report["outcome"], "succeeded", "{}", path.display());
    assert_eq!(
        report["counts"]["failed"].as_u64().unwrap_or(0),
        0,
        "{}",
        path.display()
    );
    let world = json(&run.join("emulator-world.json"));
    created_vms_are_in_the_world(&plan, &report, &world)
}
