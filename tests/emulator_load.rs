//! The emulator under load: N concurrent restores (2,000 by default), each
//! triggered by its own client task that polls the operation, then the job,
//! every `Retry-After`-ish interval until it completes. A benchmark, not a
//! timed test: it is ignored by default and prints requests per second and
//! the process's peak memory (emulator and clients together).
//!
//!   cargo test --release --test emulator_load -- --ignored --nocapture
//!
//! Knobs (environment): LOAD_JOBS=2000, LOAD_SECONDS=20 (the simulated length
//! of a restore in real seconds), LOAD_POLL_MS=500.

mod emulator_common;

use emulator_common::*;
use restoreplan::azure::api;
use restoreplan::azure::wire::restore::RecoveryType;
use restoreplan::emulator::{Emulator, EmulatorConfig};
use restoreplan::model::Inventory;
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn knob(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// An estate of `vms` protected VMs of 128 GiB each in one vault, with room
/// for a restored copy of each (subnet, quota, write budget).
fn estate(vms: u64) -> Inventory {
    let sub = SUBSCRIPTION;
    let group = format!("/subscriptions/{sub}/resourceGroups/rg-load");
    let items: Vec<Value> = (0..vms)
        .map(|n| {
            json!({
                "name": format!("VM;iaasvmcontainerv2;rg-load;vm-{n:05}"),
                "vm": format!("{group}/providers/Microsoft.Compute/virtualMachines/vm-{n:05}"),
                "recoveryPoints": [{
                    "id": format!("{}", 100_000 + n),
                    "time": "2026-11-26T04:00:00Z",
                    "tiers": [{ "type": "snapshot", "status": "valid" }],
                    "disks": [{ "name": format!("vm-{n:05}-os"), "sizeGiB": 128 }]
                }]
            })
        })
        .collect();
    let machines: Vec<Value> = (0..vms)
        .map(|n| {
            json!({
                "id": format!("{group}/providers/Microsoft.Compute/virtualMachines/vm-{n:05}"),
                "name": format!("vm-{n:05}"),
                "region": "westeurope",
                "vCpus": 2,
                "family": "standardDSv5Family",
            })
        })
        .collect();
    let value = json!({
        "apiVersion": "restoreplan/v1",
        "kind": "Inventory",
        "snapshotTime": "2026-11-26T06:00:00Z",
        "vaults": [{
            "id": format!("{group}/providers/Microsoft.RecoveryServices/vaults/rsv-load"),
            "region": "westeurope",
            "protectedItems": items,
        }],
        "virtualMachines": machines,
        "virtualNetworks": [{
            "id": format!("{group}/providers/Microsoft.Network/virtualNetworks/vnet-load"),
            "region": "westeurope",
            "subnets": [{ "name": "app", "addressPrefix": "10.0.0.0/16", "freeIps": 60000 }]
        }],
        "storageAccounts": [{ "id": format!("{group}/providers/Microsoft.Storage/storageAccounts/stload"), "region": "westeurope" }],
        "quotas": [{ "subscription": sub, "region": "westeurope", "family": "cores", "limit": 1_000_000 }],
    });
    Inventory::from_value(&value).expect("the generated estate reads")
}

fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|line| line.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "a benchmark: run with --ignored --nocapture"]
async fn thousands_of_concurrent_restores_with_polling_clients() {
    let jobs = knob("LOAD_JOBS", 2000);
    let seconds = knob("LOAD_SECONDS", 20) as f64;
    let poll = Duration::from_millis(knob("LOAD_POLL_MS", 500));
    let mut inventory = estate(jobs);
    inventory.emulator.writes_per_hour = 1_000_000;
    // One restore: 2 min prepare + 128 GiB at 400 MiB/s + 4 min create, about 11.5 simulated minutes.
    let simulated = 120.0 + 128.0 * 1024.0 / 400.0 + 240.0;
    let mut config = EmulatorConfig::new(inventory);
    config.time_scale = simulated / seconds;
    config.accept_any_client = true;
    let emulator = Emulator::start(config).await.expect("starts");
    let arm = Arc::new(Arm::new(&emulator).await);
    let group = restoreplan::azure::id::ResourceGroupId::new(ids::subscription(), "rg-load")
        .expect("group");
    let vault = restoreplan::azure::id::VaultId::new(group.clone(), "rsv-load").expect("vault");
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..jobs {
        let arm = arm.clone();
        let (group, vault) = (group.clone(), vault.clone());
        tasks.spawn(async move {
            let vm = restoreplan::azure::id::VirtualMachineId::new(group.clone(), &format!("vm-{n:05}")).expect("vm");
            let item = restoreplan::azure::id::ProtectedItemId::for_vm(vault.clone(), &vm);
            let point = restoreplan::azure::id::RecoveryPointId::new(item, &format!("{}", 100_000 + n)).expect("point");
            let subnet = format!("{group}/providers/Microsoft.Network/virtualNetworks/vnet-load/subnets/app");
            let body = json!({ "properties": {
                "objectType": "IaasVMRestoreRequest",
                "recoveryPointId": point.name(),
                "recoveryType": RecoveryType::AlternateLocation.as_str(),
                "sourceResourceId": vm.to_string(),
                "targetVirtualMachineId": format!("{group}/providers/Microsoft.Compute/virtualMachines/copy-{n:05}"),
                "targetResourceGroupId": group.to_string(),
                "virtualNetworkId": format!("{group}/providers/Microsoft.Network/virtualNetworks/vnet-load"),
                "subnetId": subnet,
                "storageAccountId": format!("{group}/providers/Microsoft.Storage/storageAccounts/stload"),
                "region": "westeurope",
            }});
            let trigger = arm.send(&api::restore_trigger(&point), Some(&body)).await;
            assert_eq!(trigger.status, 202, "{}", trigger.body);
            let status_url = trigger.header("azure-asyncoperation").expect("status URL");
            let job_id = loop {
                let answer = arm.send_url("GET", &status_url, None).await;
                if let Some(job) = answer.body["properties"]["jobId"].as_str() {
                    break job.to_owned();
                }
                tokio::time::sleep(poll).await;
            };
            loop {
                let job = arm.send(&api::job_get(&vault, &job_id), None).await;
                match job.body["properties"]["status"].as_str() {
                    Some("InProgress") => tokio::time::sleep(poll).await,
                    other => return other.map(str::to_owned),
                }
            }
        });
    }
    let mut completed = 0;
    while let Some(outcome) = tasks.join_next().await {
        if outcome.ok().flatten().as_deref() == Some("Completed") {
            completed += 1;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let requests = emulator.recorded().len();
    println!(
        "{jobs} concurrent restores: {completed} completed in {elapsed:.1} s; {requests} requests, {:.0} requests/s; peak memory {} MiB (emulator and clients)",
        requests as f64 / elapsed,
        peak_memory_kib().unwrap_or(0) / 1024
    );
    assert_eq!(completed, jobs);
    emulator.shutdown().await;
}
