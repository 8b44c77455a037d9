//! The validate stage: every rule the spec must satisfy before it is lowered, checked across all
//! documents at once, each broken rule a `file:line:col: key.path: message` diagnostic.
//!
//! Validation collects every error instead of stopping at the first, so one run of the generator
//! shows a maintainer everything to fix. Names are checked with the rules of `naming` (the same
//! functions lower uses), so a collision is reported here, with positions, instead of surfacing
//! as a compile error in generated code. After validation, lower may assume that every type
//! resolves, every name is unique in its scope and every closed word is one it knows.
//!
//! This module holds the driver ([`check`] over the symbol table) and the helpers the rules
//! share; the rules live in the modules under `validate/`, one per family of errors, each naming
//! on its first line the errors it owns (the table in `spec/README.md` maps errors to modules).

use std::collections::{BTreeMap, HashMap};

use indexmap::IndexMap;
use serde_json::Value as Json;

use crate::diagnostics::{did_you_mean, with_suggestion, Diagnostic, Diagnostics};
use crate::load::{Loaded, LoadedDoc};
use crate::symbols::{Symbols, TypeTable as Types};
use responses::Response;
use crate::naming;
use crate::ir::{AgentAction, AuthNeed, EnumRepr, Method, PageEnd, ResponseFormat};
use crate::spec::{
    ApiDoc, BodyDef, CategoryDoc, Deprecation, EnumDef, ExampleDef, FieldDef, ModelDef, OperationDef, ParamDef, WireValue,
};
use crate::types::{Prim, TypeExpr};
use crate::vocab::{AuthKind, SignatureMethod, TypeText, Vocabulary, Word};

mod agents;
mod api;
mod authorization;
mod category;
mod documents;
mod enums;
mod examples;
mod extends;
mod http;
mod names;
mod operations;
mod pagination;
mod responses;
mod secret;
#[cfg(test)]
mod tests;
mod types;
mod unions;

/// Methods the generated API `Client` has besides one accessor per category.
const API_CLIENT_METHODS: &[&str] = &["builder", "runtime"];
/// Modules of the client crate that sit next to the generated API modules.
const CRATE_MODULES: &[&str] = &["runtime", "generated"];

/// Checks the loaded spec; `Err` holds every problem found, sorted by file and position.
pub fn validate(loaded: &Loaded) -> Result<(), Diagnostics> {
    check(&Symbols::build(loaded))
}

/// Checks a spec through its symbol table (built once, and used by lowering too).
pub fn check(symbols: &Symbols<'_>) -> Result<(), Diagnostics> {
    let mut v = Validator::default();
    v.run(symbols);
    if v.diags.is_empty() {
        return Ok(());
    }
    Err(v.diags.condense())
}

#[derive(Default)]
struct Validator {
    diags: Diagnostics,
    /// The `time_format` of the API being checked (examples of its times follow it).
    api_time: crate::ir::TimeFormat,
    /// The time format of the field or parameter whose example value is being checked.
    value_time: crate::ir::TimeFormat,
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

    /// Runs every rule: the documents and their names first, then each API with its categories,
    /// then the categories no API owns (checked on their own, so their mistakes show up together
    /// with the missing listing).
    fn run(&mut self, symbols: &Symbols<'_>) {
        self.category_names(symbols);
        self.api_names(symbols);
        self.membership(symbols);
        for scope in &symbols.apis {
            let a = ApiRef { doc: scope.doc, api: scope.api };
            self.api_time = scope.api.time_format.as_ref().and_then(Word::known).unwrap_or_default();
            self.duplicate_types(&scope.types);
            self.extends(&scope.types);
            self.required_cycles(&scope.types);
            self.api(a, &scope.members, &scope.types);
            for &(doc, cat) in &scope.members {
                self.category(doc, cat, &scope.types, Some(a));
            }
            self.shared_routes(&scope.members);
        }
        self.api_time = crate::ir::TimeFormat::default();
        for ((doc, cat), types) in &symbols.orphans {
            self.duplicate_types(types);
            self.extends(types);
            self.required_cycles(types);
            self.category(doc, cat, types, None);
        }
    }
}
