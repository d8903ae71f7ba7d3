//! A benchmark, not a timed test (ignored by default): 500 restores of a
//! region failover through the real client against an in-process server that
//! enforces ARM's token-bucket limits (writes 200 at 10/s, reads 250 at 25/s)
//! with 429 + Retry-After, on a clock running 10× faster than real time
//! (`BENCH_SCALE` changes it; beyond ~20× the scaled-up network and CPU
//! latency bunches arrivals more than a real network would).
//! It reports ARM requests per restore, 429s, the peak request rate against
//! the budget, and CPU per request. Run:
//! `cargo test --test azure_failover_bench -- --ignored --nocapture`

mod support;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use restoreplan::azure::auth::{AuthMethod, TokenProvider};
use restoreplan::azure::backup::{Backup, BackupSettings, RestoreMode, RestoreSpec};
use restoreplan::azure::http::retry::RetryPolicy;
use restoreplan::azure::http::throttle::{BucketLimit, RateLimits};
use restoreplan::azure::http::{ArmClient, ClientConfig, http_client};
use restoreplan::azure::id::{
    ProtectedItemId, RecoveryPointId, StorageAccountId, VirtualMachineId,
};
use restoreplan::azure::lro::PollSettings;
use restoreplan::clock::{ScaledClock, SharedClock};
use serde_json::json;
use support::arm::PlantedCredential;
use support::backup::{SUB, group, vault};

const RESTORES: usize = 500;
const JOB_MINUTES: i64 = 20;

/// The server's side of ARM's token bucket.
struct Bucket {
    tokens: f64,
    capacity: f64,
    rate: f64,
    updated: jiff::Timestamp,
}

impl Bucket {
    /// Takes a token and returns what is left, or the seconds to wait for one.
    fn take(&mut self, now: jiff::Timestamp) -> Result<f64, u64> {
        let elapsed = now.duration_since(self.updated).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.rate).min(self.capacity);
        self.updated = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(self.tokens)
        } else {
            Err(((1.0 - self.tokens) / self.rate).ceil() as u64)
        }
    }
}

fn bucket(limit: BucketLimit, now: jiff::Timestamp) -> Bucket {
    Bucket {
        tokens: limit.capacity,
        capacity: limit.capacity,
        rate: limit.refill_per_second,
        updated: now,
    }
}

/// A minimal ARM: restore triggers, operation statuses and jobs, with limits.
struct Arm {
    clock: SharedClock,
    base: Mutex<String>,
    reads: Mutex<Bucket>,
    writes: Mutex<Bucket>,
    jobs: Mutex<BTreeMap<String, jiff::Timestamp>>,
    requests: Mutex<BTreeMap<i64, usize>>,
    throttled: Mutex<[usize; 2]>,
}

impl Arm {
    fn admit(&self, write: bool) -> Result<HeaderMap, u64> {
        let now = self.clock.now();
        *self
            .requests
            .lock()
            .expect("counts")
            .entry(now.as_second())
            .or_default() += 1;
        let (bucket, name) = if write {
            (&self.writes, "x-ms-ratelimit-remaining-subscription-writes")
        } else {
            (&self.reads, "x-ms-ratelimit-remaining-subscription-reads")
        };
        match bucket.lock().expect("bucket").take(now) {
            Ok(left) => {
                let mut headers = HeaderMap::new();
                headers.insert(name, HeaderValue::from(left as u64));
                Ok(headers)
            }
            Err(wait) => {
                self.throttled.lock().expect("count")[usize::from(write)] += 1;
                Err(wait)
            }
        }
    }
}

/// A 429 asking to come back in `wait` seconds.
fn throttled(wait: u64) -> Response {
    (
        StatusCode::TOO_MANY_REQUESTS,
        [("retry-after", wait.to_string())],
        "{}",
    )
        .into_response()
}

async fn trigger(
    State(arm): State<Arc<Arm>>,
    Path((_, container, _)): Path<(String, String, String)>,
) -> Response {
    let mut headers = match arm.admit(true) {
        Ok(headers) => headers,
        Err(wait) => return throttled(wait),
    };
    let job = format!("job-{}", container.replace([';', '%'], "_"));
    let done_at = arm.clock.now() + jiff::SignedDuration::from_mins(JOB_MINUTES);
    arm.jobs.lock().expect("jobs").insert(job.clone(), done_at);
    let base = arm.base.lock().expect("base").clone();
    let status =
        format!("{base}/subscriptions/{SUB}/operationsStatus/{job}?api-version=2026-02-01");
    headers.insert(
        "azure-asyncoperation",
        HeaderValue::from_str(&status).expect("header"),
    );
    headers.insert("retry-after", HeaderValue::from_static("10"));
    (StatusCode::ACCEPTED, headers).into_response()
}

async fn operation(
    State(arm): State<Arc<Arm>>,
    Path((_, job)): Path<(String, String)>,
) -> Response {
    match arm.admit(false) {
        Ok(headers) => {
            let body = json!({ "status": "Succeeded",
                "properties": { "objectType": "OperationStatusJobExtendedInfo", "jobId": job } });
            (headers, axum::Json(body)).into_response()
        }
        Err(wait) => throttled(wait),
    }
}

async fn job(
    State(arm): State<Arc<Arm>>,
    Path((_, _, _, job)): Path<(String, String, String, String)>,
) -> Response {
    let headers = match arm.admit(false) {
        Ok(headers) => headers,
        Err(wait) => return throttled(wait),
    };
    let done_at = arm.jobs.lock().expect("jobs").get(&job).copied();
    let status = if done_at.is_some_and(|t| arm.clock.now() >= t) {
        "Completed"
    } else {
        "InProgress"
    };
    let body =
        json!({ "name": job, "properties": { "jobType": "AzureIaaSVMJob", "status": status } });
    (headers, axum::Json(body)).into_response()
}

/// User plus system CPU seconds of this process (client and server together).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit(')').next().unwrap_or_default();
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

fn restore_of(n: usize) -> RestoreSpec {
    let vm: VirtualMachineId = format!(
        "{}/providers/Microsoft.Compute/virtualMachines/vm-{n:03}",
        group("rg-app")
    )
    .parse()
    .expect("vm");
    let point = RecoveryPointId::new(ProtectedItemId::for_vm(vault(), &vm), "1").expect("point");
    let staging: StorageAccountId = format!(
        "{}/providers/Microsoft.Storage/storageAccounts/stdr",
        group("rg-dr")
    )
    .parse()
    .expect("account");
    RestoreSpec {
        point,
        source_vm: vm,
        mode: RestoreMode::ReplaceExisting,
        region: "westeurope".into(),
        staging,
        identity: None,
        disk_encryption_set: None,
        disk_access: None,
        zone: None,
        rehydration: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: run with --ignored --nocapture"]
async fn failover_of_500_restores_within_arm_limits() {
    // BENCH_SCALE: how much faster than real time (network latency is scaled with it).
    let scale = std::env::var("BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10.0);
    let clock: SharedClock = Arc::new(ScaledClock::new(scale));
    let now = clock.now();
    let arm = Arc::new(Arm {
        clock: clock.clone(),
        base: Mutex::new(String::new()),
        reads: Mutex::new(bucket(RateLimits::PUBLISHED.reads, now)),
        writes: Mutex::new(bucket(RateLimits::PUBLISHED.writes, now)),
        jobs: Mutex::new(BTreeMap::new()),
        requests: Mutex::new(BTreeMap::new()),
        throttled: Mutex::new([0, 0]),
    });
    let item = "/subscriptions/{sub}/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/rsv-prod/backupFabrics/Azure/protectionContainers/{container}/protectedItems/{*rest}";
    let jobs = "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.RecoveryServices/vaults/{vault}/backupJobs/{job}";
    let router = Router::new()
        .route(item, post(trigger))
        .route(
            "/subscriptions/{sub}/operationsStatus/{job}",
            get(operation),
        )
        .route(jobs, get(job))
        .with_state(arm.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    *arm.base.lock().expect("base") = base.clone();
    let server = tokio::spawn(async move { axum::serve(listener, router).await.expect("serve") });

    let config = ClientConfig {
        arm_endpoint: base.parse().expect("url"),
        arm_scope: "https://management.azure.com/.default".into(),
        storage_scope: "https://storage.azure.com/.default".into(),
        allow_loopback_http: true,
        retry: RetryPolicy {
            seed: Some(5),
            ..RetryPolicy::default()
        },
        limits: RateLimits::default(),
    };
    let tokens = Arc::new(TokenProvider::new(
        Arc::new(PlantedCredential),
        AuthMethod::ClientSecret,
        clock.clone(),
    ));
    let http = http_client(None, Duration::from_secs(30)).expect("client");
    let client = Arc::new(ArmClient::new(config, http, tokens, clock.clone()).expect("client"));
    let settings = BackupSettings {
        operations: PollSettings::default(),
        job_interval: Duration::from_secs(60),
        ..BackupSettings::default()
    };
    let backup = Backup::new(client, settings);

    let cpu_before = cpu_seconds();
    let started = clock.now();
    let mut tasks = Vec::new();
    for n in 0..RESTORES {
        let backup = backup.clone();
        tasks.push(tokio::spawn(async move {
            let job_id = backup
                .trigger_restore(&restore_of(n))
                .await
                .expect("triggered");
            backup
                .follow_job(&vault(), &job_id, &mut |_| {})
                .await
                .expect("completed");
        }));
    }
    for task in tasks {
        task.await.expect("restore task");
    }
    let virtual_minutes = clock.now().duration_since(started).as_secs_f64() / 60.0;
    let cpu = cpu_seconds() - cpu_before;
    server.abort();

    let counts = arm.requests.lock().expect("counts").clone();
    let total: usize = counts.values().sum();
    let peak = counts.values().max().copied().unwrap_or(0);
    let [read_429, write_429] = *arm.throttled.lock().expect("count");
    let throttled = read_429 + write_429;
    println!(
        "restores: {RESTORES}; clock {scale}x; virtual time: {virtual_minutes:.1} min (each job takes {JOB_MINUTES} min)"
    );
    println!(
        "ARM requests: {total} ({:.2} per restore: trigger, operation poll, job polls every 60 s)",
        total as f64 / RESTORES as f64
    );
    println!("429 answers: {throttled} ({read_429} reads, {write_429} writes)");
    println!(
        "peak requests in one virtual second: {peak} (ARM: bursts of 200 writes / 250 reads, then 10 + 25 a second)"
    );
    println!(
        "CPU (client and server): {cpu:.2} s, {:.0} µs per request",
        cpu * 1e6 / total.max(1) as f64
    );
    assert_eq!(
        throttled, 0,
        "the client-side buckets keep the failover inside ARM's budget"
    );
}
