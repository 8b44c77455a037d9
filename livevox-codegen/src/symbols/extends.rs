//! Model composition (`extends: Base`) over the symbol table: the chain of bases of a model and
//! its flattened fields (the base-most model's first, then each nearer base's, then its own),
//! read by validation and lowering alike so both see one set of fields.

use std::borrow::Cow;

use indexmap::IndexMap;

use super::{Def, TypeTable};
use crate::spec::{FieldDef, ModelDef};

/// Why a model's `extends` chain cannot be followed to its end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainError<'a> {
    /// `model` extends `base`, which is no model or enum of the API.
    Unknown { model: &'a str, base: &'a str },
    /// `model` extends `base`, which is an enum, not a model.
    NotAModel { model: &'a str, base: &'a str },
    /// The chain comes back to a model already in it: the models in order, the first repeated
    /// at the end (`A`, `B`, `A`).
    Cycle(Vec<&'a str>),
}

/// A model's bases, nearest first, as far as they could be followed.
#[derive(Debug, Clone)]
pub struct Chain<'a> {
    /// `(name, definition)` of each base: `[B, A]` for `C extends B`, `B extends A`.
    pub bases: Vec<(&'a str, &'a ModelDef)>,
    /// Where the chain broke, if it did.
    pub error: Option<ChainError<'a>>,
}

impl<'a> TypeTable<'a> {
    /// The bases of `model` (named `name`), nearest first, following `extends` until a model
    /// extends nothing, names no model, or comes back to a model already seen.
    pub fn bases(&self, name: &'a str, model: &'a ModelDef) -> Chain<'a> {
        let mut seen: Vec<&'a str> = vec![name];
        let mut bases = Vec::new();
        let (mut from, mut current) = (name, model);
        while let Some(base) = current.extends.as_deref() {
            if let Some(i) = seen.iter().position(|s| *s == base) {
                let mut cycle = seen[i..].to_vec();
                cycle.push(base);
                return Chain { bases, error: Some(ChainError::Cycle(cycle)) };
            }
            let error = match self.defs.get_key_value(base).map(|(k, s)| (*k, s.def)) {
                Some((key, Def::Model(m))) => {
                    seen.push(key);
                    bases.push((key, m));
                    (from, current) = (key, m);
                    continue;
                }
                Some((_, Def::Enum(_) | Def::Union(_))) => ChainError::NotAModel { model: from, base },
                None => ChainError::Unknown { model: from, base },
            };
            return Chain { bases, error: Some(error) };
        }
        Chain { bases, error: None }
    }

    /// Every field of `model` (named `name`), keyed by wire name: the inherited ones first,
    /// base-most first, then its own. Borrowed when the model extends nothing. A broken chain
    /// (which validation reports) gives the fields of the bases it could follow.
    pub fn all_fields(&self, name: &'a str, model: &'a ModelDef) -> Cow<'a, IndexMap<String, FieldDef>> {
        if model.extends.is_none() {
            return Cow::Borrowed(&model.fields);
        }
        let chain = self.bases(name, model);
        let mut fields = IndexMap::new();
        for (_, base) in chain.bases.iter().rev() {
            fields.extend(base.fields.iter().map(|(k, f)| (k.clone(), f.clone())));
        }
        fields.extend(model.fields.iter().map(|(k, f)| (k.clone(), f.clone())));
        Cow::Owned(fields)
    }

    /// The fields of the model `name` with its inherited ones (see [`TypeTable::all_fields`]);
    /// `None` when `name` is no model.
    pub fn model_fields(&self, name: &str) -> Option<Cow<'a, IndexMap<String, FieldDef>>> {
        let (key, symbol) = self.defs.get_key_value(name)?;
        match symbol.def {
            Def::Model(m) => Some(self.all_fields(key, m)),
            Def::Enum(_) | Def::Union(_) => None,
        }
    }
}
