//! `cargo xtask bench`: the figures a user feels, printed as tables.
//!
//! - `done` (also what no benchmark name or only flags means): every figure of issue 13's
//!   "Done when" in one table (`bench_done.rs`); `--quick` for a smoke run.
//! - `gen`: generation time for `spec/` and for synthetic specs of 1,000 and 10,000 operations,
//!   broken down by stage, and the size of the output (lines per operation).
//! - `gen-size`: time and peak memory of generation over synthetic specs of 1, 5 and 20 MB
//!   (`bench_size.rs`).
//! - `compile`: `cargo check` and a debug build of `livevox-generated`, all features and one
//!   category, each from clean (dependencies included) and for the crate alone.
//! - `runtime`: the request-overhead and paging-memory benchmarks of `livevox-generated`
//!   (`cargo bench`), which need the runtime and a local server.
//!
//! Generation is measured in a release build of xtask (a debug build would measure the
//! compiler's debug code, not the generator), so the command re-runs itself with `--release`
//! when it was built without optimisations.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use livevox_codegen::{generate, load::Source, Config, Timings};

pub fn run(root: &Path, args: &[&str]) -> ExitCode {
    if cfg!(debug_assertions) && std::env::var_os("XTASK_BENCH_DEBUG").is_none() {
        // Re-run optimised; the figures of a debug build mean little.
        let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["run", "--release", "--quiet", "--package", "xtask", "--", "bench"])
            .args(args)
            .current_dir(root)
            .status();
        return match status {
            Ok(s) if s.success() => ExitCode::SUCCESS,
            Ok(_) => ExitCode::FAILURE,
            Err(e) => {
                eprintln!("xtask bench: cannot run cargo: {e}");
                ExitCode::FAILURE
            }
        };
    }
    if let ["gen-size-one", shape, mb] = args {
        // The child process of `gen-size`: no machine line, one table row.
        return if crate::bench_size::gen_size_one(shape, mb) { ExitCode::SUCCESS } else { ExitCode::FAILURE };
    }
    // No benchmark named (only flags, or `done`): the figures of issue 13's "Done when".
    let done_flags = match args {
        ["done", flags @ ..] => Some(flags),
        [] => Some(args),
        [first, ..] if first.starts_with("--") => Some(args),
        _ => None,
    };
    if let Some(flags) = done_flags {
        let options = match crate::bench_done::Options::parse(flags) {
            Ok(o) => o,
            Err(e) => {
                eprintln!("xtask bench: {e}");
                return ExitCode::from(2);
            }
        };
        println!("{}", machine());
        return if crate::bench_done::run(root, &options) { ExitCode::SUCCESS } else { ExitCode::FAILURE };
    }
    let what: Vec<&str> = if args == ["all"] { vec!["done", "gen", "gen-size", "compile", "runtime"] } else { args.to_vec() };
    println!("{}", machine());
    for w in what {
        let ok = match w {
            "done" => crate::bench_done::run(root, &crate::bench_done::Options::default()),
            "gen" => bench_gen(root),
            "compile" => bench_compile(root),
            "runtime" => bench_runtime(root),
            "gen-size" => crate::bench_size::bench_gen_size(),
            other => {
                eprintln!("xtask bench: unknown benchmark `{other}`; expected done, gen, gen-size, compile, runtime or all");
                false
            }
        };
        if !ok {
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

/// One line about the machine, so figures are never quoted without it.
fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string()))
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load = load.split_whitespace().take(3).collect::<Vec<_>>().join(" ");
    let rustc = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
        .arg("-V")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "rustc unknown".into());
    format!("machine: {cpu}, {cores} cores, load average {load}; {rustc}")
}

// ---------------------------------------------------------------------------------------------
// Generation

/// A synthetic spec of `ops` operations: categories of 50 operations each, with the mix a real
/// category has (reads with path parameters, paginated lists, creates with inline bodies,
/// deletes, searches with model bodies), each category with its models and an enum.
pub fn synthetic_spec(ops: usize) -> Vec<Source> {
    const PER_CATEGORY: usize = 50;
    let categories = ops.div_ceil(PER_CATEGORY);
    let mut api = String::from(
        "api: Synthetic\nmodule: synthetic\nbase_url: https://api.synthetic.livevox.com\nauthorization:\n  kind: LIVEVOX\n  session_header: LV-Session\ncategories:\n",
    );
    let mut sources = Vec::new();
    let mut made = 0;
    for c in 0..categories {
        let _ = writeln!(api, "  - cat{c}");
        let mut doc = format!("category: cat{c}\ndescription: Synthetic category {c}.\nenums:\n  Kind{c}:\n    values:\n");
        for v in ["ALPHA", "BETA", "GAMMA", "DELTA"] {
            let _ = writeln!(doc, "      - {{ value: {v} }}");
        }
        doc.push_str("models:\n");
        let _ = write!(
            doc,
            "  Item{c}:\n    description: An item.\n    fields:\n      id: {{ type: int64, required: true }}\n      name: {{ type: string, required: true }}\n      kind: {{ type: Kind{c} }}\n      createdAt: {{ type: datetime }}\n      tags: {{ type: array<string> }}\n      extra: {{ type: map<string> }}\n      score: {{ type: float64 }}\n      active: {{ type: bool }}\n"
        );
        let _ = write!(doc, "  Page{c}:\n    fields:\n      items: {{ type: array<Item{c}>, required: true }}\n      next: {{ type: string }}\n");
        let _ = write!(doc, "  Created{c}:\n    fields:\n      id: {{ type: int64, required: true }}\n");
        let _ = write!(doc, "  Criteria{c}:\n    fields:\n      kind: {{ type: Kind{c} }}\n      since: {{ type: datetime }}\n      ids: {{ type: array<int64> }}\n");
        doc.push_str("operations:\n");
        for i in 0..PER_CATEGORY {
            if made == ops {
                break;
            }
            made += 1;
            let op = match i % 5 {
                0 => format!(
                    "  read_{i}:\n    summary: Read an item.\n    method: GET\n    path: /items{i}/{{id}}\n    path_params:\n      id: {{ type: int64 }}\n    response: {{ type: Item{c} }}\n"
                ),
                1 => format!(
                    "  list_{i}:\n    summary: List items.\n    method: GET\n    path: /items{i}\n    query:\n      offset: {{ type: int32, required: true }}\n      count: {{ type: int32, required: true }}\n      kind: {{ type: Kind{c} }}\n    pagination: {{ items: items, max_count: 1000, end: next_absent }}\n    response: {{ type: Page{c} }}\n"
                ),
                2 => format!(
                    "  create_{i}:\n    summary: Create an item.\n    method: POST\n    path: /items{i}\n    body:\n      fields:\n        name: {{ type: string, required: true }}\n        kind: {{ type: Kind{c} }}\n        tags: {{ type: array<string> }}\n    response: {{ type: Created{c}, status: 201 }}\n"
                ),
                3 => format!(
                    "  delete_{i}:\n    summary: Delete an item.\n    method: DELETE\n    path: /items{i}/{{id}}\n    path_params:\n      id: {{ type: int64 }}\n"
                ),
                _ => format!(
                    "  search_{i}:\n    summary: Search items.\n    method: POST\n    path: /items{i}/search\n    idempotent: true\n    query:\n      offset: {{ type: int32, required: true }}\n      count: {{ type: int32, required: true }}\n    pagination: {{ items: items, max_count: 1000, end: next_absent }}\n    body: {{ type: Criteria{c} }}\n    response: {{ type: Page{c} }}\n"
                ),
            };
            doc.push_str(&op);
        }
        sources.push(Source { display_path: format!("synthetic/cat{c}.yaml"), text: doc });
    }
    sources.insert(0, Source { display_path: "synthetic/api.yaml".into(), text: api });
    sources
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

fn add(a: &mut Timings, b: &Timings) {
    a.load += b.load;
    a.validate += b.validate;
    a.lower += b.lower;
    a.emit += b.emit;
    a.format += b.format;
    a.write += b.write;
}

fn div(t: &Timings, n: u32) -> Timings {
    Timings {
        load: t.load / n,
        validate: t.validate / n,
        lower: t.lower / n,
        emit: t.emit / n,
        format: t.format / n,
        write: t.write / n,
    }
}

/// Generates `sources` `runs` times (writing to a scratch directory), returning mean stage
/// timings, total wall time, operations and output lines.
fn measure(sources: &[Source], runs: u32, scratch: &Path) -> Result<(Timings, Duration, usize, usize, usize), String> {
    let mut sum = Timings::default();
    let mut wall = Duration::ZERO;
    let mut ops = 0;
    let mut lines = 0;
    let mut bytes = 0;
    for _ in 0..runs {
        let start = Instant::now();
        let g = generate(sources.to_vec(), &Config::default()).map_err(|e| e.to_string())?;
        let outputs: Vec<livevox_codegen::write::OutputFile> = g
            .files
            .iter()
            .map(|f| livevox_codegen::write::OutputFile { path: PathBuf::from("src/generated").join(&f.path), contents: f.contents.clone() })
            .collect();
        let _ = std::fs::remove_dir_all(scratch);
        let t = Instant::now();
        livevox_codegen::write::write_all(scratch, Path::new("src/generated"), &outputs, false).map_err(|e| e.to_string())?;
        let mut timings = g.timings;
        timings.write = t.elapsed();
        wall += start.elapsed();
        add(&mut sum, &timings);
        ops = g.ir.operation_count();
        lines = g.files.iter().map(|f| f.contents.lines().count()).sum();
        bytes = g.files.iter().map(|f| f.contents.len()).sum();
    }
    Ok((div(&sum, runs), wall / runs, ops, lines, bytes))
}

pub(crate) fn read_spec(root: &Path) -> Result<Vec<Source>, String> {
    let dir = root.join("spec");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
            let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            Ok(Source { display_path: format!("spec/{name}"), text })
        })
        .collect()
}

fn bench_gen(root: &Path) -> bool {
    let scratch = std::env::temp_dir().join(format!("xtask-bench-gen-{}", std::process::id()));
    let cases: Vec<(String, Vec<Source>, u32)> = match read_spec(root) {
        Ok(spec) => vec![
            ("spec/".to_string(), spec, 10),
            ("synthetic 1,000".to_string(), synthetic_spec(1_000), 5),
            ("synthetic 10,000".to_string(), synthetic_spec(10_000), 2),
        ],
        Err(e) => {
            eprintln!("xtask bench gen: {e}");
            return false;
        }
    };
    println!("\nGeneration (release build; mean of N runs; milliseconds)\n");
    println!("| spec | ops | runs | load | validate | lower | emit | format | write | total | ms/op | lines | lines/op | KiB |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (name, sources, runs) in cases {
        match measure(&sources, runs, &scratch) {
            Ok((t, wall, ops, lines, bytes)) => println!(
                "| {name} | {ops} | {runs} | {} | {} | {} | {} | {} | {} | {} | {:.3} | {lines} | {:.1} | {} |",
                ms(t.load),
                ms(t.validate),
                ms(t.lower),
                ms(t.emit),
                ms(t.format),
                ms(t.write),
                ms(wall),
                wall.as_secs_f64() * 1000.0 / ops.max(1) as f64,
                lines as f64 / ops.max(1) as f64,
                bytes / 1024
            ),
            Err(e) => {
                eprintln!("xtask bench gen: {name}: {e}");
                return false;
            }
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    true
}

// ---------------------------------------------------------------------------------------------
// Compile cost

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

/// Runs cargo with `args` in `root` with its own target directory, returning the wall time.
fn timed_cargo(root: &Path, target: &Path, args: &[&str]) -> Result<Duration, String> {
    let start = Instant::now();
    let out = cargo()
        .args(args)
        .arg("--quiet")
        .env("CARGO_TARGET_DIR", target)
        .current_dir(root)
        .output()
        .map_err(|e| format!("cargo: {e}"))?;
    if !out.status.success() {
        return Err(format!("cargo {} failed:\n{}", args.join(" "), String::from_utf8_lossy(&out.stderr)));
    }
    Ok(start.elapsed())
}

fn bench_compile(root: &Path) -> bool {
    // A target directory of its own, so "clean" means clean and the shared one is untouched.
    let target = std::env::temp_dir().join("xtask-bench-compile-target");
    let feature_sets: [(&str, Vec<&str>); 2] =
        [("all features", vec![]), ("compliance only", vec!["--no-default-features", "--features", "compliance"])];
    println!("\nCompile cost of livevox-generated (debug; seconds; own target dir)\n");
    println!("| features | check, clean | check, crate only | build, clean | build, crate only |");
    println!("|---|---:|---:|---:|---:|");
    for (label, features) in feature_sets {
        let mut row = Vec::new();
        for cmd in ["check", "build"] {
            let _ = std::fs::remove_dir_all(&target);
            let mut args = vec![cmd, "-p", "livevox-generated"];
            args.extend(features.iter().copied());
            let clean = timed_cargo(root, &target, &args);
            // The crate alone: dependencies stay built, the generated crate is rebuilt.
            let only = clean.as_ref().ok().map(|_| {
                timed_cargo(root, &target, &["clean", "-p", "livevox-generated"]).and_then(|_| timed_cargo(root, &target, &args))
            });
            match (clean, only) {
                (Ok(c), Some(Ok(o))) => {
                    row.push(format!("{:.1}", c.as_secs_f64()));
                    row.push(format!("{:.1}", o.as_secs_f64()));
                }
                (Err(e), _) | (_, Some(Err(e))) => {
                    eprintln!("xtask bench compile: {e}");
                    return false;
                }
                (Ok(_), None) => return false,
            }
        }
        println!("| {label} | {} | {} | {} | {} |", row[0], row[1], row[2], row[3]);
    }
    let _ = std::fs::remove_dir_all(&target);
    true
}

// ---------------------------------------------------------------------------------------------
// Runtime benchmarks (they live with the runtime, as cargo benches)

fn bench_runtime(root: &Path) -> bool {
    let benches_dir = root.join("livevox-generated/benches");
    let mut names: Vec<String> = std::fs::read_dir(&benches_dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .filter_map(|e| e.path().file_stem().map(|s| s.to_string_lossy().into_owned()))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    if names.is_empty() {
        eprintln!("xtask bench runtime: no benchmarks in {}", benches_dir.display());
        return false;
    }
    for name in names {
        println!("\n`cargo bench -p livevox-generated --bench {name}`\n");
        let status = cargo().args(["bench", "--quiet", "-p", "livevox-generated", "--bench", &name]).current_dir(root).status();
        if !matches!(status, Ok(s) if s.success()) {
            eprintln!("xtask bench runtime: {name} failed");
            return false;
        }
    }
    true
}
