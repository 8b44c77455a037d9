//! The intermediate representation: the spec after lowering, with every name resolved, every
//! default applied and every decision an emitter needs already taken (final Rust names beside
//! wire names, parameter locations and positions, derives, boxing). Emitters read only this,
//! never the raw spec, and never name or analyse: they print. Every named item keeps its wire
//! name beside its Rust name, so docs and the runtime can always show what goes on the wire.

use crate::types::Prim;

mod http;
pub use http::{ContentTypeRule, ResetUnit, ResponseHeader, ServerRateLimit};

/// Everything the spec describes.
#[derive(Debug, Clone, PartialEq)]
pub struct Ir {
    pub apis: Vec<Api>,
}

impl Ir {
    pub fn operation_count(&self) -> usize {
        self.apis.iter().flat_map(|a| &a.categories).map(|c| c.operations.len()).sum()
    }

    pub fn model_count(&self) -> usize {
        self.apis.iter().flat_map(|a| &a.categories).map(|c| c.models.len()).sum()
    }

    pub fn enum_count(&self) -> usize {
        self.apis.iter().flat_map(|a| &a.categories).map(|c| c.enums.len()).sum()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    pub wire_name: String,
    /// Rust module name.
    pub module: String,
    pub description: Option<String>,
    /// The spec file the API document came from, e.g. `spec/livevox.yaml`.
    pub source_file: String,
    pub environments: Vec<Environment>,
    pub default_environment: Option<String>,
    pub headers: Vec<Header>,
    pub auth: Auth,
    pub errors: ErrorFormat,
    pub service: Option<i64>,
    /// The arguments of `Client::builder`: one per `${name}` placeholder of the headers, sorted
    /// by name, each once.
    pub builder_args: Vec<BuilderArg>,
    pub categories: Vec<Category>,
    /// When requests carry `Content-Type` (spec `content_type`).
    pub content_type: ContentTypeRule,
    /// The server's own "slow down" signal (spec `server_rate_limit`).
    pub server_rate_limit: Option<ServerRateLimit>,
    /// The model error bodies decode into (spec `errors.json.type`).
    pub error_type: Option<TypeRef>,
}

/// A `Client::builder` argument that fills a header's `${placeholder}`.
#[derive(Debug, Clone, PartialEq)]
pub struct BuilderArg {
    /// The placeholder's name as the header writes it, e.g. `loginData.agentId`.
    pub placeholder: String,
    /// The argument's Rust name, e.g. `login_data_agent_id`.
    pub rust_name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Environment {
    pub wire_name: String,
    pub rust_name: String,
    pub base_url: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    pub name: String,
    /// May hold `${name}` placeholders the caller fills when building the client.
    pub value: String,
    pub placeholders: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Auth {
    None,
    LiveVox { session_header: String, expired_status: u16, login: Option<Login> },
    Basic,
    Bearer { header: String, prefix: String },
    OAuth1,
    OAuth2 { header: String, prefix: String, token_url: Option<String>, scopes: Vec<String> },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Login {
    /// The login operation's id (`session.login`).
    pub operation: String,
    /// Full path of the login operation.
    pub path: String,
    /// Which body field of the login operation takes which of the caller's credentials.
    pub fields: LoginFields,
    pub access_header: String,
    pub session_id_field: String,
}

/// The wire names of the login body's fields, by role, decided in lowering from their types:
/// the secret string is the password, a bool the agent flag, and the other strings, in spec
/// order, the client code (when there are two) and the user name.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LoginFields {
    pub client: Option<String>,
    pub user: String,
    pub password: String,
    pub agent: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ErrorFormat {
    pub json: Option<(String, String)>,
    pub xml: Option<(String, String, String)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Category {
    pub wire_name: String,
    /// Rust module name, also the cargo feature.
    pub module: String,
    /// `ComplianceClient`.
    pub client_type: String,
    /// Path prefix on the wire, e.g. `/compliance`.
    pub path_prefix: String,
    pub description: Option<String>,
    pub source_file: String,
    pub models: Vec<Model>,
    pub enums: Vec<Enum>,
    pub operations: Vec<Operation>,
    /// Modules of other categories whose types this one uses (feature dependencies).
    pub depends_on: Vec<String>,
    /// The API's `content_type` rule: what an unset optional body becomes (for docs).
    pub content_type: ContentTypeRule,
    /// What the docs of an operation that needs the API's authorization say it sends (the
    /// API's own credential: a LiveVox session, a bearer token, ...).
    pub session_doc: String,
    /// The category's named unions (`unions:`).
    pub unions: Vec<Union>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub wire_name: String,
    pub rust_name: String,
    pub description: Option<String>,
    pub fields: Vec<Field>,
    /// Declared `readable: true`: `Deserialize` even if it is only ever sent (with every model
    /// it holds).
    pub readable: bool,
    /// Set when the model was made from an operation's inline body fields.
    pub body_of: Option<BodyOf>,
    /// Which ways the model travels (through nesting too), from the API's operations.
    pub direction: Direction,
    /// The traits the model derives beyond `Clone`, `Debug` and `PartialEq` (decided by the
    /// analyses in `lower::analyze`, over every model of the API).
    pub derives: Derives,
    /// More fields' wire names are serde's camelCase of their Rust names
    /// (`naming::serde_camel_case`) than are the Rust names themselves: the model gets
    /// `#[serde(rename_all = "camelCase")]` and only the other fields a `rename` (decided in
    /// `lower::analyze`).
    pub camel_case_wire: bool,
}

/// Which ways a model travels, counting models reachable through fields, lists and maps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Direction {
    /// Sent: in a body or a parameter.
    pub request: bool,
    /// Received: in a JSON response.
    pub response: bool,
    /// In a page of a paginated operation: the runtime's paging guard serializes each page to
    /// tell a repeated one.
    pub page: bool,
}

impl Direction {
    /// No operation sends or receives it (a shared type the spec declares for its users).
    pub fn unused(self) -> bool {
        !self.request && !self.response
    }
}

/// The operation whose inline body fields a model was made from.
#[derive(Debug, Clone, PartialEq)]
pub struct BodyOf {
    /// The operation's spec name.
    pub operation: String,
    /// Its method on the category client.
    pub fn_name: String,
}

/// Which optional traits a model derives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Derives {
    /// `Eq`: no field holds (directly or through other models) a float, a JSON value or a secret.
    pub eq: bool,
    /// `Default`: the model has no required field.
    pub default: bool,
    /// `Serialize`: the model is sent, is part of a page, or is used by no operation (so its
    /// users may need either way), or such a model holds it.
    pub serialize: bool,
    /// `Deserialize`: the model is received, is used by no operation, is a union's variant, is
    /// marked `readable`, or such a model holds it. A model that is only ever sent is not read.
    pub deserialize: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub wire_name: String,
    pub rust_name: String,
    pub ty: Type,
    pub required: bool,
    pub description: Option<String>,
    pub secret: bool,
    pub deprecated: Option<String>,
    /// Held in a `Box`: the model contains itself through this field (directly or through other
    /// models) with no `Vec` or map in between.
    pub boxed: bool,
    /// The chainable `with_...` method of an optional field.
    pub with_setter: String,
    /// The request-builder setter of an optional inline body field.
    pub setter: String,
    /// The wire form of the `datetime`/`date` values the type holds (the field's `format`, else
    /// the API's `time_format`); `EpochMillis` for a type without any.
    pub time_format: TimeFormat,
    /// The value may be `null` (spec key `nullable`).
    pub nullable: bool,
    /// Held as the runtime's `Patch<T>` (keep / clear to null / set): an optional nullable field
    /// of a model that is sent (decided in `lower::analyze`, from `Model::direction`).
    pub patch: bool,
    /// The setter that clears a `patch` field (sends `null`): `clear_<name>`.
    pub clear_setter: String,
}

/// How `datetime` and `date` values are written on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimeFormat {
    /// Milliseconds since the Unix epoch, as a JSON number (LiveVox).
    #[default]
    EpochMillis,
    /// RFC 3339 text: `2011-04-01T00:00:00Z` for a `datetime`, `2011-04-01` for a `date`.
    Rfc3339,
    /// Spec word for a `date` written `2011-04-01`; lowered to [`TimeFormat::Rfc3339`].
    IsoDate,
}

/// A union: a value that is one of several shapes, generated as a Rust enum.
#[derive(Debug, Clone, PartialEq)]
pub struct Union {
    pub wire_name: String,
    pub rust_name: String,
    pub description: Option<String>,
    pub kind: UnionKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum UnionKind {
    /// Each variant tried in order when decoding.
    Untagged(Vec<UnionVariant>),
    /// Picked by the string value of the field `tag`; `unknown` names the catch-all variant
    /// that keeps an unknown tag's raw JSON, when the spec asks for one.
    Tagged { tag: String, variants: Vec<TaggedVariant>, unknown: Option<String> },
}

/// A shape of an untagged union.
#[derive(Debug, Clone, PartialEq)]
pub struct UnionVariant {
    pub rust_name: String,
    pub ty: Type,
    /// The wire form of the times the shape holds (the API's `time_format`).
    pub time_format: TimeFormat,
}

/// A variant of a tagged union: the tag value and its model.
#[derive(Debug, Clone, PartialEq)]
pub struct TaggedVariant {
    pub tag_value: String,
    pub rust_name: String,
    pub model: TypeRef,
}

impl Union {
    /// The type of every variant, in order (a tagged union's models).
    pub fn variant_types(&self) -> Vec<Type> {
        match &self.kind {
            UnionKind::Untagged(vs) => vs.iter().map(|v| v.ty.clone()).collect(),
            UnionKind::Tagged { variants, .. } => variants.iter().map(|v| Type::Model(v.model.clone())).collect(),
        }
    }
}

/// A resolved type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Type {
    Prim(Prim),
    /// A secret string (passwords, tokens).
    Secret,
    Array(Box<Type>),
    Map(Box<Type>),
    Model(TypeRef),
    Enum(TypeRef),
    /// A union (`unions:`), generated as a Rust enum.
    Union(TypeRef),
}

/// A reference to a named type, with the category module that defines it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TypeRef {
    pub module: String,
    pub rust_name: String,
    pub wire_name: String,
}

impl Type {
    /// Whether the type holds a `datetime` or `date` (the values a time format applies to).
    pub fn holds_time(&self) -> bool {
        match self {
            Type::Prim(p) => matches!(p, Prim::DateTime | Prim::Date),
            Type::Array(t) | Type::Map(t) => t.holds_time(),
            _ => false,
        }
    }

    /// Every category module this type mentions.
    pub fn modules(&self, out: &mut Vec<String>) {
        match self {
            Type::Prim(_) | Type::Secret => {}
            Type::Array(t) | Type::Map(t) => t.modules(out),
            Type::Model(r) | Type::Enum(r) | Type::Union(r) => out.push(r.module.clone()),
        }
    }

    /// The spec's notation, for docs.
    pub fn spec_name(&self) -> String {
        match self {
            Type::Prim(p) => p.name().to_string(),
            Type::Secret => "string (secret)".to_string(),
            Type::Array(t) => format!("array<{}>", t.spec_name()),
            Type::Map(t) => format!("map<{}>", t.spec_name()),
            Type::Model(r) | Type::Enum(r) | Type::Union(r) => r.wire_name.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnumRepr {
    Str,
    Int32,
    Int64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Enum {
    pub wire_name: String,
    pub rust_name: String,
    pub description: Option<String>,
    pub repr: EnumRepr,
    pub variants: Vec<Variant>,
    /// The catch-all variant that holds values the spec does not know.
    pub unknown_variant: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    pub wire: WireValue,
    pub rust_name: String,
    pub description: Option<String>,
}

/// An enum value as it goes on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum WireValue {
    Int(i64),
    Str(String),
}

impl WireValue {
    /// The value as plain text: `5`, `DAILY`.
    pub fn text(&self) -> String {
        match self {
            WireValue::Int(i) => i.to_string(),
            WireValue::Str(s) => s.clone(),
        }
    }

    /// The value as JSON: a number or a string, as the spec wrote it.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            WireValue::Int(i) => serde_json::Value::from(*i),
            WireValue::Str(s) => serde_json::Value::from(s.as_str()),
        }
    }

    /// The value as an integer code: the number, or a string value parsed (0 when it is not one).
    pub fn code(&self) -> i64 {
        match self {
            WireValue::Int(i) => *i,
            WireValue::Str(s) => s.parse().unwrap_or_default(),
        }
    }
}

/// Integers as they are, strings quoted: how diagnostics and the spec diff name a value.
impl std::fmt::Display for WireValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WireValue::Int(i) => write!(f, "{i}"),
            WireValue::Str(s) => write!(f, "{s:?}"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }

    /// GET, PUT and DELETE are safe to repeat by HTTP semantics.
    pub fn idempotent_by_default(self) -> bool {
        matches!(self, Method::Get | Method::Put | Method::Delete)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthNeed {
    Session,
    AccessToken,
    None,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The spec's name, e.g. `list_dnc`.
    pub wire_name: String,
    /// `category.operation`, stable: used by the runtime for logs, errors and rate limits.
    pub id: String,
    pub fn_name: String,
    pub request_type: String,
    pub summary: String,
    pub description: Option<String>,
    pub method: Method,
    /// Full path template from the base URL, `/compliance/dnc/{id}`.
    pub path: String,
    pub path_params: Vec<Param>,
    pub query: Vec<Param>,
    pub body: Option<Body>,
    pub response: Response,
    pub pagination: Option<Pagination>,
    pub auth: AuthNeed,
    pub rate_limit: Option<RateLimit>,
    pub idempotent: bool,
    pub deprecated: Option<String>,
    pub agent_allowed: bool,
    /// What the operation does to an agent's state (spec key `agent_action`); the simulator
    /// runs its agent state machine on it, the end-to-end test prepares the agent for it.
    pub agent_action: Option<AgentAction>,
    pub notes: Vec<String>,
    pub examples: Vec<Example>,
}

impl Operation {
    /// Every parameter the caller sets, in the order the method takes them: path parameters,
    /// required query parameters, the body; optional ones follow as setters.
    pub fn params(&self) -> impl Iterator<Item = &Param> {
        self.path_params.iter().chain(self.query.iter())
    }
}

/// What a call-control operation does to the state of an agent: a closed vocabulary, so the
/// simulator's state machine (livevox-sim's `agents` module) has one rule per word and the spec
/// only names the word. Agent-side words are called by the agent's own session; supervisor-side
/// words (`set_agents_*`, `log_off_agents`, `move_agents`, `monitor_agent`) act on the agents
/// the request names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AgentAction {
    /// Any agent session; the state does not matter and does not change.
    Agent,
    /// The agent must be in a service (any state but "not in a service").
    InService,
    /// The agent must be on a call (held or not); the state does not change.
    OnCall,
    /// Not in a service → joined, not ready.
    JoinService,
    /// Ready or not ready → not ready in another service.
    SwitchService,
    /// Ready or not ready → not in a service.
    LeaveService,
    /// Ready or not ready → ready.
    Ready,
    /// Ready or not ready → not ready, with the request's `reasonCode`.
    NotReady,
    /// A call offered → on the call.
    AcceptCall,
    /// A call offered → ready again (rejected, or sent to voicemail).
    DeclineCall,
    /// On a call → on hold.
    Hold,
    /// On hold → on the call.
    Unhold,
    /// On a call (held or not) → wrap-up.
    EndCall,
    /// Ready or not ready → on a call the agent dialed.
    Dial,
    /// On a call or in wrap-up → ready (or not ready, when the body says `moveAgentToNotReady`).
    SaveTermCode,
    /// Reads the agent's state; the answer is made from it.
    Status,
    /// Supervisor: the agents named in the body go ready.
    SetAgentsReady,
    /// Supervisor: the agents named in the body go not ready, with the body's `reasonCode`.
    SetAgentsNotReady,
    /// Supervisor: the agents named in the body are logged off.
    LogOffAgents,
    /// Supervisor: the agents named in the body move to the body's `targetServiceId`.
    MoveAgents,
    /// Supervisor: the agent named by the `agentLoginId` query parameter must be logged in.
    MonitorAgent,
}

impl AgentAction {
    /// Every word, as the spec writes it.
    pub const ALL: [(&'static str, AgentAction); 21] = [
        ("agent", AgentAction::Agent),
        ("in_service", AgentAction::InService),
        ("on_call", AgentAction::OnCall),
        ("join_service", AgentAction::JoinService),
        ("switch_service", AgentAction::SwitchService),
        ("leave_service", AgentAction::LeaveService),
        ("ready", AgentAction::Ready),
        ("not_ready", AgentAction::NotReady),
        ("accept_call", AgentAction::AcceptCall),
        ("decline_call", AgentAction::DeclineCall),
        ("hold", AgentAction::Hold),
        ("unhold", AgentAction::Unhold),
        ("end_call", AgentAction::EndCall),
        ("dial", AgentAction::Dial),
        ("save_term_code", AgentAction::SaveTermCode),
        ("status", AgentAction::Status),
        ("set_agents_ready", AgentAction::SetAgentsReady),
        ("set_agents_not_ready", AgentAction::SetAgentsNotReady),
        ("log_off_agents", AgentAction::LogOffAgents),
        ("move_agents", AgentAction::MoveAgents),
        ("monitor_agent", AgentAction::MonitorAgent),
    ];

    pub fn parse(s: &str) -> Option<AgentAction> {
        AgentAction::ALL.iter().find(|(w, _)| *w == s).map(|(_, a)| *a)
    }

    pub fn as_str(self) -> &'static str {
        AgentAction::ALL.iter().find(|(_, a)| *a == self).map(|(w, _)| *w).unwrap_or("agent")
    }

    /// Called by the agent's own session (as opposed to a supervisor acting on agents).
    pub fn agent_side(self) -> bool {
        !matches!(
            self,
            AgentAction::SetAgentsReady | AgentAction::SetAgentsNotReady | AgentAction::LogOffAgents | AgentAction::MoveAgents | AgentAction::MonitorAgent
        )
    }
}

/// Where a parameter goes on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    /// A `{placeholder}` of the path.
    Path,
    Query,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamRole {
    Normal,
    PageOffset,
    PageCount,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub wire_name: String,
    /// Field name in the request builder.
    pub rust_name: String,
    /// Setter name on the request builder.
    pub setter: String,
    pub ty: Type,
    pub required: bool,
    pub default: Option<serde_json::Value>,
    pub description: Option<String>,
    pub deprecated: Option<String>,
    pub role: ParamRole,
    /// Marked `secret: true`: its type holds `Type::Secret` in place of `string`.
    pub secret: bool,
    pub location: ParamLocation,
    /// A positional argument of the operation's method (required and not a paging control);
    /// every other parameter is a setter. The spec diff reads this too, so both agree.
    pub positional: bool,
    /// A paging control's starting value: the offset's default (else 0); the count's cap, else
    /// its default, else 100. `None` for other parameters.
    pub page_start: Option<i64>,
    /// The text form of the `datetime`/`date` values the type holds.
    pub time_format: TimeFormat,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// A body that must be sent but has nothing in it: `{}`.
    Empty,
    /// A named model (or the model made from inline fields, `inline` set).
    Model { ty: TypeRef, required: bool, inline: bool, description: Option<String> },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseFormat {
    Json,
    /// The body as text.
    Text,
    /// The body as raw bytes (audio, archives): never decoded, never made into text.
    Binary,
    None,
}

/// The media type of a text response that declares none.
pub const DEFAULT_TEXT_MEDIA_TYPE: &str = "text/plain";
/// The media type of a binary response that declares none.
pub const DEFAULT_BINARY_MEDIA_TYPE: &str = "application/octet-stream";

#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    pub format: ResponseFormat,
    /// The decoded type; `None` for text, binary and no-body responses.
    pub ty: Option<Type>,
    pub status: u16,
    pub description: Option<String>,
    /// The media type the spec declares for a text or binary body (`content_type`); `None`
    /// when it declares none (see [`Response::media_type`] for the one that applies).
    pub content_type: Option<String>,
    /// Binary only: the JSON field holding the bytes base64-encoded when the server answers
    /// JSON (`binaryData`); the client then asks for JSON and takes either answer.
    pub base64_field: Option<String>,
    /// Declared response headers, in spec order.
    pub headers: Vec<ResponseHeader>,
    /// The generated struct of the declared headers (`CreateIssueHeaders`); `None` without any.
    pub headers_type: Option<String>,
}

impl Response {
    /// The media type the client asks for in `Accept`: JSON for a binary body that may come
    /// as base64 in JSON (`base64_field`), else [`Response::media_type`].
    pub fn accept(&self) -> Option<&str> {
        match (self.format, &self.base64_field) {
            (ResponseFormat::Binary, Some(_)) => Some("application/json"),
            _ => self.media_type(),
        }
    }

    /// The media type of the success body as such (of its raw form, for a binary body with a
    /// `base64_field`): the declared `content_type`, else the format's default; `None` without
    /// a body.
    pub fn media_type(&self) -> Option<&str> {
        match self.format {
            ResponseFormat::Json => Some(self.content_type.as_deref().unwrap_or("application/json")),
            ResponseFormat::Text => Some(self.content_type.as_deref().unwrap_or(DEFAULT_TEXT_MEDIA_TYPE)),
            ResponseFormat::Binary => Some(self.content_type.as_deref().unwrap_or(DEFAULT_BINARY_MEDIA_TYPE)),
            ResponseFormat::None => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageEnd {
    NextAbsent,
    ShortPage,
    NextAbsentOrShortPage,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Pagination {
    pub offset_param: String,
    pub count_param: String,
    pub items_field: String,
    /// Rust name of the items field in the response model.
    pub items_rust_name: String,
    /// The item type.
    pub item_ty: Type,
    /// Whether the response model declares the items field required (else it is an `Option`).
    pub items_required: bool,
    pub next_field: String,
    /// The next-link field of the response model: its Rust name and whether it is required;
    /// `None` when the model has no such field.
    pub next: Option<(String, bool)>,
    pub max_count: Option<u32>,
    pub end: PageEnd,
    /// How the walk moves on. With `Page`, `offset_param`/`count_param` are the page-number and
    /// page-size parameters the walk sets; with `Cursor` and `Link` they name ordinary
    /// parameters the caller sets (empty when the spec names none), and with `Cursor` the
    /// `next` field is the cursor field.
    pub style: PageStyle,
    /// `Page` style (and `Link` with a `page` parameter): the number of the first page (0 for
    /// the other styles).
    pub first_page: i64,
    /// The whole response body is the array of items (`items_field` is then empty).
    pub bare_array: bool,
    /// `Cursor` style: the query parameter the cursor goes back in (wire and Rust names).
    pub cursor_param: Option<(String, String)>,
}

/// How a paginated operation moves from one page to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageStyle {
    /// `offset` moves on by `count`.
    Offset,
    /// The page number goes up by one.
    Page,
    /// The page's cursor field goes back as a query parameter.
    Cursor,
    /// The next URL of the response's `Link: <...>; rel="next"` header is followed as given.
    Link,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub calls: u32,
    pub per_seconds: u32,
    pub max_in_flight: Option<u32>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub name: String,
    pub description: Option<String>,
    pub path: Vec<(String, serde_json::Value)>,
    pub query: Vec<(String, serde_json::Value)>,
    pub body: Option<serde_json::Value>,
    pub status: u16,
    pub response: Option<serde_json::Value>,
}

#[cfg(test)]
mod tests {
    use super::AgentAction;

    #[test]
    fn agent_action_words_round_trip_and_are_unique() {
        let mut words: Vec<&str> = AgentAction::ALL.iter().map(|(w, _)| *w).collect();
        for (word, action) in AgentAction::ALL {
            assert_eq!(AgentAction::parse(word), Some(action), "{word}");
            assert_eq!(action.as_str(), word);
        }
        words.sort_unstable();
        words.dedup();
        assert_eq!(words.len(), AgentAction::ALL.len(), "a word is listed twice");
        assert_eq!(AgentAction::parse("Hold"), None, "words are case-sensitive");
        let supervisor: Vec<&str> = AgentAction::ALL.iter().filter(|(_, a)| !a.agent_side()).map(|(w, _)| *w).collect();
        assert_eq!(supervisor, ["set_agents_ready", "set_agents_not_ready", "log_off_agents", "move_agents", "monitor_agent"]);
    }
}
