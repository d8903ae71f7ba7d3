//! `restoreplan emulator` as a process: it refuses what it must not do with
//! a code and exit 2, and otherwise prints its URL and CA path and serves.

use assert_cmd::Command;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/emulator/estate.yaml")
}

fn refusal(args: &[&str]) -> (i32, String) {
    let output = Command::cargo_bin("restoreplan")
        .expect("binary")
        .arg("emulator")
        .arg("--inventory")
        .arg(fixture())
        .args(args)
        .output()
        .expect("run");
    assert!(output.stdout.is_empty(), "nothing on stdout for a refusal");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn a_non_loopback_listen_address_is_refused_with_ex080() {
    let (code, stderr) = refusal(&["--listen", "0.0.0.0:8443"]);
    assert_eq!(code, 2);
    insta::assert_snapshot!(stderr);
}

#[test]
fn bad_options_are_refused_with_their_codes_before_anything_is_bound() {
    for (args, id) in [
        (&["--listen", "localhost:8443"][..], "EX081"),
        (&["--faults", "429=0.7,500=0.7"][..], "EX082"),
        (&["--fail-job", "a b"][..], "EX083"),
        (&["--time-scale", "0"][..], "EX084"),
    ] {
        let (code, stderr) = refusal(args);
        assert_eq!(code, 2, "{args:?}");
        assert!(
            stderr.starts_with(&format!("error[{id}]: ")),
            "{args:?}: {stderr}"
        );
        assert!(stderr.contains("help: "), "{args:?}: {stderr}");
    }
}

#[test]
fn serves_and_prints_its_url_and_ca_path_then_stops_on_sigterm() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ca = dir.path().join("ca.pem");
    let binary = assert_cmd::cargo::cargo_bin("restoreplan");
    let mut child = std::process::Command::new(binary)
        .args(["emulator", "--inventory"])
        .arg(fixture())
        .arg("--ca-out")
        .arg(&ca)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let url = lines.next().and_then(Result::ok).unwrap_or_default();
    let ca_line = lines.next().and_then(Result::ok).unwrap_or_default();
    let pid = child.id().to_string();
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status();
    let status = child.wait().expect("wait");
    assert!(url.starts_with("emulator: https://127.0.0.1:"), "{url}");
    assert_eq!(ca_line, format!("ca-cert: {}", ca.display()));
    assert!(std::fs::read_to_string(&ca).is_ok_and(|pem| pem.contains("BEGIN CERTIFICATE")));
    assert_eq!(status.code(), Some(0), "a clean stop");
}

#[test]
fn the_process_honours_record_and_accept_any_client() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (ca, record) = (dir.path().join("ca.pem"), dir.path().join("requests.jsonl"));
    let binary = assert_cmd::cargo::cargo_bin("restoreplan");
    let mut child = std::process::Command::new(binary)
        .args(["emulator", "--accept-any-client", "--inventory"])
        .arg(fixture())
        .arg("--ca-out")
        .arg(&ca)
        .arg("--record")
        .arg(&record)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let url = BufReader::new(stdout)
        .lines()
        .next()
        .and_then(Result::ok)
        .unwrap_or_default()
        .trim_start_matches("emulator: ")
        .to_owned();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let status = runtime.block_on(async {
        let pem = std::fs::read(&ca).expect("CA file");
        let client = reqwest::Client::builder()
            .tls_certs_only([reqwest::Certificate::from_pem(&pem).expect("PEM")])
            .build()
            .expect("client");
        let form = "grant_type=client_credentials&client_id=anyone&client_secret=anything&scope=https%3A%2F%2Fmanagement.azure.com%2F.default";
        let token: serde_json::Value = client
            .post(format!("{url}/tenant.example/oauth2/v2.0/token"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form)
            .send()
            .await
            .expect("token")
            .json()
            .await
            .expect("JSON");
        let token = token["access_token"].as_str().unwrap_or_default().to_owned();
        client
            .get(format!("{url}/subscriptions/3f2c8a1e-6b4d-4e8a-9c1f-2d7e5b9a0c41/providers/Microsoft.Compute/locations/westeurope/usages?api-version=2024-07-01"))
            .bearer_auth(token)
            .send()
            .await
            .expect("usages")
            .status()
            .as_u16()
    });
    let pid = child.id().to_string();
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status();
    let _ = child.wait();
    assert_eq!(status, 200);
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&record)
        .expect("record")
        .lines()
        .map(|line| serde_json::from_str(line).expect("JSON line"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(
        lines[1]["path"],
        "/subscriptions/3f2c8a1e-6b4d-4e8a-9c1f-2d7e5b9a0c41/providers/Microsoft.Compute/locations/westeurope/usages"
    );
    assert_eq!(lines[1]["status"], 200);
    assert!(
        lines[0]["body"]
            .as_str()
            .is_some_and(|b| b.contains("client_secret=REDACTED"))
    );
}
