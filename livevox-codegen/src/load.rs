//! The load stage: YAML files become `spec::Document`s, each with the source position of every
//! key, and every problem on the way (syntax, unknown or duplicate keys, wrong value types)
//! becomes a `file:line:col` diagnostic.
//!
//! Two parsers read each file. yaml-rust2's event parser walks it once to record where every key
//! is (so that validate can point at `operations.list_dnc.path` long after parsing) and to find
//! duplicate keys, which serde would silently collapse into one. serde_yaml then deserializes the
//! documents into the structs of `spec.rs`. serde_yaml is deprecated upstream; this module is the
//! only place that names it, so swapping it out touches nothing else.

use std::collections::HashMap;
use std::path::Path;

use serde::de::DeserializeOwned;
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

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
    keys: HashMap<String, Location>,
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
pub fn load_sources(sources: Vec<Source>) -> Result<Loaded, Diagnostics> {
    let mut loaded = Loaded::default();
    let mut errors = Diagnostics::default();
    for source in &sources {
        load_file(source, &mut loaded, &mut errors);
    }
    errors.into_result(loaded)
}

/// What the first pass learnt about one document.
#[derive(Debug, Default)]
struct ScannedDoc {
    positions: Positions,
    root: Root,
    /// Whether a duplicate key was reported (serde's own "duplicate field" is then redundant).
    had_duplicates: bool,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
enum Root {
    /// An empty document (`---` followed by nothing, or only comments).
    #[default]
    Empty,
    /// A mapping, with its first key (if it has one) and that key's position.
    Mapping(Option<(String, Location)>),
    /// A scalar or a sequence: not a document of ours.
    Other(&'static str),
}

fn load_file(source: &Source, loaded: &mut Loaded, errors: &mut Diagnostics) {
    let file = source.display_path.as_str();
    let diag = |location: Location, path: &str, message: String| Diagnostic { file: file.to_string(), location, path: path.to_string(), message };

    let (docs, syntax_error) = scan(&source.text, &mut |location, path, message| errors.push(diag(location, path, message)));
    if let Some((location, path, message)) = syntax_error {
        // The document structure after a syntax error is guesswork; report the error alone
        // (plus the duplicate keys found before it) rather than follow-on noise.
        errors.push(diag(location, &path, message));
        return;
    }
    if docs.iter().all(|d| d.root == Root::Empty) {
        errors.push(diag(
            Location { line: 1, col: 1 },
            "",
            "the file holds no YAML document; expected one starting with `api:` or `category:`".into(),
        ));
        return;
    }

    // serde_yaml yields one deserializer per document, in the same order as the scan (it also
    // yields one for an empty file, which the scan does not count; `take` drops it). After a
    // syntax error serde_yaml repeats the error forever, so the count must bound the loop.
    let deserializers = serde_yaml::Deserializer::from_str(&source.text).take(docs.len());
    for (index, (de, scanned)) in deserializers.zip(&docs).enumerate() {
        let positions = &scanned.positions;
        let key = match &scanned.root {
            Root::Empty => continue,
            Root::Other(what) => {
                errors.push(diag(
                    positions.start(),
                    "",
                    format!("a document must be a mapping whose first key is `api` or `category`, not {what}"),
                ));
                continue;
            }
            Root::Mapping(None) => {
                errors.push(diag(positions.start(), "", "the document is an empty mapping; expected `api:` or `category:` as its first key".into()));
                continue;
            }
            Root::Mapping(Some((key, _))) => key.as_str(),
        };
        let result = match key {
            "api" => deserialize::<ApiDoc>(de, positions, scanned.had_duplicates).map(Document::Api),
            "category" => deserialize::<CategoryDoc>(de, positions, scanned.had_duplicates).map(Document::Category),
            other => {
                let mut message = format!(
                    "the first key of a document says what it is: `api` (an API) or `category` (a category of operations), not `{other}`"
                );
                if let Some(s) = did_you_mean(other, ["api", "category"]) {
                    message.push_str(&format!("; did you mean `{s}`?"));
                } else if positions.exact("api").is_some() || positions.exact("category").is_some() {
                    message.push_str("; move that key to the top of the document");
                }
                errors.push(diag(positions.exact(other).unwrap_or(positions.start()), other, message));
                continue;
            }
        };
        match result {
            Ok(doc) => loaded.docs.push(LoadedDoc { file: file.to_string(), index, doc, positions: positions.clone() }),
            Err(Some((location, path, message))) => errors.push(diag(location, &path, message)),
            Err(None) => {}
        }
    }
}

/// Deserializes one document; on error returns the position, key path and message, or `None`
/// when the error repeats a duplicate key the scan already reported.
#[allow(clippy::type_complexity)]
fn deserialize<T: DeserializeOwned>(
    de: serde_yaml::Deserializer<'_>,
    positions: &Positions,
    had_duplicates: bool,
) -> Result<T, Option<(Location, String, String)>> {
    serde_path_to_error::deserialize::<_, T>(de).map_err(|err| {
        let segments: Vec<String> = err
            .path()
            .iter()
            .filter_map(|s| match s {
                serde_path_to_error::Segment::Seq { index } => Some(index.to_string()),
                serde_path_to_error::Segment::Map { key } => Some(key.clone()),
                serde_path_to_error::Segment::Enum { .. } => None,
                serde_path_to_error::Segment::Unknown => Some("?".to_string()),
            })
            .collect();
        let inner = err.into_inner();
        let serde_location = inner.location().map(|l| Location { line: l.line(), col: l.column() });
        let raw = strip_serde_decorations(&inner.to_string());
        let full_path = segments.join(".");

        if let Some(rest) = raw.strip_prefix("unknown field ") {
            // serde's path includes the unknown key itself; the diagnostic names the mapping
            // that holds it and points at the key.
            let words = backticked(rest);
            let wrong = words.first().cloned().unwrap_or_default();
            let expected: Vec<&str> = words.iter().skip(1).map(String::as_str).collect();
            let parent = if segments.last() == Some(&wrong) { segments[..segments.len() - 1].join(".") } else { full_path.clone() };
            let mut message = format!("unknown key `{wrong}`");
            match did_you_mean(&wrong, expected.iter().copied()) {
                Some(s) => message.push_str(&format!("; did you mean `{s}`?")),
                None if expected.is_empty() => message.push_str("; no keys are allowed here"),
                None => message.push_str(&format!(
                    "; expected one of {}",
                    expected.iter().map(|e| format!("`{e}`")).collect::<Vec<_>>().join(", ")
                )),
            }
            let location = positions.exact(&full_path).or(serde_location).unwrap_or_else(|| positions.get(&parent));
            return Some((location, parent, message));
        }

        let message = if let Some(rest) = raw.strip_prefix("missing field ") {
            format!("missing required key {}", rest.trim())
        } else if let Some(rest) = raw.strip_prefix("duplicate field ") {
            if had_duplicates {
                return None;
            }
            format!("duplicate key {}", rest.trim())
        } else if let Some(rest) = raw.strip_prefix("invalid type: ").or_else(|| raw.strip_prefix("invalid value: ")) {
            match rest.split_once(", expected ") {
                Some((found, expected)) => format!("expected {}, found {}", describe_expected(expected), describe_found(found)),
                None => rest.to_string(),
            }
        } else if let Some(rest) = raw.strip_prefix("invalid length ") {
            match rest.split_once(", expected ") {
                Some((n, expected)) => format!("expected {expected}, found {n} items"),
                None => raw.clone(),
            }
        } else if raw.contains("untagged enum Deprecation") {
            "expected `true`, `false`, or a note saying what to use instead".to_string()
        } else if raw.contains("untagged enum WireValue") {
            "expected a string or an integer".to_string()
        } else {
            raw.clone()
        };
        // Positions point at keys, like validate's errors; serde's mark (the value) is the
        // fallback for a path the scan does not know.
        let location = positions.exact(&full_path).or(serde_location).unwrap_or_else(|| positions.get(&full_path));
        Some((location, full_path, message))
    })
}

/// serde_yaml's message without its own key path prefix and ` at line N column M` suffix, which
/// the diagnostic carries in its own form.
fn strip_serde_decorations(raw: &str) -> String {
    let mut s = raw.to_string();
    if let Some(i) = s.find(" at line ") {
        let tail = &s[i + " at line ".len()..];
        let digits = tail.chars().take_while(char::is_ascii_digit).count();
        let after_line = &tail[digits..];
        if digits > 0 {
            if let Some(col) = after_line.strip_prefix(" column ") {
                let col_digits = col.chars().take_while(char::is_ascii_digit).count();
                let rest = col[col_digits..].to_string();
                s.truncate(i);
                s.push_str(&rest);
            }
        }
    }
    const STARTS: &[&str] = &[
        "unknown field ",
        "missing field ",
        "duplicate field ",
        "invalid type: ",
        "invalid value: ",
        "invalid length ",
        "unknown variant ",
        "data did not match",
        "EOF while parsing",
        "recursion limit",
        "repetition limit",
        "unknown anchor",
    ];
    let mut best: Option<usize> = None;
    for start in STARTS {
        if s.starts_with(start) {
            return s;
        }
        if let Some(i) = s.find(&format!(": {start}")) {
            best = Some(best.map_or(i, |b| b.min(i)));
        }
    }
    match best {
        Some(i) => s[i + 2..].to_string(),
        None => s,
    }
}

/// The words between backticks, in order.
fn backticked(s: &str) -> Vec<String> {
    s.split('`').skip(1).step_by(2).map(str::to_string).collect()
}

/// serde's "expected" phrase in spec terms.
fn describe_expected(e: &str) -> String {
    let e = e.trim();
    match e {
        "u16" => "an integer from 0 to 65535".into(),
        "u32" => "an integer from 0 to 4294967295".into(),
        "u64" => "a non-negative integer".into(),
        "i64" => "an integer".into(),
        "a boolean" => "`true` or `false`".into(),
        "a map" => "a mapping (`key: value` pairs)".into(),
        "a sequence" => "a list".into(),
        "any valid JSON value" => "a value".into(),
        _ if e.starts_with("struct ") => "a mapping (`key: value` pairs)".into(),
        _ => e.to_string(),
    }
}

/// serde's description of the value it found, in spec terms.
fn describe_found(f: &str) -> String {
    let f = f.trim();
    match f {
        "unit value" => "nothing (an empty value or `null`)".into(),
        "sequence" => "a list".into(),
        "map" => "a mapping".into(),
        _ => {
            // `integer `3``, `boolean `true``, `floating point `1.5``: drop the backticks serde
            // adds, which read oddly next to ours.
            for (prefix, name) in [("integer ", "integer"), ("boolean ", "boolean"), ("floating point ", "number")] {
                if let Some(v) = f.strip_prefix(prefix) {
                    return format!("{name} {}", v.trim_matches('`'));
                }
            }
            f.to_string()
        }
    }
}

fn location(m: &Marker) -> Location {
    // yaml-rust2 0.10 counts lines from 1 but columns from 0 (its own Display adds 1).
    Location { line: m.line(), col: m.col() + 1 }
}

fn join(path: &str, segment: &str) -> String {
    if path.is_empty() {
        segment.to_string()
    } else {
        format!("{path}.{segment}")
    }
}

/// A mapping or sequence being walked by `scan`.
enum Frame {
    Map {
        path: String,
        /// The key whose value comes next; `None` when a key comes next.
        pending_key: Option<String>,
        keys: HashMap<String, Location>,
        /// For a sequence item or the document itself, whose position is taken from its first
        /// key (yaml-rust2's mark for a block mapping's start is past its first key).
        position_from_first_key: bool,
    },
    Seq {
        path: String,
        next_index: usize,
        position_from_first_item: bool,
    },
    /// A mapping or sequence used as a mapping key (`? [a, b] : c`): skipped.
    ComplexKey { depth: usize },
}

/// A syntax error: position, key path of the enclosing mapping, message.
type SyntaxError = (Location, String, String);

/// The first pass: positions of every key, duplicate keys (reported through `report`), the
/// root of each document, and the syntax error that stopped the scan, if any.
fn scan(text: &str, report: &mut dyn FnMut(Location, &str, String)) -> (Vec<ScannedDoc>, Option<SyntaxError>) {
    let mut docs: Vec<ScannedDoc> = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut parser = Parser::new_from_str(text);
    loop {
        let (event, mark) = match parser.next_token() {
            Ok(e) => e,
            Err(e) => {
                let path = stack
                    .iter()
                    .rev()
                    .find_map(|f| match f {
                        Frame::Map { path, pending_key: Some(k), .. } => Some(join(path, k)),
                        Frame::Map { path, .. } | Frame::Seq { path, .. } => Some(path.clone()),
                        Frame::ComplexKey { .. } => None,
                    })
                    .unwrap_or_default();
                return (docs, Some((location(e.marker()), path, format!("YAML syntax error: {}", e.info()))));
            }
        };
        let loc = location(&mark);
        match event {
            Event::StreamEnd => break,
            Event::DocumentStart => {
                stack.clear();
                docs.push(ScannedDoc { positions: Positions { keys: HashMap::new(), start: loc }, ..Default::default() });
            }
            Event::Scalar(value, style, ..) => {
                let Some(doc) = docs.last_mut() else { continue };
                let is_null = value.is_empty() && style == TScalarStyle::Plain;
                node(doc, &mut stack, loc, Node::Scalar(value, is_null), report);
            }
            Event::Alias(_) => {
                let Some(doc) = docs.last_mut() else { continue };
                node(doc, &mut stack, loc, Node::Scalar("*alias".into(), false), report);
            }
            Event::MappingStart(..) => {
                let Some(doc) = docs.last_mut() else { continue };
                node(doc, &mut stack, loc, Node::Map, report);
            }
            Event::SequenceStart(..) => {
                let Some(doc) = docs.last_mut() else { continue };
                node(doc, &mut stack, loc, Node::Seq, report);
            }
            Event::MappingEnd | Event::SequenceEnd => {
                match stack.last_mut() {
                    Some(Frame::ComplexKey { depth }) if *depth > 1 => {
                        *depth -= 1;
                        continue;
                    }
                    _ => {}
                }
                let popped = stack.pop();
                // A finished complex key is followed by its value.
                let finished_key = matches!(popped, Some(Frame::ComplexKey { .. }));
                if let Some(Frame::Map { pending_key, .. }) = stack.last_mut() {
                    *pending_key = if finished_key { Some("?".into()) } else { None };
                }
            }
            Event::DocumentEnd | Event::StreamStart | Event::Nothing => {}
        }
    }
    (docs, None)
}

enum Node {
    /// The scalar's text, and whether it is an empty plain scalar (null).
    Scalar(String, bool),
    Map,
    Seq,
}

fn node(doc: &mut ScannedDoc, stack: &mut Vec<Frame>, loc: Location, node: Node, report: &mut dyn FnMut(Location, &str, String)) {
    let positions = &mut doc.positions;
    // Where this node sits: its path, and whether its position is still to be found.
    let (path, needs_position) = match stack.last_mut() {
        None => {
            doc.root = match &node {
                Node::Scalar(_, true) => Root::Empty,
                Node::Scalar(..) => Root::Other("a single value"),
                Node::Seq => Root::Other("a list"),
                Node::Map => Root::Mapping(None),
            };
            positions.keys.insert(String::new(), loc);
            positions.start = loc;
            (String::new(), true)
        }
        Some(Frame::ComplexKey { depth }) => {
            if !matches!(node, Node::Scalar(..)) {
                *depth += 1;
            }
            return;
        }
        Some(Frame::Seq { path, next_index, position_from_first_item }) => {
            let item = join(path, &next_index.to_string());
            *next_index += 1;
            if *position_from_first_item && *next_index == 1 {
                let own = path.clone();
                fix_position(positions, &own, loc);
            }
            positions.keys.entry(item.clone()).or_insert(loc);
            (item, true)
        }
        Some(Frame::Map { path, pending_key: pending @ None, keys, position_from_first_key }) => {
            // This node is a key.
            let Node::Scalar(key, _) = node else {
                stack.push(Frame::ComplexKey { depth: 1 });
                return;
            };
            let full = join(path, &key);
            if keys.is_empty() && *position_from_first_key {
                let own = path.clone();
                fix_position(positions, &own, loc);
            }
            if path.is_empty() && keys.is_empty() {
                doc.root = Root::Mapping(Some((key.clone(), loc)));
            }
            match keys.get(&key) {
                Some(first) => {
                    doc.had_duplicates = true;
                    report(loc, path, format!("duplicate key `{key}` (first defined at line {})", first.line));
                }
                None => {
                    keys.insert(key.clone(), loc);
                    positions.keys.insert(full, loc);
                }
            }
            *pending = Some(key);
            return;
        }
        Some(Frame::Map { path, pending_key: pending @ Some(_), .. }) => {
            // This node is the value of the pending key, whose position is the key's.
            let key = pending.take().unwrap_or_default();
            if !matches!(node, Node::Scalar(..)) {
                // The key stays pending until the container ends, so a syntax error inside it
                // still names the key.
                *pending = Some(key.clone());
            }
            (join(path, &key), false)
        }
    };
    match node {
        Node::Scalar(..) => {}
        Node::Map => stack.push(Frame::Map { path, pending_key: None, keys: HashMap::new(), position_from_first_key: needs_position }),
        Node::Seq => stack.push(Frame::Seq { path, next_index: 0, position_from_first_item: needs_position }),
    }
}

/// Moves a container's recorded position to `loc` when that is earlier: the start of a block
/// mapping is where its first key is.
fn fix_position(positions: &mut Positions, path: &str, loc: Location) {
    let entry = positions.keys.entry(path.to_string()).or_insert(loc);
    if loc < *entry {
        *entry = loc;
    }
    if path.is_empty() {
        positions.start = positions.start.min(loc);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(text: &str) -> Vec<Source> {
        vec![Source { display_path: "spec/test.yaml".into(), text: text.into() }]
    }

    fn errors(text: &str) -> String {
        match load_sources(src(text)) {
            Ok(_) => panic!("expected errors"),
            Err(d) => d.0.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n"),
        }
    }

    fn at(line: usize, col: usize) -> Location {
        Location { line, col }
    }

    const CATEGORY: &str = "\
# a comment
category: compliance
operations:
  list_dnc:
    summary: List.
    method: GET
    path: /dnc
    query:
      count: { type: int32, required: true }
    examples:
      - name: first
        response: { status: 200 }
      - name: second
        response:
          status: 404
";

    #[test]
    fn positions_are_one_based_and_point_at_keys() {
        let loaded = load_sources(src(CATEGORY)).unwrap();
        let p = &loaded.docs[0].positions;
        assert_eq!(p.get(""), at(2, 1));
        assert_eq!(p.get("category"), at(2, 1));
        assert_eq!(p.get("operations"), at(3, 1));
        assert_eq!(p.get("operations.list_dnc"), at(4, 3));
        assert_eq!(p.get("operations.list_dnc.path"), at(7, 5));
        // Keys inside a flow mapping.
        assert_eq!(p.get("operations.list_dnc.query.count.type"), at(9, 16));
        assert_eq!(p.get("operations.list_dnc.query.count.required"), at(9, 29));
        // Sequence items are indexed; a block-mapping item starts at its first key.
        assert_eq!(p.get("operations.list_dnc.examples.0"), at(11, 9));
        assert_eq!(p.get("operations.list_dnc.examples.0.name"), at(11, 9));
        assert_eq!(p.get("operations.list_dnc.examples.1.response.status"), at(15, 11));
        assert_eq!(p.get("operations.list_dnc.examples.0.response.status"), at(12, 21));
    }

    #[test]
    fn missing_paths_fall_back_to_the_nearest_ancestor_then_the_document() {
        let loaded = load_sources(src(CATEGORY)).unwrap();
        let p = &loaded.docs[0].positions;
        assert_eq!(p.get("operations.list_dnc.response.type"), at(4, 3));
        assert_eq!(p.exact("operations.list_dnc.response"), None);
        assert_eq!(p.get("models.Foo"), at(2, 1));
    }

    #[test]
    fn several_documents_keep_file_lines_and_indexes() {
        let text = "api: X\nbase_url: https://x.example.com\nauthorization: { kind: NONE }\ncategories: [a]\n---\n\n---\ncategory: a\noperations: {}\n";
        let loaded = load_sources(src(text)).unwrap();
        assert_eq!(loaded.docs.len(), 2);
        assert!(matches!(loaded.docs[0].doc, Document::Api(_)));
        assert!(matches!(loaded.docs[1].doc, Document::Category(_)));
        assert_eq!(loaded.docs[0].index, 0);
        // The empty document in between still counts.
        assert_eq!(loaded.docs[1].index, 2);
        assert_eq!(loaded.docs[1].positions.get("operations"), at(9, 1));
        assert_eq!(loaded.docs[1].file, "spec/test.yaml");
    }

    #[test]
    fn duplicate_keys_are_reported_with_the_first_position() {
        let text = "category: a\noperations:\n  x: { summary: s, method: GET, path: / }\n  x: { summary: t, method: GET, path: / }\n";
        assert_eq!(errors(text), "spec/test.yaml:4:3: operations: duplicate key `x` (first defined at line 3)");
        // serde's own "duplicate field" for a struct key is not reported twice.
        let text = "category: a\ncategory: b\n";
        assert_eq!(errors(text), "spec/test.yaml:2:1: duplicate key `category` (first defined at line 1)");
    }

    #[test]
    fn unknown_keys_get_a_suggestion_and_the_key_position() {
        let text = "category: a\noperations:\n  list_dnc:\n    summary: s\n    method: GET\n    pathh: /dnc\n";
        assert_eq!(errors(text), "spec/test.yaml:6:5: operations.list_dnc: unknown key `pathh`; did you mean `path`?");
        let text = "category: a\nzzz: 1\n";
        let e = errors(text);
        assert!(e.starts_with("spec/test.yaml:2:1: unknown key `zzz`; expected one of `category`, `path`"), "{e}");
    }

    #[test]
    fn type_errors_and_missing_keys_are_rephrased() {
        let text = "category: a\noperations:\n  x:\n    summary: s\n    method: GET\n";
        assert_eq!(errors(text), "spec/test.yaml:3:3: operations.x: missing required key `path`");
        let text = "category: a\noperations:\n  x:\n    summary: s\n    method: GET\n    path: /\n    rate_limit: { calls: -1, per_seconds: 1 }\n";
        assert_eq!(
            errors(text),
            "spec/test.yaml:7:19: operations.x.rate_limit.calls: expected an integer from 0 to 4294967295, found integer -1"
        );
        let text = "category: a\nmodels:\n  M:\n    fields:\n      a: { type: string, required: yes }\n";
        assert_eq!(errors(text), "spec/test.yaml:5:26: models.M.fields.a.required: expected `true` or `false`, found string \"yes\"");
    }

    #[test]
    fn syntax_errors_have_positions_and_stop_the_file() {
        let text = "category: a\noperations:\n  x:\n    summary: s: t\n";
        assert_eq!(errors(text), "spec/test.yaml:4:15: operations.x: YAML syntax error: mapping values are not allowed in this context");
    }

    #[test]
    fn documents_must_start_with_api_or_category() {
        assert_eq!(
            errors("categroy: a\n"),
            "spec/test.yaml:1:1: categroy: the first key of a document says what it is: `api` (an API) or `category` (a category of operations), not `categroy`; did you mean `category`?"
        );
        assert_eq!(
            errors("description: d\ncategory: a\n"),
            "spec/test.yaml:1:1: description: the first key of a document says what it is: `api` (an API) or `category` (a category of operations), not `description`; move that key to the top of the document"
        );
        assert_eq!(errors("- a\n- b\n"), "spec/test.yaml:1:1: a document must be a mapping whose first key is `api` or `category`, not a list");
        assert_eq!(errors("# nothing\n"), "spec/test.yaml:1:1: the file holds no YAML document; expected one starting with `api:` or `category:`");
    }

    #[test]
    fn every_file_is_reported() {
        let sources = vec![
            Source { display_path: "spec/a.yaml".into(), text: "category: a\nbogus: 1\n".into() },
            Source { display_path: "spec/b.yaml".into(), text: "category: [\n".into() },
            Source { display_path: "spec/c.yaml".into(), text: "category: c\n".into() },
        ];
        let e = load_sources(sources).unwrap_err();
        assert_eq!(e.len(), 2, "{e}");
        assert_eq!(e.0[0].file, "spec/a.yaml");
        assert_eq!(e.0[1].file, "spec/b.yaml");
    }

    #[test]
    fn load_dir_reads_yaml_files_in_name_order() {
        let dir = std::env::temp_dir().join(format!("livevox-load-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("b.yml"), "category: b\n").unwrap();
        std::fs::write(dir.join("a.yaml"), "category: a\n").unwrap();
        std::fs::write(dir.join("README.md"), "not: yaml: at all").unwrap();
        let loaded = load_dir(&dir, "spec");
        std::fs::remove_dir_all(&dir).unwrap();
        let files: Vec<String> = loaded.unwrap().docs.iter().map(|d| d.file.clone()).collect();
        assert_eq!(files, ["spec/a.yaml", "spec/b.yml"]);

        let missing = load_dir(Path::new("/nonexistent/livevox-spec"), "spec").unwrap_err();
        assert!(missing.to_string().starts_with("spec:1:1: cannot read the spec directory"), "{missing}");
    }
}
