//! Bytes that may come in either of two answers ([`super::ResponseFormat::BinaryOrBase64Json`]):
//! raw (audio, CSV) or base64-encoded in one field of a JSON object, as LiveVox's
//! `{"binaryData": ".."}`. Telling them apart and decoding the second is all this module does.
//!
//! The answer is told by its `Content-Type`: JSON (`application/json`, `*/*+json`) must be the
//! object form, anything else is the raw bytes. Without a `Content-Type`, a body that parses as
//! a JSON object holding the field as a string is the object form, and anything else is raw:
//! audio never starts with `{`, and CSV that parses as such an object is not CSV.

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use bytes::Bytes;

/// The standard alphabet (what .NET writes for a `byte[]`), padded or not.
const BASE64: GeneralPurpose =
    GeneralPurpose::new(&base64::alphabet::STANDARD, GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent));

/// Why an answer that is the JSON form did not give bytes: the field path (`.` for the whole
/// body) and what was wrong, for a decode error.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct NotBytes {
    pub path: String,
    pub message: String,
}

/// The bytes of a success answer: the body itself, or the decoded base64 of `field` when the
/// answer is a JSON object (see the module doc for how the two are told apart).
pub(crate) fn bytes_of_answer(content_type: Option<&str>, body: Bytes, field: &str) -> Result<Bytes, NotBytes> {
    let declared_json = content_type.map(is_json_media_type);
    match declared_json {
        Some(false) => Ok(body),
        Some(true) => from_json(&body, field),
        None => {
            let looks_like_object = body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
            if looks_like_object {
                if let Ok(serde_json::Value::Object(map)) = serde_json::from_slice::<serde_json::Value>(&body) {
                    if map.get(field).is_some_and(serde_json::Value::is_string) {
                        return from_json(&body, field);
                    }
                }
            }
            Ok(body)
        }
    }
}

fn is_json_media_type(content_type: &str) -> bool {
    let media = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    media == "application/json" || (media.starts_with("application/") && media.ends_with("+json"))
}

fn from_json(body: &[u8], field: &str) -> Result<Bytes, NotBytes> {
    let whole = |message: String| NotBytes { path: ".".into(), message };
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| whole(format!("the JSON answer does not parse: {e}")))?;
    let serde_json::Value::Object(map) = value else {
        return Err(whole(format!("the JSON answer is not an object with the bytes in `{field}`")));
    };
    let at_field = |message: String| NotBytes { path: field.to_string(), message };
    let text = match map.get(field) {
        Some(serde_json::Value::String(s)) => s,
        Some(serde_json::Value::Null) | None => return Err(at_field(format!("the JSON answer has no `{field}`"))),
        Some(_) => return Err(at_field("expected a base64 string".into())),
    };
    // Line breaks are allowed inside base64 text (MIME wraps it at 76 characters).
    let compact: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    BASE64.decode(&compact).map(Bytes::from).map_err(|e| at_field(format!("not base64: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MP3: &[u8] = &[0xFF, 0xFB, 0x90, 0x64, 0x00];

    fn answer(content_type: Option<&str>, body: &[u8]) -> Result<Bytes, NotBytes> {
        bytes_of_answer(content_type, Bytes::copy_from_slice(body), "binaryData")
    }

    #[test]
    fn raw_answers_pass_unchanged() {
        assert_eq!(answer(Some("audio/mpeg"), MP3).unwrap(), MP3);
        assert_eq!(answer(Some("text/csv; charset=utf-8"), b"a,b\r\n1,2\r\n").unwrap(), &b"a,b\r\n1,2\r\n"[..]);
        // Declared raw, even if it looks like the JSON form.
        assert_eq!(answer(Some("text/plain"), br#"{"binaryData":"AA=="}"#).unwrap(), &br#"{"binaryData":"AA=="}"#[..]);
        assert_eq!(answer(None, MP3).unwrap(), MP3);
        assert_eq!(answer(None, b"").unwrap(), &b""[..]);
        // Undeclared text that is not the JSON form stays as it is.
        assert_eq!(answer(None, br#"{"other": 1}"#).unwrap(), &br#"{"other": 1}"#[..]);
    }

    #[test]
    fn json_answers_are_decoded() {
        assert_eq!(answer(Some("application/json"), br#"{"binaryData": "//uQZAA="}"#).unwrap(), MP3);
        assert_eq!(answer(Some("application/json; charset=utf-8"), br#"{"binaryData": "//uQZAA"}"#).unwrap(), MP3);
        assert_eq!(answer(Some("application/vnd.lv+json"), br#"{"binaryData": "//uQ\nZAA="}"#).unwrap(), MP3);
        assert_eq!(answer(None, br#" {"binaryData": "YSxiDQo="}"#).unwrap(), &b"a,b\r\n"[..]);
    }

    #[test]
    fn broken_json_answers_say_where() {
        let err = |ct, body: &[u8]| answer(Some(ct), body).unwrap_err();
        assert_eq!(err("application/json", br#"{"binaryData": "@@"}"#).path, "binaryData");
        assert!(err("application/json", br#"{"binaryData": "@@"}"#).message.starts_with("not base64"));
        assert_eq!(err("application/json", br#"{"binaryData": null}"#).message, "the JSON answer has no `binaryData`");
        assert_eq!(err("application/json", br#"{"binaryData": 5}"#).message, "expected a base64 string");
        assert_eq!(err("application/json", b"[1]").path, ".");
        assert!(err("application/json", b"{").message.starts_with("the JSON answer does not parse"));
    }
}
