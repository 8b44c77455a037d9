//! Size limits of hand-written source (issue 12): no hand-written `.rs` file in the workspace is
//! over 800 lines. Functions over 120 lines are caught by clippy's `too_many_lines`
//! (threshold in `clippy.toml`, lint on in `[workspace.lints.clippy]`). Files the generator
//! writes (their first line says `@generated`) are exempt: they are measured by the generated
//! line counts of `cargo xtask bench` instead. They all live in directories named `generated`,
//! and every file there is one of them, so checks that go by path alone (a hook) tell the two
//! kinds apart as this test does. `.gitattributes` marks the same files `linguist-generated`, for
//! tools that go by attributes.

use std::path::{Path, PathBuf};

const MAX_LINES: usize = 800;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ has a parent").to_path_buf()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if path.is_dir() {
            if name != "target" && !name.starts_with('.') {
                rust_files(&path, out);
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

/// Every `.rs` file of the workspace's members, with its text.
fn sources() -> Vec<(PathBuf, String)> {
    let root = workspace_root();
    let mut files = Vec::new();
    for member in ["livevox-codegen", "livevox-generated", "livevox-sim", "xtask", "tests"] {
        rust_files(&root.join(member), &mut files);
    }
    assert!(files.len() > 50, "found only {} source files under {}", files.len(), root.display());
    files
        .into_iter()
        .map(|file| {
            let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            (file, text)
        })
        .collect()
}

fn is_generated(text: &str) -> bool {
    text.lines().next().is_some_and(|first| first.contains("@generated"))
}

#[test]
fn generated_files_are_exactly_those_under_generated_directories() {
    let root = workspace_root();
    let mut misplaced = Vec::new();
    for (file, text) in sources() {
        let rel = file.strip_prefix(&root).unwrap_or(&file);
        let in_generated_dir = rel.components().any(|c| c.as_os_str() == "generated");
        if in_generated_dir != is_generated(&text) {
            let what = if in_generated_dir { "in a `generated` directory without" } else { "outside any `generated` directory with" };
            misplaced.push(format!("{}: {what} the `@generated` header", rel.display()));
        }
    }
    assert!(misplaced.is_empty(), "generated and hand-written files mixed (paths alone must tell them apart):\n{}", misplaced.join("\n"));
}

/// The `linguist-generated=true` patterns of `.gitattributes`, as path prefixes (`dir/**`) or
/// whole paths.
fn generated_attributes(root: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(root.join(".gitattributes")).expect(".gitattributes at the workspace root");
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| {
            let mut parts = l.split_whitespace();
            let pattern = parts.next()?;
            parts.any(|a| a == "linguist-generated=true").then(|| pattern.trim_end_matches("**").to_owned())
        })
        .collect()
}

#[test]
fn every_generated_file_is_marked_generated_in_gitattributes() {
    let root = workspace_root();
    let patterns = generated_attributes(&root);
    let unmarked: Vec<String> = sources()
        .into_iter()
        .filter(|(_, text)| is_generated(text))
        .map(|(file, _)| file.strip_prefix(&root).unwrap_or(&file).to_string_lossy().replace('\\', "/"))
        .filter(|rel| !patterns.iter().any(|p| if p.ends_with('/') { rel.starts_with(p.as_str()) } else { rel == p }))
        .collect();
    assert!(!patterns.is_empty(), "no linguist-generated patterns read");
    assert!(unmarked.is_empty(), "generated files that .gitattributes does not mark linguist-generated:\n{}", unmarked.join("\n"));
}

#[test]
fn no_hand_written_file_is_over_800_lines() {
    let root = workspace_root();
    let mut over = Vec::new();
    for (file, text) in &sources() {
        if is_generated(text) {
            continue;
        }
        let lines = text.lines().count();
        if lines > MAX_LINES {
            over.push(format!("{}: {lines} lines", file.strip_prefix(&root).unwrap_or(file).display()));
        }
    }
    assert!(over.is_empty(), "hand-written files over {MAX_LINES} lines (split them by what they own):\n{}", over.join("\n"));
}
