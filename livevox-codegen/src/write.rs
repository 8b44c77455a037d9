//! Writing: compare the formatted output with what is on disk and write only what changed.
//!
//! All or nothing: every file's new content is computed before anything is written, so a spec
//! error or a generator failure leaves the generated crate exactly as it was. Each write goes
//! to a temporary file that is then renamed over the old one, so a crash never leaves half a
//! file. Files under the generated directories that the spec no longer produces are removed;
//! a file there without the `@generated` marker is refused, because it would be hand-written
//! code in a place the generator owns. Files the generator wrote at a path it has since left
//! (its retired outputs) are removed while they still carry the marker.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::format::GENERATED_MARKER;

/// One file the generator wants on disk, relative to the output crate's root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: PathBuf,
    pub contents: String,
}

/// What happened (or, with `check`, would happen) to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    Unchanged,
    Created,
    Updated,
    Removed,
}

/// The outcome of a write or check, file by file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteReport {
    pub files: Vec<(PathBuf, Change)>,
}

impl WriteReport {
    pub fn count(&self, change: Change) -> usize {
        self.files.iter().filter(|(_, c)| *c == change).count()
    }

    /// The files that differ from what the generator would write.
    pub fn stale(&self) -> impl Iterator<Item = &(PathBuf, Change)> {
        self.files.iter().filter(|(_, c)| *c != Change::Unchanged)
    }
}

/// Why writing failed.
#[derive(Debug)]
pub enum WriteError {
    Io { path: PathBuf, error: io::Error },
    /// A file in the generated directory that the generator did not write.
    Foreign(PathBuf),
    /// The cargo manifest lacks the markers around the generated features table.
    NoFeatureMarkers(PathBuf),
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::Io { path, error } => write!(f, "{}: {error}", path.display()),
            WriteError::Foreign(p) => write!(
                f,
                "{}: not written by the generator (no `@generated` header); hand-written code belongs outside src/generated/",
                p.display()
            ),
            WriteError::NoFeatureMarkers(p) => write!(
                f,
                "{}: the `{FEATURES_BEGIN}` and `{FEATURES_END}` lines around the generated [features] table are missing",
                p.display()
            ),
        }
    }
}

impl std::error::Error for WriteError {}

pub const FEATURES_BEGIN: &str = "# @generated features begin";
pub const FEATURES_END: &str = "# @generated features end";

/// Puts `table` between the feature markers of a manifest.
pub fn splice_features(manifest: &str, table: &str) -> Option<String> {
    let begin = manifest.find(FEATURES_BEGIN)?;
    let begin_line_end = begin + manifest[begin..].find('\n')? + 1;
    let end = begin_line_end + manifest[begin_line_end..].find(FEATURES_END)?;
    Some(format!("{}{}{}", &manifest[..begin_line_end], table, &manifest[end..]))
}

fn read_optional(path: &Path) -> Result<Option<String>, WriteError> {
    match fs::read_to_string(path) {
        Ok(s) => Ok(Some(s)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(WriteError::Io { path: path.to_path_buf(), error }),
    }
}

/// Every file below `dir`, sorted.
fn files_below(dir: &Path) -> Result<Vec<PathBuf>, WriteError> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = match fs::read_dir(&d) {
            Ok(e) => e,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(error) => return Err(WriteError::Io { path: d, error }),
        };
        for entry in entries {
            let entry = entry.map_err(|error| WriteError::Io { path: d.clone(), error })?;
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Brings `root` in line with `files`. `owned_dir` (relative to root) is the directory the
/// generator owns: anything there not in `files` is removed. With `check`, nothing is written
/// and the report says what would change.
pub fn write_all(root: &Path, owned_dir: &Path, files: &[OutputFile], check: bool) -> Result<WriteReport, WriteError> {
    write_owned(root, &Owned { dirs: &[owned_dir], retired: &[] }, files, check)
}

/// What the generator owns besides the files it writes, relative to the root.
#[derive(Debug, Clone, Copy)]
pub struct Owned<'a> {
    /// Directories it owns whole: a file there that it no longer writes is removed, and a file
    /// without the `@generated` marker is refused ([`WriteError::Foreign`]).
    pub dirs: &'a [&'a Path],
    /// Files it wrote once, at a path it has since left: removed while they still carry the
    /// marker (a stale copy from an old checkout or branch), left alone when hand-written.
    pub retired: &'a [&'a Path],
}

/// [`write_all`] for a generator that owns several directories, and retired paths.
pub fn write_owned(root: &Path, owned: &Owned<'_>, files: &[OutputFile], check: bool) -> Result<WriteReport, WriteError> {
    let mut plan = Vec::new();
    let wanted: BTreeSet<PathBuf> = files.iter().map(|f| root.join(&f.path)).collect();
    for f in files {
        let path = root.join(&f.path);
        let change = match read_optional(&path)? {
            None => Change::Created,
            Some(old) if old == f.contents => Change::Unchanged,
            Some(_) => Change::Updated,
        };
        plan.push((f.path.clone(), path, change, Some(&f.contents)));
    }
    for dir in owned.dirs {
        for path in files_below(&root.join(dir))? {
            if wanted.contains(&path) {
                continue;
            }
            let text = read_optional(&path)?.unwrap_or_default();
            let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
            if !text.starts_with(GENERATED_MARKER) {
                return Err(WriteError::Foreign(rel));
            }
            plan.push((rel, path, Change::Removed, None));
        }
    }
    for rel in owned.retired {
        let path = root.join(rel);
        if !wanted.contains(&path) && read_optional(&path)?.is_some_and(|text| text.starts_with(GENERATED_MARKER)) {
            plan.push((rel.to_path_buf(), path, Change::Removed, None));
        }
    }

    let mut report = WriteReport::default();
    for (rel, path, change, contents) in plan {
        if !check {
            match (change, contents) {
                (Change::Created | Change::Updated, Some(contents)) => write_atomic(&path, contents)?,
                (Change::Removed, _) => fs::remove_file(&path).map_err(|error| WriteError::Io { path: path.clone(), error })?,
                _ => {}
            }
        }
        report.files.push((rel, change));
    }
    if !check {
        for dir in owned.dirs {
            remove_empty_dirs(&root.join(dir));
        }
    }
    Ok(report)
}

fn write_atomic(path: &Path, contents: &str) -> Result<(), WriteError> {
    let io_err = |error| WriteError::Io { path: path.to_path_buf(), error };
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(io_err)?;
    }
    let tmp = path.with_extension("rs.codegen-tmp");
    fs::write(&tmp, contents).map_err(io_err)?;
    fs::rename(&tmp, path).map_err(|error| {
        let _ = fs::remove_file(&tmp);
        WriteError::Io { path: path.to_path_buf(), error }
    })
}

/// Removes directories left empty by removed files (best effort: a failure leaves an empty
/// directory, which is harmless).
fn remove_empty_dirs(dir: &Path) {
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.flatten() {
            let p = entry.path();
            if p.is_dir() {
                remove_empty_dirs(&p);
                let _ = fs::remove_dir(&p);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splices_features_between_markers() {
        let m = "[package]\n# @generated features begin: x\n[features]\nold = []\n# @generated features end\n[x]\n";
        let out = splice_features(m, "[features]\nnew = []\n").unwrap();
        assert_eq!(out, "[package]\n# @generated features begin: x\n[features]\nnew = []\n# @generated features end\n[x]\n");
        assert!(splice_features("[package]\n", "x").is_none());
    }

    #[test]
    fn writes_only_changes_and_removes_stale_generated_files() {
        let dir = std::env::temp_dir().join(format!("codegen-write-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let gen = dir.join("src/generated");
        fs::create_dir_all(&gen).unwrap();
        fs::write(gen.join("same.rs"), format!("{GENERATED_MARKER} x\n")).unwrap();
        fs::write(gen.join("old.rs"), format!("{GENERATED_MARKER} y\n")).unwrap();
        let files = vec![
            OutputFile { path: "src/generated/same.rs".into(), contents: format!("{GENERATED_MARKER} x\n") },
            OutputFile { path: "src/generated/new.rs".into(), contents: format!("{GENERATED_MARKER} z\n") },
        ];
        let check = write_all(&dir, Path::new("src/generated"), &files, true).unwrap();
        assert_eq!(check.count(Change::Unchanged), 1);
        assert_eq!(check.count(Change::Created), 1);
        assert_eq!(check.count(Change::Removed), 1);
        assert!(gen.join("old.rs").exists(), "check must not write");
        write_all(&dir, Path::new("src/generated"), &files, false).unwrap();
        assert!(!gen.join("old.rs").exists());
        assert!(gen.join("new.rs").exists());
        let again = write_all(&dir, Path::new("src/generated"), &files, true).unwrap();
        assert_eq!(again.stale().count(), 0);

        fs::write(gen.join("hand.rs"), "fn main() {}\n").unwrap();
        let err = write_all(&dir, Path::new("src/generated"), &files, false).unwrap_err();
        assert!(matches!(err, WriteError::Foreign(_)));
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn removes_a_retired_generated_file_and_leaves_a_hand_written_one() {
        let dir = std::env::temp_dir().join(format!("codegen-retired-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("tests")).unwrap();
        fs::write(dir.join("tests/old.rs"), format!("{GENERATED_MARKER} x\n")).unwrap();
        fs::write(dir.join("tests/mine.rs"), "fn main() {}\n").unwrap();
        let files = vec![OutputFile { path: "tests/generated/old.rs".into(), contents: format!("{GENERATED_MARKER} x\n") }];
        let retired = [Path::new("tests/old.rs"), Path::new("tests/mine.rs"), Path::new("tests/gone.rs")];
        let owned = Owned { dirs: &[Path::new("tests/generated")], retired: &retired };
        let check = write_owned(&dir, &owned, &files, true).unwrap();
        assert_eq!(
            check.files,
            vec![(PathBuf::from("tests/generated/old.rs"), Change::Created), (PathBuf::from("tests/old.rs"), Change::Removed)]
        );
        assert!(dir.join("tests/old.rs").exists(), "check must not write");
        write_owned(&dir, &owned, &files, false).unwrap();
        assert!(!dir.join("tests/old.rs").exists());
        assert!(dir.join("tests/generated/old.rs").exists());
        assert!(dir.join("tests/mine.rs").exists(), "a hand-written file at a retired path is not the generator's");
        assert_eq!(write_owned(&dir, &owned, &files, true).unwrap().stale().count(), 0);
        let _ = fs::remove_dir_all(&dir);
    }
}
