//! The IR of an API's HTTP details (issue 17): declared response headers, when `Content-Type`
//! is sent, and the server's own rate-limit signal.

use super::Type;

/// A declared response header of an operation.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseHeader {
    /// The header name as the spec writes it (`Location`).
    pub wire_name: String,
    /// The field of the headers struct (`location`).
    pub rust_name: String,
    /// A scalar: string, int32, int64, float64 or bool.
    pub ty: Type,
    pub description: Option<String>,
}

/// When requests carry `Content-Type: application/json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ContentTypeRule {
    /// Every request; an unset body goes out as `{}` (LiveVox).
    Always,
    /// Only requests with a body; an optional body left unset is not sent.
    #[default]
    WithBody,
}

/// The server's own "slow down" signal, beside a plain 429.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerRateLimit {
    pub statuses: Vec<u16>,
    /// `(header, value)` that is the signal.
    pub when: Option<(String, String)>,
    /// The reset header and its unit.
    pub reset: Option<(String, ResetUnit)>,
    pub retry_after: bool,
}

/// How a reset header gives its time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResetUnit {
    EpochSeconds,
    Seconds,
}
