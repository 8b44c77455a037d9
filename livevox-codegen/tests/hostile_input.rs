//! Hostile spec inputs that are too big for a fixture file, built in code: each must end in
//! diagnostics, quickly, without a panic, an abort or unbounded memory.

use std::time::{Duration, Instant};

use livevox_codegen::load::{load_sources, Source};
use livevox_codegen::{generate, Config, Error};

const API: &str = "api: X\nbase_url: https://api.example.com\nauthorization: { kind: NONE }\ncategories: [a]\n";

fn sources(category: String) -> Vec<Source> {
    vec![
        Source { display_path: "spec/api.yaml".into(), text: API.into() },
        Source { display_path: "spec/a.yaml".into(), text: category },
    ]
}

/// Runs the whole generator and returns its diagnostics, failing on success or an internal
/// error, and when it takes longer than `limit`.
fn diagnostics(category: String, limit: Duration) -> String {
    let started = Instant::now();
    let result = generate(sources(category), &Config::default());
    let elapsed = started.elapsed();
    assert!(elapsed < limit, "took {elapsed:?}, expected under {limit:?}");
    match result {
        Err(Error::Spec(d)) => d.to_string(),
        Err(other) => panic!("expected spec errors, got: {other}"),
        Ok(_) => panic!("expected spec errors, the spec was accepted"),
    }
}

fn nested_type(depth: usize) -> String {
    format!("{}int64{}", "array<".repeat(depth), ">".repeat(depth))
}

#[test]
fn types_nested_1_600_and_10_000_deep_are_refused_quickly() {
    for depth in [1_600, 10_000] {
        let text = format!(
            "category: a\nmodels:\n  Deep:\n    fields:\n      cells: {{ type: \"{}\" }}\noperations:\n  read:\n    summary: Read.\n    method: GET\n    path: /deep\n    response: {{ type: Deep }}\n",
            nested_type(depth)
        );
        let d = diagnostics(text, Duration::from_secs(5));
        assert!(d.contains(&format!("nests {depth} types deep")), "{d}");
    }
}

#[test]
fn yaml_nested_10_000_deep_is_refused_at_the_limit() {
    let text = format!("category: a\ndescription: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
    let d = diagnostics(text, Duration::from_secs(5));
    assert!(d.contains("spec/a.yaml:2:"), "{d}");
    assert!(d.contains("nest deeper than"), "{d}");
}

#[test]
fn an_alias_bomb_stops_at_the_alias_budget() {
    // Nine levels of ten aliases each: 10^9 values if expanded.
    let mut text = String::from("category: a\nx0: &x0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..=9 {
        let prev = format!("*x{}", level - 1);
        text.push_str(&format!("x{level}: &x{level} [{}]\n", [prev.as_str(); 10].join(", ")));
    }
    let d = diagnostics(text, Duration::from_secs(5));
    assert!(d.contains("aliases expand to more than 100000 values"), "{d}");
}

#[test]
fn an_alias_into_an_earlier_document_is_an_error_not_a_panic() {
    let text = "category: a\ndescription: &x v\n---\ncategory: b\ndescription: *x\n".to_string();
    let d = diagnostics(text, Duration::from_secs(5));
    assert!(d.contains("spec/a.yaml:5:14: description: an alias refers to an anchor this document does not define"), "{d}");
}

#[test]
fn a_file_with_hundreds_of_mistakes_reports_the_first_twenty_and_a_note() {
    let mut text = String::from("category: a\n");
    for i in 0..300 {
        text.push_str(&format!("unknown_{i}: {i}\n"));
    }
    let started = Instant::now();
    let d = load_sources(sources(text)).unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(10), "took {:?}", started.elapsed());
    assert_eq!(d.len(), 21, "{d}");
    assert!(d.0[0].message.starts_with("more than 20 errors in this file"), "{d}");
    assert!(d.0[1].to_string().starts_with("spec/a.yaml:2:1: unknown key `unknown_0`"), "{d}");
}

#[test]
fn a_50_mb_file_is_read_in_bounded_time() {
    // 50 MB of one long description, and one mistake after it.
    let mut text = String::with_capacity(50_000_100);
    text.push_str("category: a\ndescription: ");
    while text.len() < 50_000_000 {
        text.push_str("lorem ipsum dolor sit amet ");
    }
    text.push_str("\nbogus: 1\n");
    let started = Instant::now();
    let d = load_sources(sources(text)).unwrap_err();
    // A debug build on a shared machine; release takes well under a second.
    assert!(started.elapsed() < Duration::from_secs(60), "took {:?}", started.elapsed());
    assert_eq!(d.to_string().lines().next().unwrap_or(""), "spec/a.yaml:3:1: unknown key `bogus`; expected one of `category`, `path`, `description`, `models`, `enums`, `operations`, `unions`");
}
