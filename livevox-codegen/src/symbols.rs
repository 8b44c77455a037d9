//! The symbol table and the type resolver of the front end: which categories belong to which API,
//! and every model and enum of an API by its spec name, built once from the loaded documents and
//! used by both validation (which reports what the table records as wrong) and lowering (which
//! turns resolved names into IR types).
//!
//! The table never fails: a category listed twice, a name no document has, a type defined twice
//! are recorded as [`Membership`] problems and [`Duplicate`]s (the first definition wins), for the
//! validation rules to report with positions.

use std::collections::BTreeMap;

pub mod extends;

use crate::diagnostics::with_suggestion;
use crate::ir::{Type, TypeRef};
use crate::load::{Loaded, LoadedDoc};
use crate::naming;
use crate::spec::{ApiDoc, CategoryDoc, Document, EnumDef, ModelDef, UnionDef};
use crate::types::{Prim, TypeExpr};

/// A category document and the document it was read from.
pub type CategoryEntry<'a> = (&'a LoadedDoc, &'a CategoryDoc);

/// What a model or enum name stands for.
#[derive(Debug, Clone, Copy)]
pub enum Def<'a> {
    Model(&'a ModelDef),
    Enum(&'a EnumDef),
    Union(&'a UnionDef),
}

impl Def<'_> {
    /// `model` or `enum`, for messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Def::Model(_) => "model",
            Def::Enum(_) => "enum",
            Def::Union(_) => "union",
        }
    }
}

/// One model or enum: its definition, where it is, and its Rust module and name.
#[derive(Debug, Clone)]
pub struct Symbol<'a> {
    pub def: Def<'a>,
    pub doc: &'a LoadedDoc,
    /// Its key path in `doc` (`models.DncEntry`).
    pub path: String,
    /// The Rust module of its category.
    pub module: String,
    pub rust_name: String,
}

/// A second definition of a name; the table keeps the first.
#[derive(Debug, Clone)]
pub struct Duplicate<'a> {
    pub name: &'a str,
    pub symbol: Symbol<'a>,
}

/// The models and enums one API's type expressions may name: those of all its categories.
#[derive(Debug, Clone)]
pub struct TypeTable<'a> {
    /// The API's name; `None` for a category that belongs to no API.
    pub api: Option<&'a str>,
    pub defs: BTreeMap<&'a str, Symbol<'a>>,
    pub duplicates: Vec<Duplicate<'a>>,
}

impl<'a> TypeTable<'a> {
    /// The table of the given categories; a name defined twice is kept at its first definition.
    pub fn build(api: Option<&'a str>, members: &[CategoryEntry<'a>]) -> TypeTable<'a> {
        let mut table = TypeTable { api, defs: BTreeMap::new(), duplicates: Vec::new() };
        for &(doc, cat) in members {
            let module = naming::category_module(&cat.category);
            let defs = cat
                .models
                .iter()
                .map(|(n, m)| (n, Def::Model(m), format!("models.{n}")))
                .chain(cat.enums.iter().map(|(n, e)| (n, Def::Enum(e), format!("enums.{n}"))))
                .chain(cat.unions.iter().map(|(n, u)| (n, Def::Union(u), format!("unions.{n}"))));
            for (name, def, path) in defs {
                let symbol = Symbol { def, doc, path, module: module.clone(), rust_name: naming::camel(name) };
                if table.defs.contains_key(name.as_str()) {
                    table.duplicates.push(Duplicate { name, symbol });
                } else {
                    table.defs.insert(name.as_str(), symbol);
                }
            }
        }
        table
    }

    pub fn model(&self, name: &str) -> Option<&'a ModelDef> {
        match self.defs.get(name).map(|e| e.def) {
            Some(Def::Model(m)) => Some(m),
            _ => None,
        }
    }

    pub fn union(&self, name: &str) -> Option<&'a UnionDef> {
        match self.defs.get(name).map(|e| e.def) {
            Some(Def::Union(u)) => Some(u),
            _ => None,
        }
    }

    pub fn enumeration(&self, name: &str) -> Option<&'a EnumDef> {
        match self.defs.get(name).map(|e| e.def) {
            Some(Def::Enum(e)) => Some(e),
            _ => None,
        }
    }

    /// A value that can go into a path or a query string: a primitive other than `json`, or an
    /// enum.
    pub fn is_scalar(&self, t: &TypeExpr) -> bool {
        match t {
            TypeExpr::Prim(p) => *p != Prim::Json,
            TypeExpr::Named(n) => self.enumeration(n).is_some(),
            TypeExpr::Array(_) | TypeExpr::Map(_) => false,
        }
    }

    /// The model a type expression names directly (not inside an array or map).
    pub fn direct_model(&self, t: &TypeExpr) -> Option<(&'a str, &'a ModelDef)> {
        match t {
            TypeExpr::Named(n) => self.defs.get_key_value(n.as_str()).and_then(|(k, e)| match e.def {
                Def::Model(m) => Some((*k, m)),
                Def::Enum(_) | Def::Union(_) => None,
            }),
            _ => None,
        }
    }

    /// Checks that every name in `t` is a model or enum of the table; the error says which name
    /// is unknown, with a did-you-mean.
    pub fn check(&self, t: &TypeExpr) -> Result<(), String> {
        match t.named() {
            Some(name) if !self.defs.contains_key(name) => Err(self.unknown(name)),
            _ => Ok(()),
        }
    }

    /// The message for a name that is no model or enum of the table.
    fn unknown(&self, name: &str) -> String {
        let mut message = format!("unknown type `{name}`: no model or enum has that name");
        if let Some(api) = self.api {
            message.push_str(&format!(" in API `{api}`"));
        }
        let lower = name.to_ascii_lowercase();
        if let Some((prim, _)) = Prim::ALL.iter().find(|(p, _)| *p == lower) {
            message.push_str(&format!("; did you mean `{prim}`? (primitive types are lower case)"));
        } else {
            message = with_suggestion(message, name, self.defs.keys().copied());
        }
        message
    }

    /// The IR type of an expression: names resolved to their module and Rust name, and a
    /// `secret` string made a `Secret`.
    pub fn ir_type(&self, t: &TypeExpr, secret: bool) -> Result<Type, String> {
        Ok(match t {
            TypeExpr::Prim(Prim::String) if secret => Type::Secret,
            TypeExpr::Prim(p) => Type::Prim(*p),
            TypeExpr::Array(t) => Type::Array(Box::new(self.ir_type(t, secret)?)),
            TypeExpr::Map(t) => Type::Map(Box::new(self.ir_type(t, secret)?)),
            TypeExpr::Named(n) => {
                let symbol = self.defs.get(n.as_str()).ok_or_else(|| self.unknown(n))?;
                let r = TypeRef { module: symbol.module.clone(), rust_name: symbol.rust_name.clone(), wire_name: n.clone() };
                match symbol.def {
                    Def::Enum(_) => Type::Enum(r),
                    Def::Model(_) => Type::Model(r),
                    Def::Union(_) => Type::Union(r),
                }
            }
        })
    }
}

/// An API document and what it owns.
#[derive(Debug, Clone)]
pub struct ApiScope<'a> {
    pub doc: &'a LoadedDoc,
    pub api: &'a ApiDoc,
    /// Its categories, each once, in the order of its `categories` list.
    pub members: Vec<CategoryEntry<'a>>,
    pub types: TypeTable<'a>,
}

/// A problem with an entry `categories.{index}` of an API's list (the API by its index in
/// [`Symbols::apis`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Membership {
    /// The name is listed before, at `categories.{first}`.
    ListedTwice { api: usize, index: usize, first: usize },
    /// No category document has the name.
    NoSuchCategory { api: usize, index: usize },
    /// An earlier API already lists the category, at its `categories.{index}`.
    OwnedElsewhere { api: usize, index: usize, owner: usize, owner_index: usize },
}

/// The symbol table of a loaded spec.
#[derive(Debug, Clone)]
pub struct Symbols<'a> {
    /// Every category document in load order, duplicates of a name included.
    pub all_categories: Vec<CategoryEntry<'a>>,
    /// The first category document of each name.
    pub categories: BTreeMap<&'a str, CategoryEntry<'a>>,
    /// Every API document in load order.
    pub apis: Vec<ApiScope<'a>>,
    /// Category documents no API owns (no API lists the name, or another document of the name
    /// came first), in load order, each with a table of its own types: they are still checked.
    pub orphans: Vec<(CategoryEntry<'a>, TypeTable<'a>)>,
    pub membership: Vec<Membership>,
}

impl<'a> Symbols<'a> {
    /// Builds the table; it records problems instead of failing.
    pub fn build(loaded: &'a Loaded) -> Symbols<'a> {
        Self::build_from(&loaded.docs)
    }

    /// [`Symbols::build`] over documents taken from more than one [`Loaded`], in order (a spec
    /// and another beside it), without copying them into one.
    pub fn build_from(docs: impl IntoIterator<Item = &'a LoadedDoc>) -> Symbols<'a> {
        let mut api_docs: Vec<(&LoadedDoc, &ApiDoc)> = Vec::new();
        let mut all_categories = Vec::new();
        let mut categories: BTreeMap<&str, CategoryEntry<'_>> = BTreeMap::new();
        for doc in docs {
            match &doc.doc {
                Document::Api(api) => api_docs.push((doc, api)),
                Document::Category(c) => {
                    all_categories.push((doc, c));
                    categories.entry(c.category.as_str()).or_insert((doc, c));
                }
            }
        }

        // Which API owns each category: the first to list it, at its first listing.
        let mut membership = Vec::new();
        let mut owner: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        let mut members: Vec<Vec<CategoryEntry<'_>>> = vec![Vec::new(); api_docs.len()];
        for (i, (_, api)) in api_docs.iter().enumerate() {
            let mut listed: BTreeMap<&str, usize> = BTreeMap::new();
            for (j, name) in api.categories.iter().enumerate() {
                if let Some(&first) = listed.get(name.as_str()) {
                    membership.push(Membership::ListedTwice { api: i, index: j, first });
                    continue;
                }
                listed.insert(name, j);
                let Some(&entry) = categories.get(name.as_str()) else {
                    membership.push(Membership::NoSuchCategory { api: i, index: j });
                    continue;
                };
                match owner.get(name.as_str()) {
                    Some(&(o, oj)) => membership.push(Membership::OwnedElsewhere { api: i, index: j, owner: o, owner_index: oj }),
                    None => {
                        owner.insert(name, (i, j));
                        members[i].push(entry);
                    }
                }
            }
        }
        let apis = api_docs
            .into_iter()
            .zip(members)
            .map(|((doc, api), members)| ApiScope { doc, api, types: TypeTable::build(Some(&api.api), &members), members })
            .collect();
        let owned = |(doc, cat): &CategoryEntry<'_>| {
            owner.contains_key(cat.category.as_str())
                && categories.get(cat.category.as_str()).is_some_and(|(d, c)| std::ptr::eq(*d, *doc) && std::ptr::eq(*c, *cat))
        };
        let orphans = all_categories.iter().filter(|e| !owned(e)).map(|&entry| (entry, TypeTable::build(None, &[entry]))).collect();
        Symbols { all_categories, categories, apis, orphans, membership }
    }

    /// Whether `(doc, cat)` is the category document an API owns.
    pub fn is_owned(&self, doc: &LoadedDoc, cat: &CategoryDoc) -> bool {
        self.apis.iter().any(|a| a.members.iter().any(|(d, c)| std::ptr::eq(*d, doc) && std::ptr::eq(*c, cat)))
    }

    /// Whether `doc` holds the first category document named `name`.
    pub fn is_first_of_name(&self, doc: &LoadedDoc, name: &str) -> bool {
        self.categories.get(name).is_some_and(|(d, _)| std::ptr::eq(*d, doc))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{load_sources, Source};

    fn load(text: &str) -> Loaded {
        load_sources(vec![Source { display_path: "spec/t.yaml".into(), text: text.into() }]).expect("loads")
    }

    const SPEC: &str = "\
api: A
base_url: https://a.example.com
authorization: { kind: NONE }
categories: [one, one, nothing, two]
---
api: B
base_url: https://b.example.com
authorization: { kind: NONE }
categories: [two]
---
category: one
models:
  Entry: { fields: { id: { type: int64 } } }
enums:
  Color: { values: [{ value: RED }] }
---
category: two
models:
  Entry: { fields: { name: { type: string } } }
---
category: loose
";

    #[test]
    fn membership_problems_are_recorded_and_the_first_owner_wins() {
        let loaded = load(SPEC);
        let s = Symbols::build(&loaded);
        assert_eq!(
            s.membership,
            [
                Membership::ListedTwice { api: 0, index: 1, first: 0 },
                Membership::NoSuchCategory { api: 0, index: 2 },
                Membership::OwnedElsewhere { api: 1, index: 0, owner: 0, owner_index: 3 },
            ]
        );
        fn names<'a>(a: &ApiScope<'a>) -> Vec<&'a str> {
            a.members.iter().map(|(_, c)| c.category.as_str()).collect()
        }
        assert_eq!(names(&s.apis[0]), ["one", "two"]);
        assert!(names(&s.apis[1]).is_empty());
        let orphans: Vec<&str> = s.orphans.iter().map(|((_, c), _)| c.category.as_str()).collect();
        assert_eq!(orphans, ["loose"]);
    }

    #[test]
    fn a_name_defined_twice_keeps_its_first_definition() {
        let loaded = load(SPEC);
        let types = &Symbols::build(&loaded).apis[0].types;
        assert_eq!(types.duplicates.len(), 1);
        assert_eq!((types.duplicates[0].name, types.duplicates[0].symbol.path.as_str()), ("Entry", "models.Entry"));
        assert!(types.model("Entry").is_some_and(|m| m.fields.contains_key("id")), "the first definition wins");
    }

    #[test]
    fn the_resolver_gives_ir_types_and_explains_unknown_names() {
        let loaded = load(SPEC);
        let types = &Symbols::build(&loaded).apis[0].types;
        let expr = |t: &str| crate::types::parse_type(t).expect("parses");
        let color = TypeRef { module: "one".into(), rust_name: "Color".into(), wire_name: "Color".into() };
        assert_eq!(types.ir_type(&expr("map<Color>"), false), Ok(Type::Map(Box::new(Type::Enum(color)))));
        assert_eq!(types.ir_type(&expr("array<string>"), true), Ok(Type::Array(Box::new(Type::Secret))));
        assert!(types.is_scalar(&expr("Color")) && !types.is_scalar(&expr("Entry")));
        let unknown = types.ir_type(&expr("array<Entyr>"), false).unwrap_err();
        assert_eq!(unknown, "unknown type `Entyr`: no model or enum has that name in API `A`; did you mean `Entry`?");
        assert_eq!(types.check(&expr("Entyr")), Err(unknown));
        assert!(types.check(&expr("String")).unwrap_err().ends_with("did you mean `string`? (primitive types are lower case)"));
    }
}
