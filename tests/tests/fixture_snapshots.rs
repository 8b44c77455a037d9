//! Snapshot tests of the generator: the full output for each valid fixture, one feature per
//! fixture. A change to the generator shows up here as a snapshot diff to read and accept.

use std::path::PathBuf;

use livevox_codegen::{generate, load::Source, Config};

fn fixtures_dir() -> PathBuf {
    livevox_tests::fixtures_dir("valid")
}

fn fixture_config() -> Config {
    Config { runtime_path: "::livevox_generated::__rt".into(), feature_gates: false }
}

fn fixture_names() -> Vec<String> {
    livevox_tests::fixture_names("valid")
}

fn generate_fixture(name: &str) -> String {
    let path = fixtures_dir().join(format!("{name}.yaml"));
    let text = std::fs::read_to_string(&path).expect("fixture is readable");
    let source = Source { display_path: format!("tests/fixtures/valid/{name}.yaml"), text };
    match generate(vec![source], &fixture_config()) {
        Ok(g) => g.concatenated(),
        Err(e) => panic!("fixture {name} should generate:\n{e}"),
    }
}

#[test]
fn every_valid_fixture_matches_its_snapshot() {
    let names = fixture_names();
    assert!(names.len() >= 9, "expected the fixture set, found {names:?}");
    for name in names {
        let output = generate_fixture(&name);
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path("snapshots");
        settings.set_prepend_module_to_snapshot(false);
        settings.set_description(format!("generated from tests/fixtures/valid/{name}.yaml"));
        settings.bind(|| insta::assert_snapshot!(format!("generated__{name}"), output));
    }
}

#[test]
fn generation_is_deterministic() {
    for name in fixture_names() {
        let first = generate_fixture(&name);
        for _ in 0..3 {
            assert_eq!(first.as_bytes(), generate_fixture(&name).as_bytes(), "fixture {name} generated differently twice");
        }
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let spec = root.join("spec");
    let a = livevox_codegen::generate_dir(&spec, "spec", &Config::default()).expect("spec/ generates");
    let b = livevox_codegen::generate_dir(&spec, "spec", &Config::default()).expect("spec/ generates");
    assert_eq!(a.concatenated().as_bytes(), b.concatenated().as_bytes());
}
