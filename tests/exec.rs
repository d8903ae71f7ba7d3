//! The executor against a scripted restorer on a virtual clock: order and
//! outputs, retries of transient failures only, failure policies, approval
//! gates, interruption, and resuming from a journal without restoring twice.

use predicates::prelude::*;
use restoreplan::check::dry_run;
use restoreplan::check::resolved::{Resolved, ResolvedNode, fingerprint, resolve_plan};
use restoreplan::clock::{ManualClock, SharedClock};
use restoreplan::compile::RestoreGraph;
use restoreplan::exec::executor::{Asker, Finished, NodeResult, Outcome, Recorder, Setup, execute};
use restoreplan::exec::failure::StepFailure;
use restoreplan::exec::journal::{self, Event, JOURNAL_FILE, JournalWriter};
use restoreplan::exec::restorer::{Outputs, Restorer, Submission};
use restoreplan::exec::state::RunState;
use restoreplan::exec::surroundings::Surroundings;
use restoreplan::model::Plan;
use restoreplan::pipeline::{expand_plan, load_inventory, validate_plan};
use restoreplan::source::SourceFile;
use std::collections::{BTreeSet, HashMap, VecDeque};
use std::future::Future;
use std::path::Path;
use std::sync::{Arc, Mutex};

const SUB: &str = "/subscriptions/3f2c8a1e-6b4d-4e8a-9c1f-2d7e5b9a0c41";

fn plan_text(execution: &str, steps: &str) -> String {
    format!(
        "apiVersion: restoreplan/v1
kind: RestorePlan
metadata: {{ name: exec-test }}
vaults:
  prod: {{ id: {SUB}/resourceGroups/rg-backup-weu/providers/Microsoft.RecoveryServices/vaults/rsv-prod-weu }}
targets:
  orders:
    region: westeurope
    resourceGroup: {SUB}/resourceGroups/rg-orders-weu
    network:
      virtualNetwork: {SUB}/resourceGroups/rg-network-weu/providers/Microsoft.Network/virtualNetworks/vnet-prod-weu
      subnet: orders-app
    stagingStorageAccount: {SUB}/resourceGroups/rg-backup-weu/providers/Microsoft.Storage/storageAccounts/stbackupstagingweu
defaults: {{ vault: prod, target: orders, recoveryPoint: latest }}
execution: {execution}
steps:
{steps}"
    )
}

/// The plan through the whole dry run, as `apply` will get it.
fn resolved(text: &str) -> (Arc<Plan>, Arc<RestoreGraph>, Arc<Resolved>) {
    let validated = validate_plan(
        SourceFile::from_text("exec.yaml", text.to_string()),
        Vec::new(),
    );
    assert_eq!(
        validated.report.errors(),
        0,
        "{:#?}",
        validated.report.diagnostics
    );
    let inventory_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("plans/inventory/contoso.yaml");
    let (source, problems) = SourceFile::read(&inventory_path.to_string_lossy()).expect("readable");
    let inventory = load_inventory(source, problems)
        .inventory
        .expect("the example inventory loads");
    let (graph, report) = expand_plan(&validated, &inventory).expect("expands");
    assert_eq!(report.errors(), 0, "{:#?}", report.diagnostics);
    let graph = graph.expect("a graph");
    let plan = validated.plan.clone().expect("a plan");
    let at = "2026-11-26T06:00:00Z".parse().expect("a time");
    let run = dry_run(&plan, &graph, &inventory, at);
    let errors: Vec<_> = run.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let resolved = resolve_plan(&plan, &graph, &inventory, &run, fingerprint(text, ""), at);
    (Arc::new(plan), Arc::new(graph), Arc::new(resolved))
}

/// A restorer that does what the test scripts and counts what it was asked.
#[derive(Default)]
struct Scripted {
    submitted: Mutex<Vec<String>>,
    followed: Mutex<Vec<String>>,
    failures: Mutex<HashMap<String, VecDeque<StepFailure>>>,
    found: Mutex<HashMap<String, Submission>>,
}

impl Scripted {
    fn fail(&self, node: &str, failures: Vec<StepFailure>) {
        self.failures
            .lock()
            .unwrap()
            .insert(node.into(), failures.into());
    }
    fn submitted(&self) -> Vec<String> {
        self.submitted.lock().unwrap().clone()
    }
}

impl Restorer for Scripted {
    fn submit(
        &self,
        node: &ResolvedNode,
        _upstream: &std::collections::BTreeMap<String, Outputs>,
    ) -> impl Future<Output = Result<Submission, StepFailure>> + Send {
        self.submitted.lock().unwrap().push(node.id.clone());
        let job = format!("job-{}-{}", node.id, self.submitted.lock().unwrap().len());
        async move {
            Ok(Submission {
                job_id: Some(job),
                operation_url: None,
            })
        }
    }

    fn follow(
        &self,
        node: &ResolvedNode,
        submission: &Submission,
    ) -> impl Future<Output = Result<Outputs, StepFailure>> + Send {
        self.followed.lock().unwrap().push(node.id.clone());
        let failure = self
            .failures
            .lock()
            .unwrap()
            .get_mut(&node.id)
            .and_then(VecDeque::pop_front);
        let outputs = Outputs::from([
            (
                "vmName".to_string(),
                format!("{}-restored", node.vm.clone().unwrap_or_default()),
            ),
            (
                "jobId".to_string(),
                submission.job_id.clone().unwrap_or_default(),
            ),
        ]);
        async move { failure.map_or(Ok(outputs), Err) }
    }

    fn find_submitted(
        &self,
        node: &ResolvedNode,
        _since: jiff::Timestamp,
    ) -> impl Future<Output = Result<Option<Submission>, StepFailure>> + Send {
        let found = self.found.lock().unwrap().get(&node.id).cloned();
        async move { Ok(found) }
    }
}

struct Run {
    finished: Finished,
    events: Vec<Event>,
}

async fn run_with(
    text: &str,
    restorer: Arc<Scripted>,
    dir: &Path,
    state: &RunState,
    pre_approved: &[&str],
    interrupt: impl Future<Output = ()>,
) -> Run {
    run_asking(text, restorer, dir, state, pre_approved, None, interrupt).await
}

/// [`run_with`], with an operator who answers approval prompts.
async fn run_asking(
    text: &str,
    restorer: Arc<Scripted>,
    dir: &Path,
    state: &RunState,
    pre_approved: &[&str],
    ask: Option<Asker>,
    interrupt: impl Future<Output = ()>,
) -> Run {
    let (plan, graph, resolved) = resolved(text);
    let journal_path = dir.join(JOURNAL_FILE);
    let writer = if journal_path.exists() {
        JournalWriter::resume(
            &journal_path,
            &journal::read(&journal_path).expect("readable"),
        )
        .expect("resumable")
    } else {
        JournalWriter::create(&journal_path).expect("a journal")
    };
    let clock: SharedClock = Arc::new(ManualClock::auto_advancing(
        "2026-11-26T06:00:00Z".parse().unwrap(),
    ));
    let setup = Setup {
        plan,
        graph,
        resolved,
        restorer,
        run_id: dir.file_name().unwrap().to_string_lossy().into_owned(),
        clock,
        recorder: Arc::new(Recorder::new(writer, |_| {})),
        run_dir: dir.to_path_buf(),
        plan_dir: dir.to_path_buf(),
        pre_approved: pre_approved
            .iter()
            .map(|s| s.to_string())
            .collect::<BTreeSet<_>>(),
        approver: ("ops".into(), "runner-1".into()),
        surroundings: Surroundings::Real,
        ask,
        approval_timeout: None,
    };
    let finished = execute(setup, state, interrupt)
        .await
        .expect("the journal is writable");
    let events = journal::read(&journal_path).expect("readable").events;
    Run { finished, events }
}

fn never() -> impl Future<Output = ()> {
    std::future::pending()
}

fn started(events: &[Event], node: &str) -> usize {
    events
        .iter()
        .filter(|e| matches!(e, Event::StepStarted { node: n, .. } if n == node))
        .count()
}

#[tokio::test]
async fn outputs_flow_into_later_steps_as_single_arguments() {
    let dir = tempfile::tempdir().unwrap();
    let text = plan_text(
        "{ maxParallel: 4 }",
        r#"  - id: web
    restore: { vm: web-01, as: new-vm, name: web-01-dr }
  - id: echo
    dependsOn: [web]
    run: [printf, "%s|", "${{ steps.web.outputs.vmName }}", "a b; rm -rf /"]
  - id: pause
    wait: 5m
"#,
    );
    let restorer = Arc::new(Scripted::default());
    let run = run_with(
        &text,
        restorer.clone(),
        dir.path(),
        &RunState::default(),
        &[],
        never(),
    )
    .await;
    assert_eq!(
        run.finished.outcome,
        Outcome::Succeeded,
        "{:#?}",
        run.finished.nodes
    );
    assert_eq!(restorer.submitted(), vec!["web".to_string()]);
    let NodeResult::Succeeded(outputs) = &run.finished.nodes["echo"] else {
        panic!("{:?}", run.finished.nodes["echo"])
    };
    assert_eq!(outputs["stdout"], "web-01-restored|a b; rm -rf /|");
    assert_eq!(outputs["exitCode"], "0");
    assert!(
        matches!(run.events.last(), Some(Event::RunFinished { outcome, .. }) if outcome == "succeeded")
    );
    // Every step's start is journaled before it succeeds.
    for node in ["web", "echo", "pause"] {
        let start = run
            .events
            .iter()
            .position(|e| matches!(e, Event::StepStarted { node: n, .. } if n == node))
            .unwrap();
        let done = run
            .events
            .iter()
            .position(|e| matches!(e, Event::StepSucceeded { node: n, .. } if n == node))
            .unwrap();
        assert!(start < done);
    }
}

#[tokio::test]
async fn transient_failures_are_retried_and_permanent_ones_are_not() {
    let dir = tempfile::tempdir().unwrap();
    let text = plan_text(
        "{ onFailure: skip-dependents, retry: { attempts: 3, backoff: 1m } }",
        r#"  - id: flaky
    restore: { vm: web-01, as: new-vm, name: web-01-dr }
  - id: broken
    restore: { vm: web-02, as: new-vm, name: web-02-dr }
  - id: after-broken
    dependsOn: [broken]
    wait: 1m
  - id: independent
    wait: 1m
"#,
    );
    let restorer = Arc::new(Scripted::default());
    restorer.fail(
        "flaky",
        vec![StepFailure {
            code: "InternalError".into(),
            message: "try again".into(),
            transient: true,
        }],
    );
    restorer.fail(
        "broken",
        vec![StepFailure {
            code: "UserErrorEncryptedVmNotSupported".into(),
            message: "no".into(),
            transient: false,
        }],
    );
    let run = run_with(
        &text,
        restorer.clone(),
        dir.path(),
        &RunState::default(),
        &[],
        never(),
    )
    .await;
    assert_eq!(run.finished.outcome, Outcome::Failed);
    assert_eq!(started(&run.events, "flaky"), 2);
    assert!(matches!(
        run.finished.nodes["flaky"],
        NodeResult::Succeeded(_)
    ));
    assert_eq!(
        started(&run.events, "broken"),
        1,
        "a permanent failure is not retried"
    );
    assert!(
        matches!(&run.finished.nodes["broken"], NodeResult::Failed(f) if f.code == "UserErrorEncryptedVmNotSupported")
    );
    assert!(
        matches!(&run.finished.nodes["after-broken"], NodeResult::Skipped(why) if why.contains("broken"))
    );
    assert!(matches!(
        run.finished.nodes["independent"],
        NodeResult::Succeeded(_)
    ));
}

#[tokio::test]
async fn an_optional_failure_neither_blocks_nor_fails_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let text = plan_text(
        "{}",
        r#"  - id: nice-to-have
    optional: true
    run: ["false"]
  - id: next
    dependsOn: [nice-to-have]
    wait: 1m
"#,
    );
    let run = run_with(
        &text,
        Arc::default(),
        dir.path(),
        &RunState::default(),
        &[],
        never(),
    )
    .await;
    assert_eq!(run.finished.outcome, Outcome::Succeeded);
    assert!(
        matches!(&run.finished.nodes["nice-to-have"], NodeResult::Failed(f) if f.code == "EX111")
    );
    assert!(matches!(
        run.finished.nodes["next"],
        NodeResult::Succeeded(_)
    ));
}

#[tokio::test]
async fn a_resumed_run_follows_submitted_work_and_asks_azure_about_unrecorded_work() {
    let dir = tempfile::tempdir().unwrap();
    let text = plan_text(
        "{}",
        r#"  - id: done
    restore: { vm: web-01, as: new-vm, name: web-01-dr }
  - id: submitted
    restore: { vm: web-02, as: new-vm, name: web-02-dr }
  - id: sent-not-recorded
    restore: { vm: web-03, as: new-vm, name: web-03-dr }
  - id: never-sent
    restore: { vm: app-01, as: new-vm, name: app-01-dr }
"#,
    );
    let at = |s: i64| jiff::Timestamp::from_second(1_795_000_000 + s).unwrap();
    let earlier = vec![
        Event::RunStarted {
            at: at(0),
            run_id: "r".into(),
            plan: "p".into(),
            plan_hash: "h".into(),
            version: "0".into(),
        },
        Event::StepStarted {
            at: at(1),
            node: "done".into(),
            attempt: 1,
        },
        Event::StepSubmitted {
            at: at(2),
            node: "done".into(),
            attempt: 1,
            job_id: Some("j0".into()),
            operation_url: None,
        },
        Event::StepSucceeded {
            at: at(3),
            node: "done".into(),
            outputs: Default::default(),
        },
        Event::StepStarted {
            at: at(4),
            node: "submitted".into(),
            attempt: 1,
        },
        Event::StepSubmitted {
            at: at(5),
            node: "submitted".into(),
            attempt: 1,
            job_id: Some("j1".into()),
            operation_url: None,
        },
        Event::StepStarted {
            at: at(6),
            node: "sent-not-recorded".into(),
            attempt: 1,
        },
        Event::StepStarted {
            at: at(7),
            node: "never-sent".into(),
            attempt: 1,
        },
    ];
    let path = dir.path().join(JOURNAL_FILE);
    let mut writer = JournalWriter::create(&path).unwrap();
    for event in &earlier {
        writer.append(event).unwrap();
    }
    drop(writer);
    let restorer = Arc::new(Scripted::default());
    restorer.found.lock().unwrap().insert(
        "sent-not-recorded".into(),
        Submission {
            job_id: Some("j2".into()),
            operation_url: None,
        },
    );
    let state = RunState::replay(&earlier);
    let run = run_with(&text, restorer.clone(), dir.path(), &state, &[], never()).await;
    assert_eq!(
        run.finished.outcome,
        Outcome::Succeeded,
        "{:#?}",
        run.finished.nodes
    );
    assert_eq!(
        restorer.submitted(),
        vec!["never-sent".to_string()],
        "only the request that never reached Azure is sent"
    );
    let mut followed = restorer.followed.lock().unwrap().clone();
    followed.sort();
    assert_eq!(
        followed,
        vec!["never-sent", "sent-not-recorded", "submitted"]
    );
    let new = &run.events[earlier.len()..];
    assert!(new.iter().any(|e| matches!(e, Event::StepSubmitted { node, job_id: Some(j), .. } if node == "sent-not-recorded" && j == "j2")));
    assert_eq!(started(new, "done"), 0);
    assert_eq!(started(new, "submitted"), 0);
    assert_eq!(started(new, "never-sent"), 1);
}

#[tokio::test]
async fn approval_gates_wait_for_an_approval_and_record_who_gave_it() {
    let dir = tempfile::tempdir().unwrap();
    let text = plan_text(
        "{}",
        r#"  - id: go-ahead
    approve: Restore the web tier?
  - id: second-gate
    dependsOn: [go-ahead]
    approve: And the rest?
"#,
    );
    let run_dir = dir.path().to_path_buf();
    let approver = tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        let approval = restoreplan::exec::approval::Approval {
            user: "alice".into(),
            host: "laptop".into(),
        };
        restoreplan::exec::approval::approve(&run_dir, "second-gate", &approval).unwrap();
    });
    let run = run_with(
        &text,
        Arc::default(),
        dir.path(),
        &RunState::default(),
        &["go-ahead"],
        never(),
    )
    .await;
    approver.await.unwrap();
    assert_eq!(run.finished.outcome, Outcome::Succeeded);
    let approvals: Vec<(String, String)> = run
        .events
        .iter()
        .filter_map(|e| match e {
            Event::ApprovalGiven { node, user, .. } => Some((node.clone(), user.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(
        approvals,
        vec![
            ("go-ahead".into(), "ops".into()),
            ("second-gate".into(), "alice".into())
        ]
    );
}

#[tokio::test]
async fn an_interrupted_run_records_what_was_in_flight() {
    let dir = tempfile::tempdir().unwrap();
    let text = plan_text(
        "{}",
        r#"  - id: gate
    approve: never answered
  - id: after
    dependsOn: [gate]
    wait: 1m
"#,
    );
    let interrupt = tokio::time::sleep(std::time::Duration::from_millis(100));
    let run = run_with(
        &text,
        Arc::default(),
        dir.path(),
        &RunState::default(),
        &[],
        interrupt,
    )
    .await;
    assert_eq!(run.finished.outcome, Outcome::Interrupted);
    assert!(
        matches!(run.events.last(), Some(Event::RunInterrupted { in_flight, .. }) if in_flight == &vec!["gate".to_string()])
    );
    assert_eq!(run.finished.nodes["after"], NodeResult::NotRun);
}

#[tokio::test]
async fn the_run_report_tells_what_happened_against_the_objectives() {
    let dir = tempfile::tempdir().unwrap();
    let text = plan_text(
        "{ onFailure: skip-dependents }",
        r#"  - id: web
    restore: { vm: web-01, as: new-vm, name: web-01-dr }
  - id: app
    restore: { vm: app-01, as: new-vm, name: app-01-dr }
  - id: smoke
    dependsOn: [app]
    wait: 2m
"#,
    )
    .replace(
        "execution:",
        "objectives: { rto: 4h, rpo: 24h }\nexecution:",
    );
    let restorer = Arc::new(Scripted::default());
    restorer.fail(
        "app",
        vec![StepFailure {
            code: "UserErrorX".into(),
            message: "<script>alert(1)</script> failed".into(),
            transient: false,
        }],
    );
    let run_dir = dir.path().join("run-1");
    std::fs::create_dir(&run_dir).unwrap();
    let run = run_with(
        &text,
        restorer,
        &run_dir,
        &RunState::default(),
        &[],
        never(),
    )
    .await;
    let (_, graph, resolved) = resolved(&text);
    let report = restoreplan::report::run::RunReport::build(&resolved, &run.events);
    assert_eq!(report.run_id, "run-1");
    assert_eq!(report.outcome, "failed");
    assert_eq!(report.rto_met, Some(true));
    let status = |id: &str| {
        report
            .steps
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.status)
            .unwrap()
    };
    use restoreplan::report::run::StepStatus;
    assert_eq!(
        (status("web"), status("app"), status("smoke")),
        (
            StepStatus::Succeeded,
            StepStatus::Failed,
            StepStatus::Skipped
        )
    );
    let web = report.steps.iter().find(|s| s.id == "web").unwrap();
    assert_eq!(web.job_id.as_deref(), Some("job-web-1"));
    assert!(web.within_rpo.is_some());
    // The hash changes with the tool's version; what it covers is tested with `plan --out`.
    let markdown = restoreplan::report::run::markdown(
        &report,
        Some(&restoreplan::report::graph::mermaid(&graph)),
    )
    .replace(&report.plan_hash, "sha256:[hash]");
    insta::assert_snapshot!("run_report_markdown", markdown);
    let html = restoreplan::report::run::html(&report);
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !html.contains("<script>"));
    assert!(html.contains("<svg") && html.contains("RTO 4h 00m 00s"));
    let json: serde_json::Value = serde_json::from_str(&report.json()).unwrap();
    assert_eq!(json["steps"][0]["status"], "succeeded");
    assert_eq!(json["counts"]["skipped"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gate_proceeds_after_restoreplan_approve_from_another_process() {
    use assert_cmd::Command;
    use restoreplan::exec::run_folder::StateDir;
    let state = tempfile::tempdir().unwrap();
    let folder = StateDir::new(state.path())
        .new_run("2026-11-26T06:00:00Z".parse().unwrap())
        .unwrap();
    let text = plan_text(
        "{}",
        r#"  - id: gate
    approve: Go ahead with the failover?
  - id: after
    dependsOn: [gate]
    wait: 1m
"#,
    );
    let (_, _, resolved_plan) = resolved(&text);
    std::fs::write(
        folder.resolved(),
        serde_json::to_string(&*resolved_plan).unwrap(),
    )
    .unwrap();
    let run_dir = folder.path.clone();
    let text_for_run = text.clone();
    let running = tokio::spawn(async move {
        run_with(
            &text_for_run,
            Arc::default(),
            &run_dir,
            &RunState::default(),
            &[],
            never(),
        )
        .await
    });
    let cli = |args: &[&str]| {
        let mut command = Command::cargo_bin("restoreplan").unwrap();
        command
            .args(args)
            .arg("--state-dir")
            .arg(state.path())
            .env("USER", "carol");
        command
    };
    // Wait until the run is at the gate (its start is journaled).
    let journal = folder.journal();
    for _ in 0..200 {
        let at_gate = journal::read(&journal)
            .map(|r| started(&r.events, "gate") == 1)
            .unwrap_or(false);
        if at_gate {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    cli(&["approve", &folder.id, "nope"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "has no approval gate `nope`: its gates are `gate`",
        ));
    cli(&["approve", &folder.id, "gate"])
        .assert()
        .success()
        .stdout(predicates::str::contains("approved `gate` of run"));
    let run = running.await.unwrap();
    assert_eq!(run.finished.outcome, Outcome::Succeeded);
    assert!(
        run.events
            .iter()
            .any(|e| matches!(e, Event::ApprovalGiven { user, .. } if user == "carol"))
    );
    cli(&["approve", &folder.id, "gate"])
        .assert()
        .success()
        .stdout(predicates::str::contains("already approved by carol@"));
    cli(&["runs", "list"]).assert().success().stdout(
        predicates::str::contains(folder.id.as_str()).and(predicates::str::contains("succeeded")),
    );
    let shown = cli(&["runs", "show", &folder.id, "--format", "json"])
        .assert()
        .success();
    let report: serde_json::Value = serde_json::from_slice(&shown.get_output().stdout).unwrap();
    assert_eq!(report["outcome"], "succeeded");
    assert_eq!(report["counts"]["succeeded"], 2);
    cli(&["runs", "show", "../etc"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "error[EX116]: there is no run `../etc`",
        ));
}

#[tokio::test]
async fn a_gate_asks_at_the_terminal_and_a_no_fails_it() {
    let text = plan_text(
        "{ onFailure: continue }",
        r#"  - id: yes-gate
    approve: { message: Go ahead?, approvers: [ops] }
  - id: no-gate
    approve: Really?
"#,
    );
    let asked = Arc::new(std::sync::Mutex::new(Vec::new()));
    let ask: Asker = {
        let asked = asked.clone();
        Arc::new(move |node: &str, gate: &restoreplan::model::Approve| {
            asked
                .lock()
                .unwrap()
                .push((node.to_string(), gate.message.clone()));
            node == "yes-gate"
        })
    };
    let dir = tempfile::tempdir().unwrap();
    let run = run_asking(
        &text,
        Arc::default(),
        dir.path(),
        &RunState::default(),
        &[],
        Some(ask),
        never(),
    )
    .await;
    let mut asked = asked.lock().unwrap().clone();
    asked.sort();
    assert_eq!(
        asked,
        [
            ("no-gate".to_string(), "Really?".to_string()),
            ("yes-gate".to_string(), "Go ahead?".to_string())
        ]
    );
    assert!(matches!(
        run.finished.nodes["yes-gate"],
        NodeResult::Succeeded(_)
    ));
    assert!(matches!(
        &run.finished.nodes["no-gate"],
        NodeResult::Failed(failure) if failure.code == "EX119"
    ));
    assert!(run.events.iter().any(|e| matches!(
        e,
        Event::ApprovalGiven { node, user, .. } if node == "yes-gate" && user == "ops"
    )));
}
