//! `cargo xtask spec-diff --crosscheck`: checks the spec diff's verdicts against what
//! cargo-semver-checks finds in the crates generated from each fixture pair
//! (`tests/fixtures/diff/<kind>/{old,new}.yaml`), and prints where the two agree and differ.
//!
//! Each side becomes a small crate under `target/spec-diff-crosscheck/<kind>/{old,new}` that
//! depends on `livevox-generated` (default features off) for the runtime, as a customer's
//! Functions library would; both share one target directory so the runtime builds once.
//! Not part of CI: it needs `cargo install cargo-semver-checks --locked` and builds rustdoc JSON
//! twice per kind (about half a minute each on a 2-core machine).

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use livevox_codegen::diff::{diff, Bump};
use livevox_codegen::load::Source;

pub fn run(root: &Path) -> ExitCode {
    if !Command::new("cargo").args(["semver-checks", "--version"]).output().is_ok_and(|o| o.status.success()) {
        eprintln!("xtask spec-diff --crosscheck: cargo-semver-checks is not installed; run `cargo install cargo-semver-checks --locked`");
        return ExitCode::FAILURE;
    }
    let fixtures = root.join("tests/fixtures/diff");
    let work = root.join("target/spec-diff-crosscheck");
    let mut kinds: Vec<String> = match std::fs::read_dir(&fixtures) {
        Ok(entries) => entries.filter_map(|e| e.ok()).filter(|e| e.path().is_dir()).map(|e| e.file_name().to_string_lossy().into_owned()).collect(),
        Err(e) => {
            eprintln!("{}: {e}", fixtures.display());
            return ExitCode::FAILURE;
        }
    };
    kinds.sort();
    // cargo-semver-checks reports breaking changes (and a few that need a minor bump); it asks
    // for nothing on an addition, so "agree" compares whether each calls the change breaking.
    println!("{:<34} {:<10} {:<16} agree on breaking", "kind", "spec-diff", "semver-checks");
    let (mut agree, mut exact, mut total) = (0, 0, 0);
    for kind in &kinds {
        match check_kind(root, &fixtures.join(kind), &work.join(kind), &work.join("target")) {
            Ok((ours, theirs)) => {
                total += 1;
                let same = (ours == Bump::Major) == (theirs == Bump::Major);
                agree += usize::from(same);
                exact += usize::from(ours == theirs);
                println!("{kind:<34} {:<10} {:<16} {}", ours.label(), theirs.label(), if same { "yes" } else { "NO" });
            }
            Err(e) => println!("{kind:<34} error: {e}"),
        }
    }
    println!("agreement on breaking or not: {agree} of {total} kinds; same bump: {exact} of {total}");
    ExitCode::SUCCESS
}

/// Our bump and cargo-semver-checks' for one fixture pair.
fn check_kind(root: &Path, fixture: &Path, work: &Path, target: &Path) -> Result<(Bump, Bump), String> {
    let mut irs = Vec::new();
    for side in ["old", "new"] {
        let path = fixture.join(format!("{side}.yaml"));
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let source = Source { display_path: path.display().to_string(), text };
        let config = livevox_codegen::Config { runtime_path: "::livevox_generated::__rt".into(), feature_gates: false };
        let generated = livevox_codegen::generate(vec![source], &config).map_err(|e| e.to_string())?;
        write_crate(root, &work.join(side), &generated.files)?;
        irs.push(generated.ir);
    }
    let ours = diff(&irs[0], &irs[1]).bump();
    let out = Command::new("cargo")
        .args(["semver-checks", "check-release", "--manifest-path"])
        .arg(work.join("new/Cargo.toml"))
        .arg("--baseline-root")
        .arg(work.join("old"))
        .env("CARGO_TARGET_DIR", target)
        .output()
        .map_err(|e| format!("cargo semver-checks: {e}"))?;
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    Ok((ours, their_bump(&text).ok_or_else(|| format!("no verdict in cargo-semver-checks' output:\n{text}"))?))
}

/// The bump cargo-semver-checks asks for, read from its summary line. It checks the Rust API
/// only, so a change it cannot see counts as no bump.
fn their_bump(output: &str) -> Option<Bump> {
    let summary = output.lines().find(|l| l.trim_start().starts_with("Summary"))?;
    Some(if summary.contains("new major version") {
        Bump::Major
    } else if summary.contains("new minor version") {
        Bump::Minor
    } else if summary.contains("no semver update required") {
        Bump::None
    } else {
        return None;
    })
}

fn write_crate(root: &Path, dir: &Path, files: &[livevox_codegen::GeneratedFile]) -> Result<(), String> {
    let _ = std::fs::remove_dir_all(dir.join("src"));
    let runtime = root.join("livevox-generated");
    let manifest = format!(
        "[package]\nname = \"spec-diff-fixture\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\nlivevox-generated = {{ path = {:?}, default-features = false }}\n\n[workspace]\n",
        runtime.display().to_string()
    );
    write(&dir.join("Cargo.toml"), &manifest)?;
    write(&dir.join("src/lib.rs"), "//! A crate generated from a spec-diff fixture.\n#![allow(missing_docs)]\nmod generated;\npub use generated::*;\n")?;
    for f in files {
        write(&dir.join("src/generated").join(&f.path), &f.contents)?;
    }
    Ok(())
}

fn write(path: &PathBuf, text: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}
