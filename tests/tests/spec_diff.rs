//! Snapshot tests of the spec diff (`cargo xtask spec-diff`): one fixture pair per kind of change
//! in `tests/fixtures/diff/<kind>/{old,new}.yaml`, each with the report it must produce.

use livevox_codegen::diff::{diff, Impact, SpecDiff};
use livevox_codegen::load::Source;

fn lower(kind: &str, side: &str) -> livevox_codegen::ir::Ir {
    let path = livevox_tests::fixtures_dir("diff").join(kind).join(format!("{side}.yaml"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let source = Source { display_path: format!("tests/fixtures/diff/{kind}/{side}.yaml"), text };
    livevox_codegen::lower_sources(vec![source]).unwrap_or_else(|e| panic!("fixture {kind}/{side} should lower:\n{e}"))
}

fn diff_of(kind: &str) -> SpecDiff {
    diff(&lower(kind, "old"), &lower(kind, "new"))
}

fn kinds() -> Vec<String> {
    let dir = livevox_tests::fixtures_dir("diff");
    let mut kinds: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    kinds.sort();
    kinds
}

#[test]
fn every_diff_fixture_matches_its_snapshot() {
    let kinds = kinds();
    assert!(kinds.len() >= 15, "the issue asks for at least fifteen kinds of change, found {kinds:?}");
    for kind in kinds {
        let report = diff_of(&kind).render(Some((0, 1, 0)));
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path("snapshots");
        settings.set_prepend_module_to_snapshot(false);
        settings.set_description(format!("cargo xtask spec-diff on tests/fixtures/diff/{kind}"));
        settings.bind(|| insta::assert_snapshot!(format!("spec_diff__{kind}"), report));
    }
}

/// The verdict of each kind, stated here as well as in the snapshots, so that accepting a
/// snapshot cannot quietly turn a breaking change into an additive one.
#[test]
fn each_kind_has_the_expected_verdict() {
    use Impact::*;
    let expected: &[(&str, Option<Impact>)] = &[
        ("auth_changed", Some(Breaking)),
        ("category_added", Some(Additive)),
        ("documentation_only", Some(Documentation)),
        ("enum_value_added", Some(Additive)),
        ("enum_value_removed", Some(Breaking)),
        // `extends` is flattened in lowering: the same fields are the same API.
        ("extends_replaces_copy", None),
        // Removing the only operation that returned a model also takes its `Deserialize` (the
        // snapshot says so, and how to keep it: `readable: true`, as the next fixture does).
        ("model_becomes_write_only", Some(Breaking)),
        ("model_renamed", Some(Breaking)),
        ("no_change", None),
        ("operation_added", Some(Additive)),
        ("operation_removed", Some(Breaking)),
        ("operation_renamed", Some(Breaking)),
        ("optional_field_added", Some(Additive)),
        ("optional_parameter_added", Some(Additive)),
        // The format requires offset and count to be required parameters, which are positional
        // arguments until pagination makes them setters with defaults: every call breaks.
        ("pagination_added", Some(Breaking)),
        ("parameter_made_required", Some(Breaking)),
        ("parameter_removed", Some(Breaking)),
        ("parameter_type_narrowed", Some(Breaking)),
        ("parameter_type_widened", Some(Additive)),
        ("path_changed", Some(Wire)),
        ("rate_limit_changed", Some(Wire)),
        ("readable_keeps_deserialize", Some(Breaking)),
        // A sent optional nullable field is a `Patch<T>`, not an `Option<T>`.
        ("request_field_made_nullable", Some(Breaking)),
        ("request_field_made_required", Some(Breaking)),
        ("required_body_field_added", Some(Breaking)),
        ("required_parameter_added", Some(Breaking)),
        ("response_field_made_optional", Some(Breaking)),
        ("response_field_removed", Some(Breaking)),
        ("response_field_widened", Some(Breaking)),
        // Same Rust type (`DateTime`), another form on the wire.
        ("time_format_changed", Some(Wire)),
    ];
    let listed: Vec<&str> = expected.iter().map(|(k, _)| *k).collect();
    assert_eq!(listed, kinds(), "every fixture kind has an expected verdict here");
    for (kind, impact) in expected {
        let d = diff_of(kind);
        assert_eq!(d.impact(), *impact, "{kind}:\n{}", d.render(None));
        if impact.is_some() {
            assert!(!d.changes.is_empty(), "{kind}: a change was expected");
        }
    }
}

#[test]
fn the_spec_compared_with_itself_has_no_change() {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let ir = livevox_codegen::lower_dir(&root.join("spec"), "spec").expect("spec/ lowers");
    let d = diff(&ir, &ir);
    assert_eq!(d.changes, Vec::new());
    assert_eq!(d.render(Some((0, 1, 0))), "no changes to the generated API\nverdict: no change; semver bump: none (0.1.0 -> 0.1.0)\n");
}

#[test]
fn cargo_rules_for_the_next_version() {
    use livevox_codegen::diff::Bump;
    assert_eq!(Bump::Major.apply((0, 1, 3)), (0, 2, 0));
    assert_eq!(Bump::Minor.apply((0, 1, 3)), (0, 1, 4));
    assert_eq!(Bump::Patch.apply((0, 1, 3)), (0, 1, 4));
    assert_eq!(Bump::Major.apply((1, 4, 2)), (2, 0, 0));
    assert_eq!(Bump::Minor.apply((1, 4, 2)), (1, 5, 0));
    assert_eq!(Bump::Patch.apply((1, 4, 2)), (1, 4, 3));
    assert_eq!(Bump::None.apply((1, 4, 2)), (1, 4, 2));
}
