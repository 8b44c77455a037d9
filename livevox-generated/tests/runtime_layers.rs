//! The runtime's layers point one way: each module of `src/runtime` imports only from its own
//! layer or the layers below it (foundation < transport < authorization < policy < client), and
//! no two modules import each other, directly or round a loop. This test reads the `super::` and
//! `crate::runtime::` paths of every runtime module (its tests left out) and fails on an upward
//! arrow, a cycle, or a module missing from the table below.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each runtime module's layer; `auth` stands for `auth/` and everything in it.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "foundation",
        &[
            "binary", "deadline", "describe", "error", "error_body", "error_json", "headers", "json_path", "model_de", "patch", "ratelimit", "redis_store", "request", "response", "retry",
            "rfc3339", "secret", "server_limit", "session", "store", "time", "union", "wire",
        ],
    ),
    ("transport", &["transport"]),
    ("authorization", &["auth"]),
    ("policy", &["policy"]),
    ("client", &["builder", "client", "emitted", "page_link", "paginate", "pending", "shared", "with_meta"]),
];

/// A runtime module, as a path below `runtime` (`["auth", "replay"]`).
type ModPath = Vec<String>;

struct Runtime {
    /// Every module and its source, tests cut off.
    modules: BTreeMap<ModPath, String>,
    /// Items `runtime/mod.rs` re-exports, by name: the module that defines them.
    reexports: BTreeMap<String, ModPath>,
}

fn runtime_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src/runtime")
}

fn read_modules(dir: &Path, prefix: &[String], out: &mut BTreeMap<ModPath, String>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).expect("the runtime folder").map(|e| e.expect("an entry").path()).collect();
    entries.sort();
    for path in entries {
        let name = path.file_stem().and_then(|s| s.to_str()).expect("a UTF-8 name").to_owned();
        if path.is_dir() {
            let mut p = prefix.to_vec();
            p.push(name);
            read_modules(&path, &p, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let mut p = prefix.to_vec();
            if name != "mod" {
                p.push(name);
            }
            let text = std::fs::read_to_string(&path).expect("a readable module");
            out.insert(p, code_only(&text));
        }
    }
}

/// The source without its `#[cfg(test)]` module and without comments (doc links name other
/// modules without importing them).
fn code_only(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        if line.trim_start().starts_with("#[cfg(test)]") {
            break;
        }
        let code = match line.find("//") {
            Some(i) if !line[..i].contains('"') => &line[..i],
            _ => line,
        };
        out.push_str(code);
        out.push('\n');
    }
    out
}

impl Runtime {
    fn load(dir: &Path) -> Runtime {
        let mut modules = BTreeMap::new();
        read_modules(dir, &[], &mut modules);
        Runtime::from_modules(modules)
    }

    fn from_modules(modules: BTreeMap<ModPath, String>) -> Runtime {
        let root = modules.get(&Vec::new()).cloned().unwrap_or_default();
        let mut reexports = BTreeMap::new();
        for stmt in root.split(';').map(str::trim) {
            let stmt = stmt.rsplit(']').next().unwrap_or(stmt).trim();
            let Some(path) = stmt.strip_prefix("pub use ") else { continue };
            for (module, item) in flatten_use(path) {
                let module: ModPath = module.into_iter().collect();
                if !modules.contains_key(&module) {
                    continue;
                }
                if item == "*" {
                    for name in public_items(&modules[&module]) {
                        reexports.entry(name).or_insert_with(|| module.clone());
                    }
                } else {
                    reexports.insert(item, module);
                }
            }
        }
        Runtime { modules, reexports }
    }

    /// The module a path used in `from` points into: `super::x::y` or `crate::runtime::x`.
    fn resolve(&self, from: &ModPath, base: ModPath, segments: &[String]) -> Result<ModPath, String> {
        let _ = from;
        let mut at = base;
        for (i, seg) in segments.iter().enumerate() {
            let mut next = at.clone();
            next.push(seg.clone());
            if self.modules.contains_key(&next) {
                at = next;
                continue;
            }
            if seg == "self" {
                return Ok(at);
            }
            if at.is_empty() {
                return match self.reexports.get(seg) {
                    Some(module) => Ok(module.clone()),
                    None if seg == "*" => Err("imports `*` from the runtime root; import by name".into()),
                    None => Err(format!("uses `{}`, which is neither a runtime module nor re-exported by it", segments[..=i].join("::"))),
                };
            }
            return Ok(at);
        }
        Ok(at)
    }

    /// Every module each module imports: `(from, to)`, both as written paths.
    fn edges(&self) -> Result<BTreeSet<(ModPath, ModPath)>, Vec<String>> {
        let mut edges = BTreeSet::new();
        let mut errors = Vec::new();
        for (module, code) in &self.modules {
            if module.is_empty() {
                continue; // the root only declares and re-exports
            }
            for (base, segments) in paths(module, code) {
                match self.resolve(module, base, &segments) {
                    Ok(target) if target != *module && !target.is_empty() => {
                        edges.insert((module.clone(), target));
                    }
                    Ok(_) => {}
                    Err(e) => errors.push(format!("runtime::{}: {e}", module.join("::"))),
                }
            }
        }
        if errors.is_empty() {
            Ok(edges)
        } else {
            Err(errors)
        }
    }
}

/// The public items a module defines, for its `pub use module::*` re-export.
fn public_items(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in code.lines() {
        let line = line.trim_start();
        for kw in ["pub struct ", "pub enum ", "pub trait ", "pub type ", "pub const ", "pub fn ", "pub static "] {
            if let Some(rest) = line.strip_prefix(kw) {
                let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                out.push(name);
            }
        }
    }
    out
}

/// `a::{b, c::{d, e}}` as `([a], b)`, `([a, c], d)`, `([a, c], e)`; the last part is the item.
fn flatten_use(path: &str) -> Vec<(Vec<String>, String)> {
    let path: String = path.chars().filter(|c| !c.is_whitespace()).collect();
    let mut out = Vec::new();
    flatten_into(&path, &mut Vec::new(), &mut out);
    out
}

fn flatten_into(path: &str, prefix: &mut Vec<String>, out: &mut Vec<(Vec<String>, String)>) {
    if let Some(open) = path.find('{') {
        let head: Vec<String> = path[..open].split("::").filter(|s| !s.is_empty()).map(str::to_owned).collect();
        let inner = &path[open + 1..path.rfind('}').unwrap_or(path.len())];
        let depth = prefix.len();
        prefix.extend(head);
        for part in split_top(inner) {
            flatten_into(part, prefix, out);
        }
        prefix.truncate(depth);
        return;
    }
    let mut parts: Vec<String> = path.split("::").filter(|s| !s.is_empty()).map(str::to_owned).collect();
    if let Some(item) = parts.pop() {
        let item = item.split("as").next().unwrap_or(&item).to_owned();
        let mut module = prefix.clone();
        module.extend(parts);
        out.push((module, item));
    }
}

/// Splits on the commas that are not inside braces.
fn split_top(s: &str) -> Vec<&str> {
    let (mut out, mut depth, mut start) = (Vec::new(), 0, 0);
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out.into_iter().filter(|p| !p.is_empty()).collect()
}

/// Every path into the runtime in `code` (of module `module`): the module it starts from and its
/// segments, one per imported name for a `{..}` group.
fn paths(module: &ModPath, code: &str) -> Vec<(ModPath, Vec<String>)> {
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    let mut i = 0;
    while i < code.len() {
        let rest = &code[i..];
        let starts_word = i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_' || bytes[i - 1] == b':');
        let (base, len) = if starts_word && rest.starts_with("crate::runtime::") {
            (Vec::new(), "crate::runtime::".len())
        } else if starts_word && rest.starts_with("super::") {
            // `super` is the parent of the file's module (`mod.rs` files are their folder).
            let mut base = module.clone();
            let mut len = 0;
            while code[i + len..].starts_with("super::") {
                base.pop();
                len += "super::".len();
            }
            (base, len)
        } else {
            i += rest.chars().next().map_or(1, char::len_utf8);
            continue;
        };
        let tail = &code[i + len..];
        let end = path_end(tail);
        for (segments, item) in flatten_use(&tail[..end]) {
            let mut all = segments;
            all.push(item);
            out.push((base.clone(), all));
        }
        i += len + end.max(1);
    }
    out
}

/// Where a path (with any `{..}` groups) ends.
fn path_end(s: &str) -> usize {
    let mut depth = 0;
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            c if depth == 0 && !(c.is_alphanumeric() || c == '_' || c == ':' || c == '*') => return i,
            _ => {}
        }
    }
    s.len()
}

/// The top-level module a module belongs to (`auth::replay` → `auth`).
fn unit(module: &ModPath) -> &str {
    module.first().map_or("", String::as_str)
}

fn layer_of(module: &ModPath) -> Option<usize> {
    LAYERS.iter().position(|(_, members)| members.contains(&unit(module)))
}

/// Every problem with the runtime's arrows: unknown modules, upward arrows and cycles.
fn problems(runtime: &Runtime) -> Vec<String> {
    let edges = match runtime.edges() {
        Ok(edges) => edges,
        Err(errors) => return errors,
    };
    let mut out = Vec::new();
    for module in runtime.modules.keys().filter(|m| !m.is_empty()) {
        if layer_of(module).is_none() {
            out.push(format!("runtime::{} is in no layer: add it to LAYERS in this test", module.join("::")));
        }
    }
    for (from, to) in &edges {
        if let (Some(a), Some(b)) = (layer_of(from), layer_of(to)) {
            if b > a {
                out.push(format!(
                    "runtime::{} ({}) imports runtime::{} ({}): an arrow up the layers",
                    from.join("::"),
                    LAYERS[a].0,
                    to.join("::"),
                    LAYERS[b].0
                ));
            }
        }
    }
    // Cycles between top-level modules, and between the modules inside one folder.
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, to) in &edges {
        let (a, b) = if unit(from) != unit(to) { (unit(from).to_owned(), unit(to).to_owned()) } else { (from.join("::"), to.join("::")) };
        if a != b {
            graph.entry(a).or_default().insert(b);
        }
    }
    if let Some(cycle) = find_cycle(&graph) {
        out.push(format!("an import cycle: {}", cycle.join(" -> ")));
    }
    out
}

fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(node: &str, graph: &BTreeMap<String, BTreeSet<String>>, stack: &mut Vec<String>, done: &mut BTreeSet<String>) -> Option<Vec<String>> {
        if let Some(at) = stack.iter().position(|n| n == node) {
            let mut cycle = stack[at..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        stack.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, stack, done) {
                return Some(cycle);
            }
        }
        stack.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph.keys().find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

#[test]
fn runtime_arrows_point_down_and_never_round_a_loop() {
    let runtime = Runtime::load(&runtime_dir());
    let problems = problems(&runtime);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_reader_sees_the_arrows_the_layers_are_built_from() {
    // Not vacuous: the arrows that make the layers are found, through `super::`,
    // `super::super::`, groups and re-exports alike.
    let edges = Runtime::load(&runtime_dir()).edges().expect("every path resolves");
    let has = |from: &str, to: &str| {
        let split = |s: &str| s.split("::").map(str::to_owned).collect::<ModPath>();
        edges.contains(&(split(from), split(to)))
    };
    for (from, to) in [
        ("client", "policy"),
        ("client", "auth"),
        ("client", "transport"),
        ("policy", "ratelimit"),
        ("policy", "retry"),
        ("auth::replay", "transport"),
        ("auth::livevox", "auth::replay"),
        ("auth::oauth2", "transport"),
        ("transport", "error"),
        ("builder", "auth::given"),
        ("request", "wire"),
    ] {
        assert!(has(from, to), "{from} -> {to} not found in {edges:?}");
    }
}

#[test]
fn an_upward_arrow_and_a_cycle_are_reported() {
    let module = |path: &str, code: &str| {
        let path: ModPath = if path.is_empty() { Vec::new() } else { path.split("::").map(str::to_owned).collect() };
        (path, code_only(code))
    };
    let runtime = Runtime::from_modules(BTreeMap::from([
        module("", "mod client;\nmod transport;\nmod error;\npub use client::Client;\npub use error::{Error, MAX};\n"),
        module("client", "use super::transport::send;\npub struct Client;\n"),
        // The transport reaching up to the client, through a re-export, in a group.
        module("transport", "use super::{Client, Error};\npub fn send() {}\n#[cfg(test)]\nmod tests { use super::super::client::Client; }\n"),
        module("error", "//! Errors; see super::client::Client.\npub struct Error;\n"),
    ]));
    let problems = problems(&runtime);
    assert!(problems.iter().any(|p| p.contains("runtime::transport (transport) imports runtime::client (client)")), "{problems:?}");
    assert!(problems.iter().any(|p| p.contains("cycle") && p.contains("client") && p.contains("transport")), "{problems:?}");
    assert!(!problems.iter().any(|p| p.contains("runtime::error ")), "comments and tests are not imports: {problems:?}");

    let unknown = Runtime::from_modules(BTreeMap::from([module("", "mod fresh;\n"), module("fresh", "use super::Nothing;\n")]));
    let problems = self::problems(&unknown);
    assert!(problems.iter().any(|p| p.contains("`Nothing`")), "{problems:?}");
}
