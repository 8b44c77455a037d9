//! `cargo xtask bench` with no benchmark named: every figure of issue 13's "Done when" in one
//! table, under the machine line, each with its target.
//!
//! - crate-only `cargo check` and debug build of `livevox-generated` (default features: every
//!   category), non-incremental, in a target directory of the benchmark's own whose
//!   dependencies are built first and not timed; the crate is touched and rebuilt `runs` times
//!   and the median is printed;
//! - generated lines per LiveVox operation (docs included), from generation in memory;
//! - `cargo xtask codegen --check` as a maintainer runs it (dev profile, warm, nothing to write),
//!   with the format cache filled by an untimed run, and with it off (every item formatted);
//! - generation by this (release) binary as a whole process (`xtask codegen --check`), the same
//!   two ways;
//! - the request benchmark's generated/plain ratios (`cargo bench --bench request_overhead`):
//!   throughput, best rounds (the target's measure) with the per-round median beside it, the
//!   client thread's CPU time per call (generated / plain, per-round median), and, where
//!   valgrind is installed, client instructions per call (`-- --callgrind`, plain / generated)
//!   and the first-level cache misses per call in callgrind's cache model, the figures this
//!   shared machine measures steadily.
//!
//! `--quick` skips the two slow parts (compile and request benchmark) and runs each timing
//! once: the smoke run of `.ci/run`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use livevox_codegen::{generate, Config};

/// What to measure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Timed repetitions of each timed figure (the median is printed).
    pub runs: usize,
    pub compile: bool,
    pub request: bool,
}

impl Default for Options {
    /// Everything, five timed runs each.
    fn default() -> Options {
        Options { runs: 5, compile: true, request: true }
    }
}

impl Options {
    /// Parses `[--quick] [--runs N] [--no-compile] [--no-request]`.
    pub fn parse(args: &[&str]) -> Result<Options, String> {
        let mut options = Options::default();
        let mut rest = args;
        while let [flag, tail @ ..] = rest {
            rest = tail;
            match *flag {
                "--quick" => options = Options { runs: 1, compile: false, request: false },
                "--no-compile" => options.compile = false,
                "--no-request" => options.request = false,
                "--runs" => {
                    let [n, tail @ ..] = rest else { return Err("--runs takes a number".into()) };
                    options.runs = n.parse().ok().filter(|&n| n > 0).ok_or_else(|| format!("--runs takes a positive number, not {n:?}"))?;
                    rest = tail;
                }
                other => return Err(format!("unknown option {other:?}; expected --quick, --runs N, --no-compile or --no-request")),
            }
        }
        Ok(options)
    }
}

/// One row of the table: what, the measured value, the target of issue 13.
struct Row {
    figure: String,
    value: String,
    target: &'static str,
}

/// Measures and prints everything `options` selects; false (after a message) on a failure.
pub fn run(root: &Path, options: &Options) -> bool {
    let mut rows = Vec::new();
    match measure_all(root, options, &mut rows) {
        Ok(()) => {
            print_rows(&rows);
            true
        }
        Err(e) => {
            print_rows(&rows);
            eprintln!("xtask bench: {e}");
            false
        }
    }
}

fn print_rows(rows: &[Row]) {
    println!("\nIssue 13, \"Done when\" (medians; seconds unless said)\n");
    println!("| figure | measured | target |");
    println!("|---|---:|---|");
    for r in rows {
        println!("| {} | {} | {} |", r.figure, r.value, r.target);
    }
}

fn measure_all(root: &Path, options: &Options, rows: &mut Vec<Row>) -> Result<(), String> {
    let n = options.runs;
    if options.compile {
        let (check, build) = compile_crate_only(root, n)?;
        rows.push(Row { figure: format!("`cargo check` of livevox-generated, crate only (median of {n})"), value: secs(check), target: "≤ 6.8 (0.6 × 11.3)" });
        rows.push(Row { figure: format!("debug build of livevox-generated, crate only (median of {n})"), value: secs(build), target: "≤ 10.0 (0.5 × 20.1)" });
    }
    let (lines, ops) = livevox_lines(root)?;
    rows.push(Row {
        figure: format!("generated lines per LiveVox operation ({lines} lines, {ops} operations)"),
        value: format!("{:.0}", lines as f64 / ops.max(1) as f64),
        target: "≤ 150",
    });
    // Warm: the format cache holds every item (an untimed run fills it); cold: the cache is off
    // (`LIVEVOX_CODEGEN_CACHE=off`), every item is formatted, as on a first run.
    for cache in [true, false] {
        let (dev, cpu) = codegen_dev(root, n, cache)?;
        let (state, target) = if cache { ("warm", "< 0.5") } else { ("format cache off", "") };
        rows.push(Row { figure: format!("`cargo xtask codegen --check`, dev profile, {state} (median of {n}){cpu}"), value: secs(dev), target });
    }
    let profile = if cfg!(debug_assertions) { "debug (XTASK_BENCH_DEBUG)" } else { "release" };
    for cache in [true, false] {
        let before = children_cpu();
        let whole = codegen_this_binary(n, cache)?;
        let cpu = cpu_note(before, n + usize::from(cache));
        let (state, target) = if cache { ("warm", "< 0.15 (release)") } else { ("format cache off", "") };
        rows.push(Row { figure: format!("generation, {profile} binary, whole process, {state} (median of {n}){cpu}"), value: secs(whole), target });
    }
    if options.request {
        let out = bench_output(root, &[])?;
        let medians = parse_medians(&out);
        if let Some(placement) = parse_placement(&out) {
            rows.push(Row { figure: format!("request benchmark placement: {placement}"), value: "—".into(), target: "" });
        }
        for (concurrency, ratio) in parse_ratios(&out) {
            let median = medians.iter().find(|m| m.concurrency == concurrency);
            let per_round = median.map(|m| format!(", per-round median {:.3}", m.throughput)).unwrap_or_default();
            rows.push(Row {
                figure: format!("request benchmark, generated / plain reqwest, concurrency {concurrency} (best rounds{per_round})"),
                value: format!("{ratio:.3}"),
                target: "≥ 0.97",
            });
            if let Some(timed) = median.and_then(|m| m.timed) {
                rows.push(Row {
                    figure: format!("request benchmark, generated / plain reqwest with the same attempt timeout, concurrency {concurrency} (per-round median)"),
                    value: format!("{timed:.3}"),
                    target: "",
                });
            }
            if let Some(cpu) = median.and_then(|m| m.cpu) {
                rows.push(Row {
                    figure: format!("client thread CPU time per call, generated / plain, concurrency {concurrency} (per-round median)"),
                    value: format!("{cpu:.3}"),
                    target: "",
                });
            }
        }
        let out = bench_output(root, &["--", "--callgrind"])?;
        let counted = parse_ratios(&out);
        if counted.is_empty() {
            rows.push(Row { figure: format!("client instructions per call: {}", out.trim()), value: "—".into(), target: "" });
        }
        let misses = parse_misses(&out);
        for (concurrency, ratio) in counted {
            rows.push(Row { figure: format!("client instructions per call, plain / generated, concurrency {concurrency} (callgrind)"), value: format!("{ratio:.3}"), target: "" });
            if let Some((_, code, data, timed)) = misses.iter().find(|(c, ..)| *c == concurrency) {
                rows.push(Row {
                    figure: format!("client L1 misses per call, generated / plain, concurrency {concurrency} (callgrind's cache model): instruction {code}, data {data}"),
                    value: "—".into(),
                    target: "",
                });
                rows.push(Row {
                    figure: format!("plain reqwest with the same attempt timeout, concurrency {concurrency} (callgrind): instructions, L1i / L1d misses per call {timed}"),
                    value: "—".into(),
                    target: "",
                });
            }
        }
    }
    Ok(())
}

fn secs(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64())
}

/// The median of some timings (the upper one of the middle two for an even count).
pub fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

/// CPU time (user and system) of this process's children that have ended, from
/// `/proc/self/stat` (clock ticks of 1/100 s); None off Linux.
fn children_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may hold spaces); cutime and
    // cstime are fields 16 and 17 of the line, 14 and 15 after the name.
    let fields: Vec<&str> = stat.get(stat.rfind(')')? + 2..)?.split_whitespace().collect();
    let ticks: u64 = fields.get(13)?.parse::<u64>().ok()? + fields.get(14)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// The CPU time of the timed commands of the last `what` (see [`timed`]), if known.
fn cpu_note(before: Option<Duration>, runs: usize) -> String {
    match (before, children_cpu()) {
        (Some(b), Some(a)) if runs > 0 => format!(" (CPU {:.2} per run)", (a.saturating_sub(b)).as_secs_f64() / runs as f64),
        _ => String::new(),
    }
}

/// Runs a command to completion, returning its wall time and standard output, or an error that
/// names it and quotes its standard error.
fn timed(mut command: Command, what: &str) -> Result<(Duration, String), String> {
    let start = Instant::now();
    let out = command.output().map_err(|e| format!("{what}: {e}"))?;
    let elapsed = start.elapsed();
    if !out.status.success() {
        return Err(format!("{what} failed:\n{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)));
    }
    Ok((elapsed, String::from_utf8_lossy(&out.stdout).into_owned()))
}

/// The workspace's target directory (where `cargo` puts it for this checkout).
fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"))
}

/// Median wall time of a non-incremental `cargo check` and `cargo build` of livevox-generated
/// alone: dependencies are built first (untimed) in a target directory of the benchmark's own,
/// then the crate's root file is touched before each timed run, so rustc redoes the crate and
/// nothing else.
fn compile_crate_only(root: &Path, runs: usize) -> Result<(Duration, Duration), String> {
    let target = target_dir(root).join("xtask-bench-crate-only");
    let lib = root.join("livevox-generated/src/lib.rs");
    let mut medians = Vec::new();
    for cmd in ["check", "build"] {
        let run = || {
            let mut c = cargo();
            c.args([cmd, "--quiet", "-p", "livevox-generated"]).env("CARGO_TARGET_DIR", &target).env("CARGO_INCREMENTAL", "0").current_dir(root);
            timed(c, &format!("cargo {cmd} -p livevox-generated"))
        };
        run()?; // dependencies, untimed
        let mut samples = Vec::new();
        for _ in 0..runs {
            touch(&lib)?;
            samples.push(run()?.0);
        }
        medians.push(median(samples));
    }
    Ok((medians[0], medians[1]))
}

/// Sets a file's modification time to now, so cargo rebuilds the crate it belongs to.
fn touch(path: &Path) -> Result<(), String> {
    let file = std::fs::OpenOptions::new().append(true).open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    file.set_modified(std::time::SystemTime::now()).map_err(|e| format!("{}: {e}", path.display()))
}

/// Lines of the generated LiveVox API (the files under `livevox/`, docs included) and its
/// number of operations.
pub fn livevox_lines(root: &Path) -> Result<(usize, usize), String> {
    let sources = crate::bench::read_spec(root)?;
    let g = generate(sources, &Config::default()).map_err(|e| e.to_string())?;
    let api = g.ir.apis.iter().find(|a| a.module == "livevox").ok_or("spec/ has no API with module `livevox`")?;
    let ops = api.categories.iter().map(|c| c.operations.len()).sum();
    let prefix = format!("{}/", api.module);
    let lines = g.files.iter().filter(|f| f.path.starts_with(&prefix)).map(|f| f.contents.lines().count()).sum();
    Ok((lines, ops))
}

/// `cargo xtask codegen --check` as a maintainer runs it: the dev build of xtask is made first
/// (untimed), then the whole command, cargo's freshness check included, is timed. `--check`
/// does all the work of `codegen` and writes nothing; it fails if the generated files are stale.
/// With `cache`, one untimed run first fills the format cache; without, the cache is off.
fn codegen_dev(root: &Path, runs: usize, cache: bool) -> Result<(Duration, String), String> {
    let mut build = cargo();
    build.args(["build", "--quiet", "-p", "xtask"]).current_dir(root);
    timed(build, "cargo build -p xtask")?;
    let before = children_cpu();
    let mut samples = Vec::new();
    for run in 0..runs + usize::from(cache) {
        let mut c = cargo();
        c.args(["xtask", "codegen", "--check"]).current_dir(root);
        with_cache(&mut c, cache);
        let (time, _) = timed(c, "cargo xtask codegen --check (are the generated files stale? run `cargo xtask codegen`)")?;
        if !(cache && run == 0) {
            samples.push(time);
        }
    }
    Ok((median(samples), cpu_note(before, runs + usize::from(cache))))
}

/// This binary's `codegen --check` as a whole process (start, generation, comparison, exit);
/// `cache` as for [`codegen_dev`].
fn codegen_this_binary(runs: usize, cache: bool) -> Result<Duration, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find the xtask binary: {e}"))?;
    let mut samples = Vec::new();
    for run in 0..runs + usize::from(cache) {
        let mut c = Command::new(&exe);
        c.args(["codegen", "--check"]);
        with_cache(&mut c, cache);
        let (time, _) = timed(c, "xtask codegen --check")?;
        if !(cache && run == 0) {
            samples.push(time);
        }
    }
    Ok(median(samples))
}

/// Leaves the format cache on, or turns it off for the command.
fn with_cache(command: &mut Command, cache: bool) {
    if cache {
        command.env_remove(livevox_codegen::format_cache::DISABLE_VAR);
    } else {
        command.env(livevox_codegen::format_cache::DISABLE_VAR, "off");
    }
}

/// Runs the request benchmark (with `args`) and returns what it printed; an error if it printed
/// no table row.
fn bench_output(root: &Path, args: &[&str]) -> Result<String, String> {
    let mut c = cargo();
    c.args(["bench", "--quiet", "-p", "livevox-generated", "--bench", "request_overhead"]).args(args).current_dir(root);
    let what = format!("cargo bench --bench request_overhead {}", args.join(" "));
    let (_, out) = timed(c, what.trim())?;
    // The callgrind mode says why it counted nothing (no valgrind) in one line: shown as is.
    if parse_ratios(&out).is_empty() && !out.contains("nothing counted") {
        return Err(format!("{} printed no table row:\n{out}", what.trim()));
    }
    Ok(out)
}

/// The per-round medians of a row of the request benchmark's throughput table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Medians {
    pub concurrency: u32,
    /// Generated / plain requests per second.
    pub throughput: f64,
    /// Generated / plain client CPU time per call, where the benchmark could read it.
    pub cpu: Option<f64>,
    /// Generated / plain reqwest given the same attempt timeout (a timer armed by both).
    pub timed: Option<f64>,
}

/// The per-round medians of the request benchmark's throughput table: the fifth, sixth and
/// seventh cells of rows with eight cells (the sixth is `—` where the CPU time was not read).
pub fn parse_medians(out: &str) -> Vec<Medians> {
    out.lines()
        .filter_map(|line| {
            let cells = table_cells(line)?;
            // The callgrind table has eight cells too; its fifth is "misses / misses".
            (cells.len() == 8 && !cells[4].contains('/')).then_some(())?;
            Some(Medians {
                concurrency: cells[0].parse().ok()?,
                throughput: cells[4].parse().ok()?,
                cpu: cells[5].parse().ok(),
                timed: cells[6].parse().ok(),
            })
        })
        .collect()
}

/// Where the request benchmark ran its client and server: its `placement: ` line.
pub fn parse_placement(out: &str) -> Option<&str> {
    out.lines().find_map(|line| line.strip_prefix("placement: ")).map(str::trim)
}

/// The cache-miss cells of the callgrind table, by concurrency: (instruction, data), each
/// "generated / plain", and the timed plain call's cell ("instructions, L1i / L1d misses").
pub fn parse_misses(out: &str) -> Vec<(u32, String, String, String)> {
    out.lines()
        .filter_map(|line| {
            let cells = table_cells(line)?;
            (cells.len() == 8 && cells[4].contains('/') && cells[5].contains('/')).then_some(())?;
            Some((cells[0].parse().ok()?, cells[4].to_owned(), cells[5].to_owned(), cells[6].to_owned()))
        })
        .collect()
}

/// The trimmed cells of a Markdown table row (`| a | b |`); `None` for any other line.
fn table_cells(line: &str) -> Option<Vec<&str>> {
    Some(line.trim().strip_prefix('|')?.strip_suffix('|')?.split('|').map(str::trim).collect())
}

/// The rows `| concurrency | .. | .. | ratio |` of the request benchmark's table.
pub fn parse_ratios(out: &str) -> Vec<(u32, f64)> {
    out.lines()
        .filter_map(|line| {
            let cells = table_cells(line)?;
            let concurrency = cells.first()?.parse().ok()?;
            let ratio = cells.last()?.parse().ok()?;
            (cells.len() >= 3).then_some((concurrency, ratio))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_request_benchmark_table() {
        let out = "\nrequest_overhead: GET /x\n\n| concurrency | generated req/s | plain reqwest req/s | generated / plain |\n|---:|---:|---:|---:|\n| 1 | 30000 | 35000 | 0.857 |\n| 16 | 36000 | 37000 | 0.973 |\n";
        assert_eq!(parse_ratios(out), vec![(1, 0.857), (16, 0.973)]);
        assert!(parse_ratios("| a | b |\nnothing").is_empty());
        let now = "machine: x\nplacement: client and server pinned to CPU 0 (same)\n\n| concurrency | g | p | p10–p90 | median | cpu | timed | best |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n| 1 | 12574 | 11016 | 0.833–1.108 | 0.958 | 1.183 | 0.995 | 1.141 |\n| 16 | 57606 | 62699 | 0.797–1.045 | 0.929 | — | 1.004 | 0.919 |\n";
        assert_eq!(parse_ratios(now), vec![(1, 1.141), (16, 0.919)]);
        assert_eq!(
            parse_medians(now),
            vec![
                Medians { concurrency: 1, throughput: 0.958, cpu: Some(1.183), timed: Some(0.995) },
                Medians { concurrency: 16, throughput: 0.929, cpu: None, timed: Some(1.004) }
            ]
        );
        assert_eq!(parse_placement(now), Some("client and server pinned to CPU 0 (same)"));
        assert_eq!(parse_placement(out), None);
        assert!(parse_misses(now).is_empty());
        let counted = "| concurrency | g | p | g - p | L1i g / p | L1d g / p | timed | p / g |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n| 1 | 77770 | 77003 | 766 | 3824 / 3415 | 1234 / 771 | 79000, 3536 / 229 | 0.990 |\n| 16 | 83510 | 83446 | 64 | 3347 / 3032 | 1533 / 950 | 85000, 3100 / 960 | 0.999 |\n";
        assert_eq!(parse_ratios(counted), vec![(1, 0.990), (16, 0.999)]);
        assert!(parse_medians(counted).is_empty());
        assert_eq!(
            parse_misses(counted),
            vec![
                (1, "3824 / 3415".to_owned(), "1234 / 771".to_owned(), "79000, 3536 / 229".to_owned()),
                (16, "3347 / 3032".to_owned(), "1533 / 950".to_owned(), "85000, 3100 / 960".to_owned())
            ]
        );
    }

    #[test]
    fn options_and_median() {
        assert_eq!(Options::parse(&[]).unwrap(), Options { runs: 5, compile: true, request: true });
        assert_eq!(Options::parse(&["--quick"]).unwrap(), Options { runs: 1, compile: false, request: false });
        assert_eq!(Options::parse(&["--runs", "3", "--no-request"]).unwrap(), Options { runs: 3, compile: true, request: false });
        assert!(Options::parse(&["--runs", "0"]).is_err());
        assert!(Options::parse(&["--runs"]).is_err());
        assert!(Options::parse(&["--fast"]).unwrap_err().contains("--fast"));
        let ms = |v: u64| Duration::from_millis(v);
        assert_eq!(median(vec![ms(9), ms(1), ms(5)]), ms(5));
        assert_eq!(median(vec![]), Duration::ZERO);
    }

    #[test]
    fn counts_livevox_lines_of_the_spec() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let (lines, ops) = livevox_lines(root).unwrap();
        assert!(ops > 100, "spec/ has the LiveVox API's operations ({ops})");
        // The generated LiveVox files on disk hold exactly what generation makes in memory.
        let on_disk: usize = std::fs::read_dir(root.join("livevox-generated/src/generated/livevox"))
            .unwrap()
            .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap().lines().count())
            .sum();
        assert_eq!(lines, on_disk);
    }
}
