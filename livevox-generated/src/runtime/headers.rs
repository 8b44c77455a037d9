//! Typed response headers: the values an operation's spec declares under `response.headers`
//! (`Location`, `x-ratelimit-remaining`), read from a success response's [`ResponseMeta`] into
//! the operation's generated headers struct ([`FromHeaders`]). A declared header that is absent
//! is `None`; one that is present but does not parse as its type is a decode error naming the
//! header, never a silent `None`.

use http::StatusCode;

use super::error::{truncate_str, DecodeError, Error};
use super::response::ResponseMeta;

/// A type a declared response header can have: the spec's `string`, `int32`, `int64`,
/// `float64` and `bool`.
pub trait HeaderValueType: Sized {
    /// What the type is called in messages (`an int32`).
    const WHAT: &'static str;

    /// The value of a header's text, when it is one.
    fn parse_header(text: &str) -> Option<Self>;
}

impl HeaderValueType for String {
    const WHAT: &'static str = "a string";
    fn parse_header(text: &str) -> Option<Self> {
        Some(text.to_owned())
    }
}

macro_rules! parsed {
    ($($t:ty => $what:literal),*) => {$(
        impl HeaderValueType for $t {
            const WHAT: &'static str = $what;
            fn parse_header(text: &str) -> Option<Self> {
                text.trim().parse().ok()
            }
        }
    )*};
}

parsed!(i32 => "an int32", i64 => "an int64", f64 => "a float64", bool => "a bool (`true` or `false`)");

/// An operation's declared response headers, read from its success response. Implemented by
/// the generated `<Operation>Headers` structs; `send_with_headers()` uses it.
pub trait FromHeaders: Sized + Send + 'static {
    /// Reads every declared header of `meta`.
    fn from_meta(meta: &ResponseMeta) -> Result<Self, Error>;
}

impl ResponseMeta {
    /// Header `name` as a `T`: `None` when absent, an [`Error::Decode`] (naming the header and
    /// `operation`) when present but not a `T` or not visible ASCII.
    pub fn typed_header<T: HeaderValueType>(&self, operation: &'static str, name: &str) -> Result<Option<T>, Error> {
        let Some(raw) = self.headers().get(name) else { return Ok(None) };
        let problem = match raw.to_str() {
            Ok(text) => match T::parse_header(text) {
                Some(value) => return Ok(Some(value)),
                None => format!("{:?} is not {}", truncate_str(text, 64), T::WHAT),
            },
            Err(_) => "the value is not visible ASCII".to_owned(),
        };
        Err(header_error(operation, self.status(), name, problem))
    }
}

fn header_error(operation: &'static str, status: StatusCode, name: &str, problem: String) -> Error {
    let message = format!("response header `{name}`: {problem}");
    Error::Decode(DecodeError::new(operation, Some(status), format!("header:{name}"), message, None))
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderMap;

    fn meta(pairs: &[(&'static str, &[u8])]) -> ResponseMeta {
        let mut h = HeaderMap::new();
        for (n, v) in pairs {
            h.insert(*n, http::HeaderValue::from_bytes(v).unwrap());
        }
        ResponseMeta::new(StatusCode::CREATED, h)
    }

    #[test]
    fn declared_headers_parse_or_say_which_header_failed() {
        let m = meta(&[("location", b"/repos/o/r/issues/7"), ("x-ratelimit-remaining", b" 42 "), ("x-odd", b"caf\xe9")]);
        assert_eq!(m.typed_header::<String>("t.op", "Location").unwrap().as_deref(), Some("/repos/o/r/issues/7"));
        assert_eq!(m.typed_header::<i32>("t.op", "x-ratelimit-remaining").unwrap(), Some(42));
        assert_eq!(m.typed_header::<i64>("t.op", "absent").unwrap(), None);
        let err = m.typed_header::<bool>("t.op", "x-ratelimit-remaining").unwrap_err();
        assert!(matches!(&err, Error::Decode(d) if d.field_path() == "header:x-ratelimit-remaining"), "{err:?}");
        assert!(err.to_string().contains("response header `x-ratelimit-remaining`: \" 42 \" is not a bool"), "{err}");
        assert!(m.typed_header::<String>("t.op", "x-odd").unwrap_err().to_string().contains("not visible ASCII"));
    }
}
