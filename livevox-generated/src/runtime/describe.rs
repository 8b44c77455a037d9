//! Static descriptions that generated code fills in: one [`ApiSpec`] per API and one
//! [`Operation`] per operation. They are plain data; everything that acts on them (URL
//! building, auth, decoding) is in the rest of the runtime.

/// An HTTP method the spec may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`.
    Get,
    /// `POST`.
    Post,
    /// `PUT`.
    Put,
    /// `PATCH`.
    Patch,
    /// `DELETE`.
    Delete,
}

impl Method {
    /// The method as it goes on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }

    /// The same method as an `http::Method`.
    pub fn to_http(self) -> http::Method {
        match self {
            Method::Get => http::Method::GET,
            Method::Post => http::Method::POST,
            Method::Put => http::Method::PUT,
            Method::Patch => http::Method::PATCH,
            Method::Delete => http::Method::DELETE,
        }
    }
}

/// What an operation needs to be authorised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthNeed {
    /// The API's authorization: for LiveVox, the `LV-Session` header of a logged-in session.
    Session,
    /// The access token (LiveVox login and change-password send `LV-Access`).
    AccessToken,
    /// Nothing.
    None,
}

/// How the last page of a paginated operation is recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PageEnd {
    /// The `next` field is absent, null or blank.
    NextAbsent,
    /// The page holds fewer items than were asked for.
    ShortPage,
    /// Either of the above.
    NextAbsentOrShortPage,
}

/// Offset/count pagination of a list operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Pagination {
    /// Query parameter holding the offset.
    pub offset_param: &'static str,
    /// Query parameter holding the page size.
    pub count_param: &'static str,
    /// Response field that holds the items.
    pub items_field: &'static str,
    /// Response field that links to the next page.
    pub next_field: &'static str,
    /// Largest page size the server accepts.
    pub max_count: Option<u32>,
    /// The rule that recognises the last page.
    pub end: PageEnd,
}

/// A per-operation rate limit: `calls` in any rolling window of `per_seconds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RateLimit {
    /// Calls allowed in any window.
    pub calls: u32,
    /// The window length in seconds.
    pub per_seconds: u32,
    /// Calls of this operation allowed in flight at once.
    pub max_in_flight: Option<u32>,
}

/// The body an operation sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BodyKind {
    /// No body.
    None,
    /// A JSON body; `{}` when the operation has no fields to send.
    Json {
        /// Whether the body must be sent (an unset body then goes out as `{}`).
        required: bool,
    },
}

/// How a success response is decoded, and the media type the call asks for in `Accept`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResponseFormat {
    /// A JSON body decoded into the operation's output type; `Accept` is the API's (its
    /// headers, else `application/json`).
    Json,
    /// A JSON body decoded into the operation's output type, asked for as `accept` in place of
    /// the API's `Accept`: a JSON variant media type (`application/vnd.codehost.raw+json`).
    JsonAs {
        /// The media type asked for in `Accept`.
        accept: &'static str,
    },
    /// The body as text, asked for as `text/plain`.
    Text,
    /// The body as text, asked for as `accept` (`text/csv`): for APIs that pick what to answer
    /// by `Accept`, as LiveVox does on `POST /contact/contacts/bulk`.
    TextAs {
        /// The media type asked for in `Accept`.
        accept: &'static str,
    },
    /// The body as raw bytes, asked for as `accept` (`audio/mpeg`), never decoded: read with
    /// [`super::Client::execute_bytes`].
    Binary {
        /// The media type asked for in `Accept`.
        accept: &'static str,
    },
    /// The body as bytes, asked for with the API's `Accept` (JSON, the only type LiveVox
    /// supports): the raw body when the server answers another media type (audio, CSV), or the
    /// base64 text of `field` when it answers a JSON object (`{"binaryData": ".."}`, as the
    /// .NET client models it). Read with [`super::Client::execute_bytes`]; the caller gets the
    /// bytes either way.
    BinaryOrBase64Json {
        /// The JSON field holding the base64-encoded bytes.
        field: &'static str,
    },
    /// No body is expected (204 and friends); anything sent is ignored.
    None,
}

impl BodyKind {
    /// A JSON body that must be sent or not: `BodyKind::json(true)` is
    /// `BodyKind::Json { required: true }`, in the one line generated code spends on it.
    pub const fn json(required: bool) -> BodyKind {
        BodyKind::Json { required }
    }
}

impl ResponseFormat {
    /// The media type to send as `Accept` in place of the API's, or `None` to keep the API's.
    pub const fn accept(self) -> Option<&'static str> {
        match self {
            ResponseFormat::Json | ResponseFormat::BinaryOrBase64Json { .. } | ResponseFormat::None => None,
            ResponseFormat::Text => Some("text/plain"),
            ResponseFormat::JsonAs { accept } | ResponseFormat::TextAs { accept } | ResponseFormat::Binary { accept } => Some(accept),
        }
    }
}

/// Everything the runtime needs to know about one operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Operation {
    /// `category.operation`, stable across releases (used in logs, errors and rate limits).
    pub name: &'static str,
    /// The HTTP method.
    pub method: Method,
    /// Full path template from the base URL, e.g. `/compliance/dnc/{id}`.
    pub path: &'static str,
    /// What the operation needs to be authorised.
    pub auth: AuthNeed,
    /// Safe to send again after a failure without a response.
    pub idempotent: bool,
    /// The body it sends.
    pub body: BodyKind,
    /// How its success response is decoded.
    pub response: ResponseFormat,
    /// Offset/count pagination, for list operations.
    pub pagination: Option<Pagination>,
    /// Its rate limit, if the spec gives one.
    pub rate_limit: Option<RateLimit>,
    /// Deprecated in the spec.
    pub deprecated: bool,
    /// An agent session may call it.
    pub agent_allowed: bool,
}

impl Operation {
    /// The starting point of every generated description: generated code gives `name`,
    /// `method` and `path` and only the fields that differ from here
    /// (`Operation { name: .., method: .., path: .., ..Operation::DEFAULT }`). Each default is
    /// the cautious value: the API's authorization, not idempotent (no resend after a failure
    /// without a response), no body, a JSON response, no pagination or rate limit, not
    /// deprecated, not callable by an agent session. A field added to `Operation` gets its
    /// default here, so descriptions written before it keep compiling.
    pub const DEFAULT: Operation = Operation {
        name: "",
        method: Method::Get,
        path: "",
        auth: AuthNeed::Session,
        idempotent: false,
        body: BodyKind::None,
        response: ResponseFormat::Json,
        pagination: None,
        rate_limit: None,
        deprecated: false,
        agent_allowed: false,
    };
}

/// How an API authenticates, as its spec says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthScheme {
    /// No authorization.
    None,
    /// A LiveVox session in `session_header`. With `login`, the client logs in itself;
    /// without, it relays a session id the caller supplies.
    LiveVox {
        /// The header carrying the session id (`LV-Session`).
        session_header: &'static str,
        /// The status that means the session expired.
        expired_status: u16,
        /// How to log in; `None` relays a session from elsewhere.
        login: Option<LoginSpec>,
    },
    /// HTTP Basic: user name and password in `Authorization`.
    Basic,
    /// A token in a header (`Authorization: Bearer <token>` by default).
    Bearer {
        /// The header carrying the token.
        header: &'static str,
        /// What goes before the token (`Bearer`); empty for the bare token.
        prefix: &'static str,
    },
    /// OAuth 1.0a request signing (HMAC-SHA1, RFC 5849).
    OAuth1,
    /// OAuth 2.0: client credentials or caller-supplied tokens, refreshed before expiry.
    OAuth2 {
        /// The header carrying the access token.
        header: &'static str,
        /// What goes before the token (`Bearer`).
        prefix: &'static str,
        /// The token endpoint (client-credentials and refresh grants).
        token_url: Option<&'static str>,
        /// Scopes requested.
        scopes: &'static [&'static str],
    },
}

/// How a LiveVox session is obtained: the spec's login operation, known by this role rather
/// than by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LoginSpec {
    /// The login operation's name (`session.login`), for errors and logs.
    pub operation: &'static str,
    /// Full path of the login operation, e.g. `/session/login`.
    pub path: &'static str,
    /// Which body field takes which of the caller's [`Credentials`](super::Credentials).
    pub fields: LoginFields,
    /// Header carrying the access token (`LV-Access`).
    pub access_header: &'static str,
    /// Field of the login response holding the session id.
    pub session_id_field: &'static str,
}

/// The wire names of the login body's fields, by the credential each one takes (the generator
/// reads them off the login operation's body: the secret string is the password, a bool the
/// agent flag, the other strings the client code and the user name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LoginFields {
    /// The field for the client code, when the login has one.
    pub client: Option<&'static str>,
    /// The field for the user name.
    pub user: &'static str,
    /// The field for the password.
    pub password: &'static str,
    /// The field for the agent flag (a JSON boolean), when the login has one.
    pub agent: Option<&'static str>,
}

/// The shape of error bodies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ErrorFormat {
    /// JSON `(code field, message field)`; the code field is `""` for an API whose errors
    /// carry only a message.
    pub json: Option<(&'static str, &'static str)>,
    /// XML `(element, code attribute, message attribute)`.
    pub xml: Option<(&'static str, &'static str, &'static str)>,
}

/// A header sent on every request of an API; `${name}` placeholders in the value are filled
/// from values the caller gives the client builder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HeaderSpec {
    /// The header name.
    pub name: &'static str,
    /// The value; `${name}` placeholders are filled from the builder.
    pub value: &'static str,
}

/// Everything the runtime needs to know about one API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ApiSpec {
    /// The API's name, as the spec gives it.
    pub name: &'static str,
    /// `(name, base URL)` of each environment, in spec order.
    pub environments: &'static [(&'static str, &'static str)],
    /// The environment a client uses when the caller names none.
    pub default_environment: Option<&'static str>,
    /// Headers sent on every request.
    pub headers: &'static [HeaderSpec],
    /// How the API authenticates.
    pub auth: AuthScheme,
    /// The shape of its error bodies.
    pub errors: ErrorFormat,
    /// LiveVox service id associated with the API (LiveVox Functions metadata).
    pub service: Option<i64>,
    /// When a request carries `Content-Type` (and whether an unset body goes out as `{}`).
    pub content_type: ContentTypeRule,
    /// How the server says "slow down" besides 429, when it has such a signal.
    pub server_rate_limit: Option<ServerRateLimit>,
}

/// When a request carries `Content-Type: application/json`, and what an unset optional body
/// becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ContentTypeRule {
    /// On every request, bodyless ones included, and a JSON operation whose body was left unset
    /// sends `{}` (LiveVox's wire behaviour).
    Always,
    /// Only with a body; an optional body left unset is not sent at all.
    #[default]
    WithBody,
}

/// The server's own "slow down" signal, besides a plain 429: an answer with one of `statuses`
/// that carries the signal becomes [`Error::RateLimited`](super::Error::RateLimited), with the
/// wait computed from `reset` (or `Retry-After`), and is retried like any throttled call. The
/// same status without the signal keeps its usual variant (a 403 stays `Forbidden`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ServerRateLimit {
    /// The statuses that may carry the signal (403, 429).
    pub statuses: &'static [u16],
    /// `(header, value)`: the answer is the signal when this header has this value
    /// (`x-ratelimit-remaining: 0`).
    pub when: Option<(&'static str, &'static str)>,
    /// The header that says when the limit resets, and how it says it.
    pub reset: Option<(&'static str, ResetUnit)>,
    /// A `Retry-After` header is the signal too, and gives the wait.
    pub retry_after: bool,
}

/// How a rate-limit reset header gives its time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResetUnit {
    /// The moment of the reset, in seconds since the Unix epoch.
    EpochSeconds,
    /// The seconds left until the reset.
    Seconds,
}
