//! Every spec in `tests/fixtures/invalid` must be rejected, and the errors a maintainer would see
//! for it are snapshots: a change in wording, position or completeness shows up as a diff to read.
//!
//! Fixtures are found by listing the directory, so a new file there is covered without touching
//! this test. Each fixture starts with `#` comment lines saying what its mistake is; they become
//! the snapshot's description.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

use livevox_codegen::load::{load_sources, Source};
use livevox_codegen::validate::validate;

fn fixtures_dir() -> PathBuf {
    livevox_tests::fixtures_dir("invalid")
}

fn fixture_names() -> Vec<String> {
    livevox_tests::fixture_names("invalid")
}

/// The errors load or validate report, as printed; `None` when the spec is accepted.
fn errors_for(display_path: &str, text: String) -> Option<String> {
    let source = Source { display_path: display_path.to_string(), text };
    match load_sources(vec![source]) {
        Err(diagnostics) => Some(diagnostics.to_string()),
        Ok(loaded) => validate(&loaded).err().map(|d| d.to_string()),
    }
}

/// The fixture's leading comment: what its mistake is.
fn description(text: &str) -> String {
    text.lines()
        .take_while(|l| l.starts_with('#'))
        .map(|l| l.trim_start_matches('#').trim())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn every_invalid_fixture_is_rejected_with_the_expected_errors() {
    let names = fixture_names();
    assert!(names.len() >= 14, "expected at least 14 invalid fixtures, found {names:?}");
    let mut failed = Vec::new();
    for name in &names {
        let display_path = format!("tests/fixtures/invalid/{name}.yaml");
        let text = std::fs::read_to_string(fixtures_dir().join(format!("{name}.yaml"))).expect("fixture is readable");
        let about = description(&text);
        assert!(!about.is_empty(), "{display_path} should start with a `#` comment saying what its mistake is");
        let Some(errors) = errors_for(&display_path, text) else {
            failed.push(format!("{display_path} was accepted, but every fixture in fixtures/invalid must be rejected"));
            continue;
        };
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path("snapshots");
        settings.set_description(about);
        settings.set_input_file(fixtures_dir().join(format!("{name}.yaml")));
        settings.set_omit_expression(true);
        // One mismatch should not hide the others: check every fixture, then fail once.
        let outcome = catch_unwind(AssertUnwindSafe(|| settings.bind(|| insta::assert_snapshot!(name.as_str(), errors))));
        if outcome.is_err() {
            failed.push(format!("{display_path}: the errors differ from the snapshot (see above)"));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

#[test]
fn several_mistakes_are_all_reported() {
    let text = std::fs::read_to_string(fixtures_dir().join("several_mistakes.yaml")).expect("fixture is readable");
    let errors = errors_for("tests/fixtures/invalid/several_mistakes.yaml", text).expect("rejected");
    let count = errors.lines().filter(|l| l.starts_with("tests/fixtures/invalid/several_mistakes.yaml:")).count();
    assert!(count >= 10, "expected every mistake reported, got:\n{errors}");
    assert!(errors.ends_with(&format!("{count} errors in the spec")), "{errors}");
}
