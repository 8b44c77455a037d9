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

use crate::ir::{AgentAction, AuthNeed, ContentTypeRule, EnumRepr, Method, PageEnd, PageStyle, ResetUnit, ResponseFormat, TimeFormat};
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

/// Implements [`Vocabulary`] for an enum: `vocabulary!(Type, "what it is", ["WORD" => Variant, ...])`
/// lists the words in message order, each with its variant; `vocabulary!(Type, "what", TABLE)`
/// takes a `[(&str, Type); N]` table the type already has.
macro_rules! vocabulary {
    ($ty:ident, $what:literal, [$($word:literal => $variant:ident),+ $(,)?]) => {
        vocabulary!($ty, $what, [$(($word, $ty::$variant)),+]);
    };
    ($ty:ident, $what:literal, $words:expr) => {
        impl Vocabulary for $ty {
            const WORDS: &'static [(&'static str, Self)] = &$words;
            const WHAT: &'static str = $what;
        }
    };
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

/// Implements `JsonSchema` as an inline string, for a type the spec writes as one: the impl's
/// head is the argument (`string_schema!(impl JsonSchema for TypeText)`).
macro_rules! string_schema {
    ($($head:tt)*) => {
        $($head)* {
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
    };
}

// In the JSON Schema a word is a string; `schema.rs` adds its list from [`Vocabulary::WORDS`].
string_schema!(impl<T> JsonSchema for Word<T>);

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

// In the JSON Schema a type expression is a string; `schema.rs` adds its pattern.
string_schema!(impl JsonSchema for TypeText);

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

vocabulary!(AuthKind, "authorization kind", [
    "NONE" => None,
    "LIVEVOX" => LiveVox,
    "BASIC" => Basic,
    "BEARER" => Bearer,
    "OAUTH" => OAuth,
    "OAUTH2" => OAuth2,
]);

/// `authorization.signature_method` of OAUTH: the one method the client implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SignatureMethod {
    HmacSha1,
}

vocabulary!(SignatureMethod, "signature method", ["HMAC-SHA1" => HmacSha1]);

/// The `type` of an API document: only `api`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApiType {
    Api,
}

vocabulary!(ApiType, "API type", ["api" => Api]);
vocabulary!(Method, "HTTP method", ["GET" => Get, "POST" => Post, "PUT" => Put, "PATCH" => Patch, "DELETE" => Delete]);
vocabulary!(AuthNeed, "`auth` value", ["session" => Session, "access_token" => AccessToken, "none" => None]);
vocabulary!(ResponseFormat, "response format", ["json" => Json, "text" => Text, "binary" => Binary, "none" => None]);
vocabulary!(PageEnd, "pagination end", [
    "next_absent" => NextAbsent,
    "short_page" => ShortPage,
    "next_absent_or_short_page" => NextAbsentOrShortPage,
]);
vocabulary!(PageStyle, "pagination style", ["offset" => Offset, "page" => Page, "cursor" => Cursor, "link" => Link]);
vocabulary!(EnumRepr, "enum type", ["string" => Str, "int32" => Int32, "int64" => Int64]);
vocabulary!(AgentAction, "`agent_action`", AgentAction::ALL);

vocabulary!(ContentTypeRule, "`content_type` rule", ["with_body" => WithBody, "always" => Always]);
vocabulary!(ResetUnit, "reset unit", ["epoch_seconds" => EpochSeconds, "seconds" => Seconds]);
vocabulary!(TimeFormat, "time format", ["epoch_millis" => EpochMillis, "rfc3339" => Rfc3339, "iso_date" => IsoDate]);

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
        check::<PageStyle>();
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
