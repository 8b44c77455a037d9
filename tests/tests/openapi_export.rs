//! The OpenAPI export is valid OpenAPI 3.0 and complete: it parses as an OpenAPI 3.0 document
//! (`openapiv3`), every `$ref` resolves, and every operation of the spec appears exactly once,
//! under its path and method (the second of two sharing them in `x-livevox-shared-route`), with
//! its parameters. Checked for `spec/`, the sample APIs (`tests/sample-apis/spec`) and every
//! valid fixture.

use std::collections::BTreeSet;
use std::path::PathBuf;

use livevox_codegen::ir::{Ir, Method};
use livevox_codegen::{generate, generate_dir, load::Source, openapi, Config};
use serde_json::Value;

fn refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("$ref") {
                out.push(r.clone());
            }
            m.values().for_each(|x| refs(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
        _ => {}
    }
}

fn check(ir: &Ir, what: &str) {
    assert!(!ir.apis.is_empty(), "{what}: no API");
    for api in &ir.apis {
        let doc = openapi::document(api, "0.0.0-test");
        let text = serde_json::to_string(&doc).unwrap();
        let parsed: openapiv3::OpenAPI = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{what}: not OpenAPI 3.0: {e}"));
        assert!(parsed.openapi.starts_with("3.0."), "{what}: version {}", parsed.openapi);
        assert_eq!(parsed.servers.len(), api.environments.len());

        // Every reference points at a schema that exists.
        let mut all = Vec::new();
        refs(&doc, &mut all);
        let schemas = doc["components"]["schemas"].as_object().expect("components.schemas");
        for r in &all {
            let name = r.strip_prefix("#/components/schemas/").unwrap_or_else(|| panic!("{what}: unexpected ref {r}"));
            assert!(schemas.contains_key(name), "{what}: dangling {r}");
        }

        // Every operation, once, where it belongs. An operation that shares its method and path
        // with an earlier one (told apart by the body) travels whole in the earlier one's
        // `x-livevox-shared-route`, since OpenAPI has one operation per method and path.
        let mut seen = BTreeSet::new();
        for (path, item) in parsed.paths.paths.iter() {
            let item = item.as_item().expect("inline path items");
            for (method, op) in item.iter() {
                let mut ops = vec![op.clone()];
                if let Some(shared) = op.extensions.get("x-livevox-shared-route") {
                    let shared: Vec<openapiv3::Operation> =
                        serde_json::from_value(shared.clone()).unwrap_or_else(|e| panic!("{what}: x-livevox-shared-route: {e}"));
                    ops.extend(shared);
                }
                for op in &ops {
                    let id = op.operation_id.clone().expect("operationId");
                    assert!(seen.insert(id.clone()), "{what}: {id} twice");
                    let ir_op = api
                        .categories
                        .iter()
                        .flat_map(|c| &c.operations)
                        .find(|o| o.id == id)
                        .unwrap_or_else(|| panic!("{what}: {id} is not in the spec"));
                    assert_eq!(&ir_op.path, path, "{what}: {id}");
                    assert_eq!(ir_op.method.as_str().to_ascii_lowercase(), method, "{what}: {id}");
                    let names: BTreeSet<String> = op
                        .parameters
                        .iter()
                        .map(|p| p.as_item().expect("inline parameters").parameter_data_ref().name.clone())
                        .collect();
                    let expected: BTreeSet<String> = ir_op.params().map(|p| p.wire_name.clone()).collect();
                    assert_eq!(names, expected, "{what}: {id} parameters");
                    assert_eq!(op.request_body.is_some(), ir_op.body.is_some(), "{what}: {id} body");
                    if ir_op.method == Method::Get {
                        assert!(op.request_body.is_none());
                    }
                }
            }
        }
        let all_ops: BTreeSet<String> = api.categories.iter().flat_map(|c| &c.operations).map(|o| o.id.clone()).collect();
        assert_eq!(seen, all_ops, "{what}: every operation is exported");
    }
}

#[test]
fn the_spec_exports_as_valid_openapi_3_0() {
    let spec = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let generated = generate_dir(&spec, "spec", &Config::default()).expect("spec/ generates");
    check(&generated.ir, "spec/");
}

/// The sample "Functions" APIs (`tests/sample-apis/spec`): the security schemes of the other
/// authorization kinds (BASIC, BEARER, OAUTH, OAUTH2, a LIVEVOX relay) and the Code host API.
#[test]
fn the_sample_apis_export_as_valid_openapi_3_0() {
    let spec = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample-apis/spec");
    let generated = generate_dir(&spec, "tests/sample-apis/spec", &Config::default()).expect("the sample APIs generate");
    assert_eq!(generated.ir.apis.len(), 6, "the six sample APIs (Code host is the sixth)");
    check(&generated.ir, "tests/sample-apis/spec");
}

#[test]
fn every_valid_fixture_exports_as_valid_openapi_3_0() {
    let mut n = 0;
    for name in livevox_tests::fixture_names("valid") {
        let path = livevox_tests::fixtures_dir("valid").join(format!("{name}.yaml"));
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.display().to_string();
        let g = generate(vec![Source { display_path: name.clone(), text }], &Config::default()).expect("fixture generates");
        check(&g.ir, &name);
        n += 1;
    }
    assert!(n >= 9);
}

#[test]
fn the_export_is_deterministic() {
    let spec = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let a = generate_dir(&spec, "spec", &Config::default()).unwrap();
    let b = generate_dir(&spec, "spec", &Config::default()).unwrap();
    assert_eq!(openapi::documents(&a.ir, "1"), openapi::documents(&b.ir, "1"));
}

#[test]
fn the_validator_rejects_broken_documents() {
    let spec = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let g = generate_dir(&spec, "spec", &Config::default()).unwrap();
    let good = openapi::document(&g.ir.apis[0], "1");
    let parses = |v: &Value| serde_json::from_value::<openapiv3::OpenAPI>(v.clone()).is_ok();
    assert!(parses(&good));

    let mut no_info = good.clone();
    no_info.as_object_mut().unwrap().remove("info");
    assert!(!parses(&no_info), "a document without `info` must be rejected");

    let mut bad_param = good.clone();
    let first_param = bad_param["paths"]
        .as_object_mut()
        .unwrap()
        .values_mut()
        .flat_map(|item| item.as_object_mut().unwrap().values_mut())
        .find_map(|op| op.get_mut("parameters").and_then(|p| p.get_mut(0)))
        .expect("some operation has parameters");
    first_param["in"] = Value::String("body".into());
    assert!(!parses(&bad_param), "a parameter `in: body` is OpenAPI 2, not 3.0");
}

/// Issue 17's HTTP details on the Code host sample API: declared response headers, the typed
/// error model on error responses, an optional request body, a JSON variant media type, a full
/// path outside the category's prefix and the server's rate-limit signal.
#[test]
fn code_host_exports_headers_typed_errors_and_optional_bodies() {
    let spec = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample-apis/spec");
    let generated = generate_dir(&spec, "tests/sample-apis/spec", &Config::default()).expect("the sample APIs generate");
    let api = generated.ir.apis.iter().find(|a| a.module == "code_host").expect("the Code host API");
    let doc = openapi::document(api, "1");
    let paths = &doc["paths"];
    let create = &paths["/repos/{owner}/{repo}/issues"]["post"];
    let headers = &create["responses"]["201"]["headers"];
    assert_eq!(headers["Location"]["schema"]["type"], "string");
    assert_eq!(headers["Location"]["description"], "The address of the new issue.");
    assert_eq!(headers["x-ratelimit-remaining"]["schema"]["format"], "int32");
    assert_eq!(create["responses"]["default"]["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/ValidationError");
    let lock = &paths["/repos/{owner}/{repo}/issues/{issue_number}/lock"]["put"];
    assert_eq!(lock["requestBody"]["required"], false);
    let raw = &paths["/repos/{owner}/{repo}/issues/{issue_number}"]["get"]["responses"]["200"]["content"];
    assert!(raw.get("application/vnd.codehost.raw+json").is_some(), "{raw}");
    assert!(paths.get("/rate_limit").is_some_and(|p| p.get("get").is_some()));
    assert_eq!(doc["x-livevox-server-rate-limit"]["statuses"], serde_json::json!([403, 429]));
    assert_eq!(doc["x-livevox-server-rate-limit"]["reset"]["unit"], "epoch_seconds");
}

/// Issue 17's types in the export of the Code host sample: RFC 3339 times as `date-time`
/// strings (fields and parameters), nullable fields, an untagged union as `oneOf`, a tagged one
/// with its `discriminator`; and the typed view of OpenAPI 3.0 reads them back.
#[test]
fn times_nullable_fields_and_unions_are_exported() {
    let spec = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample-apis/spec");
    let generated = generate_dir(&spec, "tests/sample-apis/spec", &Config::default()).expect("the sample APIs generate");
    let api = generated.ir.apis.iter().find(|a| a.module == "code_host").expect("the Code host API");
    let doc = openapi::document(api, "1");
    let schemas = &doc["components"]["schemas"];
    let milestone = &schemas["Milestone"]["properties"];
    assert_eq!(milestone["created_at"], serde_json::json!({ "type": "string", "format": "date-time" }));
    assert_eq!(milestone["due_on"]["format"], "date-time");
    assert_eq!(milestone["due_on"]["nullable"], true);
    assert_eq!(milestone["description"]["nullable"], true);
    assert!(milestone["title"].get("nullable").is_none());
    let since = doc["paths"]["/repos/{owner}/{repo}/milestones"]["get"]["parameters"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["name"] == "since"))
        .expect("the `since` parameter");
    assert_eq!(since["schema"], serde_json::json!({ "type": "string", "format": "date-time" }));

    assert_eq!(
        schemas["LabelInput"]["oneOf"],
        serde_json::json!([{ "type": "string" }, { "$ref": "#/components/schemas/LabelObject" }])
    );
    let timeline = &schemas["TimelineEvent"];
    assert_eq!(timeline["oneOf"].as_array().map(Vec::len), Some(3));
    assert_eq!(timeline["discriminator"]["propertyName"], "event");
    assert_eq!(timeline["discriminator"]["mapping"]["closed"], "#/components/schemas/ClosedEvent");
    let parsed: openapiv3::OpenAPI = serde_json::from_value(doc.clone()).expect("valid OpenAPI 3.0");
    let Some(openapiv3::ReferenceOr::Item(s)) = parsed.components.as_ref().and_then(|c| c.schemas.get("TimelineEvent")) else {
        panic!("TimelineEvent is an inline schema")
    };
    assert!(matches!(&s.schema_kind, openapiv3::SchemaKind::OneOf { one_of } if one_of.len() == 3));
    assert_eq!(s.schema_data.discriminator.as_ref().map(|d| d.property_name.as_str()), Some("event"));
}
