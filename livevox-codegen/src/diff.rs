//! Spec diff: compares two lowered specs item by item and says what each change means for a
//! crate that depends on the generated client: breaking, additive, wire only or documentation
//! only, and the semver bump the whole calls for.
//!
//! The verdicts follow the Rust API the emitters produce, not the JSON on the wire, because that
//! is what decides whether a downstream crate still compiles:
//! - required path and query parameters, and required inline body fields, are positional
//!   arguments of the operation method; optional ones are setters taking `impl Into<T>`, so a
//!   parameter whose type widens (`int32` to `int64`) still accepts every old call;
//! - models are `#[non_exhaustive]` structs with public fields and a `new(required...)`
//!   constructor, so adding an optional field is additive but adding a required one changes
//!   `new`, and any change of a field's type changes a public field;
//! - enums are `#[non_exhaustive]` with an `Unknown` catch-all, so a new value is additive.
//!
//! A change the Rust API does not see but the server does (another path, method, rate limit,
//! default page size) is "wire only": it compiles as before, and a maintainer should still read it.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt::Write as _;

use crate::ir::{Api, Auth, Body, Category, Enum, Field, Ir, Model, Operation, Param, TimeFormat, Type};
use crate::types::Prim;

/// What a change means for a downstream crate, from least to most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Impact {
    /// Only rustdoc changes.
    Documentation,
    /// The Rust API is unchanged; what goes over the wire (or how the client behaves) differs.
    Wire,
    /// New items or values; every crate that compiled before still compiles.
    Additive,
    /// Some crate that compiled before no longer does.
    Breaking,
}

impl Impact {
    pub fn label(self) -> &'static str {
        match self {
            Impact::Documentation => "documentation only",
            Impact::Wire => "wire only",
            Impact::Additive => "additive",
            Impact::Breaking => "breaking",
        }
    }
}

/// The semver bump a set of changes calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    None,
    Patch,
    Minor,
    Major,
}

impl Bump {
    /// The next version after `current` (`major.minor.patch`), by Cargo's rules: below 1.0 a
    /// breaking change bumps the minor number and anything else the patch number.
    pub fn apply(self, (major, minor, patch): (u64, u64, u64)) -> (u64, u64, u64) {
        match (self, major) {
            (Bump::None, _) => (major, minor, patch),
            (Bump::Major, 0) => (0, minor + 1, 0),
            (Bump::Minor | Bump::Patch, 0) => (0, minor, patch + 1),
            (Bump::Major, _) => (major + 1, 0, 0),
            (Bump::Minor, _) => (major, minor + 1, 0),
            (Bump::Patch, _) => (major, minor, patch + 1),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }
}

/// One change between the two specs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub impact: Impact,
    /// What changed, e.g. `operation compliance.list_dnc` or `field compliance::DncEntry.phone`.
    pub item: String,
    /// What happened and what it means downstream.
    pub message: String,
}

/// Every change between two specs, in a stable order (by item, then message).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpecDiff {
    pub changes: Vec<Change>,
}

impl SpecDiff {
    /// The most severe impact, `None` when the specs are equivalent.
    pub fn impact(&self) -> Option<Impact> {
        self.changes.iter().map(|c| c.impact).max()
    }

    pub fn bump(&self) -> Bump {
        match self.impact() {
            None => Bump::None,
            Some(Impact::Breaking) => Bump::Major,
            Some(Impact::Additive) => Bump::Minor,
            Some(Impact::Wire | Impact::Documentation) => Bump::Patch,
        }
    }

    /// The report `cargo xtask spec-diff` prints: one line per change, grouped by impact, then
    /// the verdict (and the next version when the current one is known).
    pub fn render(&self, current_version: Option<(u64, u64, u64)>) -> String {
        let mut out = String::new();
        if self.changes.is_empty() {
            out.push_str("no changes to the generated API\n");
        }
        for impact in [Impact::Breaking, Impact::Additive, Impact::Wire, Impact::Documentation] {
            let group: Vec<&Change> = self.changes.iter().filter(|c| c.impact == impact).collect();
            if group.is_empty() {
                continue;
            }
            let _ = writeln!(out, "{} ({}):", impact.label(), group.len());
            for c in group {
                let _ = writeln!(out, "  {}: {}", c.item, c.message);
            }
        }
        let bump = self.bump();
        let _ = write!(out, "verdict: {}; semver bump: {}", self.impact().map_or("no change", Impact::label), bump.label());
        if let Some(v) = current_version {
            let (a, b, c) = bump.apply(v);
            let _ = write!(out, " ({}.{}.{} -> {a}.{b}.{c})", v.0, v.1, v.2);
        }
        out.push('\n');
        out
    }

    fn push(&mut self, impact: Impact, item: impl Into<String>, message: impl Into<String>) {
        self.changes.push(Change { impact, item: item.into(), message: message.into() });
    }
}

/// Compares two lowered specs.
pub fn diff(old: &Ir, new: &Ir) -> SpecDiff {
    let mut d = SpecDiff::default();
    let (old_apis, new_apis) = (by_key(&old.apis, |a| a.module.clone()), by_key(&new.apis, |a| a.module.clone()));
    for (module, a) in &old_apis {
        match new_apis.get(module) {
            None => d.push(Impact::Breaking, format!("api {module}"), "API removed: its module and client type are gone"),
            Some(b) => diff_api(&mut d, a, b),
        }
    }
    for module in new_apis.keys().filter(|m| !old_apis.contains_key(*m)) {
        d.push(Impact::Additive, format!("api {module}"), "API added");
    }
    for (module, a) in &old_apis {
        if let Some(b) = new_apis.get(module) {
            diff_categories(&mut d, a, b);
        }
    }
    d.changes.sort_by(|x, y| (&x.item, &x.message).cmp(&(&y.item, &y.message)));
    d
}

fn by_key<T, K: Ord>(items: &[T], key: impl Fn(&T) -> K) -> BTreeMap<K, &T> {
    items.iter().map(|t| (key(t), t)).collect()
}

fn doc_change(d: &mut SpecDiff, item: &str, what: &str, a: &Option<String>, b: &Option<String>) {
    if a != b {
        d.push(Impact::Documentation, item, format!("{what} changed"));
    }
}

fn auth_kind(a: &Auth) -> &'static str {
    match a {
        Auth::None => "NONE",
        Auth::LiveVox { .. } => "LIVEVOX",
        Auth::Basic => "BASIC",
        Auth::Bearer { .. } => "BEARER",
        Auth::OAuth1 => "OAUTH",
        Auth::OAuth2 { .. } => "OAUTH2",
    }
}

fn diff_api(d: &mut SpecDiff, a: &Api, b: &Api) {
    let item = format!("api {}", a.module);
    doc_change(d, &item, "description", &a.description, &b.description);
    if auth_kind(&a.auth) != auth_kind(&b.auth) {
        d.push(
            Impact::Breaking,
            &item,
            format!(
                "authorization changed from {} to {}: code that sets the old credentials still compiles, but `build()` refuses them (a break at run time)",
                auth_kind(&a.auth),
                auth_kind(&b.auth)
            ),
        );
    } else if a.auth != b.auth {
        d.push(Impact::Wire, &item, format!("{} authorization details changed (header, token URL, scopes or login)", auth_kind(&b.auth)));
    }
    let (ea, eb) = (by_key(&a.environments, |e| e.rust_name.clone()), by_key(&b.environments, |e| e.rust_name.clone()));
    for (name, e) in &ea {
        match eb.get(name) {
            None => d.push(Impact::Breaking, &item, format!("environment `{name}` removed")),
            Some(f) if f.base_url != e.base_url => {
                d.push(Impact::Wire, &item, format!("environment `{name}` moved from {} to {}", e.base_url, f.base_url))
            }
            Some(_) => {}
        }
    }
    for name in eb.keys().filter(|n| !ea.contains_key(*n)) {
        d.push(Impact::Additive, &item, format!("environment `{name}` added"));
    }
    let placeholders = |api: &Api| api.headers.iter().flat_map(|h| h.placeholders.iter().cloned()).collect::<BTreeSet<_>>();
    let (pa, pb) = (placeholders(a), placeholders(b));
    for p in pa.symmetric_difference(&pb) {
        let verb = if pb.contains(p) { "added" } else { "removed" };
        d.push(Impact::Breaking, &item, format!("header placeholder `${{{p}}}` {verb}: `Client::builder` takes different arguments"));
    }
    let headers = |api: &Api| api.headers.iter().map(|h| (h.name.clone(), h.value.clone())).collect::<BTreeMap<_, _>>();
    if headers(a) != headers(b) && pa == pb {
        d.push(Impact::Wire, &item, "headers sent with every request changed");
    }
    if a.service != b.service {
        d.push(Impact::Wire, &item, format!("service id changed from {:?} to {:?}", a.service, b.service));
    }
    if a.errors != b.errors {
        d.push(Impact::Wire, &item, "error body format changed");
    }
}

/// What a model is to its API's operations, from the direction lowering worked out
/// (`Model::direction`, counting models reached through fields, lists and maps).
fn role(m: &Model) -> &'static str {
    match (m.direction.request, m.direction.response) {
        (true, true) => "a request and response model",
        (true, false) => "a request model",
        (false, true) => "a response model",
        (false, false) => "a model no operation uses",
    }
}

fn diff_categories(d: &mut SpecDiff, a: &Api, b: &Api) {
    let (ca, cb) = (by_key(&a.categories, |c| c.module.clone()), by_key(&b.categories, |c| c.module.clone()));
    for (module, c) in &ca {
        match cb.get(module) {
            None => d.push(
                Impact::Breaking,
                format!("category {module}"),
                format!("category removed: module `{}::{module}` and cargo feature `{module}` are gone", a.module),
            ),
            Some(n) => diff_category(d, c, n),
        }
    }
    for module in cb.keys().filter(|m| !ca.contains_key(*m)) {
        d.push(Impact::Additive, format!("category {module}"), format!("category added, with cargo feature `{module}`"));
    }
}

fn diff_category(d: &mut SpecDiff, a: &Category, b: &Category) {
    doc_change(d, &format!("category {}", a.module), "description", &a.description, &b.description);
    diff_operations(d, a, b);
    // Inline body models are compared with their operation, as arguments and setters.
    let named = |c: &Category| c.models.iter().filter(|m| m.body_of.is_none()).cloned().collect::<Vec<_>>();
    diff_models(d, &a.module, &named(a), &named(b));
    diff_enums(d, &a.module, &a.enums, &b.enums);
}

fn diff_operations(d: &mut SpecDiff, a: &Category, b: &Category) {
    let (oa, ob) = (by_key(&a.operations, |o| o.wire_name.clone()), by_key(&b.operations, |o| o.wire_name.clone()));
    let mut added: BTreeSet<&String> = ob.keys().filter(|k| !oa.contains_key(*k)).collect();
    for (name, op) in &oa {
        if let Some(new) = ob.get(name) {
            diff_operation(d, a, op, b, new);
            continue;
        }
        // Same method and path under another name: a rename, which breaks every caller.
        let renamed = added.iter().copied().find(|k| ob[*k].method == op.method && ob[*k].path == op.path);
        match renamed {
            Some(k) => {
                added.remove(k);
                d.push(
                    Impact::Breaking,
                    format!("operation {}", op.id),
                    format!("renamed to `{}` (same {} {}): calls of `{}()` no longer compile", ob[k].id, op.method.as_str(), op.path, op.fn_name),
                );
            }
            None => d.push(Impact::Breaking, format!("operation {}", op.id), format!("operation removed: `{}()` is gone", op.fn_name)),
        }
    }
    for k in added {
        let op = ob[k];
        d.push(Impact::Additive, format!("operation {}", op.id), format!("operation added: `{}()` ({} {})", op.fn_name, op.method.as_str(), op.path));
    }
}

fn diff_operation(d: &mut SpecDiff, ca: &Category, a: &Operation, cb: &Category, b: &Operation) {
    let item = format!("operation {}", a.id);
    if a.fn_name != b.fn_name || a.request_type != b.request_type {
        d.push(Impact::Breaking, &item, format!("Rust names changed from `{}()`/`{}` to `{}()`/`{}`", a.fn_name, a.request_type, b.fn_name, b.request_type));
    }
    if a.method != b.method || a.path != b.path {
        d.push(Impact::Wire, &item, format!("now sends {} {} (was {} {})", b.method.as_str(), b.path, a.method.as_str(), a.path));
    }
    if a.summary != b.summary || a.description != b.description || a.notes != b.notes {
        d.push(Impact::Documentation, &item, "summary, description or notes changed");
    }
    match (&a.deprecated, &b.deprecated) {
        (None, Some(_)) => d.push(Impact::Additive, &item, "deprecated: callers get a warning"),
        (Some(_), None) => d.push(Impact::Additive, &item, "no longer deprecated"),
        _ => {}
    }
    if a.rate_limit != b.rate_limit {
        d.push(Impact::Wire, &item, format!("rate limit changed from {} to {}", rate(a), rate(b)));
    }
    if a.idempotent != b.idempotent {
        let retried = if b.idempotent { "now retried on transient failures" } else { "no longer retried" };
        d.push(Impact::Wire, &item, format!("idempotency changed: {retried}"));
    }
    if a.agent_allowed != b.agent_allowed || a.auth != b.auth {
        d.push(Impact::Wire, &item, "who may call it changed (agent sessions or authorization)");
    }
    diff_params(d, &item, a, b);
    diff_body(d, &item, ca, a, cb, b);
    diff_response(d, &item, a, b);
    match (&a.pagination, &b.pagination) {
        (None, Some(_)) => d.push(Impact::Additive, &item, "now paginated: `pages()` and `items()` added"),
        (Some(_), None) => d.push(Impact::Breaking, &item, "no longer paginated: `pages()` and `items()` are gone"),
        (Some(p), Some(q)) if p != q => d.push(Impact::Wire, &item, "pagination details changed (style, items field, end rule or page-size cap)"),
        _ => {}
    }
}

fn rate(op: &Operation) -> String {
    op.rate_limit.map_or_else(|| "none".to_string(), |r| format!("{} per {} s", r.calls, r.per_seconds))
}

/// A parameter is a positional argument of the operation method when lowering says so
/// (`Param::positional`, which emit reads too); every other one is a setter.
fn positional(p: &Param) -> bool {
    p.positional
}

fn diff_params(d: &mut SpecDiff, op_item: &str, a: &Operation, b: &Operation) {
    let params = |op: &'_ Operation| op.params().map(|p| (p.wire_name.clone(), p.clone())).collect::<BTreeMap<String, Param>>();
    let (pa, pb) = (params(a), params(b));
    let item = |name: &str| format!("{op_item} parameter {name}");
    for (name, p) in &pa {
        let Some(q) = pb.get(name) else {
            let what = if positional(p) { "argument" } else { "setter" };
            d.push(Impact::Breaking, item(name), format!("parameter removed: the `{}` {what} is gone", p.rust_name));
            continue;
        };
        compare_input(d, &item(name), (positional(p), &p.rust_name, &p.setter, &p.ty), (positional(q), &q.rust_name, &q.setter, &q.ty));
        if p.required != q.required && positional(p) == positional(q) {
            d.push(Impact::Wire, item(name), format!("now {} on the wire", if q.required { "required" } else { "optional" }));
        }
        if p.default != q.default {
            d.push(Impact::Wire, item(name), "default value changed");
        }
        time_change(d, &item(name), p.time_format, q.time_format, &q.ty);
        doc_change(d, &item(name), "description", &p.description, &q.description);
        if p.deprecated.is_some() != q.deprecated.is_some() {
            d.push(Impact::Additive, item(name), if q.deprecated.is_some() { "deprecated" } else { "no longer deprecated" });
        }
    }
    for (name, q) in pb.iter().filter(|(k, _)| !pa.contains_key(*k)) {
        if positional(q) {
            d.push(Impact::Breaking, item(name), format!("required parameter added: `{}()` takes a new argument `{}`", b.fn_name, q.rust_name));
        } else {
            d.push(Impact::Additive, item(name), format!("optional parameter added: new setter `{}`", q.setter));
        }
    }
}

/// Compares an input of an operation (a parameter or an inline body field): positional or
/// setter, its names, and its type as `impl Into<T>` sees it.
fn compare_input(d: &mut SpecDiff, item: &str, a: (bool, &str, &str, &Type), b: (bool, &str, &str, &Type)) {
    let (a_pos, a_name, a_setter, a_ty) = a;
    let (b_pos, b_name, b_setter, b_ty) = b;
    if a_pos != b_pos {
        let how = if b_pos { "a positional argument instead of a setter" } else { "a setter instead of a positional argument" };
        d.push(Impact::Breaking, item, format!("now {how}"));
    } else if a_name != b_name || (!a_pos && a_setter != b_setter) {
        d.push(Impact::Breaking, item, format!("Rust name changed from `{a_name}` to `{b_name}`"));
    }
    if a_ty != b_ty {
        if widens(a_ty, b_ty) {
            d.push(Impact::Additive, item, format!("type widened from {} to {}: every old value still converts", a_ty.spec_name(), b_ty.spec_name()));
        } else {
            d.push(Impact::Breaking, item, format!("type changed from {} to {}", a_ty.spec_name(), b_ty.spec_name()));
        }
    }
}

/// Whether every value of Rust type `a` converts into `b` through `Into` (what inputs take).
fn widens(a: &Type, b: &Type) -> bool {
    matches!(
        (a, b),
        (Type::Prim(Prim::Int32), Type::Prim(Prim::Int64 | Prim::Float64)) | (Type::Prim(Prim::String), Type::Secret)
    )
}

fn inline_model<'a>(c: &'a Category, op: &Operation) -> Option<&'a Model> {
    match &op.body {
        Some(Body::Model { ty, inline: true, .. }) => c.models.iter().find(|m| m.rust_name == ty.rust_name),
        _ => None,
    }
}

fn body_shape(op: &Operation) -> String {
    match &op.body {
        None => "no body".to_string(),
        Some(Body::Empty) => "an empty `{}` body".to_string(),
        Some(Body::Model { inline: true, .. }) => "inline body fields".to_string(),
        Some(Body::Model { ty, required, .. }) => format!("{} body `{}`", if *required { "a required" } else { "an optional" }, ty.wire_name),
    }
}

fn diff_body(d: &mut SpecDiff, op_item: &str, ca: &Category, a: &Operation, cb: &Category, b: &Operation) {
    let (ma, mb) = (inline_model(ca, a), inline_model(cb, b));
    let empty = Vec::new();
    let fields = |m: Option<&Model>| m.map_or(&empty, |m| &m.fields).iter().map(|f| (f.wire_name.clone(), f.clone())).collect::<BTreeMap<_, _>>();
    if ma.is_some() || mb.is_some() {
        if (ma.is_none() && a.body.is_some()) || (mb.is_none() && b.body.is_some()) {
            d.push(Impact::Breaking, op_item, format!("body changed from {} to {}", body_shape(a), body_shape(b)));
            return;
        }
        let (fa, fb) = (fields(ma), fields(mb));
        let item = |name: &str| format!("{op_item} body field {name}");
        for (name, f) in &fa {
            match fb.get(name) {
                None => d.push(Impact::Breaking, item(name), format!("body field removed: the `{}` {} is gone", f.rust_name, if f.required { "argument" } else { "setter" })),
                Some(g) => {
                    compare_input(d, &item(name), (f.required, &f.rust_name, &f.setter, &f.ty), (g.required, &g.rust_name, &g.setter, &g.ty));
                    doc_change(d, &item(name), "description", &f.description, &g.description);
                }
            }
        }
        for (name, g) in fb.iter().filter(|(k, _)| !fa.contains_key(*k)) {
            if g.required {
                d.push(Impact::Breaking, item(name), format!("required body field added: `{}()` takes a new argument `{}`", b.fn_name, g.rust_name));
            } else {
                d.push(Impact::Additive, item(name), format!("optional body field added: new setter `{}`", g.setter));
            }
        }
        return;
    }
    if a.body != b.body {
        let impact = match (&a.body, &b.body) {
            (None, Some(Body::Empty)) | (Some(Body::Empty), None) => Impact::Wire,
            (None | Some(Body::Empty), Some(Body::Model { required: false, .. })) => Impact::Additive,
            (Some(Body::Model { ty: x, required: rx, .. }), Some(Body::Model { ty: y, required: ry, .. })) if x == y && rx == ry => Impact::Documentation,
            _ => Impact::Breaking,
        };
        d.push(impact, op_item, format!("body changed from {} to {}", body_shape(a), body_shape(b)));
    }
}

fn diff_response(d: &mut SpecDiff, item: &str, a: &Operation, b: &Operation) {
    let (ra, rb) = (&a.response, &b.response);
    if ra.format != rb.format || ra.ty != rb.ty {
        let show = |r: &crate::ir::Response| r.ty.as_ref().map_or_else(|| format!("{:?}", r.format).to_lowercase(), Type::spec_name);
        d.push(Impact::Breaking, item, format!("response changed from {} to {}: `.await` returns another type", show(ra), show(rb)));
    }
    if ra.status != rb.status || ra.content_type != rb.content_type {
        d.push(Impact::Wire, item, "success status or media type changed");
    }
    doc_change(d, item, "response description", &ra.description, &rb.description);
}

fn diff_models(d: &mut SpecDiff, module: &str, a: &[Model], b: &[Model]) {
    let (ma, mb) = (by_key(a, |m| m.wire_name.clone()), by_key(b, |m| m.wire_name.clone()));
    let mut added: BTreeSet<&String> = mb.keys().filter(|k| !ma.contains_key(*k)).collect();
    for (name, m) in &ma {
        let item = format!("model {module}::{}", m.rust_name);
        if let Some(n) = mb.get(name) {
            diff_model(d, &item, module, m, n);
            continue;
        }
        let renamed = added.iter().copied().find(|k| same_fields(&mb[*k].fields, &m.fields));
        match renamed {
            Some(k) => {
                added.remove(k);
                d.push(Impact::Breaking, item, format!("renamed to `{}` (same fields): the old type name is gone", mb[k].rust_name));
            }
            None => d.push(Impact::Breaking, item, "model removed"),
        }
    }
    for k in added {
        d.push(Impact::Additive, format!("model {module}::{}", mb[k].rust_name), "model added");
    }
}

fn same_fields(a: &[Field], b: &[Field]) -> bool {
    let key = |f: &Field| (f.wire_name.clone(), f.rust_name.clone(), f.ty.clone(), f.required);
    a.len() == b.len() && a.iter().map(key).collect::<HashSet<_>>() == b.iter().map(key).collect::<HashSet<_>>()
}

fn diff_model(d: &mut SpecDiff, item: &str, module: &str, a: &Model, b: &Model) {
    if a.rust_name != b.rust_name {
        d.push(Impact::Breaking, item, format!("Rust name changed to `{}`", b.rust_name));
    }
    doc_change(d, item, "description", &a.description, &b.description);
    diff_derives(d, item, a, b);
    let role = role(b);
    let (fa, fb) = (by_key(&a.fields, |f| f.wire_name.clone()), by_key(&b.fields, |f| f.wire_name.clone()));
    let field_item = |f: &Field| format!("field {module}::{}.{}", b.rust_name, f.rust_name);
    for (name, f) in &fa {
        let Some(g) = fb.get(name) else {
            d.push(Impact::Breaking, field_item(f), format!("field removed from {role}: the public field `{}` is gone", f.rust_name));
            continue;
        };
        let item = field_item(f);
        if f.rust_name != g.rust_name {
            d.push(Impact::Breaking, &item, format!("Rust name changed to `{}`", g.rust_name));
        }
        if f.required != g.required {
            let (from, to) = if g.required { ("Option<T>", "T") } else { ("T", "Option<T>") };
            let ctor = if g.required { "`new` takes it as a new argument" } else { "`new` no longer takes it" };
            d.push(Impact::Breaking, &item, format!("made {} in {role}: the field's type changes from {from} to {to} and {ctor}", if g.required { "required" } else { "optional" }));
        }
        if f.ty != g.ty || f.secret != g.secret {
            let note = if widens(&f.ty, &g.ty) { " (values still convert, but the public field's type changes)" } else { "" };
            d.push(Impact::Breaking, &item, format!("type changed from {} to {}{note}", f.ty.spec_name(), g.ty.spec_name()));
        }
        diff_nullable_and_time(d, &item, f, g);
        doc_change(d, &item, "description", &f.description, &g.description);
        if f.deprecated.is_some() != g.deprecated.is_some() {
            d.push(Impact::Additive, &item, if g.deprecated.is_some() { "deprecated" } else { "no longer deprecated" });
        }
    }
    for (_, g) in fb.iter().filter(|(k, _)| !fa.contains_key(*k)) {
        if g.required {
            d.push(Impact::Breaking, field_item(g), format!("required field added to {role}: `{}::new` takes a new argument", b.rust_name));
        } else {
            d.push(Impact::Additive, field_item(g), format!("optional field added to {role} (the struct is #[non_exhaustive])"));
        }
    }
}

/// A trait a model stops deriving breaks code that uses it; one it starts deriving adds to it.
/// Which traits follow from its fields and from which ways it travels (`Model::derives`).
fn diff_derives(d: &mut SpecDiff, item: &str, a: &Model, b: &Model) {
    let traits = |m: &Model| [("Eq", m.derives.eq), ("Default", m.derives.default), ("Serialize", m.derives.serialize), ("Deserialize", m.derives.deserialize)];
    for ((name, was), (_, is)) in traits(a).into_iter().zip(traits(b)) {
        match (was, is) {
            (true, false) => {
                let why = match name {
                    "Deserialize" => ": it is now only ever sent; mark it `readable: true` if callers read it from JSON",
                    "Serialize" => ": it is now only ever received",
                    _ => "",
                };
                d.push(Impact::Breaking, item, format!("no longer derives `{name}`{why}"));
            }
            (false, true) => d.push(Impact::Additive, item, format!("now derives `{name}`")),
            _ => {}
        }
    }
}

fn diff_enums(d: &mut SpecDiff, module: &str, a: &[Enum], b: &[Enum]) {
    let (ea, eb) = (by_key(a, |e| e.wire_name.clone()), by_key(b, |e| e.wire_name.clone()));
    for (name, e) in &ea {
        let item = format!("enum {module}::{}", e.rust_name);
        let Some(f) = eb.get(name) else {
            d.push(Impact::Breaking, item, "enum removed");
            continue;
        };
        if e.rust_name != f.rust_name || e.unknown_variant != f.unknown_variant {
            d.push(Impact::Breaking, &item, format!("Rust name changed to `{}` (catch-all `{}`)", f.rust_name, f.unknown_variant));
        }
        if e.repr != f.repr {
            d.push(Impact::Breaking, &item, format!("wire representation changed from {:?} to {:?}", e.repr, f.repr));
        }
        doc_change(d, &item, "description", &e.description, &f.description);
        let (va, vb) = (by_key(&e.variants, |v| v.wire.to_string()), by_key(&f.variants, |v| v.wire.to_string()));
        for (wire, v) in &va {
            match vb.get(wire) {
                None => d.push(Impact::Breaking, &item, format!("value {wire} removed: the variant `{}` is gone", v.rust_name)),
                Some(w) if w.rust_name != v.rust_name => {
                    d.push(Impact::Breaking, &item, format!("variant of {wire} renamed from `{}` to `{}`", v.rust_name, w.rust_name))
                }
                Some(w) => doc_change(d, &item, &format!("description of value {wire}"), &v.description, &w.description),
            }
        }
        for (wire, w) in vb.iter().filter(|(k, _)| !va.contains_key(*k)) {
            d.push(Impact::Additive, &item, format!("value {wire} added as `{}` (the enum is #[non_exhaustive])", w.rust_name));
        }
    }
    for (_, f) in eb.iter().filter(|(k, _)| !ea.contains_key(*k)) {
        d.push(Impact::Additive, format!("enum {module}::{}", f.rust_name), "enum added");
    }
}

/// A field that became (or stopped being) nullable, or whose times changed wire form. A sent
/// optional nullable field is a three-state `Patch<T>`, so turning one into the other changes
/// the public field's type; a received one is `Option<T>` either way, and only what the server
/// may send changes.
fn diff_nullable_and_time(d: &mut SpecDiff, item: &str, f: &Field, g: &Field) {
    if f.patch != g.patch {
        let (from, to) = if g.patch { ("Option<T>", "Patch<T>") } else { ("Patch<T>", "Option<T>") };
        d.push(Impact::Breaking, item, format!("made {}nullable in a sent model: the field's type changes from {from} to {to}", if g.patch { "" } else { "not " }));
    } else if f.nullable != g.nullable {
        d.push(Impact::Wire, item, if g.nullable { "now nullable: `null` reads as `None`" } else { "no longer nullable" });
    }
    time_change(d, item, f.time_format, g.time_format, &g.ty);
}

/// A field or parameter holding times whose wire form changed: the Rust type is the same.
fn time_change(d: &mut SpecDiff, item: &str, was: TimeFormat, now: TimeFormat, ty: &Type) {
    if was != now && ty.holds_time() {
        d.push(Impact::Wire, item, format!("times now go on the wire as {} (were {})", time_words(now), time_words(was)));
    }
}

fn time_words(format: TimeFormat) -> &'static str {
    match format {
        TimeFormat::EpochMillis => "epoch milliseconds",
        TimeFormat::Rfc3339 => "RFC 3339 text",
        TimeFormat::IsoDate => "ISO dates",
    }
}
