//! The first pass over a file: yaml-rust2's events become, per document, the positions of every
//! key, the duplicate keys, the shape of the root and a tree of nodes (`Node`) that `de.rs`
//! deserializes. Aliases are expanded here, within a budget, and nesting is limited, so that no
//! input can make the later stages use unbounded memory or stack.

use std::collections::{HashMap, HashSet};

use rustc_hash::FxHashMap;

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::Positions;
use crate::diagnostics::Location;

/// How deep mappings and sequences may nest; the spec needs fewer than ten levels (examples'
/// JSON bodies a few more), and every later stage recurses over the tree.
pub(super) const MAX_DEPTH: usize = 64;

/// How many nodes the aliases of one file may add in total: far beyond any honest use, far
/// below what an alias bomb (each anchor holding ten aliases of the previous one) would build.
pub(super) const MAX_ALIAS_NODES: usize = 100_000;

/// A node of a document: where it starts and what it is.
#[derive(Debug, Clone)]
pub(super) struct Node {
    pub loc: Location,
    pub kind: Kind,
}

#[derive(Debug, Clone)]
pub(super) enum Kind {
    /// A scalar's text, and whether it was written plain (unquoted: `null`, `true`, `3` then
    /// mean what YAML says they mean).
    Scalar { text: String, plain: bool },
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
    /// Left out of deserialization after an error in it, so that the rest of the document is
    /// still checked.
    Removed,
}

impl Node {
    /// The node and everything under it.
    fn count(&self) -> usize {
        match &self.kind {
            Kind::Scalar { .. } | Kind::Removed => 1,
            Kind::Seq(items) => 1 + items.iter().map(Node::count).sum::<usize>(),
            Kind::Map(entries) => 1 + entries.iter().map(|(k, v)| k.count() + v.count()).sum::<usize>(),
        }
    }
}

/// What the first pass learnt about one document.
#[derive(Debug, Default)]
pub(super) struct ScannedDoc {
    pub positions: Positions,
    pub root: Root,
    /// The document's tree; `None` for an empty document.
    pub tree: Option<Node>,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) enum Root {
    /// An empty document (`---` followed by nothing, or only comments).
    #[default]
    Empty,
    /// A mapping, with its first key (if it has one) and that key's position.
    Mapping(Option<(String, Location)>),
    /// A scalar or a sequence: not a document of ours.
    Other(&'static str),
}
pub(super) fn location(m: &Marker) -> Location {
    // yaml-rust2 0.10 counts lines from 1 but columns from 0 (its own Display adds 1).
    Location { line: m.line(), col: m.col() + 1 }
}

pub(super) fn join(path: &str, segment: &str) -> String {
    if path.is_empty() {
        return segment.to_string();
    }
    // Not `format!`: every key of every file passes here, and the formatting machinery was
    // most of the cost.
    let mut joined = String::with_capacity(path.len() + 1 + segment.len());
    joined.push_str(path);
    joined.push('.');
    joined.push_str(segment);
    joined
}

/// A mapping or sequence being walked by `scan`.
enum Frame {
    Map {
        path: String,
        /// The key whose value comes next; `None` when a key comes next.
        pending_key: Option<String>,
        keys: FxHashMap<String, Location>,
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
/// What stopped the scan: a YAML syntax error (`limit` false) or a limit of this module.
pub(super) struct ScanError {
    pub location: Location,
    /// The key path of the enclosing mapping or list.
    pub path: String,
    pub message: String,
    pub limit: bool,
}

/// The first pass: positions of every key, duplicate keys (reported through `report`), the
/// root and tree of each document, and the error that stopped the scan, if any (a syntax error,
/// or nesting or aliases past their limits).
pub(super) fn scan(text: &str, report: &mut dyn FnMut(Location, &str, String)) -> (Vec<ScannedDoc>, Option<ScanError>) {
    let mut docs: Vec<ScannedDoc> = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(text);
    loop {
        let enclosing_path = |stack: &[Frame]| {
            stack
                .iter()
                .rev()
                .find_map(|f| match f {
                    Frame::Map { path, pending_key: Some(k), .. } => Some(join(path, k)),
                    Frame::Map { path, .. } | Frame::Seq { path, .. } => Some(path.clone()),
                    Frame::ComplexKey { .. } => None,
                })
                .unwrap_or_default()
        };
        let (event, mark) = match parser.next_token() {
            Ok(e) => e,
            Err(e) => {
                let error = ScanError { location: location(e.marker()), path: enclosing_path(&stack), message: e.info().to_string(), limit: false };
                return (docs, Some(error));
            }
        };
        let loc = location(&mark);
        if let Err(message) = builder.event(&event, loc) {
            return (docs, Some(ScanError { location: loc, path: enclosing_path(&stack), message, limit: true }));
        }
        match event {
            Event::StreamEnd => break,
            Event::DocumentStart => {
                stack.clear();
                docs.push(ScannedDoc { positions: Positions { keys: FxHashMap::default(), start: loc }, ..Default::default() });
            }
            Event::DocumentEnd => {
                if let Some(doc) = docs.last_mut() {
                    doc.tree = builder.root.take();
                }
            }
            Event::Scalar(value, style, ..) => {
                let Some(doc) = docs.last_mut() else { continue };
                let is_null = value.is_empty() && style == TScalarStyle::Plain;
                node(doc, &mut stack, loc, Shape::Scalar(value, is_null), report);
            }
            Event::Alias(_) => {
                let Some(doc) = docs.last_mut() else { continue };
                node(doc, &mut stack, loc, Shape::Scalar("*alias".into(), false), report);
            }
            Event::MappingStart(..) => {
                let Some(doc) = docs.last_mut() else { continue };
                node(doc, &mut stack, loc, Shape::Map, report);
            }
            Event::SequenceStart(..) => {
                let Some(doc) = docs.last_mut() else { continue };
                node(doc, &mut stack, loc, Shape::Seq, report);
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
            Event::StreamStart | Event::Nothing => {}
        }
    }
    (docs, None)
}

/// Builds the tree of the current document from the same events.
#[derive(Default)]
struct Builder {
    open: Vec<Open>,
    /// The finished root of the current document.
    root: Option<Node>,
    /// Anchored nodes of the current document by yaml-rust2's anchor id, with their sizes.
    anchors: HashMap<usize, (Node, usize)>,
    /// Nodes added by aliases so far in this file.
    alias_nodes: usize,
}

/// A mapping or sequence whose end has not been seen yet.
struct Open {
    loc: Location,
    anchor: usize,
    items: Vec<Node>,
    entries: Vec<(Node, Node)>,
    is_map: bool,
    pending_key: Option<Node>,
    /// The keys so far; a repeated key (reported by `node`) is dropped, the first one counts.
    keys: HashSet<String>,
}

impl Builder {
    fn event(&mut self, event: &Event, loc: Location) -> Result<(), String> {
        match event {
            Event::DocumentStart => {
                self.open.clear();
                self.root = None;
                self.anchors.clear();
            }
            Event::Scalar(value, style, anchor, _) => {
                let node = Node { loc, kind: Kind::Scalar { text: value.clone(), plain: *style == TScalarStyle::Plain } };
                self.finish(node, *anchor);
            }
            Event::Alias(id) => {
                let Some((node, size)) = self.anchors.get(id) else {
                    return Err("an alias refers to an anchor this document does not define".into());
                };
                self.alias_nodes += size;
                if self.alias_nodes > MAX_ALIAS_NODES {
                    return Err(format!(
                        "aliases expand to more than {MAX_ALIAS_NODES} values in this file; the spec does not need \
                         aliases that large (is this an alias bomb?)"
                    ));
                }
                let mut node = node.clone();
                node.loc = loc;
                self.finish(node, 0);
            }
            Event::MappingStart(anchor, _) | Event::SequenceStart(anchor, _) => {
                if self.open.len() >= MAX_DEPTH {
                    return Err(format!("mappings and lists nest deeper than {MAX_DEPTH} levels here"));
                }
                let is_map = matches!(event, Event::MappingStart(..));
                self.open.push(Open {
                    loc,
                    anchor: *anchor,
                    items: Vec::new(),
                    entries: Vec::new(),
                    is_map,
                    pending_key: None,
                    keys: HashSet::new(),
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                if let Some(open) = self.open.pop() {
                    let kind = if open.is_map { Kind::Map(open.entries) } else { Kind::Seq(open.items) };
                    self.finish(Node { loc: open.loc, kind }, open.anchor);
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// A node is complete: remember it under its anchor, and add it to its parent.
    fn finish(&mut self, node: Node, anchor: usize) {
        if anchor != 0 {
            let size = node.count();
            self.anchors.insert(anchor, (node.clone(), size));
        }
        let Some(parent) = self.open.last_mut() else {
            self.root = Some(node);
            return;
        };
        if !parent.is_map {
            parent.items.push(node);
            return;
        }
        match parent.pending_key.take() {
            None => parent.pending_key = Some(node),
            Some(key) => {
                let fresh = match &key.kind {
                    Kind::Scalar { text, .. } => parent.keys.insert(text.clone()),
                    _ => true,
                };
                if fresh {
                    parent.entries.push((key, node));
                }
            }
        }
    }
}

enum Shape {
    /// The scalar's text, and whether it is an empty plain scalar (null).
    Scalar(String, bool),
    Map,
    Seq,
}

fn node(doc: &mut ScannedDoc, stack: &mut Vec<Frame>, loc: Location, node: Shape, report: &mut dyn FnMut(Location, &str, String)) {
    let positions = &mut doc.positions;
    // Where this node sits: its path, and whether its position is still to be found.
    let (path, needs_position) = match stack.last_mut() {
        None => {
            doc.root = match &node {
                Shape::Scalar(_, true) => Root::Empty,
                Shape::Scalar(..) => Root::Other("a single value"),
                Shape::Seq => Root::Other("a list"),
                Shape::Map => Root::Mapping(None),
            };
            positions.keys.insert(String::new(), loc);
            positions.start = loc;
            (String::new(), true)
        }
        Some(Frame::ComplexKey { depth }) => {
            if !matches!(node, Shape::Scalar(..)) {
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
            let Shape::Scalar(key, _) = node else {
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
            if !matches!(node, Shape::Scalar(..)) {
                // The key stays pending until the container ends, so a syntax error inside it
                // still names the key.
                *pending = Some(key.clone());
            }
            (join(path, &key), false)
        }
    };
    match node {
        Shape::Scalar(..) => {}
        Shape::Map => stack.push(Frame::Map { path, pending_key: None, keys: FxHashMap::default(), position_from_first_key: needs_position }),
        Shape::Seq => stack.push(Frame::Seq { path, next_index: 0, position_from_first_item: needs_position }),
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

