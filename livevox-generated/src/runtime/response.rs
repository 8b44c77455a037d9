//! What a success response carried besides its decoded body: the status and the headers, as
//! [`Call::call_with_meta`](super::Call::call_with_meta) hands them to generated code (declared
//! response headers, `Link` pagination) and to callers that want the raw answer.

use http::{HeaderMap, StatusCode};

/// The status and headers of a success response (the body is decoded separately).
#[derive(Debug, Clone, Default)]
pub struct ResponseMeta {
    status: StatusCode,
    headers: HeaderMap,
}

impl ResponseMeta {
    /// Status and headers as the server sent them.
    pub fn new(status: StatusCode, headers: HeaderMap) -> Self {
        ResponseMeta { status, headers }
    }

    /// The response's status (a success status: errors arrive as [`Error`](super::Error)).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// Every header of the response.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The value of header `name` as text, when the response has it and it is visible ASCII.
    /// With several headers of that name, the first.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The headers, by value.
    pub fn into_headers(self) -> HeaderMap {
        self.headers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_reads_text_and_skips_opaque_bytes() {
        let mut headers = HeaderMap::new();
        headers.insert("location", "/v1/items/7".parse().unwrap());
        headers.insert("x-odd", http::HeaderValue::from_bytes(b"caf\xe9").unwrap());
        let meta = ResponseMeta::new(StatusCode::CREATED, headers);
        assert_eq!(meta.status(), StatusCode::CREATED);
        assert_eq!(meta.header("Location"), Some("/v1/items/7"));
        assert_eq!(meta.header("x-odd"), None);
        assert_eq!(meta.header("missing"), None);
        assert_eq!(meta.into_headers().len(), 2);
    }
}
