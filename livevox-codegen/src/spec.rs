//! The spec as written in YAML: the output of the load stage and the input of validate and lower.
//!
//! These structs mirror the YAML one to one. Names stay wire names; the closed vocabularies
//! (methods, authorization kinds, formats, page ends, ...) and type expressions are parsed at
//! load into [`Word`]s and [`TypeText`]s (see `vocab.rs`), which keep what was written when it is
//! not a known word or a valid type, for validation to report. Every struct denies unknown keys so that a typo
//! is an error with a position instead of a key that silently vanishes. Maps are `IndexMap`s so
//! that the order a maintainer wrote is the order the generated code uses.
//!
//! `spec/README.md` documents every key here with an example; keep the two in step.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::Deserialize;

use crate::ir::{AgentAction, AuthNeed, ContentTypeRule, EnumRepr, Method, PageEnd, PageStyle, ResetUnit, ResponseFormat, TimeFormat};
pub use crate::vocab::{ApiType, AuthKind, SignatureMethod, TypeText, Word};

/// One YAML document. A file holds one or more documents (`---` separates them); each is either
/// an API description or a category of operations, told apart by its first key.
#[derive(Debug, Clone)]
// A handful per spec, so the size difference between the variants costs nothing.
#[allow(clippy::large_enum_variant)]
pub enum Document {
    Api(ApiDoc),
    Category(CategoryDoc),
}

/// What holds for a whole API: where it lives, how it authenticates, which categories it has.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiDoc {
    /// Display name, e.g. `LiveVox`.
    pub api: String,
    /// Rust module name for the API; defaults to the snake case of `api`.
    #[serde(default)]
    pub module: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// API type as in LiveVox Functions. Only `api` is supported.
    #[serde(rename = "type", default)]
    pub kind: Option<Word<ApiType>>,
    /// Optional LiveVox service id this API is associated with (metadata).
    #[serde(default)]
    pub service: Option<i64>,
    /// A single base URL; an API has either this or `environments`.
    #[serde(default)]
    pub base_url: Option<String>,
    /// Named environments and their base URLs, in the order written.
    #[serde(default)]
    pub environments: IndexMap<String, String>,
    /// The environment a client uses when the caller names none.
    #[serde(default)]
    pub default_environment: Option<String>,
    /// Headers sent on every request. A value may hold `${name}` placeholders, which become
    /// parameters the caller supplies when building the client.
    #[serde(default)]
    pub headers: IndexMap<String, String>,
    pub authorization: AuthDef,
    /// How the API reports errors in a response body.
    #[serde(default)]
    pub errors: Option<ErrorsDef>,
    /// The categories (by their `category` name) that belong to this API, in order.
    pub categories: Vec<String>,
    /// When requests carry `Content-Type: application/json`: `with_body` (the default: only
    /// requests with a body, and an optional body left unset is not sent) or `always` (every
    /// request, and an unset body goes out as `{}`: LiveVox).
    #[serde(default)]
    pub content_type: Option<Word<ContentTypeRule>>,
    /// How the server says "slow down" besides a plain 429 (a 403 with
    /// `x-ratelimit-remaining: 0`, say), and how long it asks to wait.
    #[serde(default)]
    pub server_rate_limit: Option<ServerRateLimitDef>,
    /// How `datetime` and `date` values go on the wire unless a field or parameter says
    /// otherwise: `epoch_millis` (the default, LiveVox's) or `rfc3339`.
    #[serde(default)]
    pub time_format: Option<Word<TimeFormat>>,
}

/// `server_rate_limit`: which answers mean "wait", and how long.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServerRateLimitDef {
    /// The statuses that may carry the signal, e.g. `[403, 429]`.
    pub statuses: Vec<u16>,
    /// A header value that is the signal: `{ header: x-ratelimit-remaining, equals: "0" }`.
    #[serde(default)]
    pub when: Option<HeaderEqualsDef>,
    /// The header that says when the limit resets: `{ header: x-ratelimit-reset, unit: epoch_seconds }`.
    #[serde(default)]
    pub reset: Option<ResetDef>,
    /// A `Retry-After` header is the signal too, and gives the wait.
    #[serde(default)]
    pub retry_after: bool,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HeaderEqualsDef {
    pub header: String,
    pub equals: String,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetDef {
    pub header: String,
    /// `epoch_seconds` (the moment of the reset) or `seconds` (the seconds left).
    pub unit: Word<ResetUnit>,
}

/// Authorization, with the kinds LiveVox Functions offers.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthDef {
    /// `NONE`, `LIVEVOX`, `BASIC`, `BEARER`, `OAUTH` or `OAUTH2`.
    pub kind: Word<AuthKind>,
    /// LIVEVOX: how a session is obtained. Present for the LiveVox API itself (log in with an
    /// access token); absent for an API that relays a session from a LiveVox client.
    #[serde(default)]
    pub login: Option<LoginDef>,
    /// LIVEVOX: the header that carries the session id (`LV-Session`).
    #[serde(default)]
    pub session_header: Option<String>,
    /// LIVEVOX: the status that means the session expired and a new login may help (401).
    #[serde(default)]
    pub expired_status: Option<u16>,
    /// BEARER/OAUTH2: header name (default `Authorization`).
    #[serde(default)]
    pub header: Option<String>,
    /// BEARER/OAUTH2: value prefix (default `Bearer`).
    #[serde(default)]
    pub prefix: Option<String>,
    /// OAUTH2: the token endpoint for the client-credentials grant.
    #[serde(default)]
    pub token_url: Option<String>,
    /// OAUTH2: scopes requested.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// OAUTH: the signature method (only `HMAC-SHA1`).
    #[serde(default)]
    pub signature_method: Option<Word<SignatureMethod>>,
}

/// LIVEVOX login: which operation logs in, and the header that carries the access token.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginDef {
    /// `category.operation`, e.g. `session.login`.
    pub operation: String,
    /// Header carrying the access token at login (`LV-Access`).
    pub access_header: String,
    /// Field of the login response that holds the session id (`sessionId`).
    pub session_id_field: String,
}

/// The shape of an error body.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorsDef {
    #[serde(default)]
    pub json: Option<JsonErrorDef>,
    #[serde(default)]
    pub xml: Option<XmlErrorDef>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct JsonErrorDef {
    /// Field holding the error code; leave it out when the API's errors carry only a message.
    #[serde(default)]
    pub code: Option<String>,
    /// Field holding the message.
    pub message: String,
    /// A model of the API that the whole error body decodes into (`ValidationError`), for
    /// callers to read typed (`err.error_body::<..>()`).
    #[serde(rename = "type", default)]
    pub ty: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct XmlErrorDef {
    /// Element name, e.g. `ErrorResponse`.
    pub element: String,
    /// Attribute holding the code.
    pub code: String,
    /// Attribute holding the message.
    pub message: String,
}

/// One category of operations (`/compliance/...`), with its models and enums.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryDoc {
    /// The category name; also its Rust module and cargo feature (snake case).
    pub category: String,
    /// Path prefix on the wire; defaults to `/<category>`. It may hold placeholders
    /// (`/repos/{owner}/{repo}`), which every operation of the category declares in `path_params`.
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub models: IndexMap<String, ModelDef>,
    #[serde(default)]
    pub enums: IndexMap<String, EnumDef>,
    #[serde(default)]
    pub operations: IndexMap<String, OperationDef>,
    /// Unions: a value that is one of several shapes, named like models and enums.
    #[serde(default)]
    pub unions: IndexMap<String, UnionDef>,
}

/// A value of one of several shapes: untagged (`one_of`, tried in order) or tagged (`tag` and
/// `variants`, picked by the value of the tag field).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UnionDef {
    #[serde(default)]
    pub description: Option<String>,
    /// Untagged: the shapes, tried in this order when decoding (`[string, LabelObject]`).
    #[serde(default)]
    pub one_of: Vec<TypeText>,
    /// Tagged: the field of each variant's model that names the variant (`type`, `event`).
    #[serde(default)]
    pub tag: Option<String>,
    /// Tagged: the model of each tag value, in order (`closed: ClosedEvent`).
    #[serde(default)]
    pub variants: IndexMap<String, String>,
    /// Tagged: keep a tag value the spec does not know as raw JSON in an `Unknown` variant
    /// instead of failing (forward compatibility).
    #[serde(default)]
    pub unknown: bool,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModelDef {
    #[serde(default)]
    pub description: Option<String>,
    /// Another model of the same API whose fields this one has first (`extends: Base`); chains
    /// are allowed. A field of this model may not repeat the name of an inherited one.
    #[serde(default)]
    pub extends: Option<String>,
    /// `true`: the model derives `Deserialize` even if no operation returns it. A model that is
    /// only ever sent is write-only by default (reading it would cost every build of the
    /// crate); mark one that callers load from JSON themselves (records from a file, a queue).
    #[serde(default)]
    pub readable: bool,
    /// Fields keyed by their wire (JSON) name, in wire order.
    #[serde(default)]
    pub fields: IndexMap<String, FieldDef>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    /// A type expression: `string`, `int64`, `array<DncEntry>`, `map<string>`, `DncEntryType`...
    #[serde(rename = "type")]
    pub ty: TypeText,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub description: Option<String>,
    /// Overrides the Rust name derived from the wire name.
    #[serde(default)]
    pub rust_name: Option<String>,
    /// A secret (password, token): redacted in `Debug` output.
    #[serde(default)]
    pub secret: bool,
    #[serde(default)]
    pub deprecated: Option<Deprecation>,
    /// `datetime`/`date` only: the wire form, overriding the API's `time_format`
    /// (`epoch_millis`, `rfc3339`, or `iso_date` for a `date`).
    #[serde(default)]
    pub format: Option<Word<TimeFormat>>,
    /// The value may be `null` (distinct from absent): optional nullable fields of request
    /// models become `Patch<T>` (keep, clear to null, set).
    #[serde(default)]
    pub nullable: bool,
}

/// `deprecated: true` or `deprecated: "use X instead"`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Deprecation {
    Flag(bool),
    Note(String),
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnumDef {
    #[serde(default)]
    pub description: Option<String>,
    /// `string` (default) or an integer type (`int32`, `int64`) for integer-coded enums.
    #[serde(rename = "type", default)]
    pub ty: Option<Word<EnumRepr>>,
    pub values: Vec<EnumValueDef>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnumValueDef {
    /// The value on the wire: a string, or an integer for integer-coded enums.
    pub value: WireValue,
    /// The Rust variant name; defaults to the upper camel case of a string value. Required for
    /// integer values.
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum WireValue {
    Int(i64),
    Str(String),
}

impl std::fmt::Display for WireValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WireValue::Int(i) => write!(f, "{i}"),
            WireValue::Str(s) => write!(f, "{s:?}"),
        }
    }
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OperationDef {
    /// One line: what the operation does.
    pub summary: String,
    #[serde(default)]
    pub description: Option<String>,
    /// `GET`, `POST`, `PUT`, `PATCH` or `DELETE`.
    pub method: Word<Method>,
    /// Path relative to the category, with `{placeholders}`; `""` or `/` for the category root.
    pub path: String,
    /// Path parameters keyed by placeholder name.
    #[serde(default)]
    pub path_params: IndexMap<String, ParamDef>,
    /// Query parameters keyed by wire name.
    #[serde(default)]
    pub query: IndexMap<String, ParamDef>,
    #[serde(default)]
    pub pagination: Option<PaginationDef>,
    #[serde(default)]
    pub body: Option<BodyDef>,
    #[serde(default)]
    pub response: Option<ResponseDef>,
    /// `session` (default), `access_token` or `none`.
    #[serde(default)]
    pub auth: Option<Word<AuthNeed>>,
    #[serde(default)]
    pub rate_limit: Option<RateLimitDef>,
    /// Safe to send again; defaults to true for GET, PUT and DELETE.
    #[serde(default)]
    pub idempotent: Option<bool>,
    #[serde(default)]
    pub deprecated: Option<Deprecation>,
    /// An agent session may call this operation (others answer 403 for agents).
    #[serde(default)]
    pub agent_allowed: bool,
    /// What the operation does to an agent's state, for the simulator (`accept_call`,
    /// `ready`, ...; the vocabulary is [`crate::ir::AgentAction`]).
    #[serde(default)]
    pub agent_action: Option<Word<AgentAction>>,
    /// Maintainer notes: why the spec differs from a reference client, and so on.
    #[serde(default)]
    pub notes: Vec<String>,
    #[serde(default)]
    pub examples: Vec<ExampleDef>,
    /// `path` is the whole path from the base URL, not relative to the category's prefix (an
    /// operation outside its category's prefix: `GET /rate_limit` in a `/repos` category).
    #[serde(default)]
    pub full_path: bool,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ParamDef {
    #[serde(rename = "type")]
    pub ty: TypeText,
    /// Path parameters are always required; query parameters default to optional.
    #[serde(default)]
    pub required: bool,
    /// A default the server applies (documentation; the client sends nothing when unset).
    #[serde(default)]
    pub default: Option<serde_json::Value>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub rust_name: Option<String>,
    /// A secret (a session id, a token): the builder holds it as a `Secret`, redacted in
    /// `Debug` output.
    #[serde(default)]
    pub secret: bool,
    #[serde(default)]
    pub deprecated: Option<Deprecation>,
    /// `datetime`/`date` only: the text form, overriding the API's `time_format`.
    #[serde(default)]
    pub format: Option<Word<TimeFormat>>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PaginationDef {
    /// Query parameter holding the offset (default `offset`).
    #[serde(default)]
    pub offset: Option<String>,
    /// Query parameter holding the page size (default `count`).
    #[serde(default)]
    pub count: Option<String>,
    /// Response field holding the page's items; omitted when the whole body is the array.
    #[serde(default)]
    pub items: Option<String>,
    /// The largest page size the server accepts.
    #[serde(default)]
    pub max_count: Option<u32>,
    /// How the last page of an `offset` walk is recognised: `next_absent` (the `next` field is
    /// absent or blank), `short_page` (fewer items than asked for), or
    /// `next_absent_or_short_page`. The other styles have fixed end rules.
    #[serde(default)]
    pub end: Option<Word<PageEnd>>,
    /// Response field holding the next-page link (default `next`).
    #[serde(default)]
    pub next: Option<String>,
    /// How the walk moves from page to page: `offset` (the default), `page`, `cursor` or `link`.
    #[serde(default)]
    pub style: Option<Word<PageStyle>>,
    /// `page` style: the query parameter holding the page number (default `page`).
    #[serde(default)]
    pub page: Option<String>,
    /// `page` style: the query parameter holding the page size (default `per_page`).
    #[serde(default)]
    pub size: Option<String>,
    /// `page` style: the number of the first page (default 1).
    #[serde(default)]
    pub first: Option<i64>,
    /// `cursor` style: the query parameter the cursor is sent back in (default `cursor`).
    #[serde(default)]
    pub cursor: Option<String>,
    /// `cursor` style: the response field holding the next page's cursor (default
    /// `next_cursor`).
    #[serde(default)]
    pub cursor_field: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BodyDef {
    /// A named model sent as the body.
    #[serde(rename = "type", default)]
    pub ty: Option<TypeText>,
    /// Inline fields (keyed by wire name); the generator makes a `<Operation>Body` model.
    #[serde(default)]
    pub fields: Option<IndexMap<String, FieldDef>>,
    /// Whether the body must be sent. A body with neither `type` nor `fields` goes out as `{}`.
    #[serde(default = "yes")]
    pub required: bool,
    #[serde(default)]
    pub description: Option<String>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResponseDef {
    /// Success status (default 200 with a body, 204 without).
    #[serde(default)]
    pub status: Option<u16>,
    /// The decoded type: a model, `array<Model>`, a scalar, or `json`.
    #[serde(rename = "type", default)]
    pub ty: Option<TypeText>,
    /// `json` (default with a type), `text` (the body as text), `binary` (the body as raw
    /// bytes) or `none` (default without a type).
    #[serde(default)]
    pub format: Option<Word<ResponseFormat>>,
    /// The media type of the body (`text/csv`, `audio/mpeg`, a JSON variant such as
    /// `application/vnd.codehost.raw+json`), which the client asks for in `Accept`. Defaults:
    /// `text/plain` for text, `application/octet-stream` for binary, the API's `Accept` for JSON.
    #[serde(default)]
    pub content_type: Option<String>,
    /// `binary` only: the JSON field that holds the bytes, base64-encoded, when the server
    /// answers JSON instead (`binaryData`). With it the client asks for the API's `Accept`
    /// (JSON) and takes either answer.
    #[serde(default)]
    pub base64_field: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// Headers of the success response the caller can read typed, keyed by header name
    /// (`Location`, `x-ratelimit-remaining`).
    #[serde(default)]
    pub headers: IndexMap<String, ResponseHeaderDef>,
}

/// A declared response header.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResponseHeaderDef {
    /// `string`, `int32`, `int64`, `float64` or `bool`.
    #[serde(rename = "type")]
    pub ty: TypeText,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RateLimitDef {
    /// Calls allowed in each window.
    pub calls: u32,
    /// Window length in seconds (a rolling window).
    pub per_seconds: u32,
    /// Calls of this operation allowed in flight at once (LiveVox advises 1 for Append).
    #[serde(default)]
    pub max_in_flight: Option<u32>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExampleDef {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub request: Option<ExampleRequest>,
    pub response: ExampleResponse,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExampleRequest {
    #[serde(default)]
    pub path: IndexMap<String, serde_json::Value>,
    #[serde(default)]
    pub query: IndexMap<String, serde_json::Value>,
    #[serde(default)]
    pub body: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExampleResponse {
    #[serde(default)]
    pub status: Option<u16>,
    #[serde(default)]
    pub body: Option<serde_json::Value>,
}
