//! `cargo xtask spec-diff`: compares `spec/` with the spec at a git revision and prints what each
//! change means for crates that depend on the generated client, with the semver bump it calls for.

use std::path::Path;
use std::process::{Command, ExitCode};

use livevox_codegen::load::Source;

pub fn run(root: &Path, args: &[&str]) -> ExitCode {
    let mut base = "HEAD".to_string();
    let mut fail_on_breaking = false;
    let mut rest = args;
    loop {
        match rest {
            ["--base", rev, tail @ ..] => {
                base = (*rev).to_string();
                rest = tail;
            }
            ["--crosscheck"] => return crate::spec_diff_crosscheck::run(root),
            ["--fail-on-breaking", tail @ ..] => {
                fail_on_breaking = true;
                rest = tail;
            }
            [] => break,
            other => {
                eprintln!("xtask spec-diff: unknown arguments {other:?}\n\nusage: cargo xtask spec-diff [--base REV] [--fail-on-breaking] | --crosscheck");
                return ExitCode::from(2);
            }
        }
    }
    let old_sources = match spec_at_revision(root, &base) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("xtask spec-diff: {e}");
            return ExitCode::FAILURE;
        }
    };
    let old = match livevox_codegen::lower_sources(old_sources) {
        Ok(ir) => ir,
        Err(e) => {
            eprintln!("{e}\nxtask spec-diff: the spec at {base} does not load with this generator (see above)");
            return ExitCode::FAILURE;
        }
    };
    let new = match livevox_codegen::lower_dir(&root.join("spec"), "spec") {
        Ok(ir) => ir,
        Err(e) => {
            eprintln!("{e}\nxtask spec-diff: spec/ has errors; fix them first");
            return ExitCode::FAILURE;
        }
    };
    let diff = livevox_codegen::diff::diff(&old, &new);
    println!("spec-diff: spec/ against {base}");
    print!("{}", diff.render(client_version(root)));
    if fail_on_breaking && diff.impact() == Some(livevox_codegen::diff::Impact::Breaking) {
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// Every `spec/*.yaml` file as committed at `rev`, named `rev:spec/file.yaml` in diagnostics.
fn spec_at_revision(root: &Path, rev: &str) -> Result<Vec<Source>, String> {
    let listing = git(root, &["ls-tree", "--name-only", &format!("{rev}:spec")])?;
    let mut sources = Vec::new();
    for name in listing.lines().filter(|n| n.ends_with(".yaml")) {
        let text = git(root, &["show", &format!("{rev}:spec/{name}")])?;
        sources.push(Source { display_path: format!("{rev}:spec/{name}"), text });
    }
    if sources.is_empty() {
        return Err(format!("no spec/*.yaml files at {rev}"));
    }
    Ok(sources)
}

fn git(root: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git").args(args).current_dir(root).output().map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(format!("git {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim()));
    }
    String::from_utf8(out.stdout).map_err(|_| format!("git {}: output is not UTF-8", args.join(" ")))
}

/// The version of the client crate, from `livevox-generated/Cargo.toml`'s `version = "x.y.z"`.
fn client_version(root: &Path) -> Option<(u64, u64, u64)> {
    let manifest = std::fs::read_to_string(root.join(livevox_codegen::CLIENT_CRATE).join("Cargo.toml")).ok()?;
    let line = manifest.lines().find(|l| l.trim_start().starts_with("version"))?;
    let v = line.split('"').nth(1)?;
    let mut parts = v.split('.').map(|p| p.parse::<u64>().ok());
    Some((parts.next()??, parts.next()??, parts.next()??))
}
