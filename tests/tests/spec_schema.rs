//! The JSON Schema of the spec format (`spec/schema.json`, written by `cargo xtask codegen`; its
//! freshness is checked with the rest of the generated files) does what an editor needs: every
//! document of `spec/` and of every valid fixture passes it, every invalid fixture whose mistake
//! is a schema matter (an unknown key, a misspelt value, a wrong type) fails it, and every spec
//! file names it on its first line.

use serde_json::Value;

fn compile() -> (boon::Schemas, boon::SchemaIndex) {
    let schema = livevox_codegen::schema::spec_schema().expect("the schema builds");
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.add_resource("file:///spec/schema.json", schema).expect("the schema is a resource");
    let index = compiler.compile("file:///spec/schema.json", &mut schemas).unwrap_or_else(|e| panic!("the schema compiles: {e}"));
    (schemas, index)
}

/// The YAML documents of a file as JSON values; empty documents are left out, as the loader
/// leaves them out.
fn documents(path: &std::path::Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_yaml::Deserializer::from_str(&text)
        .map(|doc| serde::Deserialize::deserialize(doc).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
        .filter(|v: &Value| !v.is_null())
        .collect()
}

/// The schema's complaints about one file, one line per failing document.
fn violations(schemas: &boon::Schemas, index: boon::SchemaIndex, path: &std::path::Path) -> Vec<String> {
    documents(path)
        .iter()
        .enumerate()
        .filter_map(|(i, doc)| schemas.validate(doc, index).err().map(|e| format!("{} document {i}: {e:#}", path.display())))
        .collect()
}

fn yaml_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    files
}

fn spec_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec")
}

/// The sample "Functions" APIs' spec (`tests/sample-apis/spec`), checked like `spec/`.
fn sample_spec_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample-apis/spec")
}

#[test]
fn every_spec_file_and_valid_fixture_passes_the_schema() {
    let (schemas, index) = compile();
    let files: Vec<_> = yaml_files(&spec_dir())
        .into_iter()
        .chain(yaml_files(&sample_spec_dir()))
        .chain(yaml_files(&livevox_tests::fixtures_dir("valid")))
        .collect();
    assert!(files.len() > 20, "expected spec/ and the valid fixtures, found {files:?}");
    let failures: Vec<String> = files.iter().flat_map(|f| violations(&schemas, index, f)).collect();
    assert!(failures.is_empty(), "valid specs the schema refuses:\n{}", failures.join("\n"));
}

/// Invalid fixtures whose mistake the schema can see, with the key it must name. The other
/// invalid fixtures are mistakes across keys (a placeholder without a parameter, a key of another
/// authorization kind, a missing model, a cycle, a first key other than `api` or `category`:
/// JSON Schema has no key order) that only the validator catches.
const SCHEMA_VIOLATIONS: &[(&str, &str)] = &[
    ("bad_method", "method"),
    ("method_wrong_case", "method"),
    ("oauth_unsupported_signature_method", "signature_method"),
    ("unknown_auth_kind", "kind"),
    ("unknown_key", "additional"),
    ("unsupported_api_type", "type"),
    ("wrong_value_type", "required"),
];

#[test]
fn invalid_fixtures_that_break_the_schema_fail_it() {
    let (schemas, index) = compile();
    let dir = livevox_tests::fixtures_dir("invalid");
    for (name, key) in SCHEMA_VIOLATIONS {
        let path = dir.join(format!("{name}.yaml"));
        let found = violations(&schemas, index, &path);
        assert!(!found.is_empty(), "{name}: the schema should refuse it");
        assert!(found.iter().any(|v| v.contains(key)), "{name}: the complaint should name `{key}`:\n{}", found.join("\n"));
    }
}

#[test]
fn every_spec_file_names_the_schema_on_its_first_line() {
    for path in yaml_files(&spec_dir()) {
        let text = std::fs::read_to_string(&path).expect("readable");
        assert_eq!(
            text.lines().next(),
            Some(livevox_codegen::schema::MODELINE),
            "{}: the first line ties the file to spec/schema.json for editors",
            path.display()
        );
    }
    // The sample APIs name the same schema by a path from their directory.
    for path in yaml_files(&sample_spec_dir()) {
        let text = std::fs::read_to_string(&path).expect("readable");
        assert_eq!(text.lines().next(), Some("# yaml-language-server: $schema=../../../spec/schema.json"), "{}", path.display());
    }
}
