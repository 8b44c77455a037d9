//! `cargo xtask bench gen-size`: time and peak memory of generation over synthetic specs of 1, 5
//! and 20 MB, each measured in a child process of its own so that one size's peak does not hide
//! the next one's.
//!
//! Two shapes: `models` is one file of one category holding nothing but models (the shape that
//! stresses one big document and one big output file), `ops` is the operation mix of
//! `bench gen` scaled up over many category files.

use std::fmt::Write as _;
use std::process::Command;
use std::time::Instant;

use livevox_codegen::{generate, load::Source, Config};

use crate::bench::synthetic_spec;

/// The sizes measured, in MB (10^6 bytes of YAML).
const SIZES_MB: [usize; 3] = [1, 5, 20];

/// Runs every size and shape in a child process and prints the table.
pub fn bench_gen_size() -> bool {
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(e) => {
            eprintln!("xtask bench gen-size: cannot find the xtask binary: {e}");
            return false;
        }
    };
    println!("\nGeneration by spec size (release build; one run per child process)\n");
    println!("| shape | spec MB | files | ops | models | load | validate | lower | emit | format | seconds | peak MiB | s/MB | MiB/MB |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for shape in ["models", "ops"] {
        for mb in SIZES_MB {
            let output = Command::new(&exe).args(["bench", "gen-size-one", shape, &mb.to_string()]).output();
            match output {
                Ok(o) if o.status.success() => print!("{}", String::from_utf8_lossy(&o.stdout)),
                Ok(o) => {
                    eprintln!("xtask bench gen-size: {shape} {mb} MB failed: {}", String::from_utf8_lossy(&o.stderr));
                    return false;
                }
                Err(e) => {
                    eprintln!("xtask bench gen-size: cannot run {}: {e}", exe.display());
                    return false;
                }
            }
        }
    }
    true
}

/// The child: builds one spec, generates it once, prints one table row.
pub fn gen_size_one(shape: &str, mb: &str) -> bool {
    let Ok(mb) = mb.parse::<usize>() else {
        eprintln!("xtask bench gen-size-one: `{mb}` is not a size in MB");
        return false;
    };
    let target = mb * 1_000_000;
    let sources = match shape {
        "models" => models_spec(target),
        "ops" => ops_spec(target),
        other => {
            eprintln!("xtask bench gen-size-one: unknown shape `{other}`; expected models or ops");
            return false;
        }
    };
    let bytes: usize = sources.iter().map(|s| s.text.len()).sum();
    let files = sources.len();
    let start = Instant::now();
    let generated = match generate(sources, &Config::default()) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("xtask bench gen-size-one: {e}");
            return false;
        }
    };
    let secs = start.elapsed().as_secs_f64();
    let ops = generated.ir.operation_count();
    let models = generated.ir.model_count();
    let t = generated.timings;
    let stages = [t.load, t.validate, t.lower, t.emit, t.format].map(|d| format!("{:.2}", d.as_secs_f64())).join(" | ");
    drop(generated);
    let peak_mib = peak_kib().map(|k| k as f64 / 1024.0).unwrap_or(f64::NAN);
    let spec_mb = bytes as f64 / 1e6;
    println!(
        "| {shape} | {spec_mb:.1} | {files} | {ops} | {models} | {stages} | {secs:.2} | {peak_mib:.0} | {:.2} | {:.0} |",
        secs / spec_mb,
        peak_mib / spec_mb
    );
    true
}

/// Peak resident memory of this process (VmHWM), in KiB; Linux only.
fn peak_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// One API file and one category file of `bytes` bytes of models (each model eight fields, one
/// operation so the category is not empty).
fn models_spec(bytes: usize) -> Vec<Source> {
    let api = "api: Sized\nmodule: sized\nbase_url: https://api.sized.livevox.com\nauthorization:\n  kind: NONE\ncategories:\n  - big\n";
    let mut doc = String::with_capacity(bytes + 1024);
    doc.push_str("category: big\ndescription: Many models.\noperations:\n  read:\n    summary: Read.\n    method: GET\n    path: /m0\n    response: { type: Model0 }\nmodels:\n");
    let mut i = 0;
    while doc.len() < bytes {
        let next = i + 1;
        let _ = write!(
            doc,
            "  Model{i}:\n    description: Model number {i}.\n    fields:\n      id: {{ type: int64, required: true }}\n      name: {{ type: string, required: true, description: The name. }}\n      createdAt: {{ type: datetime }}\n      tags: {{ type: array<string> }}\n      extra: {{ type: map<string> }}\n      score: {{ type: float64 }}\n      active: {{ type: bool }}\n      next: {{ type: array<Model{next}> }}\n"
        );
        i += 1;
    }
    // The last model's `next` refers to one more model.
    let _ = write!(doc, "  Model{i}:\n    fields:\n      id: {{ type: int64 }}\n");
    vec![
        Source { display_path: "sized/api.yaml".into(), text: api.into() },
        Source { display_path: "sized/big.yaml".into(), text: doc },
    ]
}

/// `bench gen`'s synthetic spec with as many operations as make `bytes` bytes.
fn ops_spec(bytes: usize) -> Vec<Source> {
    let sample: usize = synthetic_spec(1_000).iter().map(|s| s.text.len()).sum();
    synthetic_spec((bytes * 1_000).div_ceil(sample).max(1))
}
