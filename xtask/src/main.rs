//! `cargo xtask`: the project's maintenance commands.
//!
//! - `cargo xtask codegen`: regenerate `livevox-generated` from `spec/`, and the sample APIs'
//!   crate (`tests/sample-apis`) the way a customer's crate is made, with its generated tests.
//! - `cargo xtask codegen --check`: write nothing; fail and name each stale file.
//! - `cargo xtask codegen --spec DIR --out DIR [--check]`: a client crate for any spec directory.
//! - `cargo xtask openapi [--out DIR]`: write the OpenAPI 3.0 document of each API in `spec/`.
//! - `cargo xtask bench [--quick] [--runs N] [--no-compile] [--no-request]`: issue 13's figures.
//! - `cargo xtask bench [gen|gen-size|compile|runtime|all]`: print benchmark tables.
//! - `cargo xtask spec-diff [--base REV] [--fail-on-breaking]`: what changed in `spec/` since a
//!   git revision, and what it means for downstream crates (breaking, additive, ...).
//! - `cargo xtask sim [--port N] [--seed-dnc N] [--idle-secs N]`: run the LiveVox simulator until Ctrl-C.

/// See `xtask/Cargo.toml`: glibc's allocator made generation of big specs grow faster than
/// linearly in time (`cargo xtask bench gen-size`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod bench;
mod bench_done;
mod bench_size;
mod spec_diff;
mod spec_diff_crosscheck;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use livevox_codegen::format_cache;
use std::time::Instant;

const USAGE: &str = "usage: cargo xtask <command>\n\n  codegen                 regenerate livevox-generated from spec/ and the sample crate tests/sample-apis\n  codegen --check         write nothing; exit 1 if any generated file is stale\n  codegen --spec DIR --out DIR [--check]\n                          a client crate for any spec directory (your own Functions library)\n  openapi [--out DIR]     write the OpenAPI 3.0 document of each API (default: target/openapi)\n  bench [--quick] [--runs N] [--no-compile] [--no-request]\n                          the figures of issue 13 (compile, lines/op, generation, request)\n  bench [gen|gen-size|compile|runtime|all]\n                          print benchmark tables (generation, compile cost, runtime)\n  sim [--port N] [--seed-dnc N] [--idle-secs N]\n                          run the LiveVox simulator on 127.0.0.1 until Ctrl-C\n  spec-diff [--base REV] [--fail-on-breaking]\n                          what changed in spec/ since a git revision (default HEAD), and what it means downstream\n  spec-diff --crosscheck  compare its verdicts on tests/fixtures/diff with cargo-semver-checks";

fn workspace_root() -> PathBuf {
    // xtask lives one level below the workspace root.
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().map(PathBuf::from).unwrap_or(manifest_dir)
}

/// mimalloc's `purge_delay` option: its index in the `mi_option_e` enum of the mimalloc (v3)
/// that libmimalloc-sys builds, whose bindings name no constant for it.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
/// Its default in that mimalloc (milliseconds).
const MI_DEFAULT_PURGE_DELAY: std::ffi::c_long = 1000;

/// Tells mimalloc to keep the memory it frees rather than give it back to the kernel, for the
/// generation commands only (`sim` runs until stopped and should give memory back). A
/// generation process is short and small (about 30 MB): given back, freed memory was handed out again
/// through fresh page faults, and mimalloc walked its arenas at exit to give back the rest
/// (`madvise` and its exit-time collection were a sixth of a warm `codegen --check`'s CPU
/// samples; perf). Left alone when the option does not read as its default: another mimalloc,
/// or `MIMALLOC_PURGE_DELAY` set by the user.
fn keep_freed_memory() {
    // SAFETY: reading and setting an option of the allocator, as mimalloc's own documentation
    // does at the start of a program; both take plain integers.
    unsafe {
        if libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) == MI_DEFAULT_PURGE_DELAY {
            libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1);
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["codegen"] => codegen(false),
        ["codegen", "--check"] => codegen(true),
        ["codegen", "--spec", spec, "--out", out, rest @ ..] if rest.is_empty() || rest == ["--check"] => {
            codegen_library(PathBuf::from(spec), PathBuf::from(out), !rest.is_empty())
        }
        ["openapi"] => openapi(None),
        ["openapi", "--out", dir] => openapi(Some(PathBuf::from(dir))),
        ["bench", rest @ ..] => bench::run(&workspace_root(), rest),
        ["sim", rest @ ..] => sim(rest),
        ["spec-diff", rest @ ..] => spec_diff::run(&workspace_root(), rest),
        ["help" | "--help" | "-h"] | [] => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("xtask: unknown arguments {args:?}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// `cargo xtask codegen [--check]`: the LiveVox client from `spec/`, then the sample APIs'
/// crate through the customer's path (`--spec tests/sample-apis/spec --out tests/sample-apis`)
/// and their generated tests.
fn codegen(check: bool) -> ExitCode {
    let start = Instant::now();
    keep_freed_memory();
    install_format_cache();
    let code = codegen_both(check, start);
    if code == ExitCode::SUCCESS {
        save_format_cache();
    }
    code
}

/// The two halves of [`codegen`]: the LiveVox client, and the sample APIs' crate with its tests.
/// `spec/` is loaded once for both (the samples' end-to-end test needs LiveVox's login), then
/// the halves run on two threads; they write disjoint directories, and are reported in order.
fn codegen_both(check: bool, start: Instant) -> ExitCode {
    let root = workspace_root();
    let spec_error = |e: livevox_codegen::Error| {
        eprintln!("{e}");
        if let livevox_codegen::Error::Spec(_) = e {
            eprintln!("Nothing was written; livevox-generated is unchanged.");
        }
        ExitCode::FAILURE
    };
    let spec = match xtask::samples::load_spec(&root) {
        // Kept until the process exits: freeing every document of spec/ on the way out was
        // a twentieth of a warm run, spent after all the work was done.
        Ok(spec) => &*Box::leak(Box::new(spec)),
        Err(e) => return spec_error(e),
    };
    let load_time = start.elapsed();
    let (client, samples) = std::thread::scope(|scope| {
        let samples = scope.spawn(|| {
            let start = Instant::now();
            xtask::samples::codegen_with(&root, spec, check).map(|done| (done, start.elapsed()))
        });
        let client = livevox_codegen::codegen_loaded(&root, spec, load_time, check);
        let samples = samples.join().unwrap_or_else(|_| Err(livevox_codegen::Error::Internal("internal error: the sample APIs' generation panicked".into())));
        (client, samples)
    });
    let client = match client {
        Ok(summary) => summary,
        // A spec/ error is the samples' too (their tests include LiveVox's login): said once.
        Err(e) => return spec_error(e),
    };
    let stale: Vec<_> = client.report.stale().cloned().collect();
    println!("{} ({} and {})", client.line(check, start.elapsed()), livevox_codegen::CLIENT_CRATE, livevox_codegen::GENERATED_TESTS_DIR);
    let ((samples, tests), elapsed) = match samples {
        Ok(done) => done,
        Err(e) => {
            // The library path names spec files relative to the crate.
            eprintln!("in the sample APIs' crate (paths relative to {}):\n{e}", xtask::samples::SAMPLE_CRATE);
            return ExitCode::FAILURE;
        }
    };
    // One line for the crate and its generated tests together.
    let mut both = samples.clone();
    both.report.files.extend(tests.files.iter().cloned());
    println!("{} ({} and {})", both.line(check, elapsed), xtask::samples::SAMPLE_CRATE, xtask::samples::SAMPLE_TESTS);
    let crate_dir = PathBuf::from(xtask::samples::SAMPLE_CRATE);
    let stale: Vec<_> = stale.into_iter().chain(samples.report.stale().map(|(p, c)| (crate_dir.join(p), *c))).chain(tests.stale().cloned()).collect();
    if check && !stale.is_empty() {
        for (path, change) in &stale {
            eprintln!("stale: {} ({change:?})", path.display());
        }
        eprintln!("The generated code is out of date with spec/ or tests/sample-apis/spec/. Run `cargo xtask codegen` and commit the result.");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// Turns on the format cache (`livevox_codegen::format_cache`): the formatted text of each
/// generated item, reused by the next run of this same binary when the item's tokens are the
/// same. It lives next to the binary (`target/<profile>/codegen-cache/`), never in the
/// repository; `LIVEVOX_CODEGEN_CACHE=off` formats everything.
fn install_format_cache() {
    let exe = std::env::current_exe().ok();
    let path = exe.as_deref().and_then(Path::parent).map(|dir| dir.join("codegen-cache").join("format.bin"));
    if let (Some(path), Some(identity)) = (path, format_cache::executable_identity()) {
        format_cache::install(path, &identity);
    }
}

/// Writes the format cache back (when this run changed it) and says how much it saved. A cache
/// that cannot be written costs the next run time, not correctness: a warning, not a failure.
fn save_format_cache() {
    let Some(cache) = format_cache::active() else { return };
    let stats = cache.stats();
    if let Err(e) = cache.save() {
        eprintln!("codegen: warning: the format cache {} was not saved: {e}", cache.path().display());
    }
    let why = stats.rejected.map(|r| format!("; cache file not used: {r}")).unwrap_or_default();
    println!("codegen: {} items reused from the format cache, {} formatted{why}", stats.hits, stats.misses);
}

/// `cargo xtask codegen --spec DIR --out DIR`: a client crate for any spec directory, over the
/// runtime of `livevox-generated` (see `livevox_codegen::library`).
fn codegen_library(spec_dir: PathBuf, out_dir: PathBuf, check: bool) -> ExitCode {
    keep_freed_memory();
    install_format_cache();
    let code = codegen_library_run(spec_dir, out_dir, check);
    if code == ExitCode::SUCCESS {
        save_format_cache();
    }
    code
}

fn codegen_library_run(spec_dir: PathBuf, out_dir: PathBuf, check: bool) -> ExitCode {
    let start = Instant::now();
    let root = workspace_root();
    let cwd = std::env::current_dir().unwrap_or_else(|_| root.clone());
    let library = xtask::samples::library(&root, cwd.join(spec_dir), cwd.join(out_dir));
    match livevox_codegen::library::codegen_library(&library, check) {
        Ok(summary) => {
            let stale: Vec<_> = summary.report.stale().collect();
            if check && !stale.is_empty() {
                for (path, change) in &stale {
                    eprintln!("stale: {} ({change:?})", library.out_dir.join(path).display());
                }
                eprintln!("{}", summary.line(true, start.elapsed()));
                return ExitCode::FAILURE;
            }
            println!("{} in {}", summary.line(check, start.elapsed()), library.out_dir.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            // Spec files are named relative to the crate, as its generated files name them.
            eprintln!("in {} (paths relative to it):\n{e}", library.out_dir.display());
            ExitCode::FAILURE
        }
    }
}

fn openapi(out: Option<PathBuf>) -> ExitCode {
    let root = workspace_root();
    let out = out.unwrap_or_else(|| root.join("target/openapi"));
    let generated = match livevox_codegen::generate_dir(&root.join("spec"), "spec", &livevox_codegen::Config::default()) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = std::fs::create_dir_all(&out) {
        eprintln!("{}: {e}", out.display());
        return ExitCode::FAILURE;
    }
    for (module, text) in livevox_codegen::openapi::documents(&generated.ir, env!("CARGO_PKG_VERSION")) {
        let path = out.join(format!("{module}.json"));
        if let Err(e) = std::fs::write(&path, text) {
            eprintln!("{}: {e}", path.display());
            return ExitCode::FAILURE;
        }
        println!("openapi: wrote {} ({} operations)", path.display(), generated.ir.apis.iter().find(|a| a.module == module).map(|a| a.categories.iter().map(|c| c.operations.len()).sum::<usize>()).unwrap_or(0));
    }
    ExitCode::SUCCESS
}

/// Runs the simulator (livevox-sim) for manual use: prints where it listens and how to log in,
/// then each request as it is answered, until Ctrl-C.
fn sim(args: &[&str]) -> ExitCode {
    let mut builder = livevox_sim::Simulator::builder();
    let mut rest = args;
    while let [flag, value, tail @ ..] = rest {
        let Ok(n) = value.parse::<u64>() else {
            eprintln!("xtask sim: {flag} takes a number, not {value:?}\n\n{USAGE}");
            return ExitCode::from(2);
        };
        builder = match *flag {
            "--port" => match u16::try_from(n) {
                Ok(port) => builder.port(port),
                Err(_) => {
                    eprintln!("xtask sim: --port {n} is not a port");
                    return ExitCode::from(2);
                }
            },
            "--seed-dnc" => builder.seed_dnc(usize::try_from(n).unwrap_or(usize::MAX)),
            "--idle-secs" => builder.session_idle_timeout(std::time::Duration::from_secs(n)),
            _ => {
                eprintln!("xtask sim: unknown option {flag}\n\n{USAGE}");
                return ExitCode::from(2);
            }
        };
        rest = tail;
    }
    if !rest.is_empty() {
        eprintln!("xtask sim: unknown arguments {rest:?}\n\n{USAGE}");
        return ExitCode::from(2);
    }
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("xtask sim: cannot start a runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        let sim = match builder.start().await {
            Ok(sim) => sim,
            Err(e) => {
                eprintln!("xtask sim: {e}");
                return ExitCode::FAILURE;
            }
        };
        let tokens = sim.access_tokens();
        println!("LiveVox simulator: {} operations of spec/", sim.operations().len());
        println!("  base URL      {}", sim.base_url());
        println!("  access token  {} (LV-Access; other tokens: {})", sim.access_token(), tokens.get(1..).unwrap_or_default().join(", "));
        for u in sim.users() {
            let kind = if u.agent { "agent" } else { "user " };
            println!("  {kind}         clientName {}  userName {}  password {}", u.client_name, u.user_name, u.password);
        }
        println!("Ctrl-C stops it. Requests:");
        let mut shown = 0;
        let ctrl_c = tokio::signal::ctrl_c();
        tokio::pin!(ctrl_c);
        loop {
            tokio::select! {
                _ = &mut ctrl_c => break,
                _ = tokio::time::sleep(std::time::Duration::from_millis(200)) => {
                    let log = sim.requests();
                    for r in log.iter().skip(shown) {
                        let query = r.query.as_deref().map(|q| format!("?{q}")).unwrap_or_default();
                        let op = r.operation.as_deref().unwrap_or("-");
                        let fault = r.fault.map(|f| format!(" [{f}]")).unwrap_or_default();
                        println!("  {} {} {}{} ({op}){fault}", r.status, r.method, r.path, query);
                    }
                    shown = log.len();
                }
            }
        }
        sim.shutdown().await;
        ExitCode::SUCCESS
    })
}
