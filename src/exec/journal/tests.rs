use super::*;
use crate::exec::state::{NodeState, RunState};
use proptest::prelude::*;

fn at(second: i64) -> Timestamp {
    Timestamp::from_second(1_790_000_000 + second).expect("a valid time")
}

fn sample() -> Vec<Event> {
    vec![
        Event::RunStarted {
            at: at(0),
            run_id: "r1".into(),
            plan: "p".into(),
            plan_hash: "sha256:ab".into(),
            version: "0.1.0".into(),
        },
        Event::StepStarted {
            at: at(1),
            node: "web[web-01]".into(),
            attempt: 1,
        },
        Event::StepSubmitted {
            at: at(2),
            node: "web[web-01]".into(),
            attempt: 1,
            job_id: Some("job-1".into()),
            operation_url: None,
        },
        Event::StepStarted {
            at: at(3),
            node: "db".into(),
            attempt: 1,
        },
        Event::StepSucceeded {
            at: at(4),
            node: "web[web-01]".into(),
            outputs: BTreeMap::from([("vmName".into(), "web-01".into())]),
        },
    ]
}

fn written(events: &[Event]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temp dir");
    let path = dir.path().join(JOURNAL_FILE);
    let mut writer = JournalWriter::create(&path).expect("a new journal");
    for event in events {
        writer.append(event).expect("appended");
    }
    (dir, path)
}

#[test]
fn events_read_back_as_written() {
    let (_dir, path) = written(&sample());
    let replay = read(&path).expect("readable");
    assert_eq!(replay.events, sample());
    assert!(replay.torn.is_none());
}

#[test]
fn a_new_journal_never_overwrites_an_old_one() {
    let (_dir, path) = written(&sample());
    let error = JournalWriter::create(&path).expect_err("exists");
    assert_eq!(error.code, Code::JournalIo);
    assert_eq!(read(&path).expect("still there").events, sample());
}

#[test]
fn a_torn_last_line_is_ignored_and_cut_off_on_resume() {
    let (_dir, path) = written(&sample());
    let mut file = OpenOptions::new().append(true).open(&path).expect("open");
    file.write_all(br#"{"event":"step-failed","at":"#)
        .expect("torn write");
    drop(file);
    let replay = read(&path).expect("readable");
    assert_eq!(replay.events, sample());
    let torn = replay.torn.as_ref().expect("a warning");
    assert_eq!(torn.code, Code::JournalTorn);
    assert!(torn.message.contains("line 6"), "{}", torn.message);

    let mut writer = JournalWriter::resume(&path, &replay).expect("resumable");
    let finished = Event::RunFinished {
        at: at(9),
        outcome: "succeeded".into(),
    };
    writer.append(&finished).expect("appended");
    let again = read(&path).expect("readable");
    assert!(again.torn.is_none());
    assert_eq!(again.events.last(), Some(&finished));
    assert_eq!(again.events.len(), sample().len() + 1);
}

#[test]
fn damage_before_the_last_line_is_an_error() {
    let (_dir, path) = written(&sample());
    let text = std::fs::read_to_string(&path).expect("text");
    std::fs::write(&path, text.replacen("step-started", "step-strated", 1)).expect("damaged");
    let error = read(&path).expect_err("corrupt");
    assert_eq!(error.code, Code::JournalCorrupt);
    assert!(error.message.contains("line 2"), "{}", error.message);
}

#[test]
fn replay_knows_what_each_node_reached() {
    let state = RunState::replay(&sample());
    assert_eq!(state.run_id.as_deref(), Some("r1"));
    assert!(matches!(
        state.node("web[web-01]"),
        NodeState::Succeeded { .. }
    ));
    assert_eq!(
        state.node("db"),
        NodeState::Started {
            attempt: 1,
            since: at(3)
        }
    );
    assert_eq!(state.node("app"), NodeState::Pending);
    assert!(!state.finished);
}

proptest! {
    // A crash can stop a write after any byte: whatever is left reads as a
    // prefix of what was written, and never as an error.
    #[test]
    fn a_crash_at_any_byte_leaves_a_readable_prefix(cut in 0usize..2000) {
        let (_dir, path) = written(&sample());
        let bytes = std::fs::read(&path).expect("bytes");
        let cut = cut.min(bytes.len());
        std::fs::write(&path, &bytes[..cut]).expect("cut");
        let replay = read(&path).expect("readable after any cut");
        prop_assert!(sample().starts_with(&replay.events));
        let on_boundary = cut == 0 || bytes[cut - 1] == b'\n';
        prop_assert_eq!(replay.torn.is_some(), !on_boundary);
    }
}
