//! Unit tests of the validation rules, on small specs written inline.

use super::api::placeholders;
use super::operations::path_placeholders;
use super::*;
use crate::load::{load_sources, Source};

const API: &str = "\
api: Test
base_url: https://api.test.example.com
authorization: { kind: NONE }
categories: [shop]
";

const CATEGORY: &str = "\
category: shop
enums:
  Color:
    values:
      - { value: RED }
      - { value: GREEN }
models:
  Item:
    fields:
      id: { type: int64, required: true }
      color: { type: Color }
  Page:
    fields:
      items: { type: array<Item>, required: true }
      next: { type: string }
operations:
  list_items:
    summary: List items.
    method: GET
    path: /items
    query:
      offset: { type: int32, required: true }
      count: { type: int32, required: true }
    pagination: { items: items, end: next_absent, max_count: 100 }
    response: { type: Page }
    examples:
      - name: first page
        request: { query: { offset: 0, count: 1 } }
        response: { body: { items: [{ id: 1, color: RED }] } }
  get_item:
    summary: Get an item.
    method: GET
    path: /items/{id}
    path_params:
      id: { type: int64 }
    response: { type: Item }
";

fn check(api: &str, category: &str) -> Vec<String> {
    let text = format!("{api}---\n{category}");
    let loaded = match load_sources(vec![Source { display_path: "spec/t.yaml".into(), text }]) {
        Ok(l) => l,
        Err(e) => panic!("load failed:\n{e}"),
    };
    match validate(&loaded) {
        Ok(()) => Vec::new(),
        Err(d) => d.0.iter().map(|d| d.to_string()).collect(),
    }
}

fn one_error(api: &str, category: &str) -> String {
    let errors = check(api, category);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    errors[0].clone()
}

#[test]
fn the_base_spec_is_valid() {
    assert_eq!(check(API, CATEGORY), Vec::<String>::new());
}

#[test]
fn the_workspace_spec_is_valid() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let loaded = crate::load::load_dir(&dir, "spec").unwrap_or_else(|e| panic!("{e}"));
    if let Err(e) = validate(&loaded) {
        panic!("{e}");
    }
}

#[test]
fn unknown_types_point_at_the_type_key_with_a_suggestion() {
    let cat = CATEGORY.replace("type: array<Item>", "type: array<Itme>");
    assert_eq!(
        one_error(API, &cat),
        "spec/t.yaml:19:16: models.Page.fields.items.type: unknown type `Itme`: no model or enum has that name in API `Test`; did you mean `Item`?"
    );
    let cat = CATEGORY.replace("id: { type: int64, required: true }", "id: { type: Int64, required: true }");
    assert!(one_error(API, &cat).ends_with("did you mean `int64`? (primitive types are lower case)"));
}

#[test]
fn path_placeholders_and_params_match_both_ways() {
    let cat = CATEGORY.replace("path: /items/{id}", "path: /items/{item_id}");
    let errors = check(API, &cat);
    assert_eq!(
        errors,
        [
            "spec/t.yaml:38:5: operations.get_item.path: the placeholder `{item_id}` has no entry in `path_params`",
            "spec/t.yaml:40:7: operations.get_item.path_params.id: path parameter `id` has no `{id}` placeholder in the path `/items/{item_id}`",
        ]
    );
    let cat = CATEGORY.replace("path: /items/{id}", "path: /items/{id");
    assert!(one_error(API, &cat).contains("has a `{` that is not closed"));
}

#[test]
fn colliding_names_are_reported_with_both_places() {
    let cat = CATEGORY.replace("      color: { type: Color }", "      color: { type: Color }\n      Color: { type: string }");
    assert_eq!(
        one_error(API, &cat),
        "spec/t.yaml:17:7: models.Item.fields.Color: field `Color` becomes `color` in Rust, as field `color` (line 16) does; set `rust_name` on one of them"
    );
    let cat = CATEGORY.replace("  Page:", "  ListItemsRequest:\n    fields: {}\n  Page:");
    assert_eq!(
        one_error(API, &cat),
        "spec/t.yaml:24:3: operations.list_items: the request builder of operation `list_items` becomes `ListItemsRequest` in Rust, as model `ListItemsRequest` (line 17) does; rename one of them"
    );
}

#[test]
fn pagination_needs_its_parameters() {
    let cat = CATEGORY.replace("      offset: { type: int32, required: true }\n", "");
    let errors = check(API, &cat);
    assert!(
        errors.contains(&"spec/t.yaml:28:5: operations.list_items.pagination: pagination needs a query parameter `offset` (where the page starts), declared in `query` as a required integer".to_string()),
        "{errors:#?}"
    );
    let cat = CATEGORY.replace("count: { type: int32, required: true }", "count: { type: string }");
    // Not an integer, not required, and the example's number no longer fits.
    let errors = check(API, &cat);
    assert_eq!(errors.len(), 3, "{errors:#?}");
}

#[test]
fn enums_reject_duplicates_and_unnamed_integers() {
    let cat = CATEGORY.replace("      - { value: GREEN }", "      - { value: GREEN }\n      - { value: RED }");
    assert_eq!(
        one_error(API, &cat),
        "spec/t.yaml:12:11: enums.Color.values.2.value: duplicate value \"RED\" (first listed at line 10)"
    );
    let cat = CATEGORY.replace("  Color:\n", "  Color:\n    type: int32\n").replace("value: RED", "value: 1").replace("value: GREEN", "value: 2, name: Green");
    let errors = check(API, &cat);
    assert!(errors.iter().any(|e| e.ends_with("enums.Color.values.0: integer value 1 needs a `name`: the Rust variant cannot be derived from a number")), "{errors:#?}");
}

#[test]
fn livevox_authorization_is_only_for_livevox_hosts() {
    let api = API.replace("{ kind: NONE }", "{ kind: LIVEVOX, session_header: LV-Session }");
    assert_eq!(
        one_error(&api, CATEGORY),
        "spec/t.yaml:2:1: base_url: authorization `LIVEVOX` sends LiveVox credentials, so LiveVox Functions allows it only for LiveVox hosts; `api.test.example.com` is not one (its name does not contain `livevox`)"
    );
    let api = API.replace("{ kind: NONE }", "{ kind: LIVEVOX }").replace("test.example.com", "livevox.com");
    assert!(one_error(&api, CATEGORY).contains("needs `session_header`"));
}

#[test]
fn examples_are_checked_against_the_types() {
    let cat = CATEGORY.replace("[{ id: 1, color: RED }]", "[{ id: \"1\", color: BLUE }]");
    let errors = check(API, &cat);
    assert_eq!(
        errors,
        [
            "spec/t.yaml:34:39: operations.list_items.examples.0.response.body.items.0.id: the example gives the string \"1\", but the type is `int64`",
            "spec/t.yaml:34:48: operations.list_items.examples.0.response.body.items.0.color: the example gives the string \"BLUE\", which is not a value of `Color` (\"RED\", \"GREEN\")",
        ]
    );
}

#[test]
fn category_membership_is_checked() {
    let api = API.replace("[shop]", "[shops]");
    let errors = check(&api, CATEGORY);
    assert_eq!(
        errors,
        [
            "spec/t.yaml:4:14: categories.0: no category document is called `shops`; did you mean `shop`?",
            "spec/t.yaml:6:1: category: category `shop` is not listed in the `categories` of any API; add it to the `categories` of API `Test` (line 4)",
        ]
    );
}

#[test]
fn required_model_cycles_are_reported_once() {
    let cat = CATEGORY.replace("      color: { type: Color }", "      color: { type: Color }\n      page: { type: Page, required: true }").replace(
        "      next: { type: string }",
        "      next: { type: string }\n      first: { type: Item, required: true }",
    );
    // (The example, which now lacks the new fields, is reported too.)
    let cycles: Vec<String> = check(API, &cat).into_iter().filter(|e| e.contains("leads back")).collect();
    assert_eq!(
        cycles,
        ["spec/t.yaml:17:7: models.Item.fields.page: required field `page` of `Item` leads back to `Item` (`Item` → `Page` → `Item`), so no finite value has it; make a field on the way optional or a list"]
    );
    let cat = CATEGORY.replace("      color: { type: Color }", "      color: { type: Color }\n      parent: { type: Item, required: true }");
    assert!(check(API, &cat).iter().any(|e| e.contains("(`Item` → `Item`)")));
    // Through a list or an optional field, recursion is fine.
    let cat = CATEGORY.replace("      color: { type: Color }", "      color: { type: Color }\n      parent: { type: Item }\n      children: { type: array<Item> }");
    assert_eq!(check(API, &cat), Vec::<String>::new());
}

#[test]
fn a_category_listed_twice_is_one_error() {
    let api = API.replace("[shop]", "[shop, shop]");
    assert_eq!(one_error(&api, CATEGORY), "spec/t.yaml:4:20: categories.1: category `shop` is listed twice (also as `categories.0`)");
}

/// Whatever a maintainer's editor leaves behind, load and validate answer with diagnostics,
/// never a panic: every prefix of the spec, and the spec with any one line removed.
#[test]
fn damaged_specs_never_panic() {
    let text = format!("{API}---\n{CATEGORY}");
    let lines: Vec<&str> = text.lines().collect();
    let mut variants: Vec<String> = (0..lines.len()).map(|n| lines[..n].join("\n")).collect();
    variants.extend((0..lines.len()).map(|skip| {
        lines.iter().enumerate().filter(|(i, _)| *i != skip).map(|(_, l)| *l).collect::<Vec<_>>().join("\n")
    }));
    for v in variants {
        if let Ok(loaded) = load_sources(vec![Source { display_path: "spec/t.yaml".into(), text: v }]) {
            let _ = validate(&loaded);
        }
    }
}

#[test]
fn placeholder_parsers() {
    assert_eq!(path_placeholders("/a/{b}/c/{d_1}").unwrap(), ["b", "d_1"]);
    assert!(path_placeholders("/a/}").is_err());
    assert!(path_placeholders("/a/{}").is_err());
    assert!(path_placeholders("/a/{b{c}}").is_err());
    assert_eq!(placeholders("Bearer ${token} ${x}").unwrap(), ["token", "x"]);
    assert!(placeholders("${token").is_err());
    assert!(placeholders("${9x}").is_err());
    assert_eq!(placeholders("$5 {x}").unwrap(), Vec::<String>::new());
    // LiveVox Designer's dynamic values are dotted paths (facts §6: `${loginData.agentId}`).
    assert_eq!(placeholders("${loginData.agentId}/${a.b_2.c}").unwrap(), ["loginData.agentId", "a.b_2.c"]);
    for bad in ["${.a}", "${a.}", "${a..b}", "${a.9b}", "${a b}", "${a-b}", "${}", "${a.}x"] {
        assert!(placeholders(bad).is_err(), "{bad} should be refused");
    }
}

/// A LiveVox API that logs in through `session.login`, whose body is `body` (YAML, indented
/// for the operation), with `models` added to the category's.
fn login_spec(body: &str, models: &str) -> Loaded {
    let text = format!(
        "api: LiveVox\nbase_url: https://api.livevox.com\ncategories: [session]\nauthorization:\n  kind: LIVEVOX\n  session_header: LV-Session\n  \
         login: {{ operation: session.login, access_header: LV-Access, session_id_field: sessionId }}\n---\ncategory: session\nmodels:\n  \
         LoginResponse:\n    fields:\n      sessionId: {{ type: string, required: true }}\n{models}operations:\n  login:\n    summary: Log in.\n    \
         method: POST\n    path: /login\n    auth: access_token\n{body}    response: {{ type: LoginResponse }}\n"
    );
    load_sources(vec![Source { display_path: "spec/t.yaml".into(), text }]).unwrap_or_else(|e| panic!("load failed:\n{e}"))
}

#[test]
fn the_login_body_holds_credentials_and_lowering_agrees() {
    let fields = |f: &str| format!("    body:\n      fields:\n{f}");
    let password = "        password: { type: string, required: true, secret: true }\n";
    let user = "        userName: { type: string, required: true }\n";
    let base = "  Base:\n    fields:\n      password: { type: string, required: true, secret: true }\n";
    let creds = |f: &str| format!("{base}  Creds:\n    extends: Base\n    fields:\n{f}");
    let accepted = [
        (fields(&format!("{user}{password}")), String::new()),
        (fields(&format!("        clientName: {{ type: string }}\n{user}{password}        agent: {{ type: bool }}\n")), String::new()),
        // A named model's inherited fields count.
        ("    body: { type: Creds }\n".to_string(), creds("      userName: { type: string, required: true }\n")),
    ];
    for (body, models) in &accepted {
        let loaded = login_spec(body, models);
        assert_eq!(validate(&loaded).err().map(|d| d.to_string()), None, "{body}");
        let ir = crate::lower::lower(&loaded).unwrap_or_else(|d| panic!("lowering failed for\n{body}:\n{d}"));
        let crate::ir::Auth::LiveVox { login: Some(login), .. } = &ir.apis[0].auth else { panic!("no login for\n{body}") };
        assert_eq!((login.fields.user.as_str(), login.fields.password.as_str()), ("userName", "password"), "{body}");
    }
    let rejected = [
        (String::new(), String::new(), "(line 15) must hold the credentials a login sends", "it has no secret string, no other string"),
        (fields(&format!("{user}{password}        a: {{ type: string }}\n        b: {{ type: string }}\n")), String::new(), "(line 20)", "it has 3 other strings"),
        (fields(&format!("{user}{password}        a: {{ type: bool }}\n        b: {{ type: bool }}\n")), String::new(), "(line 20)", "it has 2 bools"),
        ("    body: { type: Creds }\n".to_string(), creds("      tries: { type: int32 }\n"), "(line 27)", "it has `tries` of type `int32`, no other string"),
    ];
    for (body, models, place, what) in &rejected {
        let errors = validate(&login_spec(body, models)).expect_err(body).to_string();
        assert!(errors.starts_with("spec/t.yaml:7:12: authorization.login.operation: the body of `session.login` "), "{errors}");
        assert!(errors.contains(place) && errors.contains(what), "{body}\n{errors}");
        assert!(errors.contains("1 error in the spec"), "{errors}");
    }
}
