//! The type expression language of the spec (`int64`, `array<DncEntry>`, `map<string>`, ...).

use std::fmt;

/// A primitive type of the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Prim {
    String,
    Bool,
    Int32,
    Int64,
    Float64,
    /// Milliseconds since the Unix epoch (UTC).
    DateTime,
    /// Milliseconds since the Unix epoch at midnight UTC.
    Date,
    /// Milliseconds since midnight UTC.
    Time,
    /// Untyped JSON: the escape hatch.
    Json,
}

impl Prim {
    pub const ALL: [(&'static str, Prim); 9] = [
        ("string", Prim::String),
        ("bool", Prim::Bool),
        ("int32", Prim::Int32),
        ("int64", Prim::Int64),
        ("float64", Prim::Float64),
        ("datetime", Prim::DateTime),
        ("date", Prim::Date),
        ("time", Prim::Time),
        ("json", Prim::Json),
    ];

    pub fn name(self) -> &'static str {
        Self::ALL.iter().find(|(_, p)| *p == self).map(|(n, _)| *n).unwrap_or("?")
    }

    pub fn is_integer(self) -> bool {
        matches!(self, Prim::Int32 | Prim::Int64)
    }
}

/// A parsed type expression; named references are resolved by lower.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeExpr {
    Prim(Prim),
    Array(Box<TypeExpr>),
    /// A JSON object with string keys.
    Map(Box<TypeExpr>),
    /// A model or enum, by its spec name.
    Named(String),
}

impl fmt::Display for TypeExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeExpr::Prim(p) => f.write_str(p.name()),
            TypeExpr::Array(t) => write!(f, "array<{t}>"),
            TypeExpr::Map(t) => write!(f, "map<{t}>"),
            TypeExpr::Named(n) => f.write_str(n),
        }
    }
}

impl TypeExpr {
    /// Every named reference in the expression.
    pub fn named(&self) -> Option<&str> {
        match self {
            TypeExpr::Prim(_) => None,
            TypeExpr::Array(t) | TypeExpr::Map(t) => t.named(),
            TypeExpr::Named(n) => Some(n),
        }
    }
}

/// How deep `array<...>` and `map<...>` may nest. Every later stage (and rustc, and syn when
/// the generated code is formatted) recurses once per level; 1,600 levels overflowed the stack.
pub const MAX_TYPE_DEPTH: usize = 16;

/// Parses a type expression. The error says what was expected.
pub fn parse_type(text: &str) -> Result<TypeExpr, String> {
    let depth = text.matches('<').count();
    if depth > MAX_TYPE_DEPTH {
        let shown: String = text.trim().chars().take(40).collect();
        return Err(format!(
            "`{shown}...` nests {depth} types deep; at most {MAX_TYPE_DEPTH} levels of `array<...>` and `map<...>` are allowed"
        ));
    }
    parse_type_within_depth(text)
}

fn parse_type_within_depth(text: &str) -> Result<TypeExpr, String> {
    let s = text.trim();
    if s.is_empty() {
        return Err("empty type; expected a type such as `string`, `int64`, `array<Model>`".into());
    }
    for (wrapper, make) in [
        ("array", TypeExpr::Array as fn(Box<TypeExpr>) -> TypeExpr),
        ("map", TypeExpr::Map as fn(Box<TypeExpr>) -> TypeExpr),
    ] {
        if let Some(rest) = s.strip_prefix(wrapper) {
            let rest = rest.trim_start();
            if rest.starts_with('<') {
                let inner = rest
                    .strip_prefix('<')
                    .and_then(|r| r.strip_suffix('>'))
                    .ok_or_else(|| format!("`{s}`: `{wrapper}<` needs a closing `>`"))?;
                return Ok(make(Box::new(parse_type_within_depth(inner)?)));
            }
        }
    }
    if let Some((_, p)) = Prim::ALL.iter().find(|(n, _)| *n == s) {
        return Ok(TypeExpr::Prim(*p));
    }
    let valid_ident = s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid_ident {
        return Err(format!(
            "`{s}` is not a type; expected one of {}, `array<T>`, `map<T>` or a model or enum name",
            Prim::ALL.iter().map(|(n, _)| format!("`{n}`")).collect::<Vec<_>>().join(", ")
        ));
    }
    if s.chars().next().is_some_and(|c| c.is_ascii_lowercase()) {
        // Lower-case names are reserved for primitives, so a lower-case unknown is a misspelt
        // primitive rather than a model.
        let names = Prim::ALL.iter().map(|(n, _)| *n);
        return Err(crate::diagnostics::with_suggestion(
            format!("unknown type `{s}`"),
            s,
            names,
        ));
    }
    Ok(TypeExpr::Named(s.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested_types() {
        assert_eq!(
            parse_type("array<map<DncEntry>>").unwrap(),
            TypeExpr::Array(Box::new(TypeExpr::Map(Box::new(TypeExpr::Named("DncEntry".into())))))
        );
        assert_eq!(parse_type(" int64 ").unwrap(), TypeExpr::Prim(Prim::Int64));
    }

    #[test]
    fn rejects_bad_types_with_reasons() {
        assert!(parse_type("array<int64").unwrap_err().contains("closing `>`"));
        assert!(parse_type("int46").unwrap_err().contains("did you mean `int64`"));
        assert!(parse_type("list of things").unwrap_err().contains("is not a type"));
        assert!(parse_type("").unwrap_err().contains("empty type"));
    }

    #[test]
    fn deep_nesting_is_refused_quickly() {
        let nested = |n: usize| format!("{}int64{}", "array<".repeat(n), ">".repeat(n));
        assert!(parse_type(&nested(MAX_TYPE_DEPTH)).is_ok());
        for n in [MAX_TYPE_DEPTH + 1, 1_600, 10_000, 1_000_000] {
            let started = std::time::Instant::now();
            let e = parse_type(&nested(n)).unwrap_err();
            assert!(e.contains(&format!("nests {n} types deep")), "{e}");
            assert!(started.elapsed() < std::time::Duration::from_secs(1));
        }
    }
}
