//! The JSON body of an error response, kept whole so callers can read the API's typed error
//! (`errors.json.type` in the spec: a validation error with its list of failed fields, say).
//! [`ApiError::body`](super::ApiError::body) and [`Error::error_body`](super::Error::error_body)
//! decode it into any type, and [`ApiError::body_json`](super::ApiError::body_json) hands out the
//! raw value, fields the spec does not name included.
//!
//! The body is bounded like every error body ([`MAX_ERROR_BODY`](super::MAX_ERROR_BODY): a cut
//! body is not kept), nested at most [`MAX_DEPTH`] deep, and every string in it (keys and
//! values) is scrubbed of the client's secrets, as messages and excerpts are.

use std::sync::Arc;

use super::secret::{scrub, Secret};

/// An error body nested deeper than this is not kept (serde_json itself stops at 128).
pub const MAX_DEPTH: usize = 32;

/// The body as scrubbed JSON, when it is a JSON object or array no deeper than [`MAX_DEPTH`].
pub(crate) fn json_body(body: &[u8], secrets: &[&Secret]) -> Option<Arc<serde_json::Value>> {
    let first = body.iter().find(|b| !b.is_ascii_whitespace())?;
    if *first != b'{' && *first != b'[' {
        return None;
    }
    let mut value: serde_json::Value = serde_json::from_slice(body).ok()?;
    if depth(&value) > MAX_DEPTH {
        return None;
    }
    if !secrets.is_empty() {
        scrub_value(&mut value, secrets);
    }
    Some(Arc::new(value))
}

fn depth(value: &serde_json::Value) -> usize {
    match value {
        serde_json::Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        serde_json::Value::Object(map) => 1 + map.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

fn scrub_value(value: &mut serde_json::Value, secrets: &[&Secret]) {
    match value {
        serde_json::Value::String(s) => *s = scrub(s, secrets),
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| scrub_value(v, secrets)),
        serde_json::Value::Object(map) => {
            let fields = std::mem::take(map);
            for (key, mut v) in fields {
                scrub_value(&mut v, secrets);
                map.insert(scrub(&key, secrets), v);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_and_arrays_are_kept_and_scrubbed() {
        let secret = Secret::new("tok-123");
        let body = br#"{"message":"bad tok-123","errors":[{"field":"title","tok-123":1}]}"#;
        let v = json_body(body, &[&secret]).unwrap();
        assert_eq!(v["message"], "bad [REDACTED]");
        assert_eq!(v["errors"][0]["field"], "title");
        assert!(!v.to_string().contains("tok-123"), "{v}");
        assert!(json_body(b" [1, 2] ", &[]).is_some());
    }

    #[test]
    fn scalars_garbage_and_deep_bodies_are_not_kept() {
        for body in [&b"\"text\""[..], b"42", b"", b"{not json", b"<ErrorResponse/>"] {
            assert_eq!(json_body(body, &[]), None, "{}", String::from_utf8_lossy(body));
        }
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert_eq!(json_body(deep.as_bytes(), &[]), None);
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(json_body(ok.as_bytes(), &[]).is_some());
    }
}
