//! Snapshot tests of the rendered and JSON diagnostics of every broken plan
//! in `tests/fixtures/invalid/`. A fixture named `rpNNN-….yaml` must produce
//! the code `RPNNN` (and the snapshot shows the line and column it points at).

use restoreplan::pipeline::validate_plan;
use restoreplan::report::{human, json};
use restoreplan::source::{MAX_FILE_BYTES, SourceFile};
use std::path::Path;

fn validate_bytes(name: &str, bytes: &[u8]) -> restoreplan::pipeline::Validated {
    let (source, problems) = SourceFile::from_bytes(name, bytes);
    validate_plan(source, problems)
}

fn expected_code(path: &Path) -> String {
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .expect("fixture names are UTF-8");
    stem.split('-')
        .next()
        .expect("fixture names start with a code")
        .to_ascii_uppercase()
}

#[test]
fn every_invalid_fixture_reports_its_code_at_the_right_place() {
    insta::glob!("fixtures/invalid/*.yaml", |path| {
        let bytes = std::fs::read(path).expect("fixture is readable");
        let name = format!(
            "tests/fixtures/invalid/{}",
            path.file_name()
                .and_then(|n| n.to_str())
                .expect("UTF-8 name")
        );
        let validated = validate_bytes(&name, &bytes);
        let code = expected_code(path);
        assert!(
            validated
                .report
                .diagnostics
                .iter()
                .any(|d| d.code.id() == code),
            "{name} should report {code}, got {:?}",
            validated
                .report
                .diagnostics
                .iter()
                .map(|d| d.code.id())
                .collect::<Vec<_>>()
        );
        insta::assert_snapshot!(
            "human",
            human::render(&validated.report, human::Style::plain())
        );
        insta::assert_snapshot!("json", json::render(&[validated.report]));
    });
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_parsing() {
    let mut bytes = b"apiVersion: restoreplan/v1\n".to_vec();
    bytes.resize(MAX_FILE_BYTES + 1, b' ');
    let validated = validate_bytes("huge.yaml", &bytes);
    insta::assert_snapshot!(human::render(&validated.report, human::Style::plain()));
}
