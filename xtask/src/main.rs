//! `cargo xtask`: the project's maintenance commands.
//!
//! - `cargo xtask codegen`: regenerate `livevox-generated` from `spec/`.
//! - `cargo xtask codegen --check`: write nothing; fail and name each stale file.
//! - `cargo xtask openapi [--out DIR]`: write the OpenAPI 3.0 document of each API in `spec/`.
//! - `cargo xtask bench [gen|compile|runtime|all]`: print benchmark tables.

mod bench;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage: cargo xtask <command>\n\n  codegen                 regenerate livevox-generated from spec/\n  codegen --check         write nothing; exit 1 if any generated file is stale\n  openapi [--out DIR]     write the OpenAPI 3.0 document of each API (default: target/openapi)\n  bench [gen|compile|runtime|all]\n                          print benchmark tables (generation, compile cost, runtime)";

fn workspace_root() -> PathBuf {
    // xtask lives one level below the workspace root.
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().map(PathBuf::from).unwrap_or(manifest_dir)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["codegen"] => codegen(false),
        ["codegen", "--check"] => codegen(true),
        ["openapi"] => openapi(None),
        ["openapi", "--out", dir] => openapi(Some(PathBuf::from(dir))),
        ["bench", rest @ ..] => bench::run(&workspace_root(), rest),
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

fn codegen(check: bool) -> ExitCode {
    let start = Instant::now();
    let root = workspace_root();
    match livevox_codegen::codegen(&root, check) {
        Ok(summary) => {
            let stale: Vec<_> = summary.report.stale().collect();
            if check && !stale.is_empty() {
                for (path, change) in &stale {
                    eprintln!("stale: {}/{} ({change:?})", livevox_codegen::CLIENT_CRATE, path.display());
                }
                eprintln!("{}", summary.line(true, start.elapsed()));
                eprintln!("The generated client is out of date with spec/. Run `cargo xtask codegen` and commit the result.");
                return ExitCode::FAILURE;
            }
            println!("{}", summary.line(check, start.elapsed()));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            if let livevox_codegen::Error::Spec(_) = e {
                eprintln!("Nothing was written; livevox-generated is unchanged.");
            }
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
