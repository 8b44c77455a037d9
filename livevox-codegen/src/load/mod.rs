//! The load stage: YAML files become `spec::Document`s, each with the source position of every
//! key, and every problem on the way (syntax, unknown or duplicate keys, wrong value types)
//! becomes a `file:line:col` diagnostic, all of them in one run.
//!
//! - `scan.rs`: yaml-rust2's event parser walks a file once, recording where every key is (so
//!   that validate can point at `operations.list_dnc.path` long after parsing), the duplicate
//!   keys (which serde would silently collapse into one) and a tree of each document, with
//!   aliases expanded within a budget and nesting limited.
//! - `syntax.rs`: a syntax error is reported at the mistake (the mis-indented key, the `{` that
//!   is never closed), in the spec's terms; its line is left out and the file read again.
//! - `de.rs` and `messages.rs`: serde reads the structs of `spec.rs` from the tree; after each
//!   error the node it is about is left out and the document read again, so that every mistake
//!   is reported once and its consequences not at all, up to a cap per file.
//!
//! No YAML library's deserializer runs on spec text: serde_yaml, which panicked on an alias to an
//! earlier document's anchor and took gigabytes on alias bombs, is no longer used.

mod de;
mod messages;
mod scan;
mod syntax;

use rustc_hash::FxHashMap;
use std::path::Path;

use scan::Root;

use crate::diagnostics::{did_you_mean, Diagnostic, Diagnostics, Location};
use crate::spec::{ApiDoc, CategoryDoc, Document};

/// One spec file's text, with the path errors should show for it.
#[derive(Debug, Clone)]
pub struct Source {
    /// The file as the user should see it, e.g. `spec/compliance.yaml`.
    pub display_path: String,
    pub text: String,
}

/// One document of a spec file, deserialized, with the positions of its keys.
#[derive(Debug, Clone)]
pub struct LoadedDoc {
    /// The display path of the file the document came from.
    pub file: String,
    /// The document's index in its file (0 for the first; empty documents count too).
    pub index: usize,
    pub doc: Document,
    pub positions: Positions,
}

/// Every document of every file, files in the order given (sorted by name for a directory).
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub docs: Vec<LoadedDoc>,
}

/// Where each key of a document is: dotted key path (`operations.list_dnc.path`,
/// `examples.0.name`) to the 1-based position of the key. A sequence item (`examples.0`) has the
/// position of the item itself, and the document (the empty path) that of its first key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Positions {
    keys: FxHashMap<String, Location>,
    start: Location,
}

impl Positions {
    /// The position of `path`; for a path that is not in the document (a key that was left out,
    /// a default), the position of its nearest ancestor that is; else the document's start.
    pub fn get(&self, path: &str) -> Location {
        let mut p = path;
        loop {
            if let Some(l) = self.keys.get(p) {
                return *l;
            }
            match p.rfind('.') {
                Some(i) => p = &p[..i],
                None => break,
            }
        }
        self.keys.get("").copied().unwrap_or(self.start)
    }

    /// The position of exactly `path`, if the document has it.
    pub fn exact(&self, path: &str) -> Option<Location> {
        self.keys.get(path).copied()
    }

    /// Where the document starts.
    pub fn start(&self) -> Location {
        self.start
    }
}

/// Loads every `*.yaml` and `*.yml` file directly inside `dir`, sorted by file name. Other files
/// (`README.md`) are ignored. Errors are shown under `display_prefix/<file name>`.
pub fn load_dir(dir: &Path, display_prefix: &str) -> Result<Loaded, Diagnostics> {
    let file_level = |file: String, message: String| Diagnostic { file, location: Location { line: 1, col: 1 }, path: String::new(), message };
    let mut errors = Diagnostics::default();
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            errors.push(file_level(display_prefix.to_string(), format!("cannot read the spec directory `{}`: {e}", dir.display())));
            return Err(errors.finish());
        }
    };
    let mut names = Vec::new();
    for entry in entries {
        match entry {
            Ok(entry) => {
                let path = entry.path();
                let is_yaml = matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"));
                // A directory called `x.yaml` is not a spec file; `is_file` follows symlinks.
                if is_yaml && path.is_file() {
                    names.push(entry.file_name().to_string_lossy().into_owned());
                }
            }
            Err(e) => errors.push(file_level(display_prefix.to_string(), format!("cannot list the spec directory `{}`: {e}", dir.display()))),
        }
    }
    names.sort();
    if names.is_empty() && errors.is_empty() {
        // Generating from nothing would leave an empty client (and the write stage would remove
        // every generated file), which is never what a maintainer meant.
        errors.push(file_level(display_prefix.to_string(), format!("no `*.yaml` files in `{}`", dir.display())));
    }

    let mut sources = Vec::new();
    for name in names {
        let display_path = format!("{display_prefix}/{name}");
        match std::fs::read_to_string(dir.join(&name)) {
            Ok(text) => sources.push(Source { display_path, text }),
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                errors.push(file_level(display_path, "the file is not valid UTF-8".into()))
            }
            Err(e) => errors.push(file_level(display_path, format!("cannot read the file: {e}"))),
        }
    }
    match load_sources(sources) {
        Ok(loaded) if errors.is_empty() => Ok(loaded),
        Ok(_) => Err(errors.finish()),
        Err(more) => {
            errors.extend(more);
            Err(errors.finish())
        }
    }
}

/// Loads the given sources, in order. Every file is read even when an earlier one has errors,
/// so that one run reports all of them.
///
/// A big spec is read on the machine's cores: each thread takes the biggest file not yet taken
/// until none is left, and the files' documents and errors are then joined in the order given,
/// so the result is the same as on one thread. (Contiguous runs of files of about the same size
/// were the first way: `spec/`'s biggest files come early in name order, so one thread read 70%
/// of it while the other waited.)
pub fn load_sources(sources: Vec<Source>) -> Result<Loaded, Diagnostics> {
    let total: usize = sources.iter().map(|s| s.text.len()).sum();
    let threads = crate::pool::cores().min(total / BYTES_PER_THREAD).clamp(1, sources.len().max(1));
    let order = biggest_first(&sources);
    let mut parts = crate::pool::in_order(order.len(), threads, |taken| {
        let i = order[taken];
        let (mut loaded, mut errors) = (Loaded::default(), Diagnostics::default());
        load_file(&sources[i], &mut loaded, &mut errors);
        (i, loaded, errors)
    })
    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    parts.sort_unstable_by_key(|(i, ..)| *i);
    let mut loaded = Loaded::default();
    let mut errors = Diagnostics::default();
    for (_, part, part_errors) in parts {
        loaded.docs.extend(part.docs);
        errors.extend(part_errors);
    }
    errors.into_result(loaded)
}

/// Spec text a loading thread reads at least; a smaller spec is read on the calling thread.
const BYTES_PER_THREAD: usize = 64 * 1024;

/// The indices of `sources`, biggest file first (ties in the order given).
fn biggest_first(sources: &[Source]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..sources.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(sources[i].text.len()));
    order
}

/// How many syntax errors one file reports: each one leaves a line out and reads the file again.
const MAX_SYNTAX_ERRORS_PER_FILE: usize = 5;

fn load_file(source: &Source, loaded: &mut Loaded, errors: &mut Diagnostics) {
    let file = source.display_path.as_str();
    // Every position is kept within the file (the parser puts an empty value at its end, such
    // as a trailing `- `, on the line after the last).
    let lines = syntax::yaml_lines(&source.text);
    let diag = |location: Location, path: &str, message: String| Diagnostic {
        file: file.to_string(),
        location: syntax::within_file(&lines, location),
        path: path.to_string(),
        message,
    };
    let mut found: Vec<messages::Found> = Vec::new();

    // Read the file; after a syntax error, report it, leave its line out and read again, so
    // that one run shows the other mistakes of the file too.
    let mut text = std::borrow::Cow::Borrowed(source.text.as_str());
    let mut syntax_errors = 0;
    let docs = loop {
        let mut duplicates = Vec::new();
        let (docs, error) = scan::scan(&text, &mut |location, path, message| duplicates.push((location, path.to_string(), message)));
        let Some(error) = error else {
            found.extend(duplicates);
            break docs;
        };
        if error.limit {
            found.extend(duplicates);
            found.push((error.location, error.path, error.message));
            return report(errors, &diag, found);
        }
        let explained = syntax::explain(&text, error.location, &error.message);
        // The parser's key path belongs to where it stopped; keep it only when that is the line
        // of the mistake.
        let path = if explained.location.line == error.location.line { error.path } else { String::new() };
        found.push((explained.location, path, explained.message));
        syntax_errors += 1;
        let blanked = syntax::blank(&text, explained.blank_line);
        if syntax_errors >= MAX_SYNTAX_ERRORS_PER_FILE || blanked == *text {
            found.extend(duplicates);
            return report(errors, &diag, found);
        }
        text = std::borrow::Cow::Owned(blanked);
    };
    // Nor may the positions validate reports at.
    let mut docs = docs;
    for doc in &mut docs {
        doc.positions.start = syntax::within_file(&lines, doc.positions.start);
        for location in doc.positions.keys.values_mut() {
            *location = syntax::within_file(&lines, *location);
        }
    }
    if docs.iter().all(|d| d.root == Root::Empty) && syntax_errors == 0 {
        found.push((Location { line: 1, col: 1 }, String::new(), "the file holds no YAML document; expected one starting with `api:` or `category:`".into()));
        return report(errors, &diag, found);
    }

    for (index, scanned) in docs.into_iter().enumerate() {
        let positions = &scanned.positions;
        let key = match &scanned.root {
            Root::Empty => continue,
            Root::Other(what) => {
                let message = format!("a document must be a mapping whose first key is `api` or `category`, not {what}");
                found.push((positions.start(), String::new(), message));
                continue;
            }
            Root::Mapping(None) => {
                let message = "the document is an empty mapping; expected `api:` or `category:` as its first key".to_string();
                found.push((positions.start(), String::new(), message));
                continue;
            }
            Root::Mapping(Some((key, _))) => key.clone(),
        };
        let Some(tree) = scanned.tree else { continue };
        let quiet_missing = syntax_errors > 0;
        let doc = match key.as_str() {
            "api" => messages::deserialize_all::<ApiDoc>(tree, positions, quiet_missing, &mut found).map(Document::Api),
            "category" => messages::deserialize_all::<CategoryDoc>(tree, positions, quiet_missing, &mut found).map(Document::Category),
            other => {
                let mut message = format!(
                    "the first key of a document says what it is: `api` (an API) or `category` (a category of operations), not `{other}`"
                );
                if let Some(s) = did_you_mean(other, ["api", "category"]) {
                    message.push_str(&format!("; did you mean `{s}`?"));
                } else if positions.exact("api").is_some() || positions.exact("category").is_some() {
                    message.push_str("; move that key to the top of the document");
                }
                found.push((positions.exact(other).unwrap_or(positions.start()), other.to_string(), message));
                continue;
            }
        };
        if let (Some(doc), true) = (doc, found.is_empty()) {
            loaded.docs.push(LoadedDoc { file: file.to_string(), index, doc, positions: scanned.positions });
        }
    }
    report(errors, &diag, found);
}

/// Adds a file's errors, at most `MAX_ERRORS_PER_FILE` of them (the first ones in the file),
/// with a note when there were more.
fn report(errors: &mut Diagnostics, diag: &dyn Fn(Location, &str, String) -> Diagnostic, mut found: Vec<messages::Found>) {
    found.sort();
    found.dedup();
    let max = messages::MAX_ERRORS_PER_FILE;
    if found.len() > max {
        let note = format!("more than {max} errors in this file; showing the first {max} (the others are often consequences of these)");
        errors.push(diag(Location { line: 1, col: 1 }, "", note));
        found.truncate(max);
    }
    for (location, path, message) in found {
        errors.push(diag(location, &path, message));
    }
}

#[cfg(test)]
mod tests;
