//! Tests of the load stage: positions, documents, and the errors of hand-made files.

use super::*;

fn src(text: &str) -> Vec<Source> {
    vec![Source { display_path: "spec/test.yaml".into(), text: text.into() }]
}

fn errors(text: &str) -> String {
    match load_sources(src(text)) {
        Ok(_) => panic!("expected errors"),
        Err(d) => d.0.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n"),
    }
}

fn at(line: usize, col: usize) -> Location {
    Location { line, col }
}

const CATEGORY: &str = "\
# a comment
category: compliance
operations:
  list_dnc:
    summary: List.
    method: GET
    path: /dnc
    query:
      count: { type: int32, required: true }
    examples:
      - name: first
        response: { status: 200 }
      - name: second
        response:
          status: 404
";

#[test]
fn positions_are_one_based_and_point_at_keys() {
    let loaded = load_sources(src(CATEGORY)).unwrap();
    let p = &loaded.docs[0].positions;
    assert_eq!(p.get(""), at(2, 1));
    assert_eq!(p.get("category"), at(2, 1));
    assert_eq!(p.get("operations"), at(3, 1));
    assert_eq!(p.get("operations.list_dnc"), at(4, 3));
    assert_eq!(p.get("operations.list_dnc.path"), at(7, 5));
    // Keys inside a flow mapping.
    assert_eq!(p.get("operations.list_dnc.query.count.type"), at(9, 16));
    assert_eq!(p.get("operations.list_dnc.query.count.required"), at(9, 29));
    // Sequence items are indexed; a block-mapping item starts at its first key.
    assert_eq!(p.get("operations.list_dnc.examples.0"), at(11, 9));
    assert_eq!(p.get("operations.list_dnc.examples.0.name"), at(11, 9));
    assert_eq!(p.get("operations.list_dnc.examples.1.response.status"), at(15, 11));
    assert_eq!(p.get("operations.list_dnc.examples.0.response.status"), at(12, 21));
}

#[test]
fn missing_paths_fall_back_to_the_nearest_ancestor_then_the_document() {
    let loaded = load_sources(src(CATEGORY)).unwrap();
    let p = &loaded.docs[0].positions;
    assert_eq!(p.get("operations.list_dnc.response.type"), at(4, 3));
    assert_eq!(p.exact("operations.list_dnc.response"), None);
    assert_eq!(p.get("models.Foo"), at(2, 1));
}

#[test]
fn several_documents_keep_file_lines_and_indexes() {
    let text = "api: X\nbase_url: https://x.example.com\nauthorization: { kind: NONE }\ncategories: [a]\n---\n\n---\ncategory: a\noperations: {}\n";
    let loaded = load_sources(src(text)).unwrap();
    assert_eq!(loaded.docs.len(), 2);
    assert!(matches!(loaded.docs[0].doc, Document::Api(_)));
    assert!(matches!(loaded.docs[1].doc, Document::Category(_)));
    assert_eq!(loaded.docs[0].index, 0);
    // The empty document in between still counts.
    assert_eq!(loaded.docs[1].index, 2);
    assert_eq!(loaded.docs[1].positions.get("operations"), at(9, 1));
    assert_eq!(loaded.docs[1].file, "spec/test.yaml");
}

#[test]
fn duplicate_keys_are_reported_with_the_first_position() {
    let text = "category: a\noperations:\n  x: { summary: s, method: GET, path: / }\n  x: { summary: t, method: GET, path: / }\n";
    assert_eq!(errors(text), "spec/test.yaml:4:3: operations: duplicate key `x` (first defined at line 3)");
    // serde's own "duplicate field" for a struct key is not reported twice.
    let text = "category: a\ncategory: b\n";
    assert_eq!(errors(text), "spec/test.yaml:2:1: duplicate key `category` (first defined at line 1)");
}

#[test]
fn unknown_keys_get_a_suggestion_and_the_key_position() {
    let text = "category: a\noperations:\n  list_dnc:\n    summary: s\n    method: GET\n    pathh: /dnc\n";
    assert_eq!(errors(text), "spec/test.yaml:6:5: operations.list_dnc: unknown key `pathh`; did you mean `path`?");
    let text = "category: a\nzzz: 1\n";
    let e = errors(text);
    assert!(e.starts_with("spec/test.yaml:2:1: unknown key `zzz`; expected one of `category`, `path`"), "{e}");
}

#[test]
fn type_errors_and_missing_keys_are_rephrased() {
    let text = "category: a\noperations:\n  x:\n    summary: s\n    method: GET\n";
    assert_eq!(errors(text), "spec/test.yaml:3:3: operations.x: missing required key `path`");
    let text = "category: a\noperations:\n  x:\n    summary: s\n    method: GET\n    path: /\n    rate_limit: { calls: -1, per_seconds: 1 }\n";
    assert_eq!(
        errors(text),
        "spec/test.yaml:7:19: operations.x.rate_limit.calls: expected an integer from 0 to 4294967295, found integer -1"
    );
    let text = "category: a\nmodels:\n  M:\n    fields:\n      a: { type: string, required: yes }\n";
    assert_eq!(errors(text), "spec/test.yaml:5:26: models.M.fields.a.required: expected `true` or `false`, found string \"yes\"");
}

#[test]
fn syntax_errors_have_positions_and_stop_the_file() {
    let text = "category: a\noperations:\n  x:\n    summary: s: t\n";
    assert_eq!(
        errors(text),
        "spec/test.yaml:4:15: operations.x: a `: ` inside a plain value; quote the value, or put the key on a line of its own (YAML: mapping values are not allowed in this context)"
    );
}

#[test]
fn documents_must_start_with_api_or_category() {
    assert_eq!(
        errors("categroy: a\n"),
        "spec/test.yaml:1:1: categroy: the first key of a document says what it is: `api` (an API) or `category` (a category of operations), not `categroy`; did you mean `category`?"
    );
    assert_eq!(
        errors("description: d\ncategory: a\n"),
        "spec/test.yaml:1:1: description: the first key of a document says what it is: `api` (an API) or `category` (a category of operations), not `description`; move that key to the top of the document"
    );
    assert_eq!(errors("- a\n- b\n"), "spec/test.yaml:1:1: a document must be a mapping whose first key is `api` or `category`, not a list");
    assert_eq!(errors("# nothing\n"), "spec/test.yaml:1:1: the file holds no YAML document; expected one starting with `api:` or `category:`");
}

#[test]
fn every_file_is_reported() {
    let sources = vec![
        Source { display_path: "spec/a.yaml".into(), text: "category: a\nbogus: 1\n".into() },
        Source { display_path: "spec/b.yaml".into(), text: "category: [\n".into() },
        Source { display_path: "spec/c.yaml".into(), text: "category: c\n".into() },
    ];
    let e = load_sources(sources).unwrap_err();
    assert_eq!(e.len(), 2, "{e}");
    assert_eq!(e.0[0].file, "spec/a.yaml");
    assert_eq!(e.0[1].file, "spec/b.yaml");
}

#[test]
fn load_dir_reads_yaml_files_in_name_order() {
    let dir = std::env::temp_dir().join(format!("livevox-load-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("b.yml"), "category: b\n").unwrap();
    std::fs::write(dir.join("a.yaml"), "category: a\n").unwrap();
    std::fs::write(dir.join("README.md"), "not: yaml: at all").unwrap();
    let loaded = load_dir(&dir, "spec");
    std::fs::remove_dir_all(&dir).unwrap();
    let files: Vec<String> = loaded.unwrap().docs.iter().map(|d| d.file.clone()).collect();
    assert_eq!(files, ["spec/a.yaml", "spec/b.yml"]);

    let missing = load_dir(Path::new("/nonexistent/livevox-spec"), "spec").unwrap_err();
    assert!(missing.to_string().starts_with("spec:1:1: cannot read the spec directory"), "{missing}");
}

#[test]
fn every_mistake_of_a_document_is_reported_once_without_its_consequences() {
    let text = "category: a\noperations:\n  x:\n    summary: [1]\n    method: GET\n    pathh: /\n  y:\n    summary: s\n    method: GET\n    path: /\n    rate_limit: { calls: x, per_seconds: 1 }\n";
    assert_eq!(
        errors(text),
        [
            "spec/test.yaml:4:5: operations.x.summary: expected a string, found a list",
            "spec/test.yaml:6:5: operations.x: unknown key `pathh`; did you mean `path`?",
            "spec/test.yaml:11:19: operations.y.rate_limit.calls: expected an integer from 0 to 4294967295, found string \"x\"",
        ]
        .join("\n")
    );
}

#[test]
fn a_lone_carriage_return_ends_a_line_as_yaml_says() {
    // Found by fuzz_front_end: positions counted lines as YAML does, the explanation did not.
    let text = "category: a\rmodels:\r  M:\r    fields:\r      id: { type: int64\r";
    let e = errors(text);
    assert_eq!(e, "spec/test.yaml:5:11: this `{` is never closed; expected a `}` to end it");
}

#[test]
fn an_empty_item_at_the_end_of_the_file_is_reported_on_the_last_line() {
    // Found by fuzz_front_end: the parser puts the empty value of a trailing `- ` on the line
    // after the last, and the error pointed there.
    let text = "category: a\nenums:\n  E:\n    values:\n      - { value: A }\n      - ";
    assert_eq!(errors(text), "spec/test.yaml:6:9: enums.E.values.1: expected a mapping (`key: value` pairs), found nothing (an empty value or `null`)");
}

#[test]
fn files_are_taken_biggest_first_and_joined_in_order() {
    let file = |name: &str, size: usize| Source { display_path: name.into(), text: "#".repeat(size) };
    let sources = vec![file("a", 100), file("b", 10), file("c", 50), file("d", 50), file("e", 1)];
    assert_eq!(biggest_first(&sources), [0, 2, 3, 1, 4]);
    assert!(biggest_first(&[]).is_empty());
    // Enough text for several threads: documents and errors come back in the files' order.
    let big = |n: usize| Source {
        display_path: format!("spec/f{n}.yaml"),
        text: format!("category: c{n}\nbogus{n}: 1\n{}", "# padding\n".repeat(n * BYTES_PER_THREAD / 10)),
    };
    let sources: Vec<Source> = (1..=4).map(big).collect();
    let diagnostics = match load_sources(sources) {
        Ok(_) => panic!("expected errors"),
        Err(d) => d.0,
    };
    let files: Vec<&str> = diagnostics.iter().map(|d| d.file.as_str()).collect();
    assert_eq!(files, ["spec/f1.yaml", "spec/f2.yaml", "spec/f3.yaml", "spec/f4.yaml"]);
    let good = |n: usize| Source {
        display_path: format!("spec/g{n}.yaml"),
        text: format!("category: c{n}\n{}", "# padding\n".repeat((5 - n) * BYTES_PER_THREAD / 10)),
    };
    let loaded = load_sources((1..=4).map(good).collect()).expect("the files load");
    let files: Vec<&str> = loaded.docs.iter().map(|d| d.file.as_str()).collect();
    assert_eq!(files, ["spec/g1.yaml", "spec/g2.yaml", "spec/g3.yaml", "spec/g4.yaml"]);
}

#[test]
fn errors_of_files_read_on_different_threads_are_all_reported() {
    // Two files big enough for two threads, each with a mistake.
    let padding = format!("models:\n{}", (0..3000).map(|i| format!("  M{i}: {{ fields: {{ a: {{ type: string }} }} }}\n")).collect::<String>());
    let bad = |n: usize| Source { display_path: format!("spec/f{n}.yaml"), text: format!("category: c{n}\nbogus_key{n}: 1\n{padding}") };
    let sources = vec![bad(1), bad(2)];
    assert!(sources.iter().map(|s| s.text.len()).sum::<usize>() >= 2 * BYTES_PER_THREAD);
    let text = match load_sources(sources) {
        Ok(_) => panic!("expected errors"),
        Err(d) => d.0.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n"),
    };
    assert!(text.contains("spec/f1.yaml:2:1") && text.contains("bogus_key1"), "{text}");
    assert!(text.contains("spec/f2.yaml:2:1") && text.contains("bogus_key2"), "{text}");
}
