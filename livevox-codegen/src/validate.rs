//! The validate stage: every rule the spec must satisfy before it is lowered, checked across all
//! documents at once, each broken rule a `file:line:col: key.path: message` diagnostic.
//!
//! Validation collects every error instead of stopping at the first, so one run of the generator
//! shows a maintainer everything to fix. Names are checked with the rules of `naming` (the same
//! functions lower uses), so a collision is reported here, with positions, instead of surfacing
//! as a compile error in generated code. After validation, lower may assume that every type
//! resolves, every name is unique in its scope and every enumerated string is one it knows.

use std::collections::{BTreeMap, HashMap};

use indexmap::IndexMap;
use serde_json::Value as Json;

use crate::diagnostics::{did_you_mean, with_suggestion, Diagnostic, Diagnostics};
use crate::load::{Loaded, LoadedDoc};
use crate::naming;
use crate::ir::{AgentAction, AuthNeed, EnumRepr, Method, PageEnd, ResponseFormat};
use crate::spec::{
    ApiDoc, BodyDef, CategoryDoc, Deprecation, Document, EnumDef, ExampleDef, FieldDef, ModelDef, OperationDef, ParamDef, WireValue,
};
use crate::types::{Prim, TypeExpr};
use crate::vocab::{AuthKind, SignatureMethod, TypeText, Vocabulary, Word};

mod secret;
/// Methods the generated API `Client` has besides one accessor per category.
const API_CLIENT_METHODS: &[&str] = &["builder", "runtime"];
/// Modules of the client crate that sit next to the generated API modules.
const CRATE_MODULES: &[&str] = &["runtime", "generated"];

/// Checks the loaded spec; `Err` holds every problem found, sorted by file and position.
pub fn validate(loaded: &Loaded) -> Result<(), Diagnostics> {
    let mut v = Validator::default();
    v.run(loaded);
    if v.diags.is_empty() {
        return Ok(());
    }
    Err(v.diags.condense())
}

#[derive(Default)]
struct Validator {
    diags: Diagnostics,
}

/// Where another definition is, for messages that point at two places: `line 12` in the same
/// file, else `spec/other.yaml:12:3`.
fn place(from: &LoadedDoc, to: &LoadedDoc, path: &str) -> String {
    let l = to.positions.get(path);
    if from.file == to.file {
        format!("line {}", l.line)
    } else {
        format!("{}:{}:{}", to.file, l.line, l.col)
    }
}

fn quoted_list(items: &[&str]) -> String {
    items.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", ")
}

fn is_ident(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_') && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A name the naming rules can derive something from: it has a letter or a digit.
fn has_word(s: &str) -> bool {
    s.chars().any(|c| c.is_ascii_alphanumeric())
}

/// An HTTP header name: a non-empty RFC 9110 token.
fn is_header_name(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

fn describe_json(v: &Json) -> String {
    match v {
        Json::Null => "nothing (null)".into(),
        Json::Bool(b) => format!("`{b}`"),
        Json::Number(n) => format!("the number {n}"),
        Json::String(s) => format!("the string {}", Json::String(s.clone())),
        Json::Array(_) => "a list".into(),
        Json::Object(_) => "a mapping".into(),
    }
}

/// Names taken in one Rust scope, with what took them, for collision messages.
#[derive(Default)]
struct Namespace<'a> {
    taken: HashMap<String, Claim<'a>>,
}

struct Claim<'a> {
    what: String,
    at: Option<(&'a LoadedDoc, String)>,
}

impl<'a> Namespace<'a> {
    /// A name the generator itself uses in this scope.
    fn reserve(&mut self, name: &str, what: &str) {
        self.taken.insert(name.to_string(), Claim { what: what.to_string(), at: None });
    }

    /// Takes `rust` for `what`; when it is already taken, returns the first half of an error
    /// message (the caller adds how to fix it).
    fn claim(&mut self, doc: &'a LoadedDoc, path: &str, rust: &str, what: String) -> Option<String> {
        match self.taken.get(rust) {
            Some(Claim { what: other, at: Some((other_doc, other_path)) }) => {
                Some(format!("{what} becomes `{rust}` in Rust, as {other} ({}) does", place(doc, other_doc, other_path)))
            }
            Some(Claim { what: other, at: None }) => Some(format!("{what} becomes `{rust}` in Rust, which is {other}")),
            None => {
                self.taken.insert(rust.to_string(), Claim { what, at: Some((doc, path.to_string())) });
                None
            }
        }
    }
}

#[derive(Clone, Copy)]
enum Def<'a> {
    Model(&'a ModelDef),
    Enum(&'a EnumDef),
}

struct TypeEntry<'a> {
    def: Def<'a>,
    doc: &'a LoadedDoc,
    path: String,
}

/// The models and enums one API's type expressions may name: those of all its categories.
struct Types<'a> {
    api: Option<&'a str>,
    defs: BTreeMap<&'a str, TypeEntry<'a>>,
}

impl<'a> Types<'a> {
    fn model(&self, name: &str) -> Option<&'a ModelDef> {
        match self.defs.get(name).map(|e| e.def) {
            Some(Def::Model(m)) => Some(m),
            _ => None,
        }
    }

    fn enumeration(&self, name: &str) -> Option<&'a EnumDef> {
        match self.defs.get(name).map(|e| e.def) {
            Some(Def::Enum(e)) => Some(e),
            _ => None,
        }
    }

    /// A value that can go into a path or a query string: a primitive other than `json`, or an
    /// enum.
    fn is_scalar(&self, t: &TypeExpr) -> bool {
        match t {
            TypeExpr::Prim(p) => *p != Prim::Json,
            TypeExpr::Named(n) => self.enumeration(n).is_some(),
            TypeExpr::Array(_) | TypeExpr::Map(_) => false,
        }
    }

    /// The model a type expression names directly (not inside an array or map).
    fn direct_model(&self, t: &TypeExpr) -> Option<(&'a str, &'a ModelDef)> {
        match t {
            TypeExpr::Named(n) => self.defs.get_key_value(n.as_str()).and_then(|(k, e)| match e.def {
                Def::Model(m) => Some((*k, m)),
                Def::Enum(_) => None,
            }),
            _ => None,
        }
    }
}

/// The API a category belongs to, as far as its checks need it.
#[derive(Clone, Copy)]
struct ApiRef<'a> {
    doc: &'a LoadedDoc,
    api: &'a ApiDoc,
}

impl ApiRef<'_> {
    /// The authorization kind, when it is one validate knows.
    fn kind(&self) -> Option<AuthKind> {
        self.api.authorization.kind.known()
    }
}

impl Validator {
    fn err(&mut self, doc: &LoadedDoc, path: &str, message: impl Into<String>) {
        self.diags.push(Diagnostic {
            file: doc.file.clone(),
            location: doc.positions.get(path),
            path: path.to_string(),
            message: message.into(),
        });
    }

    /// The value of a word of a closed list; when it is not one, the error lists the words and
    /// suggests the closest one.
    fn word<T: Vocabulary>(&mut self, doc: &LoadedDoc, path: &str, word: &Word<T>) -> Option<T> {
        let value = match word {
            Word::Known(v) => return Some(*v),
            Word::Unknown(text) => text.as_str(),
        };
        let (allowed, what) = (T::words(), T::WHAT);
        let message = match allowed.iter().find(|a| a.eq_ignore_ascii_case(value)) {
            Some(exact) => format!("unknown {what} `{value}`; did you mean `{exact}`? (case matters)"),
            None => with_suggestion(
                format!("unknown {what} `{value}`; expected one of {}", quoted_list(&allowed)),
                value,
                allowed.iter().copied(),
            ),
        };
        self.err(doc, path, message);
        None
    }

    fn run(&mut self, loaded: &Loaded) {
        let mut apis: Vec<ApiRef<'_>> = Vec::new();
        let mut cats: Vec<(&LoadedDoc, &CategoryDoc)> = Vec::new();
        for doc in &loaded.docs {
            match &doc.doc {
                Document::Api(api) => apis.push(ApiRef { doc, api }),
                Document::Category(c) => cats.push((doc, c)),
            }
        }

        // Category names are global: they are modules, cargo features and client methods.
        let mut by_name: BTreeMap<&str, (&LoadedDoc, &CategoryDoc)> = BTreeMap::new();
        let mut modules: HashMap<String, (&LoadedDoc, &str)> = HashMap::new();
        for &(doc, cat) in &cats {
            let name = cat.category.as_str();
            if let Some((first, _)) = by_name.get(name) {
                self.err(doc, "category", format!("category `{name}` is already defined at {}", place(doc, first, "category")));
                continue;
            }
            by_name.insert(name, (doc, cat));
            if !has_word(name) {
                self.err(doc, "category", format!("category name `{name}` has no letters or digits to make a Rust module name from"));
                continue;
            }
            let module = naming::category_module(name);
            if let Some((other_doc, other)) = modules.get(&module) {
                self.err(
                    doc,
                    "category",
                    format!(
                        "category `{name}` becomes the module `{module}`, as category `{other}` ({}) does; rename one of them",
                        place(doc, other_doc, "category")
                    ),
                );
            } else {
                modules.insert(module.clone(), (doc, name));
            }
            if API_CLIENT_METHODS.contains(&module.as_str()) {
                self.err(
                    doc,
                    "category",
                    format!("category `{name}` would become the method `Client::{module}()`, which the generated client already has; rename the category"),
                );
            }
        }

        // API names and modules.
        let mut api_names: HashMap<&str, &LoadedDoc> = HashMap::new();
        let mut api_modules: HashMap<String, (&LoadedDoc, &str)> = HashMap::new();
        for a in &apis {
            let name = a.api.api.as_str();
            if let Some(first) = api_names.get(name) {
                self.err(a.doc, "api", format!("API `{name}` is already defined at {}", place(a.doc, first, "api")));
            } else {
                api_names.insert(name, a.doc);
            }
            let module_path = if a.api.module.is_some() { "module" } else { "api" };
            if a.api.module.is_none() && !has_word(name) {
                self.err(a.doc, "api", format!("API name `{name}` has no letters or digits to make a module name from; set `module`"));
                continue;
            }
            let module = naming::api_module(name, a.api.module.as_deref());
            if let Some((other_doc, other)) = api_modules.get(&module) {
                self.err(
                    a.doc,
                    module_path,
                    format!(
                        "API `{name}` gets the module `{module}`, as API `{other}` ({}) does; set a different `module`",
                        place(a.doc, other_doc, "api")
                    ),
                );
            } else {
                api_modules.insert(module.clone(), (a.doc, name));
            }
            if CRATE_MODULES.contains(&module.as_str()) {
                self.err(
                    a.doc,
                    module_path,
                    format!("the module `{module}` is taken by the client crate itself; set another `module` for API `{name}`"),
                );
            }
        }

        // Which API each category belongs to.
        let mut owner: HashMap<&str, (usize, String)> = HashMap::new();
        for (i, a) in apis.iter().enumerate() {
            let mut listed: HashMap<&str, usize> = HashMap::new();
            for (j, name) in a.api.categories.iter().enumerate() {
                let path = format!("categories.{j}");
                if let Some(k) = listed.get(name.as_str()) {
                    self.err(a.doc, &path, format!("category `{name}` is listed twice (also as `categories.{k}`)"));
                    continue;
                }
                listed.insert(name, j);
                if !by_name.contains_key(name.as_str()) {
                    self.err(
                        a.doc,
                        &path,
                        with_suggestion(format!("no category document is called `{name}`"), name, by_name.keys().copied()),
                    );
                    continue;
                }
                match owner.get(name.as_str()) {
                    Some((other, other_path)) => {
                        let o = &apis[*other];
                        self.err(
                            a.doc,
                            &path,
                            format!("category `{name}` already belongs to API `{}` ({}); a category belongs to one API", o.api.api, place(a.doc, o.doc, other_path)),
                        );
                    }
                    None => {
                        owner.insert(name, (i, path));
                    }
                }
            }
        }
        let owned = |doc: &LoadedDoc, cat: &CategoryDoc| {
            owner.contains_key(cat.category.as_str())
                && by_name.get(cat.category.as_str()).is_some_and(|(d, c)| std::ptr::eq(*d, doc) && std::ptr::eq(*c, cat))
        };
        for &(doc, cat) in &cats {
            let first_of_name = by_name.get(cat.category.as_str()).is_some_and(|(d, _)| std::ptr::eq(*d, doc));
            if owned(doc, cat) || !first_of_name {
                continue;
            }
            let mut message = format!("category `{}` is not listed in the `categories` of any API", cat.category);
            match apis.as_slice() {
                [] => message.push_str("; there is no `api:` document to list it in"),
                [a] => message.push_str(&format!("; add it to the `categories` of API `{}` ({})", a.api.api, place(doc, a.doc, "categories"))),
                _ => message.push_str("; add it to the `categories` of the API it belongs to"),
            }
            self.err(doc, "category", message);
        }

        for (i, a) in apis.iter().enumerate() {
            // The categories this API owns, each once (a name listed twice counts at its first
            // listing, which is the one `owner` recorded).
            let members: Vec<(&LoadedDoc, &CategoryDoc)> = a
                .api
                .categories
                .iter()
                .enumerate()
                .filter(|(j, name)| owner.get(name.as_str()).is_some_and(|(o, p)| *o == i && *p == format!("categories.{j}")))
                .filter_map(|(_, name)| by_name.get(name.as_str()).copied())
                .collect();
            let types = self.type_table(Some(&a.api.api), &members);
            self.required_cycles(&types);
            self.api(*a, &members, &types);
            for &(doc, cat) in &members {
                self.category(doc, cat, &types, Some(*a));
            }
            self.shared_routes(&members);
        }
        // A category that belongs to no API is still checked on its own, so that its mistakes
        // show up together with the missing listing.
        for &(doc, cat) in &cats {
            if !owned(doc, cat) {
                let types = self.type_table(None, &[(doc, cat)]);
                self.required_cycles(&types);
                self.category(doc, cat, &types, None);
            }
        }
    }

    /// Every model and enum of an API, by name; a name defined twice is reported at both places.
    fn type_table<'a>(&mut self, api: Option<&'a str>, members: &[(&'a LoadedDoc, &'a CategoryDoc)]) -> Types<'a> {
        let mut types = Types { api, defs: BTreeMap::new() };
        for &(doc, cat) in members {
            let defs = cat
                .models
                .iter()
                .map(|(n, m)| (n, Def::Model(m), format!("models.{n}")))
                .chain(cat.enums.iter().map(|(n, e)| (n, Def::Enum(e), format!("enums.{n}"))));
            for (name, def, path) in defs {
                let kind = |d: &Def<'_>| if matches!(d, Def::Model(_)) { "model" } else { "enum" };
                match types.defs.get(name.as_str()) {
                    Some(first) => {
                        let scope = match api {
                            Some(a) => format!("; model and enum names are shared by every category of API `{a}`"),
                            None => String::new(),
                        };
                        self.err(
                            doc,
                            &path,
                            format!("{} `{name}` is also defined at {}{scope}", kind(&def), place(doc, first.doc, &first.path)),
                        );
                        let (first_doc, first_path, first_kind) = (first.doc, first.path.clone(), kind(&first.def));
                        self.err(first_doc, &first_path, format!("{first_kind} `{name}` is also defined at {}", place(first_doc, doc, &path)));
                    }
                    None => {
                        types.defs.insert(name.as_str(), TypeEntry { def, doc, path });
                    }
                }
            }
        }
        types
    }

    /// A cycle of required fields that hold models directly (not in an array or map) has no
    /// finite JSON value: decoding could never succeed and callers could never build one.
    /// Reported once per cycle, at the field leaving the cycle's alphabetically first model.
    fn required_cycles(&mut self, types: &Types<'_>) {
        let edges = |model: &ModelDef| -> Vec<(String, String)> {
            model
                .fields
                .iter()
                .filter(|(_, f)| f.required)
                .filter_map(|(wire, f)| match f.ty.expr() {
                    Some(TypeExpr::Named(n)) if types.model(n).is_some() => Some((wire.clone(), n.clone())),
                    _ => None,
                })
                .collect()
        };
        for (&start, entry) in &types.defs {
            let Def::Model(model) = entry.def else { continue };
            for (field, target) in edges(model) {
                // Breadth-first from the field's model back to `start`, remembering the way.
                let mut parent: HashMap<String, String> = HashMap::new();
                let mut queue = std::collections::VecDeque::from([target.clone()]);
                let mut found = target == start;
                while let Some(current) = queue.pop_front().filter(|_| !found) {
                    for (_, next) in types.model(&current).map(edges).unwrap_or_default() {
                        if next == start {
                            parent.insert(next, current);
                            found = true;
                            break;
                        }
                        if next != target && !parent.contains_key(&next) {
                            parent.insert(next.clone(), current.clone());
                            queue.push_back(next);
                        }
                    }
                }
                if !found {
                    continue;
                }
                // The way back, from `start` to `target`, then turned around.
                let mut way = vec![start.to_string()];
                let mut at = start.to_string();
                while at != target || way.len() == 1 {
                    let Some(prev) = parent.get(&at) else { break };
                    way.push(prev.clone());
                    at = prev.clone();
                }
                way.push(start.to_string());
                way.reverse();
                if way.iter().any(|m| m.as_str() < start) {
                    continue;
                }
                let path = format!("{}.fields.{field}", entry.path);
                let cycle = way.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(" → ");
                self.err(
                    entry.doc,
                    &path,
                    format!("required field `{field}` of `{start}` leads back to `{start}` ({cycle}), so no finite value has it; make a field on the way optional or a list"),
                );
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // The API document

    fn api(&mut self, a: ApiRef<'_>, members: &[(&LoadedDoc, &CategoryDoc)], types: &Types<'_>) {
        let (doc, api) = (a.doc, a.api);
        if api.api.trim().is_empty() {
            self.err(doc, "api", "the API name is empty");
        }
        if let Some(Word::Unknown(kind)) = &api.kind {
            self.err(doc, "type", format!("unsupported API type `{kind}`; the only supported type is `api`"));
        }
        if let Some(module) = &api.module {
            self.module_name(doc, "module", module);
        }
        if let Some(service) = api.service {
            if service <= 0 {
                self.err(doc, "service", format!("a LiveVox service id is a positive number, not {service}"));
            }
        }

        // Where the API lives.
        match (&api.base_url, api.environments.is_empty()) {
            (Some(_), false) => self.err(doc, "environments", "an API has either `base_url` (one URL) or `environments` (named URLs), not both"),
            (None, true) => self.err(doc, "", "the API needs `base_url` (one URL) or `environments` (named URLs)"),
            _ => {}
        }
        let auth_kind = a.kind();
        let livevox = auth_kind == Some(AuthKind::LiveVox);
        let mut urls: Vec<(String, &str)> = Vec::new();
        if let Some(url) = &api.base_url {
            urls.push(("base_url".into(), url));
        }
        let mut variants = Namespace::default();
        for (name, url) in &api.environments {
            let path = format!("environments.{name}");
            urls.push((path.clone(), url));
            if !has_word(name) {
                self.err(doc, &path, format!("environment name `{name}` has no letters or digits to make a Rust variant from"));
            } else if let Some(m) = variants.claim(doc, &path, &naming::camel(name), format!("environment `{name}`")) {
                self.err(doc, &path, format!("{m} (variants of `Environment`); rename one of them"));
            }
        }
        for (path, url) in &urls {
            let host = self.url(doc, path, url);
            if livevox {
                if let Some(host) = host {
                    if !host.to_ascii_lowercase().contains("livevox") {
                        self.err(
                            doc,
                            path,
                            format!("authorization `LIVEVOX` sends LiveVox credentials, so LiveVox Functions allows it only for LiveVox hosts; `{host}` is not one (its name does not contain `livevox`)"),
                        );
                    }
                }
            }
        }
        if let Some(default) = &api.default_environment {
            if api.environments.is_empty() {
                self.err(
                    doc,
                    "default_environment",
                    "`default_environment` names one of `environments`; with `base_url` the single environment is already the default",
                );
            } else if !api.environments.contains_key(default) {
                let names: Vec<&str> = api.environments.keys().map(String::as_str).collect();
                self.err(
                    doc,
                    "default_environment",
                    with_suggestion(
                        format!("no environment is called `{default}`; the environments are {}", quoted_list(&names)),
                        default,
                        names.iter().copied(),
                    ),
                );
            }
        }

        self.authorization(a, members, types);
        self.headers(a);

        if let Some(errors) = &api.errors {
            let mut nonempty = |path: &str, value: &str| {
                if value.trim().is_empty() {
                    self.err(doc, path, "must name a field, element or attribute; it is empty");
                }
            };
            if let Some(j) = &errors.json {
                nonempty("errors.json.code", &j.code);
                nonempty("errors.json.message", &j.message);
            }
            if let Some(x) = &errors.xml {
                nonempty("errors.xml.element", &x.element);
                nonempty("errors.xml.code", &x.code);
                nonempty("errors.xml.message", &x.message);
            }
        }
    }

    /// Checks a base URL; returns its host when it is usable.
    fn url(&mut self, doc: &LoadedDoc, path: &str, text: &str) -> Option<String> {
        let parsed = match url::Url::parse(text) {
            Ok(u) => u,
            Err(e) => {
                let hint = if text.contains("://") { "" } else { " (write it with `https://`)" };
                self.err(doc, path, format!("`{text}` is not an absolute URL: {e}{hint}"));
                return None;
            }
        };
        if !matches!(parsed.scheme(), "http" | "https") {
            self.err(doc, path, format!("`{text}` must be an `https://` URL, not `{}:`", parsed.scheme()));
            return None;
        }
        let Some(host) = parsed.host() else {
            self.err(doc, path, format!("`{text}` has no host"));
            return None;
        };
        if let Some(q) = parsed.query() {
            self.err(doc, path, format!("`{text}` must not have a query string (`?{q}`); query parameters belong to operations"));
        }
        if parsed.fragment().is_some() {
            self.err(doc, path, format!("`{text}` must not have a fragment (`#...`)"));
        }
        if !parsed.username().is_empty() || parsed.password().is_some() {
            self.err(doc, path, "a base URL must not hold credentials; they belong to `authorization` and are supplied at run time");
        }
        let loopback = match &host {
            url::Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
            url::Host::Ipv4(ip) => ip.is_loopback(),
            url::Host::Ipv6(ip) => ip.is_loopback(),
        };
        if parsed.scheme() == "http" && !loopback {
            self.err(
                doc,
                path,
                format!("`{text}` must use `https://`: requests carry credentials, so plain `http://` is allowed only for a loopback host (localhost, 127.0.0.1, [::1])"),
            );
        }
        Some(host.to_string())
    }

    fn authorization(&mut self, a: ApiRef<'_>, members: &[(&LoadedDoc, &CategoryDoc)], types: &Types<'_>) {
        let (doc, auth) = (a.doc, &a.api.authorization);
        let Some(kind) = self.word(doc, "authorization.kind", &auth.kind) else {
            return;
        };
        use AuthKind::{Bearer, LiveVox, OAuth, OAuth2};

        // Keys that only some kinds use: a key for another kind is a mistake, not a no-op.
        let present: [(&str, bool, &[AuthKind]); 8] = [
            ("login", auth.login.is_some(), &[LiveVox]),
            ("session_header", auth.session_header.is_some(), &[LiveVox]),
            ("expired_status", auth.expired_status.is_some(), &[LiveVox]),
            ("header", auth.header.is_some(), &[Bearer, OAuth2]),
            ("prefix", auth.prefix.is_some(), &[Bearer, OAuth2]),
            ("token_url", auth.token_url.is_some(), &[OAuth2]),
            ("scopes", !auth.scopes.is_empty(), &[OAuth2]),
            ("signature_method", auth.signature_method.is_some(), &[OAuth]),
        ];
        for (key, is_present, kinds) in present {
            if is_present && !kinds.contains(&kind) {
                let list = kinds.iter().map(|k| format!("`{}`", k.word())).collect::<Vec<_>>().join(" and ");
                self.err(doc, &format!("authorization.{key}"), format!("`{key}` applies to authorization {list} only, not `{}`", kind.word()));
            }
        }

        let header = |v: &mut Self, path: &str, name: &str| {
            if !is_header_name(name) {
                v.err(doc, path, format!("`{name}` is not a valid HTTP header name (letters, digits and `!#$%&'*+-.^_|~`, no spaces)"));
            }
        };
        match kind {
            LiveVox => {
                match &auth.session_header {
                    Some(h) => header(self, "authorization.session_header", h),
                    None => self.err(
                        doc,
                        "authorization",
                        "authorization `LIVEVOX` needs `session_header`, the header that carries the session id (`LV-Session` for LiveVox)",
                    ),
                }
                if let Some(status) = auth.expired_status {
                    if !(400..=599).contains(&status) {
                        self.err(doc, "authorization.expired_status", format!("`expired_status` is an error status (400 to 599), not {status}"));
                    }
                }
                if let Some(login) = &auth.login {
                    header(self, "authorization.login.access_header", &login.access_header);
                    self.login(a, members, types);
                }
            }
            Bearer | OAuth2 => {
                if let Some(h) = &auth.header {
                    header(self, "authorization.header", h);
                }
                if let Some(p) = &auth.prefix {
                    if p.chars().any(|c| c.is_control()) {
                        self.err(doc, "authorization.prefix", "the prefix holds a control character");
                    }
                }
                if kind == OAuth2 {
                    match &auth.token_url {
                        Some(url) => {
                            self.url(doc, "authorization.token_url", url);
                        }
                        // A token the caller obtains elsewhere is what BEARER is for; OAUTH2
                        // means this client runs the client-credentials grant itself.
                        None => self.err(
                            doc,
                            "authorization",
                            "authorization `OAUTH2` needs `token_url`, the token endpoint of the client-credentials grant; for a token the caller supplies, use `BEARER`",
                        ),
                    }
                    for (i, scope) in auth.scopes.iter().enumerate() {
                        if scope.is_empty() || scope.chars().any(|c| c.is_whitespace() || c.is_control()) {
                            self.err(doc, &format!("authorization.scopes.{i}"), format!("`{scope}` is not a scope: scopes are non-empty and have no spaces"));
                        }
                    }
                }
            }
            OAuth => {
                if let Some(m) = &auth.signature_method {
                    // RSA-SHA1 and PLAINTEXT are OAuth 1.0 methods (RFC 5849 §3.4) that the
                    // client does not implement: "unsupported", not "unknown" with a suggestion.
                    if matches!(m, Word::Unknown(w) if ["RSA-SHA1", "PLAINTEXT"].contains(&w.as_str())) {
                        self.err(
                            doc,
                            "authorization.signature_method",
                            format!("signature method `{m}` is not supported; the client signs with {} only", quoted_list(&SignatureMethod::words())),
                        );
                    } else {
                        self.word(doc, "authorization.signature_method", m);
                    }
                }
            }
            _ => {}
        }
    }

    /// LIVEVOX `login`: the operation exists in this API, sends the access token, and answers
    /// with a model holding the session id.
    fn login(&mut self, a: ApiRef<'_>, members: &[(&LoadedDoc, &CategoryDoc)], types: &Types<'_>) {
        let doc = a.doc;
        let Some(login) = &a.api.authorization.login else { return };
        let path = "authorization.login.operation";
        let Some((cat_name, op_name)) = login.operation.split_once('.') else {
            self.err(doc, path, format!("`{}` is not `category.operation` (e.g. `session.login`)", login.operation));
            return;
        };
        let Some((_, cat)) = members.iter().find(|(_, c)| c.category == cat_name) else {
            let names = members.iter().map(|(_, c)| c.category.as_str());
            self.err(doc, path, with_suggestion(format!("API `{}` has no category `{cat_name}`", a.api.api), cat_name, names));
            return;
        };
        let Some(op) = cat.operations.get(op_name) else {
            self.err(
                doc,
                path,
                with_suggestion(format!("category `{cat_name}` has no operation `{op_name}`"), op_name, cat.operations.keys().map(String::as_str)),
            );
            return;
        };
        if !op.auth.as_ref().is_some_and(|a| a.is(AuthNeed::AccessToken)) {
            self.err(
                doc,
                path,
                format!("the login operation `{}` must have `auth: access_token`: it sends the access token, since there is no session yet", login.operation),
            );
        }
        let field_path = "authorization.login.session_id_field";
        let model = op
            .response
            .as_ref()
            .and_then(|r| r.ty.as_ref())
            .and_then(TypeText::expr)
            .and_then(|t| types.direct_model(t));
        match model {
            None => self.err(
                doc,
                field_path,
                format!("the login operation `{}` must answer with a model that holds `{}`", login.operation, login.session_id_field),
            ),
            Some((model_name, m)) => match m.fields.get(&login.session_id_field) {
                None => self.err(
                    doc,
                    field_path,
                    with_suggestion(
                        format!("`{model_name}`, the login response, has no field `{}`", login.session_id_field),
                        &login.session_id_field,
                        m.fields.keys().map(String::as_str),
                    ),
                ),
                Some(f) => {
                    if f.ty.expr() != Some(&TypeExpr::Prim(Prim::String)) {
                        self.err(doc, field_path, format!("the session id field `{}` must be a `string`, not `{}`", login.session_id_field, f.ty));
                    }
                }
            },
        }
    }

    fn headers(&mut self, a: ApiRef<'_>) {
        let (doc, api) = (a.doc, a.api);
        let auth = &api.authorization;
        // Headers the authorization sets itself; setting them here too would send two values.
        let mut auth_headers: Vec<String> = Vec::new();
        match a.kind() {
            Some(AuthKind::LiveVox) => {
                auth_headers.extend(auth.session_header.clone());
                auth_headers.extend(auth.login.as_ref().map(|l| l.access_header.clone()));
            }
            Some(AuthKind::Bearer | AuthKind::OAuth2) => auth_headers.push(auth.header.clone().unwrap_or_else(|| "Authorization".into())),
            Some(AuthKind::Basic | AuthKind::OAuth) => auth_headers.push("Authorization".into()),
            _ => {}
        }
        let mut seen: HashMap<String, &str> = HashMap::new();
        let mut params = Namespace::default();
        for (name, value) in &api.headers {
            let path = format!("headers.{name}");
            if !is_header_name(name) {
                self.err(doc, &path, format!("`{name}` is not a valid HTTP header name (letters, digits and `!#$%&'*+-.^_|~`, no spaces)"));
            }
            let lower = name.to_ascii_lowercase();
            if let Some(first) = seen.get(&lower) {
                self.err(doc, &path, format!("header `{name}` is already set as `{first}` (header names ignore case)"));
            } else {
                seen.insert(lower.clone(), name);
            }
            if let Some(h) = auth_headers.iter().find(|h| h.to_ascii_lowercase() == lower) {
                self.err(doc, &path, format!("`{h}` is set by the `{}` authorization; remove it here", auth.kind));
            }
            if value.chars().any(|c| c.is_control() && c != '\t') {
                self.err(doc, &path, "a header value cannot hold a line break or another control character");
            }
            match placeholders(value) {
                Err(m) => self.err(doc, &path, m),
                Ok(names) => {
                    for p in names {
                        let rust = naming::placeholder_arg(&p);
                        if let Some(m) = params.claim(doc, &path, &rust, format!("placeholder `${{{p}}}`")) {
                            // The same placeholder twice is one value; only different spellings clash.
                            if params.taken.get(&rust).is_some_and(|c| c.what != format!("placeholder `${{{p}}}`")) {
                                self.err(doc, &path, format!("{m}; use one spelling"));
                            }
                        }
                    }
                }
            }
        }
    }

    fn module_name(&mut self, doc: &LoadedDoc, path: &str, name: &str) {
        if self.explicit_ident(doc, path, name) && name != naming::snake(name) {
            self.err(doc, path, format!("`{name}` is not snake case; a module name is lower case with `_` between words, e.g. `{}`", naming::snake(name)));
        }
    }

    /// An explicit Rust name (`rust_name`, `name`, `module`); false when it is unusable.
    fn explicit_ident(&mut self, doc: &LoadedDoc, path: &str, name: &str) -> bool {
        match naming::check_ident(name) {
            Ok(()) if name.starts_with("__") => {
                self.err(doc, path, format!("`{name}`: names starting with `__` are reserved for generated code"));
                false
            }
            Ok(()) => true,
            Err(m) if naming::is_keyword(name) || name == "_" => {
                self.err(doc, path, format!("{m}; choose another name"));
                false
            }
            Err(m) => {
                self.err(doc, path, format!("{m}: use ASCII letters, digits and `_`, not starting with a digit"));
                false
            }
        }
    }

    /// A `rust_name` for a field or parameter: a snake-case identifier.
    fn rust_name(&mut self, doc: &LoadedDoc, path: &str, name: &str) {
        if self.explicit_ident(doc, path, name) && name.chars().any(|c| c.is_ascii_uppercase()) {
            self.err(doc, path, format!("`{name}` is not snake case; Rust field and argument names are lower case, e.g. `{}`", naming::snake(name)));
        }
    }

    fn deprecation(&mut self, doc: &LoadedDoc, path: &str, d: &Option<Deprecation>) {
        if let Some(Deprecation::Note(n)) = d {
            if n.trim().is_empty() {
                self.err(doc, path, "an empty deprecation note; write `true`, or say what to use instead");
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // Category documents

    fn category(&mut self, doc: &LoadedDoc, cat: &CategoryDoc, types: &Types<'_>, api: Option<ApiRef<'_>>) {
        if let Some(p) = &cat.path {
            if p.contains(['{', '}']) {
                self.err(doc, "path", format!("the category path `{p}` cannot have placeholders; they belong to operation paths"));
            } else if p.contains(['?', '#']) || p.chars().any(char::is_whitespace) {
                self.err(doc, "path", format!("the category path `{p}` must be a plain path: no `?`, `#` or spaces"));
            }
        }

        // Every type name the category module holds.
        let mut type_names = Namespace::default();
        for reserved in naming::API_MODULE_TYPES {
            type_names.reserve(reserved, &format!("a type the generator defines in each API module (`{reserved}`)"));
        }
        let client = naming::category_client(&cat.category);
        if let Some(m) = type_names.claim(doc, "category", &client, format!("the client of category `{}`", cat.category)) {
            self.err(doc, "category", format!("{m}; rename the category"));
        }

        for (name, model) in &cat.models {
            let path = format!("models.{name}");
            if self.type_name(doc, &path, name, "model") {
                if let Some(m) = type_names.claim(doc, &path, &naming::camel(name), format!("model `{name}`")) {
                    self.err(doc, &path, format!("{m}; rename one of them"));
                }
            }
            self.fields(doc, &format!("{path}.fields"), &model.fields, types);
        }
        for (name, e) in &cat.enums {
            let path = format!("enums.{name}");
            if self.type_name(doc, &path, name, "enum") {
                if let Some(m) = type_names.claim(doc, &path, &naming::camel(name), format!("enum `{name}`")) {
                    self.err(doc, &path, format!("{m}; rename one of them"));
                }
            }
            self.enumeration(doc, &path, e);
        }

        let mut fns = Namespace::default();
        fns.reserve("new", "the constructor of the category client");
        for (name, op) in &cat.operations {
            let path = format!("operations.{name}");
            if !has_word(name) {
                self.err(doc, &path, format!("operation name `{name}` has no letters or digits to make a Rust name from"));
            } else {
                if let Some(m) = fns.claim(doc, &path, &naming::operation_fn(name), format!("operation `{name}`")) {
                    self.err(doc, &path, format!("{m} (methods of `{client}`); rename one of them"));
                }
                if let Some(m) = type_names.claim(doc, &path, &naming::request_type(name), format!("the request builder of operation `{name}`")) {
                    self.err(doc, &path, format!("{m}; rename one of them"));
                }
                if op.body.as_ref().is_some_and(|b| b.fields.is_some()) {
                    let body_path = format!("{path}.body.fields");
                    if let Some(m) = type_names.claim(doc, &body_path, &naming::body_type(name), format!("the body model of operation `{name}`")) {
                        self.err(doc, &body_path, format!("{m}; rename one of them"));
                    }
                }
            }
            self.operation(doc, &path, op, types, api);
        }
    }

    /// Operations of one API that share a method and a path (placeholder names aside, as a
    /// server's router sees them). Only the body can tell their requests apart (LiveVox's
    /// `POST /contact/contacts/bulk` is both Create Contacts and Bulk Contact Download; the
    /// simulator routes by which body fits), so each needs a body with content, and not the
    /// same model as another.
    fn shared_routes(&mut self, members: &[(&LoadedDoc, &CategoryDoc)]) {
        // The document, the operation's name, the operation and its full path (for messages).
        type Entry<'a> = (&'a LoadedDoc, &'a str, &'a OperationDef, String);
        let mut routes: BTreeMap<(String, String), Vec<Entry<'_>>> = BTreeMap::new();
        for &(doc, cat) in members {
            let prefix = cat.path.clone().unwrap_or_else(|| cat.category.clone());
            for (name, op) in &cat.operations {
                let full = format!("/{}/{}", prefix.trim_matches('/'), op.path.trim_start_matches('/'));
                let segments: Vec<&str> = prefix
                    .split('/')
                    .chain(op.path.split('/'))
                    .filter(|s| !s.is_empty())
                    .map(|s| if s.starts_with('{') && s.ends_with('}') { "{}" } else { s })
                    .collect();
                routes.entry((op.method.text().to_string(), segments.join("/"))).or_default().push((doc, name.as_str(), op, full));
            }
        }
        for ((method, _), ops) in routes.iter().filter(|(_, ops)| ops.len() > 1) {
            let (first_doc, first_name, _, first_path) = &ops[0];
            let route = format!("{method} {}", first_path.trim_end_matches('/'));
            for (i, &(doc, name, op, _)) in ops.iter().enumerate() {
                let (other_doc, other_name) = if i == 0 { (ops[1].0, ops[1].1) } else { (*first_doc, *first_name) };
                let other = format!("operation `{other_name}` ({})", place(doc, other_doc, &format!("operations.{other_name}")));
                let has_content = op.body.as_ref().is_some_and(|b| b.ty.is_some() || b.fields.as_ref().is_some_and(|f| !f.is_empty()));
                if !has_content {
                    self.err(
                        doc,
                        &format!("operations.{name}.method"),
                        format!(
                            "`{route}` is also {other}; operations that share a method and path are told apart by their bodies alone, so each needs a body with `type` or `fields`"
                        ),
                    );
                    continue;
                }
                let same_model = ops[..i].iter().find(|(_, _, o, _)| {
                    matches!((o.body.as_ref().and_then(|b| b.ty.as_ref()), op.body.as_ref().and_then(|b| b.ty.as_ref())), (Some(a), Some(b)) if a.text().trim() == b.text().trim())
                });
                if let Some((d, n, o, _)) = same_model {
                    let model = o.body.as_ref().and_then(|b| b.ty.as_ref()).map_or("", |t| t.text().trim());
                    self.err(
                        doc,
                        &format!("operations.{name}.body.type"),
                        format!(
                            "operation `{n}` ({}) sends the same body, `{model}`, to the same `{route}`, so nothing tells the two apart",
                            place(doc, d, &format!("operations.{n}"))
                        ),
                    );
                }
            }
        }
    }

    /// A model or enum name: usable in type expressions, where lower-case names are primitives.
    fn type_name(&mut self, doc: &LoadedDoc, path: &str, name: &str, what: &str) -> bool {
        let ok = name.chars().next().is_some_and(|c| c.is_ascii_uppercase()) && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !ok {
            self.err(
                doc,
                path,
                format!(
                    "{what} name `{name}` must start with an upper-case letter and hold only ASCII letters, digits and `_` (type expressions name it, and lower-case names are primitives), e.g. `{}`",
                    naming::camel(name)
                ),
            );
        }
        ok
    }

    /// The fields of a model or an inline body.
    fn fields(&mut self, doc: &LoadedDoc, base: &str, fields: &IndexMap<String, FieldDef>, types: &Types<'_>) {
        let mut names = Namespace::default();
        let mut withs = Namespace::default();
        for (wire, f) in fields {
            let path = format!("{base}.{wire}");
            if let Some(r) = &f.rust_name {
                self.rust_name(doc, &format!("{path}.rust_name"), r);
            } else if !has_word(wire) {
                self.err(doc, &path, format!("field `{wire}` has no letters or digits to make a Rust name from; set `rust_name`"));
            }
            let rust = naming::field(wire, f.rust_name.as_deref());
            if let Some(m) = names.claim(doc, &path, &rust, format!("field `{wire}`")) {
                self.err(doc, &path, format!("{m}; set `rust_name` on one of them"));
            } else if !f.required {
                // An optional field gets a `with_<name>` method, its underscores trimmed, so
                // `type_` and `_type` would both give `with_type`.
                let with = naming::with_setter(&rust);
                if let Some(m) = withs.claim(doc, &path, &with, format!("the setter of field `{wire}`")) {
                    self.err(doc, &path, format!("{m}; set `rust_name` on one of them"));
                }
            }
            let ty = self.resolve(doc, &format!("{path}.type"), &f.ty, types);
            if let Some(m) = ty.as_ref().filter(|_| f.secret).and_then(|t| secret::misplaced(t, f.ty.text())) {
                self.err(doc, &format!("{path}.secret"), m);
            }
            self.deprecation(doc, &format!("{path}.deprecated"), &f.deprecated);
        }
    }

    /// Parses a type expression and checks that the model or enum it names exists.
    fn resolve(&mut self, doc: &LoadedDoc, path: &str, text: &TypeText, types: &Types<'_>) -> Option<TypeExpr> {
        let t = match text.parsed() {
            Ok(t) => t.clone(),
            Err(m) => {
                self.err(doc, path, m);
                return None;
            }
        };
        let Some(name) = t.named() else { return Some(t) };
        if types.defs.contains_key(name) {
            return Some(t);
        }
        let mut message = format!("unknown type `{name}`: no model or enum has that name");
        if let Some(api) = types.api {
            message.push_str(&format!(" in API `{api}`"));
        }
        let lower = name.to_ascii_lowercase();
        if let Some((prim, _)) = Prim::ALL.iter().find(|(p, _)| *p == lower) {
            message.push_str(&format!("; did you mean `{prim}`? (primitive types are lower case)"));
        } else {
            message = with_suggestion(message, name, types.defs.keys().copied());
        }
        self.err(doc, path, message);
        None
    }

    fn enumeration(&mut self, doc: &LoadedDoc, path: &str, e: &EnumDef) {
        let repr = match &e.ty {
            Some(w) => self.word(doc, &format!("{path}.type"), w),
            None => Some(EnumRepr::Str),
        };
        if e.values.is_empty() {
            self.err(doc, &format!("{path}.values"), "an enum needs at least one value");
        }
        let mut wire: HashMap<&WireValue, usize> = HashMap::new();
        let mut variants = Namespace::default();
        for (i, v) in e.values.iter().enumerate() {
            let vpath = format!("{path}.values.{i}");
            let duplicate = wire.get(&v.value).copied();
            if let Some(first) = duplicate {
                let first_line = doc.positions.get(&format!("{path}.values.{first}")).line;
                self.err(doc, &format!("{vpath}.value"), format!("duplicate value {} (first listed at line {first_line})", v.value));
            } else {
                wire.insert(&v.value, i);
            }
            if let Some(repr) = repr {
                match (&v.value, repr) {
                    (WireValue::Str(_), EnumRepr::Str) | (WireValue::Int(_), EnumRepr::Int64) => {}
                    (WireValue::Int(n), EnumRepr::Int32) => {
                        if i32::try_from(*n).is_err() {
                            self.err(doc, &format!("{vpath}.value"), format!("{n} does not fit `int32`; use `type: int64`"));
                        }
                    }
                    (WireValue::Int(n), EnumRepr::Str) => self.err(
                        doc,
                        &format!("{vpath}.value"),
                        format!("{n} is a number, but the values of a string enum are strings: quote it (`\"{n}\"`), or set the enum's `type: int32`"),
                    ),
                    (WireValue::Str(s), _) => self.err(
                        doc,
                        &format!("{vpath}.value"),
                        format!("{} is a string, but the values of an `{}` enum are integers", Json::String(s.clone()), repr.word()),
                    ),
                }
            }
            match &v.name {
                Some(n) => {
                    if self.explicit_ident(doc, &format!("{vpath}.name"), n) && !n.starts_with(|c: char| c.is_ascii_uppercase()) {
                        self.err(doc, &format!("{vpath}.name"), format!("`{n}` is not a variant name; variants are UpperCamelCase, e.g. `{}`", naming::camel(n)));
                    }
                }
                None => match &v.value {
                    WireValue::Int(_) => {
                        self.err(doc, &vpath, format!("integer value {} needs a `name`: the Rust variant cannot be derived from a number", v.value));
                    }
                    WireValue::Str(s) if !has_word(s) => {
                        self.err(doc, &vpath, format!("value {} has no letters or digits to make a Rust variant from; set `name`", v.value));
                    }
                    WireValue::Str(_) => {}
                },
            }
            // A repeated value would repeat its variant too; one error says it.
            if let Some(variant) = naming::variant(&v.value, v.name.as_deref()).filter(|_| duplicate.is_none()) {
                if let Some(m) = variants.claim(doc, &vpath, &variant, format!("value {}", v.value)) {
                    self.err(doc, &vpath, format!("{m}; set `name` on one of them"));
                }
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // Operations

    fn operation(&mut self, doc: &LoadedDoc, base: &str, op: &OperationDef, types: &Types<'_>, api: Option<ApiRef<'_>>) {
        let at = |key: &str| format!("{base}.{key}");
        if op.summary.trim().is_empty() {
            self.err(doc, &at("summary"), "the summary is empty; say in one line what the operation does");
        }
        let method_ok = self.word(doc, &at("method"), &op.method).is_some();
        self.deprecation(doc, &at("deprecated"), &op.deprecated);

        // Path and path parameters, both directions.
        if !op.path.is_empty() && !op.path.starts_with('/') {
            self.err(doc, &at("path"), format!("the path `{}` must start with `/` (or be empty for the category's own path)", op.path));
        }
        if op.path.contains(['?', '#']) || op.path.chars().any(char::is_whitespace) {
            self.err(doc, &at("path"), format!("the path `{}` must be a plain path: no `?`, `#` or spaces; query parameters go under `query`", op.path));
        }
        let placeholders = match path_placeholders(&op.path) {
            Ok(p) => Some(p),
            Err(m) => {
                self.err(doc, &at("path"), m);
                None
            }
        };
        if let Some(placeholders) = &placeholders {
            let mut seen: Vec<&str> = Vec::new();
            for p in placeholders {
                if seen.contains(&p.as_str()) {
                    self.err(doc, &at("path"), format!("the placeholder `{{{p}}}` appears twice in `{}`", op.path));
                    continue;
                }
                seen.push(p);
                if !op.path_params.contains_key(p) {
                    self.err(
                        doc,
                        &at("path"),
                        with_suggestion(
                            format!("the placeholder `{{{p}}}` has no entry in `path_params`"),
                            p,
                            op.path_params.keys().map(String::as_str).filter(|k| !placeholders.contains(&k.to_string())),
                        ),
                    );
                }
            }
            for name in op.path_params.keys() {
                if !placeholders.contains(name) {
                    self.err(
                        doc,
                        &at(&format!("path_params.{name}")),
                        with_suggestion(
                            format!("path parameter `{name}` has no `{{{name}}}` placeholder in the path `{}`", op.path),
                            name,
                            placeholders.iter().map(String::as_str).filter(|p| !op.path_params.contains_key(*p)),
                        ),
                    );
                }
            }
        }

        // Parameters, and the one namespace of argument and setter names they share with the
        // inline body fields.
        let mut args = Namespace::default();
        let named_body = op.body.as_ref().and_then(|b| b.ty.as_ref());
        if let Some(t) = named_body {
            args.reserve("body", &format!("the argument or setter for the `{}` body", t.text().trim()));
        }
        for (name, p) in &op.path_params {
            let path = at(&format!("path_params.{name}"));
            let ty = self.param(doc, &path, name, p, types, "path parameter", &mut args);
            if let Some(t) = ty {
                if !types.is_scalar(&t) {
                    self.err(
                        doc,
                        &format!("{path}.type"),
                        format!("a path parameter is a single value (a string, number, bool, date or enum), not `{}`", p.ty.text().trim()),
                    );
                }
            }
            if p.default.is_some() {
                self.err(doc, &format!("{path}.default"), "a path parameter is always sent, so it has no server default");
            }
        }
        let paging: Vec<(&str, &str)> = op
            .pagination
            .as_ref()
            .map(|p| vec![(p.offset.as_deref().unwrap_or("offset"), "offset"), (p.count.as_deref().unwrap_or("count"), "count")])
            .unwrap_or_default();
        for (name, p) in &op.query {
            let path = at(&format!("query.{name}"));
            let ty = self.param(doc, &path, name, p, types, "query parameter", &mut args);
            if let Some(t) = ty {
                let ok = match &t {
                    TypeExpr::Array(inner) => types.is_scalar(inner),
                    t => types.is_scalar(t),
                };
                if !ok {
                    self.err(
                        doc,
                        &format!("{path}.type"),
                        format!("a query parameter is a string, number, bool, date or enum, or an `array<...>` of those; not `{}`", p.ty.text().trim()),
                    );
                }
                if let Some(d) = &p.default {
                    let dpath = format!("{path}.default");
                    if let Some(role) = paging.iter().find(|(n, _)| n == name).map(|(_, r)| *r) {
                        // A paging parameter's default is the value the generated setter starts from.
                        let least = if role == "count" { 1 } else { 0 };
                        if d.as_i64().is_none_or(|n| n < least) {
                            self.err(doc, &dpath, format!("the default of the pagination {role} parameter is an integer of at least {least}, not {d}"));
                        }
                    } else if p.required {
                        self.err(doc, &dpath, "`default` documents what the server uses when the parameter is left out, but a required parameter is never left out");
                    } else {
                        self.example_value(doc, &dpath, d, &t, types, true);
                    }
                }
            }
        }

        if let Some(body) = &op.body {
            self.body(doc, base, op, body, method_ok, types, &mut args);
        }

        // `auth` and what the API offers for it.
        if let Some(a) = &op.auth {
            if self.word(doc, &at("auth"), a) == Some(AuthNeed::AccessToken) {
                if let Some(api) = api {
                    match api.kind() {
                        Some(AuthKind::LiveVox) if api.api.authorization.login.is_none() => self.err(
                            doc,
                            &at("auth"),
                            format!("`auth: access_token` needs `authorization.login` in API `{}`: its `access_header` carries the token", api.api.api),
                        ),
                        Some(AuthKind::LiveVox) | None => {}
                        Some(other) => self.err(
                            doc,
                            &at("auth"),
                            format!("`auth: access_token` sends the LiveVox access token, which only an API with authorization `LIVEVOX` has (API `{}` uses `{}`)", api.api.api, other.word()),
                        ),
                    }
                }
            }
        }

        if let Some(a) = &op.agent_action {
            if let Some(action) = self.word::<AgentAction>(doc, &at("agent_action"), a) {
                let agent_side = action.agent_side();
                if agent_side && !op.agent_allowed {
                    self.err(doc, &at("agent_action"), format!("`agent_action: {a}` is done by an agent's own session, so the operation needs `agent_allowed: true`"));
                }
                if !agent_side && op.agent_allowed {
                    self.err(doc, &at("agent_action"), format!("`agent_action: {a}` is a supervisor's action on agents; an agent session may not call it, so drop `agent_allowed`"));
                }
            }
        }

        let response = self.response(doc, base, op, types);

        if let Some(p) = &op.pagination {
            self.pagination(doc, base, op, p, response.as_ref(), types);
        }

        if let Some(r) = &op.rate_limit {
            if r.calls == 0 {
                self.err(doc, &at("rate_limit.calls"), "`calls` must be at least 1");
            }
            if r.per_seconds == 0 {
                self.err(doc, &at("rate_limit.per_seconds"), "`per_seconds` must be at least 1");
            }
            if r.max_in_flight == Some(0) {
                self.err(doc, &at("rate_limit.max_in_flight"), "`max_in_flight` must be at least 1 (leave it out for no limit)");
            }
        }

        let mut names: HashMap<&str, usize> = HashMap::new();
        for (i, e) in op.examples.iter().enumerate() {
            let path = at(&format!("examples.{i}"));
            if e.name.trim().is_empty() {
                self.err(doc, &format!("{path}.name"), "an example needs a name");
            } else if let Some(first) = names.get(e.name.as_str()) {
                let line = doc.positions.get(&at(&format!("examples.{first}.name"))).line;
                self.err(doc, &format!("{path}.name"), format!("another example is called `{}` (line {line})", e.name));
            } else {
                names.insert(&e.name, i);
            }
            self.example(doc, &path, op, e, response.as_ref(), types);
        }
    }

    /// A path or query parameter: its names and its type, which is returned when it resolves.
    #[allow(clippy::too_many_arguments)]
    fn param<'a>(
        &mut self,
        doc: &'a LoadedDoc,
        path: &str,
        wire: &str,
        p: &ParamDef,
        types: &Types<'_>,
        what: &str,
        args: &mut Namespace<'a>,
    ) -> Option<TypeExpr> {
        if let Some(r) = &p.rust_name {
            self.rust_name(doc, &format!("{path}.rust_name"), r);
        } else if !has_word(wire) {
            self.err(doc, path, format!("{what} `{wire}` has no letters or digits to make a Rust name from; set `rust_name`"));
        }
        let setter = naming::setter(&naming::field(wire, p.rust_name.as_deref()));
        if let Some(m) = args.claim(doc, path, &setter, format!("{what} `{wire}`")) {
            self.err(doc, path, format!("{m}; set `rust_name` on one of them"));
        }
        self.deprecation(doc, &format!("{path}.deprecated"), &p.deprecated);
        let ty = self.resolve(doc, &format!("{path}.type"), &p.ty, types);
        if let Some(m) = ty.as_ref().filter(|_| p.secret).and_then(|t| secret::misplaced(t, p.ty.text())) {
            self.err(doc, &format!("{path}.secret"), m);
        }
        ty
    }

    #[allow(clippy::too_many_arguments)]
    fn body<'a>(
        &mut self,
        doc: &'a LoadedDoc,
        base: &str,
        op: &OperationDef,
        body: &BodyDef,
        method_ok: bool,
        types: &Types<'_>,
        args: &mut Namespace<'a>,
    ) {
        let path = format!("{base}.body");
        if method_ok && matches!(op.method.known(), Some(Method::Get | Method::Delete)) {
            // LiveVox's reference client put bodies on some GETs; servers and proxies may drop
            // them, so the spec sends such values as query parameters instead.
            self.err(
                doc,
                &path,
                format!("a `{}` request has no body (servers and proxies may drop it); send the values as `query` parameters, or use POST", op.method),
            );
        }
        match (&body.ty, &body.fields) {
            (Some(_), Some(_)) => self.err(doc, &path, "a body has either `type` (a model) or `fields` (inline fields), not both"),
            (Some(t), None) => {
                if let Some(t) = self.resolve(doc, &format!("{path}.type"), t, types) {
                    if types.direct_model(&t).is_none() {
                        self.err(doc, &format!("{path}.type"), format!("a body is a model, not `{t}`; wrap other values in a model"));
                    }
                }
            }
            (None, Some(fields)) => {
                self.fields(doc, &format!("{path}.fields"), fields, types);
                for (wire, f) in fields {
                    let setter = naming::setter(&naming::field(wire, f.rust_name.as_deref()));
                    let fpath = format!("{path}.fields.{wire}");
                    if let Some(m) = args.claim(doc, &fpath, &setter, format!("body field `{wire}`")) {
                        self.err(doc, &fpath, format!("{m}; set `rust_name` on one of them"));
                    }
                }
            }
            (None, None) => {}
        }
        if !body.required && body.ty.is_none() {
            // Only a named model can be left out; inline fields and an empty body always go out
            // (as `{}` when nothing is set), so `required: false` would promise what is not done.
            self.err(doc, &format!("{path}.required"), "`required: false` applies to a body `type`; inline `fields` and an empty body are always sent");
        }
    }

    /// Checks the response; returns its format and (resolved) type.
    fn response(&mut self, doc: &LoadedDoc, base: &str, op: &OperationDef, types: &Types<'_>) -> Option<Response> {
        let Some(r) = &op.response else {
            return Some(Response { format: ResponseFormat::None, ty: None, status: 204 });
        };
        let path = format!("{base}.response");
        let format = match &r.format {
            Some(f) => self.word(doc, &format!("{path}.format"), f)?,
            None if r.ty.is_some() => ResponseFormat::Json,
            None => ResponseFormat::None,
        };
        let mut ty = None;
        match (format, &r.ty) {
            (ResponseFormat::Text | ResponseFormat::Binary | ResponseFormat::None, Some(_)) => self.err(
                doc,
                &format!("{path}.type"),
                format!("a `format: {}` response is not decoded, so it has no `type`; remove `type`, or use `format: json`", format.word()),
            ),
            (ResponseFormat::Json, None) => self.err(doc, &format!("{path}.format"), "`format: json` needs a `type` (use `type: json` for untyped JSON)"),
            (ResponseFormat::Json, Some(t)) => ty = self.resolve(doc, &format!("{path}.type"), t, types),
            _ => {}
        }
        if let Some(media) = &r.content_type {
            let cpath = format!("{path}.content_type");
            match format {
                ResponseFormat::Json => self.err(
                    doc,
                    &cpath,
                    "`content_type` applies to `format: text` and `format: binary`; a `format: json` response is always `application/json`",
                ),
                ResponseFormat::None => self.err(doc, &cpath, "a `format: none` response has no body, so it has no `content_type`"),
                _ => {
                    if let Some(problem) = media_type_problem(media) {
                        self.err(doc, &cpath, problem);
                    }
                }
            }
        }
        if let Some(field) = &r.base64_field {
            let fpath = format!("{path}.base64_field");
            if format != ResponseFormat::Binary {
                self.err(
                    doc,
                    &fpath,
                    format!("`base64_field` applies to `format: binary` (bytes that may come base64 in JSON), not to `format: {}`", format.word()),
                );
            } else if field.trim().is_empty() || field.chars().any(char::is_control) {
                self.err(doc, &fpath, "`base64_field` must name a JSON field, e.g. `binaryData`");
            }
        }
        let status = r.status.unwrap_or(if format == ResponseFormat::None { 204 } else { 200 });
        if let Some(s) = r.status {
            if !(200..=299).contains(&s) {
                self.err(doc, &format!("{path}.status"), format!("the success status must be from 200 to 299, not {s}"));
            } else if s == 204 && format != ResponseFormat::None {
                self.err(doc, &format!("{path}.status"), format!("204 No Content has no body, but the response is `format: {}`", format.word()));
            }
        }
        Some(Response { format, ty, status })
    }

    fn pagination(&mut self, doc: &LoadedDoc, base: &str, op: &OperationDef, p: &crate::spec::PaginationDef, response: Option<&Response>, types: &Types<'_>) {
        let path = format!("{base}.pagination");
        let end = self.word(doc, &format!("{path}.end"), &p.end);
        if p.max_count == Some(0) {
            self.err(doc, &format!("{path}.max_count"), "`max_count` must be at least 1");
        }

        // The offset and count parameters.
        let mut names: Vec<&str> = Vec::new();
        for (key, given, role) in [("offset", &p.offset, "where the page starts"), ("count", &p.count, "the page size")] {
            let name = given.as_deref().unwrap_or(key);
            let key_path = if given.is_some() { format!("{path}.{key}") } else { path.clone() };
            if names.contains(&name) {
                self.err(doc, &key_path, format!("offset and count cannot both be the parameter `{name}`"));
                continue;
            }
            names.push(name);
            match op.query.get(name) {
                None => self.err(
                    doc,
                    &key_path,
                    with_suggestion(
                        format!("pagination needs a query parameter `{name}` ({role}), declared in `query` as a required integer"),
                        name,
                        op.query.keys().map(String::as_str),
                    ),
                ),
                Some(q) => {
                    let qpath = format!("{base}.query.{name}");
                    match q.ty.parsed() {
                        Ok(&TypeExpr::Prim(prim)) if prim.is_integer() => {
                            if key == "count" && prim == Prim::Int32 && p.max_count.is_some_and(|m| i32::try_from(m).is_err()) {
                                self.err(doc, &format!("{path}.max_count"), "`max_count` does not fit the `int32` count parameter");
                            }
                        }
                        Ok(_) => self.err(
                            doc,
                            &format!("{qpath}.type"),
                            format!("the pagination {key} parameter `{name}` must be an integer (`int32` or `int64`), not `{}`", q.ty.text().trim()),
                        ),
                        Err(_) => {} // reported with the parameter
                    }
                    if !q.required {
                        self.err(doc, &qpath, format!("the pagination {key} parameter `{name}` must be `required: true`: every page request sends it"));
                    }
                }
            }
        }

        // The response model, its items and its next link.
        let Some(response) = response else { return };
        let model = response.ty.as_ref().and_then(|t| types.direct_model(t));
        let Some((model_name, model)) = model else {
            if response.ty.is_some() || response.format != ResponseFormat::Json {
                self.err(doc, &path, "pagination needs a response whose `type` is a model holding the page's items");
            }
            return;
        };
        let fields = || model.fields.keys().map(String::as_str);
        match model.fields.get(&p.items) {
            None => self.err(doc, &format!("{path}.items"), with_suggestion(format!("`{model_name}` has no field `{}`", p.items), &p.items, fields())),
            Some(f) => {
                if !matches!(f.ty.expr(), Some(TypeExpr::Array(_))) {
                    self.err(doc, &format!("{path}.items"), format!("the items field `{}` of `{model_name}` must be an `array<...>`, not `{}`", p.items, f.ty.text().trim()));
                }
            }
        }
        let Some(end) = end else {
            return;
        };
        let reads_next = end != PageEnd::ShortPage;
        let next = p.next.as_deref().unwrap_or("next");
        let next_path = if p.next.is_some() { format!("{path}.next") } else { format!("{path}.end") };
        if reads_next {
            match model.fields.get(next) {
                None => self.err(
                    doc,
                    &next_path,
                    with_suggestion(
                        format!("`end: {}` reads the next-page field `{next}`, but `{model_name}` has no such field; add it, or name the field with `next:`", p.end),
                        next,
                        fields(),
                    ),
                ),
                Some(f) => {
                    if f.ty.expr() != Some(&TypeExpr::Prim(Prim::String)) {
                        self.err(doc, &next_path, format!("the next-page field `{next}` must be a `string`, not `{}`", f.ty.text().trim()));
                    }
                    if f.required {
                        self.err(doc, &next_path, format!("the next-page field `{next}` is absent on the last page, so it cannot be `required`"));
                    }
                }
            }
        } else if p.next.is_some() {
            self.err(doc, &next_path, "`next` is read only with `end: next_absent` or `next_absent_or_short_page`, not `short_page`");
        }
    }

    // -----------------------------------------------------------------------------------------
    // Examples

    fn example(&mut self, doc: &LoadedDoc, path: &str, op: &OperationDef, e: &ExampleDef, response: Option<&Response>, types: &Types<'_>) {
        let empty = crate::spec::ExampleRequest { path: IndexMap::new(), query: IndexMap::new(), body: None };
        let request = e.request.as_ref().unwrap_or(&empty);
        let rpath = format!("{path}.request");

        for (name, value) in &request.path {
            let vpath = format!("{rpath}.path.{name}");
            match op.path_params.get(name) {
                None => self.err(doc, &vpath, with_suggestion(format!("the operation has no path parameter `{name}`"), name, op.path_params.keys().map(String::as_str))),
                Some(p) => {
                    if let Some(t) = p.ty.expr() {
                        self.example_value(doc, &vpath, value, t, types, false);
                    }
                }
            }
        }
        for name in op.path_params.keys() {
            if !request.path.contains_key(name) {
                self.err(doc, &format!("{rpath}.path"), format!("the example leaves out the path parameter `{name}`"));
            }
        }
        let paging: Vec<&str> = op
            .pagination
            .as_ref()
            .map(|p| vec![p.offset.as_deref().unwrap_or("offset"), p.count.as_deref().unwrap_or("count")])
            .unwrap_or_default();
        for (name, value) in &request.query {
            let vpath = format!("{rpath}.query.{name}");
            match op.query.get(name) {
                None => self.err(doc, &vpath, with_suggestion(format!("the operation has no query parameter `{name}`"), name, op.query.keys().map(String::as_str))),
                Some(p) => {
                    if let Some(t) = p.ty.expr() {
                        self.example_value(doc, &vpath, value, t, types, true);
                    }
                }
            }
        }
        for (name, p) in &op.query {
            // Paging parameters have defaults in the generated client, so an example may leave
            // them out like a caller does.
            if p.required && !paging.contains(&name.as_str()) && !request.query.contains_key(name) {
                self.err(doc, &format!("{rpath}.query"), format!("the example leaves out the required query parameter `{name}`"));
            }
        }
        if let Some(body) = &request.body {
            let bpath = format!("{rpath}.body");
            match &op.body {
                None => self.err(doc, &bpath, "the operation sends no body, so its example cannot have one"),
                Some(b) => match (&b.ty, &b.fields) {
                    (Some(t), None) => {
                        if let Some(t) = t.expr() {
                            self.example_value(doc, &bpath, body, t, types, false);
                        }
                    }
                    (None, Some(fields)) => self.example_object(doc, &bpath, body, fields, "the body", types),
                    _ => {}
                },
            }
        }

        let spath = format!("{path}.response.status");
        let status = e.response.status.unwrap_or(200);
        if !(100..=599).contains(&status) {
            self.err(doc, &spath, format!("{status} is not an HTTP status (100 to 599)"));
            return;
        }
        let Some(response) = response else { return };
        if !(200..=299).contains(&status) {
            // An error example shows the error body, which the response type does not describe.
            return;
        }
        if status != response.status {
            let default = if e.response.status.is_none() { " (the default)" } else { "" };
            self.err(doc, &spath, format!("a successful example has the operation's success status {}, not {status}{default}", response.status));
        }
        if let Some(body) = &e.response.body {
            let bpath = format!("{path}.response.body");
            match (response.format, &response.ty) {
                (ResponseFormat::None, _) => self.err(doc, &bpath, "the operation's response has no body (`format: none`), so its example cannot have one"),
                (ResponseFormat::Text, _) if !body.is_string() => {
                    self.err(doc, &bpath, format!("a `format: text` response is text; the example gives {}", describe_json(body)))
                }
                // The spec is text, so it cannot hold the bytes; the simulator makes some up.
                (ResponseFormat::Binary, _) => self.err(
                    doc,
                    &bpath,
                    "a `format: binary` response is raw bytes, which an example cannot hold; leave out `body` (the simulator answers made-up bytes)",
                ),
                (_, Some(t)) => self.example_value(doc, &bpath, body, t, types, false),
                _ => {}
            }
        }
    }

    /// Checks an example value against a type. `loose` accepts one item for an array (a query
    /// parameter given once).
    fn example_value(&mut self, doc: &LoadedDoc, path: &str, v: &Json, t: &TypeExpr, types: &Types<'_>, loose: bool) {
        match t {
            TypeExpr::Prim(p) => {
                let ok = match p {
                    Prim::String => v.is_string(),
                    Prim::Bool => v.is_boolean(),
                    Prim::Int32 => v.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
                    Prim::Int64 => v.is_i64(),
                    Prim::Float64 => v.is_number(),
                    Prim::DateTime | Prim::Date | Prim::Time => v.is_i64(),
                    Prim::Json => true,
                };
                if !ok {
                    let hint = match p {
                        Prim::DateTime | Prim::Date => " (milliseconds since the Unix epoch, as a number)",
                        Prim::Time => " (milliseconds since midnight, as a number)",
                        Prim::String if v.is_number() || v.is_boolean() => "; quote it",
                        Prim::Int32 if v.is_i64() => " (out of range)",
                        _ => "",
                    };
                    self.err(doc, path, format!("the example gives {}, but the type is `{}`{hint}", describe_json(v), p.name()));
                }
            }
            TypeExpr::Array(inner) => match v {
                Json::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        self.example_value(doc, &format!("{path}.{i}"), item, inner, types, false);
                    }
                }
                other if loose => self.example_value(doc, path, other, inner, types, false),
                other => self.err(doc, path, format!("the example gives {}, but the type is `{t}`, a list", describe_json(other))),
            },
            TypeExpr::Map(inner) => match v {
                Json::Object(entries) => {
                    for (k, item) in entries {
                        self.example_value(doc, &format!("{path}.{k}"), item, inner, types, false);
                    }
                }
                other => self.err(doc, path, format!("the example gives {}, but the type is `{t}`, a mapping", describe_json(other))),
            },
            TypeExpr::Named(name) => {
                if let Some(m) = types.model(name) {
                    self.example_object(doc, path, v, &m.fields, &format!("`{name}`"), types);
                } else if let Some(e) = types.enumeration(name) {
                    let known = e.values.iter().any(|x| match (&x.value, v) {
                        (WireValue::Str(s), Json::String(g)) => s == g,
                        (WireValue::Int(n), Json::Number(g)) => g.as_i64() == Some(*n),
                        _ => false,
                    });
                    if !known {
                        let values: Vec<String> = e.values.iter().map(|x| x.value.to_string()).collect();
                        let mut message = format!("the example gives {}, which is not a value of `{name}` ({})", describe_json(v), values.join(", "));
                        if let Json::String(g) = v {
                            let strs: Vec<&str> = e.values.iter().filter_map(|x| if let WireValue::Str(s) = &x.value { Some(s.as_str()) } else { None }).collect();
                            if let Some(s) = did_you_mean(g, strs) {
                                message.push_str(&format!("; did you mean `{s}`?"));
                            }
                        }
                        self.err(doc, path, message);
                    }
                }
            }
        }
    }

    fn example_object(&mut self, doc: &LoadedDoc, path: &str, v: &Json, fields: &IndexMap<String, FieldDef>, what: &str, types: &Types<'_>) {
        let Json::Object(obj) = v else {
            self.err(doc, path, format!("the example gives {}, but {what} is a mapping of fields", describe_json(v)));
            return;
        };
        for (k, value) in obj {
            let fpath = format!("{path}.{k}");
            match fields.get(k) {
                None => self.err(doc, &fpath, with_suggestion(format!("{what} has no field `{k}`"), k, fields.keys().map(String::as_str))),
                Some(f) if value.is_null() => {
                    if f.required {
                        self.err(doc, &fpath, format!("`{k}` is a required field of {what}; it cannot be null"));
                    }
                }
                Some(f) => {
                    if let Some(t) = f.ty.expr() {
                        self.example_value(doc, &fpath, value, t, types, false);
                    }
                }
            }
        }
        for (k, f) in fields {
            if f.required && !obj.contains_key(k) {
                self.err(doc, path, format!("the example leaves out `{k}`, a required field of {what}"));
            }
        }
    }
}

/// What a successful response is, once checked.
struct Response {
    format: ResponseFormat,
    ty: Option<TypeExpr>,
    status: u16,
}

/// What is wrong with a response's `content_type`, if anything: it must be one media type,
/// `type/subtype`, each part an HTTP token, without wildcards or parameters, since the client
/// sends it as `Accept` and the simulator and the OpenAPI export name the body by it.
fn media_type_problem(media: &str) -> Option<String> {
    let is_token = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    let m = media.trim();
    if m.contains(';') {
        let bare = m.split(';').next().unwrap_or("").trim();
        return Some(format!("`{m}` has parameters; give the bare media type (`{bare}`): the client asks for it in `Accept` as it is"));
    }
    let Some((kind, sub)) = m.split_once('/') else {
        return Some(format!("`{m}` is not a media type; write `type/subtype`, e.g. `text/csv` or `audio/mpeg`"));
    };
    if !is_token(kind) || !is_token(sub) {
        return Some(format!("`{m}` is not a media type; write `type/subtype` (letters, digits and `!#$%&'*+-.^_|~`), e.g. `text/csv` or `audio/mpeg`"));
    }
    if kind == "*" || sub == "*" {
        return Some(format!("`{m}` is a range of media types, not one; name the type the server answers with, e.g. `audio/mpeg`"));
    }
    None
}

/// The `{name}` placeholders of an operation path, in order.
fn path_placeholders(path: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut rest = path;
    loop {
        let open = rest.find('{');
        let close = rest.find('}');
        match (open, close) {
            (None, None) => return Ok(out),
            (None, Some(_)) => return Err(format!("the path `{path}` has a `}}` without a `{{`")),
            (Some(o), Some(c)) if c < o => return Err(format!("the path `{path}` has a `}}` without a `{{`")),
            (Some(_), None) => return Err(format!("the path `{path}` has a `{{` that is not closed")),
            (Some(o), Some(c)) => {
                let name = &rest[o + 1..c];
                if name.contains('{') {
                    return Err(format!("the path `{path}` has a `{{` inside a placeholder"));
                }
                if !is_ident(name) {
                    return Err(format!(
                        "`{{{name}}}` in the path `{path}` is not a placeholder: write `{{name}}` with a name of letters, digits and `_`"
                    ));
                }
                out.push(name.to_string());
                rest = &rest[c + 1..];
            }
        }
    }
}

/// The `${name}` placeholders of a header value, in order; a name may be a dotted path.
fn placeholders(value: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            return Err(format!("`${{` in `{value}` is not closed with `}}`"));
        };
        let name = &after[..end];
        // A plain name, or a dotted path of them as LiveVox Designer writes its dynamic values.
        if !name.split('.').all(is_ident) {
            return Err(format!(
                "`${{{name}}}` in `{value}` is not a placeholder: the name is letters, digits and `_`, not starting with a digit, \
                 or a `.`-separated path of such names (`${{loginData.agentId}}`)"
            ));
        }
        out.push(name.to_string());
        rest = &after[end + 1..];
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{load_sources, Source};

    const API: &str = "\
api: Test
base_url: https://api.test.example.com
authorization: { kind: NONE }
categories: [shop]
";

    const CATEGORY: &str = "\
category: shop
enums:
  Color:
    values:
      - { value: RED }
      - { value: GREEN }
models:
  Item:
    fields:
      id: { type: int64, required: true }
      color: { type: Color }
  Page:
    fields:
      items: { type: array<Item>, required: true }
      next: { type: string }
operations:
  list_items:
    summary: List items.
    method: GET
    path: /items
    query:
      offset: { type: int32, required: true }
      count: { type: int32, required: true }
    pagination: { items: items, end: next_absent, max_count: 100 }
    response: { type: Page }
    examples:
      - name: first page
        request: { query: { offset: 0, count: 1 } }
        response: { body: { items: [{ id: 1, color: RED }] } }
  get_item:
    summary: Get an item.
    method: GET
    path: /items/{id}
    path_params:
      id: { type: int64 }
    response: { type: Item }
";

    fn check(api: &str, category: &str) -> Vec<String> {
        let text = format!("{api}---\n{category}");
        let loaded = match load_sources(vec![Source { display_path: "spec/t.yaml".into(), text }]) {
            Ok(l) => l,
            Err(e) => panic!("load failed:\n{e}"),
        };
        match validate(&loaded) {
            Ok(()) => Vec::new(),
            Err(d) => d.0.iter().map(|d| d.to_string()).collect(),
        }
    }

    fn one_error(api: &str, category: &str) -> String {
        let errors = check(api, category);
        assert_eq!(errors.len(), 1, "{errors:#?}");
        errors[0].clone()
    }

    #[test]
    fn the_base_spec_is_valid() {
        assert_eq!(check(API, CATEGORY), Vec::<String>::new());
    }

    #[test]
    fn the_workspace_spec_is_valid() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
        let loaded = crate::load::load_dir(&dir, "spec").unwrap_or_else(|e| panic!("{e}"));
        if let Err(e) = validate(&loaded) {
            panic!("{e}");
        }
    }

    #[test]
    fn unknown_types_point_at_the_type_key_with_a_suggestion() {
        let cat = CATEGORY.replace("type: array<Item>", "type: array<Itme>");
        assert_eq!(
            one_error(API, &cat),
            "spec/t.yaml:19:16: models.Page.fields.items.type: unknown type `Itme`: no model or enum has that name in API `Test`; did you mean `Item`?"
        );
        let cat = CATEGORY.replace("id: { type: int64, required: true }", "id: { type: Int64, required: true }");
        assert!(one_error(API, &cat).ends_with("did you mean `int64`? (primitive types are lower case)"));
    }

    #[test]
    fn path_placeholders_and_params_match_both_ways() {
        let cat = CATEGORY.replace("path: /items/{id}", "path: /items/{item_id}");
        let errors = check(API, &cat);
        assert_eq!(
            errors,
            [
                "spec/t.yaml:38:5: operations.get_item.path: the placeholder `{item_id}` has no entry in `path_params`",
                "spec/t.yaml:40:7: operations.get_item.path_params.id: path parameter `id` has no `{id}` placeholder in the path `/items/{item_id}`",
            ]
        );
        let cat = CATEGORY.replace("path: /items/{id}", "path: /items/{id");
        assert!(one_error(API, &cat).contains("has a `{` that is not closed"));
    }

    #[test]
    fn colliding_names_are_reported_with_both_places() {
        let cat = CATEGORY.replace("      color: { type: Color }", "      color: { type: Color }\n      Color: { type: string }");
        assert_eq!(
            one_error(API, &cat),
            "spec/t.yaml:17:7: models.Item.fields.Color: field `Color` becomes `color` in Rust, as field `color` (line 16) does; set `rust_name` on one of them"
        );
        let cat = CATEGORY.replace("  Page:", "  ListItemsRequest:\n    fields: {}\n  Page:");
        assert_eq!(
            one_error(API, &cat),
            "spec/t.yaml:24:3: operations.list_items: the request builder of operation `list_items` becomes `ListItemsRequest` in Rust, as model `ListItemsRequest` (line 17) does; rename one of them"
        );
    }

    #[test]
    fn pagination_needs_its_parameters() {
        let cat = CATEGORY.replace("      offset: { type: int32, required: true }\n", "");
        let errors = check(API, &cat);
        assert!(
            errors.contains(&"spec/t.yaml:28:5: operations.list_items.pagination: pagination needs a query parameter `offset` (where the page starts), declared in `query` as a required integer".to_string()),
            "{errors:#?}"
        );
        let cat = CATEGORY.replace("count: { type: int32, required: true }", "count: { type: string }");
        // Not an integer, not required, and the example's number no longer fits.
        let errors = check(API, &cat);
        assert_eq!(errors.len(), 3, "{errors:#?}");
    }

    #[test]
    fn enums_reject_duplicates_and_unnamed_integers() {
        let cat = CATEGORY.replace("      - { value: GREEN }", "      - { value: GREEN }\n      - { value: RED }");
        assert_eq!(
            one_error(API, &cat),
            "spec/t.yaml:12:11: enums.Color.values.2.value: duplicate value \"RED\" (first listed at line 10)"
        );
        let cat = CATEGORY.replace("  Color:\n", "  Color:\n    type: int32\n").replace("value: RED", "value: 1").replace("value: GREEN", "value: 2, name: Green");
        let errors = check(API, &cat);
        assert!(errors.iter().any(|e| e.ends_with("enums.Color.values.0: integer value 1 needs a `name`: the Rust variant cannot be derived from a number")), "{errors:#?}");
    }

    #[test]
    fn livevox_authorization_is_only_for_livevox_hosts() {
        let api = API.replace("{ kind: NONE }", "{ kind: LIVEVOX, session_header: LV-Session }");
        assert_eq!(
            one_error(&api, CATEGORY),
            "spec/t.yaml:2:1: base_url: authorization `LIVEVOX` sends LiveVox credentials, so LiveVox Functions allows it only for LiveVox hosts; `api.test.example.com` is not one (its name does not contain `livevox`)"
        );
        let api = API.replace("{ kind: NONE }", "{ kind: LIVEVOX }").replace("test.example.com", "livevox.com");
        assert!(one_error(&api, CATEGORY).contains("needs `session_header`"));
    }

    #[test]
    fn examples_are_checked_against_the_types() {
        let cat = CATEGORY.replace("[{ id: 1, color: RED }]", "[{ id: \"1\", color: BLUE }]");
        let errors = check(API, &cat);
        assert_eq!(
            errors,
            [
                "spec/t.yaml:34:39: operations.list_items.examples.0.response.body.items.0.id: the example gives the string \"1\", but the type is `int64`",
                "spec/t.yaml:34:48: operations.list_items.examples.0.response.body.items.0.color: the example gives the string \"BLUE\", which is not a value of `Color` (\"RED\", \"GREEN\")",
            ]
        );
    }

    #[test]
    fn category_membership_is_checked() {
        let api = API.replace("[shop]", "[shops]");
        let errors = check(&api, CATEGORY);
        assert_eq!(
            errors,
            [
                "spec/t.yaml:4:14: categories.0: no category document is called `shops`; did you mean `shop`?",
                "spec/t.yaml:6:1: category: category `shop` is not listed in the `categories` of any API; add it to the `categories` of API `Test` (line 4)",
            ]
        );
    }

    #[test]
    fn required_model_cycles_are_reported_once() {
        let cat = CATEGORY.replace("      color: { type: Color }", "      color: { type: Color }\n      page: { type: Page, required: true }").replace(
            "      next: { type: string }",
            "      next: { type: string }\n      first: { type: Item, required: true }",
        );
        // (The example, which now lacks the new fields, is reported too.)
        let cycles: Vec<String> = check(API, &cat).into_iter().filter(|e| e.contains("leads back")).collect();
        assert_eq!(
            cycles,
            ["spec/t.yaml:17:7: models.Item.fields.page: required field `page` of `Item` leads back to `Item` (`Item` → `Page` → `Item`), so no finite value has it; make a field on the way optional or a list"]
        );
        let cat = CATEGORY.replace("      color: { type: Color }", "      color: { type: Color }\n      parent: { type: Item, required: true }");
        assert!(check(API, &cat).iter().any(|e| e.contains("(`Item` → `Item`)")));
        // Through a list or an optional field, recursion is fine.
        let cat = CATEGORY.replace("      color: { type: Color }", "      color: { type: Color }\n      parent: { type: Item }\n      children: { type: array<Item> }");
        assert_eq!(check(API, &cat), Vec::<String>::new());
    }

    #[test]
    fn a_category_listed_twice_is_one_error() {
        let api = API.replace("[shop]", "[shop, shop]");
        assert_eq!(one_error(&api, CATEGORY), "spec/t.yaml:4:20: categories.1: category `shop` is listed twice (also as `categories.0`)");
    }

    /// Whatever a maintainer's editor leaves behind, load and validate answer with diagnostics,
    /// never a panic: every prefix of the spec, and the spec with any one line removed.
    #[test]
    fn damaged_specs_never_panic() {
        let text = format!("{API}---\n{CATEGORY}");
        let lines: Vec<&str> = text.lines().collect();
        let mut variants: Vec<String> = (0..lines.len()).map(|n| lines[..n].join("\n")).collect();
        variants.extend((0..lines.len()).map(|skip| {
            lines.iter().enumerate().filter(|(i, _)| *i != skip).map(|(_, l)| *l).collect::<Vec<_>>().join("\n")
        }));
        for v in variants {
            if let Ok(loaded) = load_sources(vec![Source { display_path: "spec/t.yaml".into(), text: v }]) {
                let _ = validate(&loaded);
            }
        }
    }

    #[test]
    fn placeholder_parsers() {
        assert_eq!(path_placeholders("/a/{b}/c/{d_1}").unwrap(), ["b", "d_1"]);
        assert!(path_placeholders("/a/}").is_err());
        assert!(path_placeholders("/a/{}").is_err());
        assert!(path_placeholders("/a/{b{c}}").is_err());
        assert_eq!(placeholders("Bearer ${token} ${x}").unwrap(), ["token", "x"]);
        assert!(placeholders("${token").is_err());
        assert!(placeholders("${9x}").is_err());
        assert_eq!(placeholders("$5 {x}").unwrap(), Vec::<String>::new());
        // LiveVox Designer's dynamic values are dotted paths (facts §6: `${loginData.agentId}`).
        assert_eq!(placeholders("${loginData.agentId}/${a.b_2.c}").unwrap(), ["loginData.agentId", "a.b_2.c"]);
        for bad in ["${.a}", "${a.}", "${a..b}", "${a.9b}", "${a b}", "${a-b}", "${}", "${a.}x"] {
            assert!(placeholders(bad).is_err(), "{bad} should be refused");
        }
    }
}
