//! Every rule that turns a wire name into a Rust name lives here, so that validate (which
//! reports collisions) and lower (which assigns names) can never disagree.
//!
//! - Types, variants: UpperCamelCase (`dnc_type` → `DncType`).
//! - Functions, fields, modules, setters: snake_case (`dncType` → `dnc_type`).
//! - A Rust keyword gets a trailing underscore (`type` → `type_`), never a raw identifier, so
//!   the same rule works for `self` and `crate`, which cannot be raw.
//! - A leading digit gets a prefix: `_` for snake case (`2fa` → `_2fa`), `V` for camel case
//!   (`1` → `V1`).
//! - A header placeholder's builder argument is the snake case of its whole (possibly dotted)
//!   name: `${loginData.agentId}` → `login_data_agent_id`.
//! - Builder methods the runtime reserves (`send`, `into_future`) get a trailing underscore.
//! - Generated code names prelude items by absolute path, so a model called `Option` or
//!   `Result` is fine and keeps its name. (Derive macros go by their prelude names: a model
//!   called `Clone` is a type and cannot shadow a macro.)
//! - A model where more wire names are serde's camelCase of their field names
//!   ([`serde_camel_case`]) than are the field names themselves gets `rename_all =
//!   "camelCase"`; the other fields keep a `rename`.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Strict and reserved keywords of Rust 2021, plus the weak ones that break in identifiers.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum",
    "extern", "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move",
    "mut", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true",
    "type", "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final",
    "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen", "union",
];

/// Methods every generated request builder has; a parameter setter may not take these names.
pub const RESERVED_BUILDER_METHODS: &[&str] = &["send", "into_future", "clone", "fmt", "pages", "items", "timeout", "deadline"];

/// Suffixes of types the generator derives from an operation name.
pub const REQUEST_SUFFIX: &str = "Request";
pub const BODY_SUFFIX: &str = "Body";
pub const CATEGORY_CLIENT_SUFFIX: &str = "Client";

/// Type names the generator itself defines in an API module.
pub const API_MODULE_TYPES: &[&str] = &["Client", "ClientBuilder", "Environment"];

pub fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

fn words_only(s: &str) -> String {
    // heck treats any non-alphanumeric character as a separator; we do the same, explicitly,
    // so that `LV-Session`, `dnc.type` and `count (max)` all give clean words.
    s.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect()
}

/// snake_case for functions, fields, setters and modules.
pub fn snake(wire: &str) -> String {
    let mut s = words_only(wire).to_snake_case();
    if s.is_empty() {
        s.push_str("value");
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    if is_keyword(&s) {
        s.push('_');
    }
    s
}

/// UpperCamelCase for types and enum variants.
pub fn camel(wire: &str) -> String {
    let mut s = camel_unescaped(wire);
    if is_keyword(&s) {
        s.push('_');
    }
    s
}

/// UpperCamelCase without the keyword escape: for names that get a suffix (`Self` +
/// `Request` is `SelfRequest`, not `Self_Request`).
fn camel_unescaped(wire: &str) -> String {
    let mut s = words_only(wire).to_upper_camel_case();
    if s.is_empty() {
        s.push_str("Value");
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, 'V');
    }
    s
}

/// A field or parameter name: snake case, or the spec's `rust_name` override.
pub fn field(wire: &str, rust_name: Option<&str>) -> String {
    rust_name.map(str::to_string).unwrap_or_else(|| snake(wire))
}

/// The setter name for a builder parameter: the field name, avoiding reserved methods.
pub fn setter(field_name: &str) -> String {
    if RESERVED_BUILDER_METHODS.contains(&field_name) {
        format!("{field_name}_")
    } else {
        field_name.to_string()
    }
}

/// The chainable setter of an optional model field: `with_` and the field name without leading
/// or trailing underscores (`type_` → `with_type`, `_2fa` → `with_2fa`).
pub fn with_setter(field_name: &str) -> String {
    format!("with_{}", field_name.trim_matches('_'))
}

/// The wire name serde's `#[serde(rename_all = "camelCase")]` gives a field (serde's own rule:
/// drop each `_` and upper-case the character after it, lower-case the first character:
/// `number_of_voicemails` → `numberOfVoicemails`, `type_` → `type`). `None` for a name serde's
/// rule would not handle the same way (not ASCII).
pub fn serde_camel_case(field_name: &str) -> Option<String> {
    if !field_name.is_ascii() {
        return None;
    }
    // serde_derive's `RenameRule::PascalCase`, then `CamelCase` lower-cases its first character.
    let mut pascal = String::with_capacity(field_name.len());
    let mut capitalize = true;
    for ch in field_name.chars() {
        if ch == '_' {
            capitalize = true;
        } else if capitalize {
            pascal.push(ch.to_ascii_uppercase());
            capitalize = false;
        } else {
            pascal.push(ch);
        }
    }
    let first = pascal.get(..1)?.to_ascii_lowercase();
    Some(first + &pascal[1..])
}

/// The `Client::builder` argument that fills a header's `${name}` placeholder: the snake case
/// of the whole name, so a LiveVox Designer path keeps every part (`loginData.agentId` →
/// `login_data_agent_id`, `agentId` → `agent_id`).
pub fn placeholder_arg(name: &str) -> String {
    snake(name)
}

/// The operation's method on the category client.
pub fn operation_fn(op: &str) -> String {
    snake(op)
}

/// The operation's request builder type.
pub fn request_type(op: &str) -> String {
    format!("{}{REQUEST_SUFFIX}", camel_unescaped(op))
}

/// The model synthesised from an operation's inline body fields.
pub fn body_type(op: &str) -> String {
    format!("{}{BODY_SUFFIX}", camel_unescaped(op))
}

/// The category module, and its cargo feature.
pub fn category_module(category: &str) -> String {
    snake(category)
}

/// The client type of a category (`compliance` → `ComplianceClient`).
pub fn category_client(category: &str) -> String {
    format!("{}{CATEGORY_CLIENT_SUFFIX}", camel_unescaped(category))
}

/// The API module (`LiveVox` → `live_vox`, unless the spec names the module).
pub fn api_module(api: &str, module: Option<&str>) -> String {
    module.map(str::to_string).unwrap_or_else(|| snake(api))
}

/// A variant name for an enum value: the spec's `name`, else the camel case of a string value.
pub fn variant(value: &crate::spec::WireValue, name: Option<&str>) -> Option<String> {
    match (name, value) {
        (Some(n), _) => Some(n.to_string()),
        (None, crate::spec::WireValue::Str(s)) => Some(camel(s)),
        (None, crate::spec::WireValue::Int(_)) => None,
    }
}

/// The catch-all variant of a forward-compatible enum: `Unknown`, or `UnknownValue` when the
/// spec already has a value called `Unknown`.
pub fn unknown_variant<'a>(taken: impl IntoIterator<Item = &'a str> + Clone) -> String {
    for candidate in ["Unknown", "UnknownValue", "Unrecognized"] {
        if !taken.clone().into_iter().any(|t| t == candidate) {
            return candidate.to_string();
        }
    }
    "UnknownWireValue".to_string()
}

/// A Rust-valid identifier check for names the spec gives explicitly (`rust_name`, `name`,
/// `module`): ASCII, not starting with a digit, not a keyword.
pub fn check_ident(s: &str) -> Result<(), String> {
    let ok_chars = !s.is_empty()
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !s.starts_with(|c: char| c.is_ascii_digit());
    if !ok_chars {
        return Err(format!("`{s}` is not a valid Rust identifier"));
    }
    if is_keyword(s) || s == "_" {
        return Err(format!("`{s}` is a Rust keyword"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn casing() {
        assert_eq!(snake("dncType"), "dnc_type");
        assert_eq!(snake("LV-Session"), "lv_session");
        assert_eq!(snake("isLegacyDNCEnabled"), "is_legacy_dnc_enabled");
        assert_eq!(camel("dnc_entry"), "DncEntry");
        assert_eq!(camel("SEGMENTED_WIRELESS"), "SegmentedWireless");
    }

    #[test]
    fn serde_camel_case_is_serdes_rule() {
        assert_eq!(serde_camel_case("number_of_voicemails").as_deref(), Some("numberOfVoicemails"));
        assert_eq!(serde_camel_case("id").as_deref(), Some("id"));
        assert_eq!(serde_camel_case("type_").as_deref(), Some("type"));
        assert_eq!(serde_camel_case("_2fa").as_deref(), Some("2fa"));
        assert_eq!(serde_camel_case("a__b").as_deref(), Some("aB"));
        assert_eq!(serde_camel_case("is_legacy_dnc_enabled").as_deref(), Some("isLegacyDncEnabled"));
        assert_eq!(serde_camel_case("_"), None);
        assert_eq!(serde_camel_case("größe"), None);
    }

    #[test]
    fn keywords_and_digits() {
        assert_eq!(snake("type"), "type_");
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("match"), "match_");
        assert_eq!(camel("self"), "Self_");
        assert_eq!(snake("2fa"), "_2fa");
        assert_eq!(camel("1"), "V1");
        assert_eq!(snake("--"), "value");
    }

    #[test]
    fn header_placeholder_arguments() {
        assert_eq!(placeholder_arg("loginData.agentId"), "login_data_agent_id");
        assert_eq!(placeholder_arg("agentId"), "agent_id");
        assert_eq!(placeholder_arg("call.self"), "call_self");
        assert_eq!(placeholder_arg("self"), "self_");
    }

    #[test]
    fn reserved_and_unknown() {
        assert_eq!(setter("send"), "send_");
        assert_eq!(setter("count"), "count");
        assert_eq!(unknown_variant(["Daily", "Unknown"]), "UnknownValue");
        assert_eq!(unknown_variant(["Daily"]), "Unknown");
        assert_eq!(request_type("Self"), "SelfRequest");
        assert_eq!(category_client("type"), "TypeClient");
    }

    #[test]
    fn explicit_idents() {
        assert!(check_ident("client_id").is_ok());
        assert!(check_ident("type").is_err());
        assert!(check_ident("9lives").is_err());
        assert!(check_ident("has space").is_err());
    }
}
