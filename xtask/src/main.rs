//! `cargo xtask`: the project's maintenance commands.
//!
//! - `cargo xtask codegen`: regenerate `livevox-generated` from `spec/`.
//! - `cargo xtask codegen --check`: write nothing; fail and name each stale file.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage: cargo xtask codegen [--check]\n\n  codegen          regenerate livevox-generated from spec/\n  codegen --check  write nothing; exit 1 if any generated file is stale";

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
