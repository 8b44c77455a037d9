//! Static descriptions that generated code fills in: one [`ApiSpec`] per API and one
//! [`Operation`] per operation. They are plain data; everything that acts on them (URL
//! building, auth, decoding) is in the rest of the runtime.

/// An HTTP method the spec may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }

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
    pub end: PageEnd,
}

/// A per-operation rate limit: `calls` in any rolling window of `per_seconds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RateLimit {
    pub calls: u32,
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
    Json { required: bool },
}

/// How a success response is decoded, and the media type the call asks for in `Accept`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResponseFormat {
    /// A JSON body decoded into the operation's output type; `Accept` is the API's (its
    /// headers, else `application/json`).
    Json,
    /// The body as text, asked for as `text/plain`.
    Text,
    /// The body as text, asked for as `accept` (`text/csv`): for APIs that pick what to answer
    /// by `Accept`, as LiveVox does on `POST /contact/contacts/bulk`.
    TextAs { accept: &'static str },
    /// The body as raw bytes, asked for as `accept` (`audio/mpeg`), never decoded: read with
    /// [`super::Client::execute_bytes`].
    Binary { accept: &'static str },
    /// No body is expected (204 and friends); anything sent is ignored.
    None,
}

impl ResponseFormat {
    /// The media type to send as `Accept` in place of the API's, or `None` to keep the API's.
    pub const fn accept(self) -> Option<&'static str> {
        match self {
            ResponseFormat::Json | ResponseFormat::None => None,
            ResponseFormat::Text => Some("text/plain"),
            ResponseFormat::TextAs { accept } | ResponseFormat::Binary { accept } => Some(accept),
        }
    }
}

/// Everything the runtime needs to know about one operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Operation {
    /// `category.operation`, stable across releases (used in logs, errors and rate limits).
    pub name: &'static str,
    pub method: Method,
    /// Full path template from the base URL, e.g. `/compliance/dnc/{id}`.
    pub path: &'static str,
    pub auth: AuthNeed,
    /// Safe to send again after a failure without a response.
    pub idempotent: bool,
    pub body: BodyKind,
    pub response: ResponseFormat,
    pub pagination: Option<Pagination>,
    pub rate_limit: Option<RateLimit>,
    pub deprecated: bool,
    /// An agent session may call it.
    pub agent_allowed: bool,
}

/// How an API authenticates, as its spec says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthScheme {
    None,
    /// A LiveVox session in `session_header`. With `login`, the client logs in itself;
    /// without, it relays a session id the caller supplies.
    LiveVox {
        session_header: &'static str,
        expired_status: u16,
        login: Option<LoginSpec>,
    },
    Basic,
    Bearer { header: &'static str, prefix: &'static str },
    OAuth1,
    OAuth2 { header: &'static str, prefix: &'static str, token_url: Option<&'static str>, scopes: &'static [&'static str] },
}

/// How a LiveVox session is obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LoginSpec {
    /// Full path of the login operation, e.g. `/session/login`.
    pub path: &'static str,
    /// Header carrying the access token (`LV-Access`).
    pub access_header: &'static str,
    /// Field of the login response holding the session id.
    pub session_id_field: &'static str,
}

/// The shape of error bodies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ErrorFormat {
    /// JSON `(code field, message field)`.
    pub json: Option<(&'static str, &'static str)>,
    /// XML `(element, code attribute, message attribute)`.
    pub xml: Option<(&'static str, &'static str, &'static str)>,
}

/// A header sent on every request of an API; `${name}` placeholders in the value are filled
/// from values the caller gives the client builder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HeaderSpec {
    pub name: &'static str,
    pub value: &'static str,
}

/// Everything the runtime needs to know about one API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ApiSpec {
    pub name: &'static str,
    /// `(name, base URL)` of each environment, in spec order.
    pub environments: &'static [(&'static str, &'static str)],
    /// The environment a client uses when the caller names none.
    pub default_environment: Option<&'static str>,
    pub headers: &'static [HeaderSpec],
    pub auth: AuthScheme,
    pub errors: ErrorFormat,
    /// LiveVox service id associated with the API (LiveVox Functions metadata).
    pub service: Option<i64>,
}
