//! The spec's closed vocabularies (methods, authorization kinds, response formats, page-end rules,
//! enum types, `auth` needs, agent actions) and its type expressions, parsed into typed values
//! once, when a document is loaded. Later stages match on these values and never compare text.
//!
//! A word outside its list is kept as written ([`Word::Unknown`]), so the load stage never fails
//! on one: validation reports it at its key's position (the `positions` of the document) with the
//! list and a did-you-mean, exactly as for any other rule.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::ir::{AgentAction, AuthNeed, EnumRepr, Method, PageEnd, ResponseFormat, TimeFormat};
use crate::types::{parse_type, TypeExpr};

/// A closed list of words and the typed value of each.
pub trait Vocabulary: Copy + PartialEq + 'static {
    /// Every word, as the spec spells it, with its value; the order is the one messages list.
    const WORDS: &'static [(&'static str, Self)];
    /// What a word of the list is, for messages (`HTTP method`, `pagination end`).
    const WHAT: &'static str;

    /// The value of a word, spelt exactly (case matters).
    fn parse(word: &str) -> Option<Self> {
        Self::WORDS.iter().find(|(w, _)| *w == word).map(|(_, v)| *v)
    }

    /// How the spec spells a value.
    fn word(self) -> &'static str {
        Self::WORDS.iter().find(|(_, v)| *v == self).map_or("?", |(w, _)| *w)
    }

    /// Every word of the list, in order.
    fn words() -> Vec<&'static str> {
        Self::WORDS.iter().map(|(w, _)| *w).collect()
    }
}

/// A word of a closed list as the spec gives it: its value, or the text as written when it is
/// not one of the list (validation reports that; later stages see only [`Word::Known`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Word<T> {
    Known(T),
    Unknown(String),
}

impl<T: Vocabulary> Word<T> {
    /// The value, when the word is one of the list.
    pub fn known(&self) -> Option<T> {
        match self {
            Word::Known(v) => Some(*v),
            Word::Unknown(_) => None,
        }
    }

    /// The word as written.
    pub fn text(&self) -> &str {
        match self {
            Word::Known(v) => v.word(),
            Word::Unknown(s) => s,
        }
    }

    /// Whether the word is `value`.
    pub fn is(&self, value: T) -> bool {
        self.known() == Some(value)
    }
}

impl<T: Vocabulary> fmt::Display for Word<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text())
    }
}

impl<'de, T: Vocabulary> Deserialize<'de> for Word<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Read as a string, so a mistyped value gets the same message as any string key.
        let text = String::deserialize(d)?;
        Ok(T::parse(&text).map_or(Word::Unknown(text), Word::Known))
    }
}

/// Written back as the word it was read from (the JSON Schema shows defaults this way).
impl<T: Vocabulary> Serialize for Word<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.text())
    }
}

/// In the JSON Schema a word is a string; `schema.rs` adds its list from [`Vocabulary::WORDS`].
impl<T> JsonSchema for Word<T> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        String::schema_name()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        String::json_schema(generator)
    }
}

/// A type expression as written (`array<DncEntry>`), parsed at load. The text is kept for
/// messages; a parse error is kept for validation to report at the key's position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeText {
    text: String,
    parsed: Result<TypeExpr, String>,
}

impl TypeText {
    /// Parses `text`.
    pub fn new(text: impl Into<String>) -> TypeText {
        let text = text.into();
        let parsed = parse_type(&text);
        TypeText { text, parsed }
    }

    /// The expression as written.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The parsed expression, or why it does not parse.
    pub fn parsed(&self) -> Result<&TypeExpr, &str> {
        self.parsed.as_ref().map_err(String::as_str)
    }

    /// The parsed expression, when it parses.
    pub fn expr(&self) -> Option<&TypeExpr> {
        self.parsed.as_ref().ok()
    }
}

impl fmt::Display for TypeText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for TypeText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(TypeText::new)
    }
}

/// Written back as the text it was read from.
impl Serialize for TypeText {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

/// In the JSON Schema a type expression is a string; `schema.rs` adds its pattern.
impl JsonSchema for TypeText {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        String::schema_name()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        String::json_schema(generator)
    }
}

/// `authorization.kind`: the six kinds LiveVox Functions offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthKind {
    None,
    LiveVox,
    Basic,
    Bearer,
    /// OAuth 1.0a request signing.
    OAuth,
    OAuth2,
}

impl Vocabulary for AuthKind {
    const WORDS: &'static [(&'static str, Self)] = &[
        ("NONE", AuthKind::None),
        ("LIVEVOX", AuthKind::LiveVox),
        ("BASIC", AuthKind::Basic),
        ("BEARER", AuthKind::Bearer),
        ("OAUTH", AuthKind::OAuth),
        ("OAUTH2", AuthKind::OAuth2),
    ];
    const WHAT: &'static str = "authorization kind";
}

/// `authorization.signature_method` of OAUTH: the one method the client implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SignatureMethod {
    HmacSha1,
}

impl Vocabulary for SignatureMethod {
    const WORDS: &'static [(&'static str, Self)] = &[("HMAC-SHA1", SignatureMethod::HmacSha1)];
    const WHAT: &'static str = "signature method";
}

/// The `type` of an API document: only `api`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApiType {
    Api,
}

impl Vocabulary for ApiType {
    const WORDS: &'static [(&'static str, Self)] = &[("api", ApiType::Api)];
    const WHAT: &'static str = "API type";
}

impl Vocabulary for Method {
    const WORDS: &'static [(&'static str, Self)] = &[
        ("GET", Method::Get),
        ("POST", Method::Post),
        ("PUT", Method::Put),
        ("PATCH", Method::Patch),
        ("DELETE", Method::Delete),
    ];
    const WHAT: &'static str = "HTTP method";
}

impl Vocabulary for AuthNeed {
    const WORDS: &'static [(&'static str, Self)] =
        &[("session", AuthNeed::Session), ("access_token", AuthNeed::AccessToken), ("none", AuthNeed::None)];
    const WHAT: &'static str = "`auth` value";
}

impl Vocabulary for ResponseFormat {
    const WORDS: &'static [(&'static str, Self)] = &[
        ("json", ResponseFormat::Json),
        ("text", ResponseFormat::Text),
        ("binary", ResponseFormat::Binary),
        ("none", ResponseFormat::None),
    ];
    const WHAT: &'static str = "response format";
}

impl Vocabulary for PageEnd {
    const WORDS: &'static [(&'static str, Self)] = &[
        ("next_absent", PageEnd::NextAbsent),
        ("short_page", PageEnd::ShortPage),
        ("next_absent_or_short_page", PageEnd::NextAbsentOrShortPage),
    ];
    const WHAT: &'static str = "pagination end";
}

impl Vocabulary for EnumRepr {
    const WORDS: &'static [(&'static str, Self)] = &[("string", EnumRepr::Str), ("int32", EnumRepr::Int32), ("int64", EnumRepr::Int64)];
    const WHAT: &'static str = "enum type";
}

impl Vocabulary for TimeFormat {
    const WORDS: &'static [(&'static str, Self)] =
        &[("epoch_millis", TimeFormat::EpochMillis), ("rfc3339", TimeFormat::Rfc3339), ("iso_date", TimeFormat::IsoDate)];
    const WHAT: &'static str = "time format";
}

impl Vocabulary for AgentAction {
    const WORDS: &'static [(&'static str, Self)] = &AgentAction::ALL;
    const WHAT: &'static str = "`agent_action`";
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words<T: Vocabulary>() -> Vec<&'static str> {
        T::words()
    }

    #[test]
    fn every_word_round_trips_and_case_matters() {
        fn check<T: Vocabulary + fmt::Debug>() {
            for (w, v) in T::WORDS {
                assert_eq!(T::parse(w), Some(*v), "{w}");
                assert_eq!(v.word(), *w);
                let other_case = if w.chars().any(|c| c.is_ascii_uppercase()) { w.to_ascii_lowercase() } else { w.to_ascii_uppercase() };
                assert_eq!(T::parse(&other_case), None, "{other_case} should not be a {}", T::WHAT);
            }
        }
        check::<AuthKind>();
        check::<SignatureMethod>();
        check::<ApiType>();
        check::<Method>();
        check::<AuthNeed>();
        check::<ResponseFormat>();
        check::<PageEnd>();
        check::<EnumRepr>();
        check::<AgentAction>();
        check::<TimeFormat>();
        assert_eq!(words::<Method>(), ["GET", "POST", "PUT", "PATCH", "DELETE"]);
    }

    #[test]
    fn unknown_words_and_bad_types_are_kept_for_validation() {
        let w: Word<Method> = Word::Unknown("get".into());
        assert_eq!((w.known(), w.text()), (None, "get"));
        assert!(Word::Known(Method::Post).is(Method::Post));
        let t = TypeText::new("array<Entry>");
        assert_eq!(t.expr(), Some(&TypeExpr::Array(Box::new(TypeExpr::Named("Entry".into())))));
        assert_eq!(t.text(), "array<Entry>");
        assert!(TypeText::new("int46").parsed().unwrap_err().contains("did you mean `int64`"));
    }
}
