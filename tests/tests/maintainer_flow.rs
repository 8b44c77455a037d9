//! The maintainer's loop, run on a copy of the workspace's spec and generated crate in a
//! temporary directory: add an operation and regenerate; make a typo and see a `file:line:col`
//! error that leaves every generated file exactly as it was.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A scratch workspace holding `spec/` and the parts of `livevox-generated` codegen touches.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("livevox-maintainer-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        copy_dir(&workspace().join("spec"), &dir.join("spec"));
        copy_dir(&workspace().join("livevox-generated/src/generated"), &dir.join("livevox-generated/src/generated"));
        fs::copy(workspace().join("livevox-generated/Cargo.toml"), dir.join("livevox-generated/Cargo.toml")).unwrap();
        // codegen also writes the end-to-end test of every operation.
        let e2e = livevox_codegen::emit_e2e::E2E_TEST_PATH;
        fs::create_dir_all(dir.join(livevox_codegen::GENERATED_TESTS_DIR)).unwrap();
        fs::copy(workspace().join(e2e), dir.join(e2e)).unwrap();
        Scratch(dir)
    }

    /// Every file of the generated crate copy, by path.
    fn snapshot(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut out = BTreeMap::new();
        let mut stack = vec![self.0.join("livevox-generated")];
        while let Some(d) = stack.pop() {
            for e in fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    out.insert(p.clone(), fs::read(&p).unwrap());
                }
            }
        }
        out
    }

    fn edit_spec(&self, file: &str, f: impl FnOnce(String) -> String) {
        let path = self.0.join("spec").join(file);
        let text = fs::read_to_string(&path).unwrap();
        fs::write(&path, f(text)).unwrap();
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

// An operation and model no real spec has, so the test never collides with spec growth.
const NEW_OPERATION: &str = r#"
  probe_maintainer_flow:
    summary: A made-up operation the maintainer-flow test adds.
    method: GET
    path: /maintainerFlowProbe
    agent_allowed: true
    response: { type: MaintainerFlowProbe }
"#;

const NEW_MODEL: &str = r#"
  MaintainerFlowProbe:
    description: What the made-up operation answers.
    fields:
      result: { type: bool, required: true }
"#;

/// Inserts YAML text right after a top-level key line (`operations:`, `models:`).
fn insert_after(text: &str, key_line: &str, insert: &str) -> String {
    let at = text.find(&format!("\n{key_line}\n")).map(|i| i + key_line.len() + 2).expect("key present");
    format!("{}{}{}", &text[..at], insert.trim_start_matches('\n'), &text[at..])
}

#[test]
fn adding_an_operation_regenerates_only_its_category() {
    let scratch = Scratch::new("add");
    let before = scratch.snapshot();
    scratch.edit_spec("compliance.yaml", |t| insert_after(&insert_after(&t, "operations:", NEW_OPERATION), "models:", NEW_MODEL));

    let summary = livevox_codegen::codegen(&scratch.0, false).expect("the edited spec generates");
    let changed: Vec<String> = summary.report.stale().map(|(p, _)| p.display().to_string()).collect();
    assert_eq!(
        changed,
        vec![
            "livevox-generated/src/generated/livevox/compliance.rs".to_string(),
            "tests/tests/livevox/generated/every_operation.rs".to_string(),
            "tests/tests/livevox/generated/no_secret_in_debug.rs".to_string(),
            "tests/tests/livevox/generated/decode_every_response.rs".to_string(),
        ],
        "only the category file changes, and the generated tests gain the operation's checks (end to end, secrets in Debug, decode fuzzing)"
    );

    let after = scratch.snapshot();
    let file = scratch.0.join("livevox-generated/src/generated/livevox/compliance.rs");
    let text = String::from_utf8(after[&file].clone()).unwrap();
    assert!(text.contains("pub fn probe_maintainer_flow(&self) -> ProbeMaintainerFlowRequest"));
    assert!(text.contains("path: \"/compliance/maintainerFlowProbe\""));
    assert!(text.contains("pub struct MaintainerFlowProbe"));
    assert_ne!(before[&file], after[&file]);

    // Running again writes nothing.
    let again = livevox_codegen::codegen(&scratch.0, false).expect("regenerates");
    assert_eq!(again.report.stale().count(), 0);
}

#[test]
fn a_typo_is_reported_with_its_position_and_changes_nothing() {
    let scratch = Scratch::new("typo");
    let before = scratch.snapshot();
    // `summray` for `summary`, and a misspelt model reference.
    scratch.edit_spec("compliance.yaml", |t| {
        insert_after(&t, "operations:", &NEW_OPERATION.replace("summary:", "summray:").replace("MaintainerFlowProbe", "MaintainerFlowProbr"))
    });

    let err = livevox_codegen::codegen(&scratch.0, false).expect_err("the typo is an error");
    let text = err.to_string();
    assert!(text.contains("spec/compliance.yaml:"), "{text}");
    assert!(text.contains("summray"), "{text}");
    // file:line:col: the first line of the report points into the file.
    let first = text.lines().next().unwrap_or_default();
    let mut parts = first.splitn(4, ':');
    assert_eq!(parts.next(), Some("spec/compliance.yaml"));
    assert!(parts.next().is_some_and(|l| l.parse::<usize>().is_ok()), "{first}");
    assert!(parts.next().is_some_and(|c| c.parse::<usize>().is_ok()), "{first}");

    assert_eq!(before, scratch.snapshot(), "a spec error must not touch the generated crate");
}

#[test]
fn a_generated_test_left_at_its_old_path_is_removed() {
    let scratch = Scratch::new("retired");
    // A copy from a checkout made before the generated tests moved to `tests/tests/livevox/generated/`.
    let old = Path::new(livevox_codegen::RETIRED_TEST_PATHS[0]);
    fs::copy(workspace().join(livevox_codegen::emit_e2e::E2E_TEST_PATH), scratch.0.join(old)).unwrap();

    let check = livevox_codegen::codegen(&scratch.0, true).expect("checks");
    assert!(check.report.files.contains(&(old.to_path_buf(), livevox_codegen::write::Change::Removed)), "{:?}", check.report);
    assert!(scratch.0.join(old).exists(), "--check writes nothing");
    livevox_codegen::codegen(&scratch.0, false).expect("regenerates");
    assert!(!scratch.0.join(old).exists(), "the retired copy is removed");
    assert!(scratch.0.join(livevox_codegen::emit_e2e::E2E_TEST_PATH).exists());
}
