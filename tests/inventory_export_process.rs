//! `inventory export` over the production sign-in (client secret, custom
//! cloud, extra CA) against a `restoreplan emulator` process: it only reads,
//! never shows the secret, and under injected 429s, 5xx and dropped
//! connections still exports the seed's facts.

mod support;

use assert_cmd::Command;
use std::io::BufRead;
use std::path::Path;
use support::inventory::{comparable, first_difference, load, seed_path};

const PROD: &str = "3f2c8a1e-6b4d-4e8a-9c1f-2d7e5b9a0c41";
const SANDBOX: &str = "8b1d4e7a-2c9f-4a3b-b6e5-71f0c2d9e813";
const SECRET: &str = "planted-export-secret-5b0f";

/// A `restoreplan emulator` process, killed when dropped.
struct EmulatorProcess {
    child: std::process::Child,
    url: String,
}

impl Drop for EmulatorProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts an emulator seeded with Contoso, recording to `dir/record.jsonl`.
fn start_emulator(dir: &Path, extra: &[&str]) -> EmulatorProcess {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_restoreplan"))
        .arg("emulator")
        .args(["--inventory", &seed_path(), "--accept-any-client"])
        .args(extra)
        .arg("--record")
        .arg(dir.join("record.jsonl"))
        .arg("--ca-out")
        .arg(dir.join("ca.pem"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the emulator starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut emulator = EmulatorProcess {
        child,
        url: String::new(),
    };
    let first = std::io::BufReader::new(stdout)
        .lines()
        .next()
        .expect("a line")
        .expect("text");
    emulator.url = first.trim_start_matches("emulator: ").to_owned();
    assert!(emulator.url.starts_with("https://127.0.0.1:"), "{first}");
    emulator
}

/// `inventory export` of both subscriptions against `emulator`, signing in with a client secret.
fn export(dir: &Path, emulator: &EmulatorProcess) -> std::process::Output {
    Command::cargo_bin("restoreplan")
        .expect("the binary is built")
        .current_dir(dir)
        .args([
            "inventory",
            "export",
            "--subscription",
            PROD,
            "--subscription",
            SANDBOX,
        ])
        .args([
            "--since",
            "36500d",
            "-o",
            "out.yaml",
            "--auth",
            "client-secret",
        ])
        .args([
            "--arm-endpoint",
            &emulator.url,
            "--authority-host",
            &emulator.url,
        ])
        .arg("--ca-cert")
        .arg(dir.join("ca.pem"))
        .env("AZURE_TENANT_ID", "5e1b9c3a-7d2f-4b8e-a6c0-93f4d1e2b7a5")
        .env("AZURE_CLIENT_ID", "export-test")
        .env("AZURE_CLIENT_SECRET", SECRET)
        .output()
        .expect("runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn export_over_the_production_sign_in_only_reads_and_never_shows_the_secret() {
    let dir = tempfile::tempdir().expect("tempdir");
    let emulator = start_emulator(dir.path(), &[]);
    let output = export(dir.path(), &emulator);
    let (out, err) = (text(&output.stdout), text(&output.stderr));
    assert!(output.status.success(), "{err}");
    let written = std::fs::read_to_string(dir.path().join("out.yaml")).expect("written");
    for shown in [&out, &err, &written] {
        assert!(!shown.contains(SECRET));
    }
    drop(emulator);
    let requests: Vec<serde_json::Value> = std::fs::read_to_string(dir.path().join("record.jsonl"))
        .expect("recorded")
        .lines()
        .map(|line| serde_json::from_str(line).expect("JSON line"))
        .collect();
    let arm: Vec<&serde_json::Value> = requests
        .iter()
        .filter(|r| {
            r["path"]
                .as_str()
                .is_some_and(|p| p.starts_with("/subscriptions/"))
        })
        .collect();
    assert!(arm.len() > 50, "{} ARM requests", arm.len());
    assert!(
        arm.iter().all(|r| r["method"] == "GET"),
        "export only reads"
    );
    let seed = comparable(load(Path::new(&seed_path())));
    let exported = comparable(load(&dir.path().join("out.yaml")));
    assert_eq!(first_difference("", &seed, &exported), None);
}

#[test]
fn throttling_server_errors_and_dropped_connections_are_retried_to_the_same_export() {
    let dir = tempfile::tempdir().expect("tempdir");
    let emulator = start_emulator(
        dir.path(),
        &[
            "--faults",
            "429=0.08,500=0.04,503=0.04,reset=0.03",
            "--seed",
            "11",
        ],
    );
    let output = export(dir.path(), &emulator);
    assert!(output.status.success(), "{}", text(&output.stderr));
    drop(emulator);
    let recorded = std::fs::read_to_string(dir.path().join("record.jsonl")).expect("recorded");
    let failed = recorded
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|r| r["status"].as_u64().is_some_and(|s| s == 429 || s >= 500))
        .count();
    assert!(failed > 0, "the seed injects faults");
    let seed = comparable(load(Path::new(&seed_path())));
    let exported = comparable(load(&dir.path().join("out.yaml")));
    assert_eq!(first_difference("", &seed, &exported), None);
}
