//! The one public error type, and the decoding of error responses into it.
//!
//! Error bodies are untrusted: they may be missing, empty, malformed, a list of errors (see
//! `error_body`), huge, or not UTF-8. Everything here takes bytes the client has
//! already capped (see [`MAX_ERROR_BODY`]) and never panics; what it keeps is bounded
//! ([`MAX_EXCERPT`], [`MAX_MESSAGE`]) and scrubbed of the client's own secrets.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::StatusCode;

use super::error_body::{parse_error_body, ErrorEntry};
use super::secret::{scrub, Secret};
use super::{ErrorFormat, Method, Operation};

/// At most this much of an error body is read; the rest is left on the wire.
pub const MAX_ERROR_BODY: usize = 64 * 1024;
/// At most this many bytes of a raw body are kept in an error.
pub const MAX_EXCERPT: usize = 512;
/// At most this many bytes of a server's `message` are kept.
pub const MAX_MESSAGE: usize = 2048;

/// Everything that can go wrong with a call. Match on the variant to tell the cases apart, or
/// use the helpers ([`Error::status`], [`Error::api_code`], [`Error::is_retryable`], ...).
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// 401 (or the API's "session expired" status): the credentials were refused, or the
    /// session expired and could not be renewed (renewal is tried once before this surfaces).
    #[error("unauthorized: {0}")]
    Unauthorized(ApiError),
    /// 403: the caller may not do this (an agent session calling a user-only method, say).
    #[error("forbidden: {0}")]
    Forbidden(ApiError),
    /// 404.
    #[error("not found: {0}")]
    NotFound(ApiError),
    /// 409: a conflict or a duplicate.
    #[error("conflict: {0}")]
    Conflict(ApiError),
    /// 429: too many calls. `retry_after` is the server's `Retry-After`, when it sent one.
    #[error("rate limited{}: {error}", RetryAfterText(*retry_after))]
    RateLimited {
        /// The response.
        error: ApiError,
        /// The server's `Retry-After`, when it sent one.
        retry_after: Option<Duration>,
    },
    /// Any other 4xx.
    #[error("request rejected: {0}")]
    ClientError(ApiError),
    /// 5xx.
    #[error("server error: {0}")]
    ServerError(ApiError),
    /// 202 with an error body: LiveVox uses 202 for a call it carried out only partly or not at
    /// all, with `{"code": .., "message": ..}` saying why (a duplicate contact, a report over
    /// more than 150 services). A 202 whose body is the operation's output is a success.
    #[error("partly done: {0}")]
    PartialSuccess(ApiError),
    /// A status that is neither success nor an error (a 1xx, or a 3xx: the client does not
    /// follow redirects, so that a session header never travels to another host).
    #[error("unexpected response: {0}")]
    UnexpectedStatus(ApiError),
    /// No connection could be made (refused, DNS, TLS, or the connect timeout). The request
    /// was not sent, so it is always safe to send again.
    #[error("{operation}: could not connect: {detail}")]
    Connect {
        /// The operation that failed (`category.operation`).
        operation: &'static str,
        /// What went wrong, without the URL.
        detail: String,
        /// The underlying reqwest error.
        #[source]
        source: Arc<reqwest::Error>,
    },
    /// The call took longer than the per-call timeout. The server may have processed it.
    #[error("{operation}: timed out: {detail}")]
    Timeout {
        /// The operation that failed (`category.operation`).
        operation: &'static str,
        /// What went wrong, without the URL.
        detail: String,
        /// The underlying reqwest error.
        #[source]
        source: Arc<reqwest::Error>,
    },
    /// Any other transport failure (connection reset, a broken body stream, ...).
    #[error("{operation}: transport error: {detail}")]
    Transport {
        /// The operation that failed (`category.operation`).
        operation: &'static str,
        /// What went wrong, without the URL.
        detail: String,
        /// The underlying reqwest error.
        #[source]
        source: Arc<reqwest::Error>,
    },
    /// A success response whose body does not match the operation's output type.
    #[error("{0}")]
    Decode(DecodeError),
    /// The request could not be put together (a missing path parameter, a body that does not
    /// serialize). A bug in the calling code, never the server's doing.
    #[error("{operation}: invalid request: {message}")]
    InvalidRequest {
        /// The operation (`category.operation`).
        operation: &'static str,
        /// What is wrong with the request.
        message: String,
    },
    /// The client is misconfigured (plain HTTP, a missing header value, missing credentials,
    /// an unsupported auth kind, ...).
    #[error("configuration error: {0}")]
    Config(String),
    /// The Redis store that shares rate-limit windows and sessions between processes (feature
    /// `redis`) could not be used, and the client was built to fail rather than fall back to
    /// in-process state ([`OnUnreachable`](crate::runtime::OnUnreachable)). Nothing was sent.
    #[cfg(feature = "redis")]
    #[error("{operation}: the shared store (Redis) is unavailable: {detail}")]
    SharedStore {
        /// The operation that needed the store (`session.login` for sessions).
        operation: &'static str,
        /// What went wrong.
        detail: String,
    },
    /// The call's deadline passed before it finished, or would have passed while it waited for
    /// the client's own rate limiter (it then fails at once instead of waiting). The deadline
    /// covers every attempt, backoff, login and rate-limit wait (see [`super::CallLimits`]).
    #[error("{operation}: deadline of {deadline:?} exceeded: {detail}")]
    DeadlineExceeded {
        /// The operation the caller called (`category.operation`).
        operation: &'static str,
        /// The deadline the call had.
        deadline: Duration,
        /// What the call was doing when time ran out.
        detail: String,
        /// The failure of the last attempt, when one failed before the deadline.
        #[source]
        last: Option<Box<Error>>,
    },
    /// An automatic walk over pages stopped because the server made no progress: it sent the
    /// same page twice in a row, or the next offset does not fit the offset parameter.
    #[error("{operation}: paging stopped: {message}")]
    Paging {
        /// The paginated operation (`category.operation`).
        operation: &'static str,
        /// What the server did.
        message: String,
    },
    /// The login the client made by itself before sending `operation` (a LiveVox session
    /// login, or an OAuth2 token request) failed; the call was not sent. [`Error::login_error`] is the login's own error (a 401 for wrong credentials,
    /// a connect failure, ...); [`Error::status`], [`Error::api_error`] and the other helpers
    /// look through to it.
    #[error("{operation}: the automatic login before the call failed: {source}")]
    Login {
        /// The operation the caller called (`category.operation`).
        operation: &'static str,
        /// The login's error.
        #[source]
        source: Box<Error>,
    },
}

struct RetryAfterText(Option<Duration>);

impl fmt::Display for RetryAfterText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(d) => write!(f, " (retry after {}s)", d.as_secs()),
            None => Ok(()),
        }
    }
}

impl Error {
    /// The API error behind an HTTP error status, if this is one.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Unauthorized(e)
            | Error::Forbidden(e)
            | Error::NotFound(e)
            | Error::Conflict(e)
            | Error::ClientError(e)
            | Error::ServerError(e)
            | Error::UnexpectedStatus(e)
            | Error::PartialSuccess(e)
            | Error::RateLimited { error: e, .. } => Some(e),
            Error::Login { source, .. } => source.api_error(),
            _ => None,
        }
    }

    /// The HTTP status of an error response (or of the success response that did not decode).
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Decode(d) => d.status(),
            Error::Login { source, .. } => source.status(),
            other => other.api_error().map(ApiError::status),
        }
    }

    /// The LiveVox `code` of the error body as a number, when it has one that is.
    pub fn api_code(&self) -> Option<i64> {
        self.api_error().and_then(ApiError::code_number)
    }

    /// The LiveVox `code` of the error body as sent (it may be a string).
    pub fn api_code_str(&self) -> Option<&str> {
        self.api_error().and_then(ApiError::code)
    }

    /// The LiveVox `message` of the error body.
    pub fn api_message(&self) -> Option<&str> {
        self.api_error().and_then(ApiError::message)
    }

    /// The operation that failed (`category.operation`); `None` for configuration errors.
    pub fn operation(&self) -> Option<&'static str> {
        match self {
            Error::Connect { operation, .. }
            | Error::Timeout { operation, .. }
            | Error::Transport { operation, .. }
            | Error::InvalidRequest { operation, .. }
            | Error::DeadlineExceeded { operation, .. }
            | Error::Paging { operation, .. }
            | Error::Login { operation, .. } => Some(operation),
            #[cfg(feature = "redis")]
            Error::SharedStore { operation, .. } => Some(operation),
            Error::Decode(d) => Some(d.operation()),
            Error::Config(_) => None,
            other => other.api_error().map(ApiError::operation),
        }
    }

    /// The body of the error response decoded into `T` (see [`ApiError::body`]); `None` for
    /// errors without a response, or whose body does not decode into `T`.
    pub fn error_body<T: serde::de::DeserializeOwned>(&self) -> Option<T> {
        self.api_error().and_then(ApiError::body)
    }

    /// How long the server asked us to wait (`Retry-After`), on any status that carried it.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::RateLimited { retry_after, .. } => *retry_after,
            Error::Login { source, .. } => source.retry_after(),
            other => other.api_error().and_then(ApiError::retry_after),
        }
    }

    /// Whether the failure looks transient, so the same call may succeed later: 429, 502, 503,
    /// 504, a connect failure, a timeout or a dropped connection.
    ///
    /// It does not look at idempotency: a timed-out or dropped call may have been processed,
    /// so re-send only [`Operation::idempotent`] calls after those; a connect failure, 429 and
    /// 503 mean the call was not processed.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::RateLimited { .. } | Error::Connect { .. } | Error::Timeout { .. } | Error::Transport { .. } => true,
            Error::ServerError(e) => matches!(e.status().as_u16(), 500 | 502..=504),
            Error::Login { source, .. } => source.is_retryable(),
            _ => false,
        }
    }

    /// An attempt timeout, a connect timeout, or the call's deadline.
    pub fn is_timeout(&self) -> bool {
        match self {
            Error::Timeout { .. } | Error::DeadlineExceeded { .. } => true,
            Error::Connect { source, .. } => source.is_timeout(),
            Error::Login { source, .. } => source.is_timeout(),
            _ => false,
        }
    }

    /// No connection could be made (for the call, or for the login in front of it).
    pub fn is_connect(&self) -> bool {
        match self {
            Error::Connect { .. } => true,
            Error::Login { source, .. } => source.is_connect(),
            _ => false,
        }
    }

    /// The error of the automatic login that kept the call from being sent, when that is
    /// what happened.
    pub fn login_error(&self) -> Option<&Error> {
        match self {
            Error::Login { source, .. } => Some(source),
            _ => None,
        }
    }

    /// A short fixed name of the variant, for logs (which must not quote bodies).
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Unauthorized(_) => "unauthorized",
            Error::Forbidden(_) => "forbidden",
            Error::NotFound(_) => "not_found",
            Error::Conflict(_) => "conflict",
            Error::RateLimited { .. } => "rate_limited",
            Error::ClientError(_) => "client_error",
            Error::ServerError(_) => "server_error",
            Error::UnexpectedStatus(_) => "unexpected_status",
            Error::PartialSuccess(_) => "partial_success",
            Error::Connect { .. } => "connect",
            Error::Timeout { .. } => "timeout",
            Error::Transport { .. } => "transport",
            Error::Decode(_) => "decode",
            Error::InvalidRequest { .. } => "invalid_request",
            Error::Config(_) => "config",
            #[cfg(feature = "redis")]
            Error::SharedStore { .. } => "shared_store",
            Error::DeadlineExceeded { .. } => "deadline_exceeded",
            Error::Paging { .. } => "paging",
            Error::Login { .. } => "login",
        }
    }

    /// Maps a reqwest failure, with the URL stripped: a URL can hold path parameters, and some
    /// of those (logout's session id) are secrets.
    pub(crate) fn transport(operation: &'static str, err: reqwest::Error) -> Error {
        let err = err.without_url();
        let detail = cause_chain(&err);
        let source = Arc::new(err);
        if source.is_connect() {
            Error::Connect { operation, detail, source }
        } else if source.is_timeout() {
            Error::Timeout { operation, detail, source }
        } else {
            Error::Transport { operation, detail, source }
        }
    }
}

/// The innermost causes of a transport error, because reqwest's own message ("error sending
/// request") says nothing about what happened.
fn cause_chain(err: &reqwest::Error) -> String {
    use std::error::Error as _;
    let mut parts = vec![err.to_string()];
    let mut source = err.source();
    while let Some(s) = source {
        let text = s.to_string();
        if parts.last() != Some(&text) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

/// An error response: the status, the API's error code and message when the body has them,
/// and otherwise a bounded excerpt of the raw body.
#[derive(Clone)]
pub struct ApiError(Box<ApiErrorData>);

#[derive(Clone, Debug)]
struct ApiErrorData {
    operation: &'static str,
    method: Method,
    path: &'static str,
    status: StatusCode,
    code: Option<String>,
    message: Option<String>,
    /// Every `{code, message}` of the body, the first being `code` and `message`.
    entries: Vec<ErrorEntry>,
    excerpt: Option<String>,
    retry_after: Option<Duration>,
    /// The body as JSON, scrubbed (`error_json.rs`), when it was a whole JSON document.
    body: Option<Arc<serde_json::Value>>,
}

impl ApiError {
    /// The operation that failed (`category.operation`).
    pub fn operation(&self) -> &'static str {
        self.0.operation
    }

    /// The HTTP method of the call.
    pub fn method(&self) -> Method {
        self.0.method
    }

    /// The operation's path template (never the filled path, which may hold secrets).
    pub fn path_template(&self) -> &'static str {
        self.0.path
    }

    /// The HTTP status of the response.
    pub fn status(&self) -> StatusCode {
        self.0.status
    }

    /// Every `{code, message}` entry of the body, in order: one for an error object, one per
    /// element for a JSON list of them (at most [`super::MAX_ERROR_ENTRIES`]); empty when the
    /// body held none. [`ApiError::code`] and [`ApiError::message`] are the first entry's.
    pub fn entries(&self) -> &[ErrorEntry] {
        &self.0.entries
    }

    /// The API's error code as sent (LiveVox sends a number, sometimes a string); for a list
    /// of errors, the first one's.
    pub fn code(&self) -> Option<&str> {
        self.0.code.as_deref()
    }

    /// The API's error code as a number.
    pub fn code_number(&self) -> Option<i64> {
        self.0.code.as_deref().and_then(|c| c.trim().parse().ok())
    }

    /// The API's error message (at most [`MAX_MESSAGE`] bytes); for a list of errors, the
    /// first one's.
    pub fn message(&self) -> Option<&str> {
        self.0.message.as_deref()
    }

    /// The start of the raw body (at most [`MAX_EXCERPT`] bytes), kept when the body held no
    /// code or message.
    pub fn body_excerpt(&self) -> Option<&str> {
        self.0.excerpt.as_deref()
    }

    /// The `Retry-After` the server sent, in seconds or as an HTTP date.
    pub fn retry_after(&self) -> Option<Duration> {
        self.0.retry_after
    }

    /// The whole error body as JSON (scrubbed of the client's secrets), when it was JSON and
    /// not cut at [`MAX_ERROR_BODY`]: every field the API sent, known to the spec or not.
    /// [`ApiError::body`] decodes it into the API's typed error.
    pub fn body_json(&self) -> Option<&serde_json::Value> {
        self.0.body.as_deref()
    }

    /// The error body decoded into `T`, typically the API's error model
    /// (`err.api_error()?.body::<code_host::code_host_issue_ops::ValidationError>()`); `None`
    /// when the body was not JSON or does not have `T`'s shape.
    pub fn body<T: serde::de::DeserializeOwned>(&self) -> Option<T> {
        self.body_json().and_then(|v| T::deserialize(v).ok())
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The fields were scrubbed of secrets when the error was made, so they can all show.
        let d = &self.0;
        f.debug_struct("ApiError")
            .field("operation", &d.operation)
            .field("method", &d.method)
            .field("path", &d.path)
            .field("status", &d.status)
            .field("code", &d.code)
            .field("message", &d.message)
            .field("entries", &d.entries)
            .field("excerpt", &d.excerpt)
            .field("retry_after", &d.retry_after)
            .field("body", &d.body)
            .finish()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = &self.0;
        write!(f, "{} ({} {}) returned HTTP {}", d.operation, d.method.as_str(), d.path, d.status)?;
        if let Some(code) = &d.code {
            write!(f, ", code {code}")?;
        }
        if let Some(message) = &d.message {
            write!(f, ": {message}")?;
        }
        match d.entries.len() {
            0 | 1 => {}
            2 => f.write_str(" (and 1 more error)")?,
            n => write!(f, " (and {} more errors)", n - 1)?,
        }
        if let Some(excerpt) = &d.excerpt {
            if excerpt.is_empty() {
                f.write_str(" with an empty body")?;
            } else {
                write!(f, "; body: {excerpt:?}")?;
            }
        }
        Ok(())
    }
}

/// A success response that could not be decoded into the operation's output type.
#[derive(Clone)]
pub struct DecodeError(Box<DecodeData>);

#[derive(Clone, Debug)]
struct DecodeData {
    operation: &'static str,
    status: Option<StatusCode>,
    path: String,
    message: String,
    excerpt: Option<String>,
}

impl DecodeError {
    pub(crate) fn new(
        operation: &'static str,
        status: Option<StatusCode>,
        path: String,
        message: String,
        excerpt: Option<String>,
    ) -> Self {
        DecodeError(Box::new(DecodeData { operation, status, path, message, excerpt }))
    }

    /// The operation whose response did not decode.
    pub fn operation(&self) -> &'static str {
        self.0.operation
    }

    /// The status of the response that did not decode.
    pub fn status(&self) -> Option<StatusCode> {
        self.0.status
    }

    /// The path of the field that failed, e.g. `dnc[3].phone` (`.` for the whole body).
    pub fn field_path(&self) -> &str {
        &self.0.path
    }

    /// What was wrong with it.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The start of the body (at most [`MAX_EXCERPT`] bytes); absent where the body may hold a
    /// secret (the login response carries the session id).
    pub fn body_excerpt(&self) -> Option<&str> {
        self.0.excerpt.as_deref()
    }
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = &self.0;
        f.debug_struct("DecodeError")
            .field("operation", &d.operation)
            .field("status", &d.status)
            .field("path", &d.path)
            .field("message", &d.message)
            .field("excerpt", &d.excerpt)
            .finish()
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = &self.0;
        write!(f, "{}: cannot decode the response", d.operation)?;
        if let Some(status) = d.status {
            write!(f, " (HTTP {status})")?;
        }
        write!(f, " at `{}`: {}", d.path, d.message)?;
        if let Some(excerpt) = &d.excerpt {
            write!(f, "; body: {excerpt:?}")?;
        }
        Ok(())
    }
}

/// What an error response is attributed to.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CallSite {
    pub operation: &'static str,
    pub method: Method,
    pub path: &'static str,
}

impl From<&Operation> for CallSite {
    fn from(op: &Operation) -> Self {
        CallSite { operation: op.name, method: op.method, path: op.path }
    }
}

/// A non-success response, read as far as [`MAX_ERROR_BODY`].
pub(crate) struct ErrorResponse<'a> {
    pub status: StatusCode,
    pub retry_after: Option<&'a http::HeaderValue>,
    pub body: &'a [u8],
    /// More body followed what was read.
    pub truncated: bool,
}

/// Turns an error response into the matching [`Error`] variant.
pub(crate) fn from_response(
    site: CallSite,
    expired_status: Option<u16>,
    format: &ErrorFormat,
    resp: ErrorResponse<'_>,
    secrets: &[&Secret],
) -> Error {
    let entries: Vec<ErrorEntry> = parse_error_body(format, resp.body)
        .into_iter()
        .map(|e| ErrorEntry {
            code: e.code.map(|c| scrub(&truncate_str(&sanitize(&c), 64), secrets)),
            message: e.message.map(|m| scrub(&truncate_str(&sanitize(&m), MAX_MESSAGE), secrets)),
        })
        .collect();
    let (code, message) = entries.first().map_or((None, None), |e| (e.code.clone(), e.message.clone()));
    let excerpt = if code.is_none() && message.is_none() {
        let mut text = scrub(&excerpt(resp.body), secrets);
        if resp.truncated && resp.body.len() <= MAX_EXCERPT {
            text.push('…');
        }
        Some(text)
    } else {
        None
    };
    let retry_after = resp.retry_after.and_then(|v| parse_retry_after(v, chrono::Utc::now()));
    let body = if resp.truncated { None } else { super::error_json::json_body(resp.body, secrets) };
    let status = resp.status;
    let api = ApiError(Box::new(ApiErrorData {
        operation: site.operation,
        method: site.method,
        path: site.path,
        status,
        code,
        message,
        entries,
        excerpt,
        retry_after,
        body,
    }));
    match status.as_u16() {
        401 => Error::Unauthorized(api),
        s if Some(s) == expired_status => Error::Unauthorized(api),
        403 => Error::Forbidden(api),
        404 => Error::NotFound(api),
        409 => Error::Conflict(api),
        429 => Error::RateLimited { error: api, retry_after },
        400..=499 => Error::ClientError(api),
        500..=599 => Error::ServerError(api),
        202 => Error::PartialSuccess(api),
        _ => Error::UnexpectedStatus(api),
    }
}

/// The start of a raw body as text: invalid UTF-8 becomes U+FFFD, control characters are
/// replaced (they could forge log lines or drive a terminal), and the result is cut on a char
/// boundary at [`MAX_EXCERPT`] bytes with `…` marking the cut.
pub(crate) fn excerpt(body: &[u8]) -> String {
    // Decode a little more than we keep so a char split by the cut is not counted twice.
    let head = &body[..body.len().min(MAX_EXCERPT + 4)];
    let text = sanitize(&String::from_utf8_lossy(head));
    let cut = truncate_str(&text, MAX_EXCERPT);
    if cut.len() < text.len() || body.len() > head.len() {
        let mut s = cut.into_owned();
        s.push('…');
        s
    } else {
        cut.into_owned()
    }
}

fn sanitize(s: &str) -> String {
    s.chars().map(|c| if c.is_control() && c != '\n' && c != '\t' { '\u{FFFD}' } else { c }).collect()
}

/// `s` cut to at most `max` bytes on a char boundary.
pub(crate) fn truncate_str(s: &str, max: usize) -> Cow<'_, str> {
    if s.len() <= max {
        return Cow::Borrowed(s);
    }
    let mut end = max;
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    Cow::Borrowed(&s[..end])
}

/// `Retry-After` as delay-seconds or an HTTP date (IMF-fixdate; RFC 2822 parsing also takes
/// the `GMT` form); a date in the past means "now".
pub(crate) fn parse_retry_after(value: &http::HeaderValue, now: chrono::DateTime<chrono::Utc>) -> Option<Duration> {
    let text = value.to_str().ok()?.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        // Absurdly long numbers saturate rather than fail.
        return Some(Duration::from_secs(text.parse::<u64>().unwrap_or(u64::MAX)));
    }
    let when = chrono::DateTime::parse_from_rfc2822(text).ok()?;
    let delta = when.with_timezone(&chrono::Utc) - now;
    Some(delta.to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LV: ErrorFormat = ErrorFormat { json: Some(("code", "message")), xml: Some(("ErrorResponse", "code", "message")) };

    #[test]
    fn excerpt_is_bounded_and_never_splits_chars() {
        let long = "é".repeat(1000);
        let e = excerpt(long.as_bytes());
        assert!(e.len() <= MAX_EXCERPT + '…'.len_utf8());
        assert!(e.ends_with('…'));
        assert!(e.trim_end_matches('…').chars().all(|c| c == 'é'));
        let mut bytes = vec![b'a'; 511];
        bytes.extend_from_slice(&[0xe2, 0x82]); // a truncated three-byte char right at the cut
        let e = excerpt(&bytes);
        assert!(e.len() <= MAX_EXCERPT + 3);
        assert_eq!(excerpt(b"line\x1b[31m"), "line\u{FFFD}[31m");
        assert_eq!(excerpt(b""), "");
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = chrono::DateTime::parse_from_rfc3339("2015-10-21T07:28:00Z").unwrap().with_timezone(&chrono::Utc);
        let v = |s: &'static str| http::HeaderValue::from_static(s);
        assert_eq!(parse_retry_after(&v("120"), now), Some(Duration::from_secs(120)));
        assert_eq!(parse_retry_after(&v("Wed, 21 Oct 2015 07:28:30 GMT"), now), Some(Duration::from_secs(30)));
        assert_eq!(parse_retry_after(&v("Wed, 21 Oct 2015 07:00:00 GMT"), now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after(&v("soon"), now), None);
        assert_eq!(parse_retry_after(&v("-5"), now), None);
        assert_eq!(parse_retry_after(&v("99999999999999999999999"), now), Some(Duration::from_secs(u64::MAX)));
    }

    #[test]
    fn a_json_list_of_errors_reports_its_first_entry() {
        // The shape of the error example on LiveVox's general-features page: a list.
        let body = br#"[{"code": 400, "message": "Invalid phone"}, {"code": "401", "message": "Invalid account"}]"#;
        let site = CallSite { operation: "t.op", method: Method::Post, path: "/x" };
        let response = ErrorResponse { status: StatusCode::BAD_REQUEST, retry_after: None, body, truncated: false };
        let err = from_response(site, None, &LV, response, &[]);
        assert_eq!(err.api_code(), Some(400));
        assert_eq!(err.api_message(), Some("Invalid phone"));
        assert_eq!(err.api_error().unwrap().body_excerpt(), None);
        let entries = err.api_error().unwrap().entries();
        assert_eq!(entries.len(), 2);
        assert_eq!((entries[1].code_number(), entries[1].message()), (Some(401), Some("Invalid account")));
        assert!(err.to_string().ends_with("code 400: Invalid phone (and 1 more error)"), "{err}");
    }

    #[test]
    fn statuses_map_to_variants() {
        let site = CallSite { operation: "t.op", method: Method::Get, path: "/x" };
        let mk = |status: u16, expired: Option<u16>| {
            from_response(
                site,
                expired,
                &LV,
                ErrorResponse { status: StatusCode::from_u16(status).unwrap(), retry_after: None, body: b"", truncated: false },
                &[],
            )
        };
        assert!(matches!(mk(401, None), Error::Unauthorized(_)));
        assert!(matches!(mk(419, Some(419)), Error::Unauthorized(_)));
        assert!(matches!(mk(419, None), Error::ClientError(_)));
        assert!(matches!(mk(403, None), Error::Forbidden(_)));
        assert!(matches!(mk(404, None), Error::NotFound(_)));
        assert!(matches!(mk(409, None), Error::Conflict(_)));
        assert!(matches!(mk(429, None), Error::RateLimited { retry_after: None, .. }));
        assert!(matches!(mk(400, None), Error::ClientError(_)));
        assert!(matches!(mk(502, None), Error::ServerError(_)));
        assert!(matches!(mk(302, None), Error::UnexpectedStatus(_)));
        assert!(mk(503, None).is_retryable());
        assert!(mk(500, None).is_retryable());
        assert!(!mk(501, None).is_retryable());
        assert!(!mk(400, None).is_retryable());
        assert_eq!(mk(404, None).status(), Some(StatusCode::NOT_FOUND));
        assert_eq!(mk(404, None).operation(), Some("t.op"));
        assert_eq!(mk(429, None).kind(), "rate_limited");
        assert_eq!(mk(404, None).to_string(), "not found: t.op (GET /x) returned HTTP 404 Not Found with an empty body");
    }
}
