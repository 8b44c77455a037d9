//! A big category file is formatted on several threads, each making its own run of pieces; the
//! result must be byte for byte what one thread makes of the whole file.

use livevox_codegen::{emit, format, generate, load::Source, Config};

fn big_spec(models: usize) -> Vec<Source> {
    let api = "api: Big\nbase_url: https://api.big.example\nauthorization: { kind: NONE }\ncategories: [things]\n";
    let mut doc = String::from("category: things\noperations:\n  read:\n    summary: Read.\n    method: GET\n    path: /m0\n    response: { type: Model0 }\nmodels:\n");
    for i in 0..models {
        doc.push_str(&format!(
            "  Model{i}:\n    description: Model number {i}.\n    fields:\n      id: {{ type: int64, required: true }}\n      score: {{ type: float64 }}\n      next: {{ type: array<Model{}> }}\n",
            (i + 1) % models
        ));
    }
    vec![Source { display_path: "big/api.yaml".into(), text: api.into() }, Source { display_path: "big/things.yaml".into(), text: doc }]
}

#[test]
fn threads_make_the_same_file_as_one_thread() {
    let config = Config::default();
    let sources = big_spec(1_200);
    let generated = generate(sources.clone(), &config).expect("the big spec generates");
    let loaded = livevox_codegen::load::load_sources(sources).expect("loads");
    let ir = livevox_codegen::lower::lower(&loaded).expect("lowers");
    let files = emit::emit(&ir, &config).expect("emits");
    assert_eq!(files.len(), generated.files.len());
    for (whole, parallel) in files.into_iter().zip(&generated.files) {
        let one_thread = format::format_file(&whole.source, whole.tokens).expect("formats");
        assert_eq!(whole.path, parallel.path);
        assert!(one_thread == parallel.contents, "{} differs between one thread and several", whole.path);
    }
    let things = generated.files.iter().find(|f| f.path.ends_with("things.rs")).expect("the category file");
    assert_eq!(things.contents.matches("pub struct Model").count(), 1_200);
}
