//! Rules for enums: the enum `type`, wire values (duplicates, strings against integers, `int32`
//! range) and variant names (a `name` for integers, collisions).

use super::*;

impl Validator {
    pub(super) fn enumeration(&mut self, doc: &LoadedDoc, path: &str, e: &EnumDef) {
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
}
