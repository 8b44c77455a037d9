//! The pieces of the category files are formatted by a pool of threads, each making the pieces it
//! takes (jobs of a few pieces, in file order); every file must be byte for byte what one thread
//! makes of it.

use livevox_codegen::{emit, format, generate, load::Source, Config};

fn big_spec(models: usize) -> Vec<Source> {
    spec(&[("things", models)])
}

/// An API of the given categories, each with one operation and `models` models.
fn spec(categories: &[(&str, usize)]) -> Vec<Source> {
    let names: Vec<&str> = categories.iter().map(|(name, _)| *name).collect();
    let api = format!("api: Big\nbase_url: https://api.big.example\nauthorization: {{ kind: NONE }}\ncategories: [{}]\n", names.join(", "));
    let mut sources = vec![Source { display_path: "big/api.yaml".into(), text: api }];
    for &(name, models) in categories {
        let prefix = heck_camel(name);
        let mut doc = format!("category: {name}\noperations:\n  read:\n    summary: Read.\n    method: GET\n    path: /{name}\n    response: {{ type: {prefix}0 }}\nmodels:\n");
        for i in 0..models {
            doc.push_str(&format!(
                "  {prefix}{i}:\n    description: Model number {i} of {name}.\n    fields:\n      id: {{ type: int64, required: true }}\n      score: {{ type: float64 }}\n      next: {{ type: array<{prefix}{}> }}\n",
                (i + 1) % models
            ));
        }
        sources.push(Source { display_path: format!("big/{name}.yaml"), text: doc });
    }
    sources
}

/// `things` as a type-name prefix, `Things` (the test's names are single lowercase words).
fn heck_camel(name: &str) -> String {
    let mut chars = name.chars();
    chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
}

/// How many of the file's structs are the test's numbered models (`Things0`, `Things1`, ...).
fn models_in(contents: &str, prefix: &str) -> usize {
    let start = format!("pub struct {prefix}");
    contents.match_indices(&start).filter(|(at, _)| contents[at + start.len()..].starts_with(|c: char| c.is_ascii_digit())).count()
}

/// Generates `sources` (on the pool) and checks every file against one thread's formatting.
fn same_as_one_thread(sources: Vec<Source>) -> livevox_codegen::Generated {
    let config = Config::default();
    let generated = generate(sources.clone(), &config).expect("the spec generates");
    let loaded = livevox_codegen::load::load_sources(sources).expect("loads");
    let ir = livevox_codegen::lower::lower(&loaded).expect("lowers");
    let files = emit::emit(&ir, &config).expect("emits");
    assert_eq!(files.len(), generated.files.len());
    for (whole, parallel) in files.into_iter().zip(&generated.files) {
        let one_thread = format::format_file(&whole.source, whole.tokens).expect("formats");
        assert_eq!(whole.path, parallel.path);
        assert!(one_thread == parallel.contents, "{} differs between one thread and several", whole.path);
    }
    generated
}

#[test]
fn files_of_every_size_keep_their_own_pieces_in_order() {
    // Files whose job counts do not line up: a job never holds pieces of two files.
    let generated = same_as_one_thread(spec(&[("alpha", 3), ("beta", 61), ("gamma", 1), ("delta", 40)]));
    for (file, models) in [("alpha.rs", 3), ("beta.rs", 61), ("gamma.rs", 1), ("delta.rs", 40)] {
        let f = generated.files.iter().find(|f| f.path.ends_with(file)).expect("the category file");
        let prefix = heck_camel(file.trim_end_matches(".rs"));
        assert_eq!(models_in(&f.contents, &prefix), models, "{file}");
    }
}

#[test]
fn threads_make_the_same_file_as_one_thread() {
    let generated = same_as_one_thread(big_spec(1_200));
    let things = generated.files.iter().find(|f| f.path.ends_with("things.rs")).expect("the category file");
    assert_eq!(models_in(&things.contents, "Things"), 1_200);
}
