//! Guards the end-to-end test: every operation of `spec/` (and of the sample APIs, in
//! `tests/sample-apis/spec`) must have its test in the generated `every_operation.rs` (so a hand edit or a generator bug that drops one fails here), there
//! must be no test of an operation the spec no longer has, and the answer the simulator makes up
//! for an operation without a fitting example must conform to the operation's response type
//! (the tests of operations without examples rely on it).

use std::path::PathBuf;

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn ir() -> livevox_codegen::ir::Ir {
    match livevox_codegen::generate_dir(&workspace().join("spec"), "spec", &livevox_codegen::Config::default()) {
        Ok(g) => g.ir,
        Err(e) => panic!("spec/ does not generate:\n{e}"),
    }
}

/// `(operation id, test function name)` of every operation.
fn expected_tests(ir: &livevox_codegen::ir::Ir) -> Vec<(String, String)> {
    let many = ir.apis.len() > 1;
    let mut out = Vec::new();
    for api in &ir.apis {
        for cat in &api.categories {
            for op in &cat.operations {
                let name = if many { format!("{}__{}__{}", api.module, cat.module, op.fn_name) } else { format!("{}__{}", cat.module, op.fn_name) };
                out.push((op.id.clone(), name));
            }
        }
    }
    out
}

#[test]
fn every_operation_has_its_end_to_end_test() {
    let ir = ir();
    let path = workspace().join(livevox_codegen::emit_e2e::E2E_TEST_PATH);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let expected = expected_tests(&ir);
    assert_all_tested(&expected, &text, livevox_codegen::emit_e2e::E2E_TEST_PATH);
    let tests = text.matches("#[tokio::test]").count();
    assert_eq!(tests, expected.len(), "the end-to-end test has {tests} tests for {} operations; run `cargo xtask codegen`", expected.len());
}

fn assert_all_tested(expected: &[(String, String)], text: &str, file: &str) {
    let missing: Vec<String> = expected
        .iter()
        .filter(|(id, name)| !text.contains(&format!("async fn {name}()")) || !text.contains(&format!("\"{id}\"")))
        .map(|(id, name)| format!("  {id} (test `{name}`)"))
        .collect();
    assert!(missing.is_empty(), "operations without an end-to-end test in {file}:\n{}\nRun `cargo xtask codegen`.", missing.join("\n"));
}

/// The sample "Functions" APIs left `spec/` for a crate of their own (`tests/sample-apis`);
/// their end-to-end tests are generated into `tests/tests/sample_apis/generated/`.
#[test]
fn every_sample_operation_has_its_end_to_end_test() {
    use xtask::samples::{SAMPLE_SPEC, SAMPLE_TESTS};
    let ir = livevox_codegen::lower_dir(&workspace().join(SAMPLE_SPEC), SAMPLE_SPEC).unwrap_or_else(|e| panic!("{SAMPLE_SPEC} does not load:\n{e}"));
    let expected = expected_tests(&ir);
    assert!(expected.len() >= 11, "the five sample APIs have at least 11 operations");
    let path = workspace().join(SAMPLE_TESTS).join("every_operation.rs");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_all_tested(&expected, &text, &path.display().to_string());
}

#[test]
fn the_simulator_can_answer_every_operation_without_an_example() {
    let ir = ir();
    let mut failures = Vec::new();
    for (id, _) in expected_tests(&ir) {
        if let Err(e) = livevox_sim::synthesized_response(&id) {
            failures.push(format!("  {e}"));
        }
    }
    assert!(failures.is_empty(), "made-up answers that do not conform to the spec:\n{}", failures.join("\n"));
}
