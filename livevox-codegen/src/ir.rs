//! The intermediate representation: the spec after lowering, with every name resolved and every
//! default applied. Emitters read only this, never the raw spec. Every named item keeps its wire
//! name beside its Rust name, so docs and the runtime can always show what goes on the wire.

use crate::spec::WireValue;
use crate::types::Prim;

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
    pub categories: Vec<Category>,
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
    /// Full path of the login operation.
    pub path: String,
    pub access_header: String,
    pub session_id_field: String,
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
}

#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub wire_name: String,
    pub rust_name: String,
    pub description: Option<String>,
    pub fields: Vec<Field>,
    /// Set when the model was made from an operation's inline body fields.
    pub body_of: Option<String>,
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
}

/// A reference to a named type, with the category module that defines it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TypeRef {
    pub module: String,
    pub rust_name: String,
    pub wire_name: String,
}

impl Type {
    /// Every category module this type mentions.
    pub fn modules(&self, out: &mut Vec<String>) {
        match self {
            Type::Prim(_) | Type::Secret => {}
            Type::Array(t) | Type::Map(t) => t.modules(out),
            Type::Model(r) | Type::Enum(r) => out.push(r.module.clone()),
        }
    }

    /// The spec's notation, for docs.
    pub fn spec_name(&self) -> String {
        match self {
            Type::Prim(p) => p.name().to_string(),
            Type::Secret => "string (secret)".to_string(),
            Type::Array(t) => format!("array<{}>", t.spec_name()),
            Type::Map(t) => format!("map<{}>", t.spec_name()),
            Type::Model(r) | Type::Enum(r) => r.wire_name.clone(),
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

    pub fn parse(s: &str) -> Option<Method> {
        Some(match s {
            "GET" => Method::Get,
            "POST" => Method::Post,
            "PUT" => Method::Put,
            "PATCH" => Method::Patch,
            "DELETE" => Method::Delete,
            _ => return None,
        })
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
}

impl Response {
    /// The media type of the success body, which the client asks for in `Accept`: the declared
    /// `content_type`, else the format's default; `None` without a body.
    pub fn media_type(&self) -> Option<&str> {
        match self.format {
            ResponseFormat::Json => Some("application/json"),
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
