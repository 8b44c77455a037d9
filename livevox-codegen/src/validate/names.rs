//! Rules for names written in the spec: explicit Rust identifiers (`rust_name`, `name`,
//! `module`: no keywords, no `__`, snake or camel case as the place needs) and deprecation notes.

use super::*;

impl Validator {
    pub(super) fn module_name(&mut self, doc: &LoadedDoc, path: &str, name: &str) {
        if self.explicit_ident(doc, path, name) && name != naming::snake(name) {
            self.err(doc, path, format!("`{name}` is not snake case; a module name is lower case with `_` between words, e.g. `{}`", naming::snake(name)));
        }
    }

    /// An explicit Rust name (`rust_name`, `name`, `module`); false when it is unusable.
    pub(super) fn explicit_ident(&mut self, doc: &LoadedDoc, path: &str, name: &str) -> bool {
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
    pub(super) fn rust_name(&mut self, doc: &LoadedDoc, path: &str, name: &str) {
        if self.explicit_ident(doc, path, name) && name.chars().any(|c| c.is_ascii_uppercase()) {
            self.err(doc, path, format!("`{name}` is not snake case; Rust field and argument names are lower case, e.g. `{}`", naming::snake(name)));
        }
    }

    pub(super) fn deprecation(&mut self, doc: &LoadedDoc, path: &str, d: &Option<Deprecation>) {
        if let Some(Deprecation::Note(n)) = d {
            if n.trim().is_empty() {
                self.err(doc, path, "an empty deprecation note; write `true`, or say what to use instead");
            }
        }
    }
}
