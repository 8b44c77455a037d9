//! OpenAPI 3.0 export: the IR of one API as an OpenAPI document (JSON), so that Swagger UI,
//! Postman and other languages' generators can work from exactly the API `spec/` describes.
//!
//! What has no OpenAPI 3.0 equivalent travels in `x-livevox-*` extensions: pagination (its
//! style and what it reads; the offset, page, size and cursor parameters themselves are
//! ordinary query parameters, and a `link` walk's `Link` header is a declared response
//! header), rate limits, the agent
//! whitelist, the epoch-millisecond meaning of time types, and spec notes; and the second of two
//! operations that share a method and path (OpenAPI has room for one), in
//! `x-livevox-shared-route` of the first. The document is built from ordered maps, so the same
//! spec always gives the same bytes.

use serde_json::{json, Map, Value};

use crate::ir::*;
use crate::types::Prim;

/// The OpenAPI version the export targets.
pub const OPENAPI_VERSION: &str = "3.0.3";

/// Component name of the error body every operation may answer with.
const ERROR_SCHEMA: &str = "ErrorResponse";

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

/// The schema of a type.
fn type_schema(ty: &Type) -> Value {
    match ty {
        Type::Prim(p) => match p {
            Prim::String => json!({ "type": "string" }),
            Prim::Bool => json!({ "type": "boolean" }),
            Prim::Int32 => json!({ "type": "integer", "format": "int32" }),
            Prim::Int64 => json!({ "type": "integer", "format": "int64" }),
            Prim::Float64 => json!({ "type": "number", "format": "double" }),
            Prim::DateTime => json!({
                "type": "integer", "format": "int64", "x-livevox-type": "datetime",
                "description": "Milliseconds since the Unix epoch (UTC)."
            }),
            Prim::Date => json!({
                "type": "integer", "format": "int64", "x-livevox-type": "date",
                "description": "Milliseconds since the Unix epoch at midnight UTC."
            }),
            // No maximum: a response may give the time as an instant (LiveVox's rule for times).
            Prim::Time => json!({
                "type": "integer", "format": "int64", "minimum": 0, "x-livevox-type": "time",
                "description": "A time of day: milliseconds since midnight UTC in requests; a response value of \
                                86,400,000 or more is milliseconds since the Unix epoch, of which the UTC time of day counts."
            }),
            Prim::Json => json!({}),
        },
        Type::Secret => json!({ "type": "string", "format": "password" }),
        Type::Array(t) => json!({ "type": "array", "items": type_schema(t) }),
        Type::Map(t) => json!({ "type": "object", "additionalProperties": type_schema(t) }),
        Type::Model(r) | Type::Enum(r) | Type::Union(r) => schema_ref(&r.wire_name),
    }
}

/// The schema of a field's or parameter's type, its times as its format writes them: RFC 3339
/// strings are `format: date-time` (a `datetime`) and `format: date` (a `date`).
fn timed_schema(ty: &Type, format: TimeFormat) -> Value {
    match (ty, format) {
        (Type::Prim(Prim::DateTime), TimeFormat::Rfc3339 | TimeFormat::IsoDate) => json!({ "type": "string", "format": "date-time" }),
        (Type::Prim(Prim::Date), TimeFormat::Rfc3339 | TimeFormat::IsoDate) => json!({ "type": "string", "format": "date" }),
        (Type::Array(t), _) if t.holds_time() => json!({ "type": "array", "items": timed_schema(t, format) }),
        (Type::Map(t), _) if t.holds_time() => json!({ "type": "object", "additionalProperties": timed_schema(t, format) }),
        _ => type_schema(ty),
    }
}

/// A union: `oneOf` its variants; a tagged one with its `discriminator` (OpenAPI 3.0's form:
/// the property name and the schema of each tag value).
fn union_schema(u: &Union) -> Value {
    let one_of: Vec<Value> = match &u.kind {
        UnionKind::Untagged(shapes) => shapes.iter().map(|s| timed_schema(&s.ty, s.time_format)).collect(),
        UnionKind::Tagged { .. } => u.variant_types().iter().map(type_schema).collect(),
    };
    let mut out = Map::new();
    let mut description = u.description.clone().unwrap_or_default();
    out.insert("oneOf".into(), Value::Array(one_of));
    if let UnionKind::Tagged { tag, variants, unknown } = &u.kind {
        let mapping: Map<String, Value> =
            variants.iter().map(|v| (v.tag_value.clone(), json!(format!("#/components/schemas/{}", v.model.wire_name)))).collect();
        out.insert("discriminator".into(), json!({ "propertyName": tag, "mapping": mapping }));
        if unknown.is_some() {
            if !description.is_empty() {
                description.push_str("\n\n");
            }
            description.push_str(&format!("Clients should accept `{tag}` values not listed here: the list grows."));
        }
    }
    if !description.is_empty() {
        out.insert("description".into(), json!(description));
    }
    Value::Object(out)
}

fn with_description(mut schema: Value, description: Option<&str>) -> Value {
    if let (Some(d), Some(obj)) = (description, schema.as_object_mut()) {
        if obj.contains_key("$ref") {
            // OpenAPI 3.0 ignores siblings of `$ref`; wrap to keep the description.
            return json!({ "allOf": [Value::Object(obj.clone())], "description": d });
        }
        obj.insert("description".into(), Value::String(d.to_string()));
    }
    schema
}

fn model_schema(m: &Model) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for f in &m.fields {
        let mut s = with_description(timed_schema(&f.ty, f.time_format), f.description.as_deref());
        if f.deprecated.is_some() {
            if let Some(o) = s.as_object_mut() {
                o.insert("deprecated".into(), Value::Bool(true));
            }
        }
        if f.nullable {
            s = nullable(s);
        }
        properties.insert(f.wire_name.clone(), s);
        if f.required {
            required.push(Value::String(f.wire_name.clone()));
        }
    }
    let mut out = Map::new();
    out.insert("type".into(), json!("object"));
    if let Some(d) = &m.description {
        out.insert("description".into(), json!(d));
    }
    out.insert("properties".into(), Value::Object(properties));
    if !required.is_empty() {
        out.insert("required".into(), Value::Array(required));
    }
    Value::Object(out)
}

/// The schema with `nullable: true`; a `$ref` is wrapped first, as 3.0 ignores its siblings.
fn nullable(schema: Value) -> Value {
    let mut obj = match schema {
        Value::Object(o) if !o.contains_key("$ref") => o,
        other => {
            let mut o = Map::new();
            o.insert("allOf".into(), json!([other]));
            o
        }
    };
    obj.insert("nullable".into(), Value::Bool(true));
    Value::Object(obj)
}

fn enum_schema(e: &Enum) -> Value {
    let (ty, format, values): (&str, Option<&str>, Vec<Value>) = match e.repr {
        EnumRepr::Str => ("string", None, e.variants.iter().map(|v| json!(wire_text(&v.wire))).collect()),
        EnumRepr::Int32 | EnumRepr::Int64 => (
            "integer",
            Some(if e.repr == EnumRepr::Int32 { "int32" } else { "int64" }),
            e.variants
                .iter()
                .map(|v| match &v.wire {
                    WireValue::Int(i) => json!(i),
                    WireValue::Str(s) => json!(s),
                })
                .collect(),
        ),
    };
    let mut out = Map::new();
    out.insert("type".into(), json!(ty));
    if let Some(f) = format {
        out.insert("format".into(), json!(f));
    }
    let mut description = e.description.clone().unwrap_or_default();
    if !description.is_empty() {
        description.push_str("\n\n");
    }
    description.push_str("Clients should accept values not listed here: the list grows.");
    out.insert("description".into(), json!(description));
    out.insert("enum".into(), Value::Array(values));
    out.insert("x-enum-varnames".into(), Value::Array(e.variants.iter().map(|v| json!(v.rust_name)).collect()));
    Value::Object(out)
}

fn wire_text(w: &WireValue) -> String {
    match w {
        WireValue::Str(s) => s.clone(),
        WireValue::Int(i) => i.to_string(),
    }
}

fn parameter(p: &Param, location: &str) -> Value {
    let mut out = Map::new();
    out.insert("name".into(), json!(p.wire_name));
    out.insert("in".into(), json!(location));
    out.insert("required".into(), json!(location == "path" || p.required));
    if let Some(d) = &p.description {
        out.insert("description".into(), json!(d));
    }
    if p.deprecated.is_some() {
        out.insert("deprecated".into(), json!(true));
    }
    let mut schema = timed_schema(&p.ty, p.time_format);
    if let (Some(default), Some(obj)) = (&p.default, schema.as_object_mut()) {
        if !obj.contains_key("$ref") {
            obj.insert("default".into(), default.clone());
        }
    }
    out.insert("schema".into(), schema);
    if matches!(p.ty, Type::Array(_)) && location == "query" {
        // A list repeats the key: `service=1&service=2`.
        out.insert("style".into(), json!("form"));
        out.insert("explode".into(), json!(true));
    }
    Value::Object(out)
}

fn security_schemes(api: &Api) -> Map<String, Value> {
    let mut out = Map::new();
    match &api.auth {
        Auth::None => {}
        Auth::LiveVox { session_header, login, .. } => {
            out.insert(
                "session".into(),
                json!({ "type": "apiKey", "in": "header", "name": session_header,
                        "description": "A LiveVox session id from the login operation." }),
            );
            if let Some(l) = login {
                out.insert(
                    "accessToken".into(),
                    json!({ "type": "apiKey", "in": "header", "name": l.access_header,
                            "description": "The API access token issued by LiveVox; sent at login." }),
                );
            }
        }
        Auth::Basic => {
            out.insert("basic".into(), json!({ "type": "http", "scheme": "basic" }));
        }
        Auth::Bearer { header, prefix } => {
            let scheme = if header.eq_ignore_ascii_case("Authorization") && prefix.eq_ignore_ascii_case("Bearer") {
                json!({ "type": "http", "scheme": "bearer" })
            } else {
                json!({ "type": "apiKey", "in": "header", "name": header, "description": format!("`{prefix} <token>`") })
            };
            out.insert("bearer".into(), scheme);
        }
        Auth::OAuth1 => {
            // OpenAPI 3.0 has no OAuth 1.0a scheme; the signature travels in `Authorization`.
            out.insert(
                "oauth1".into(),
                json!({ "type": "apiKey", "in": "header", "name": "Authorization",
                        "description": "OAuth 1.0a (RFC 5849) HMAC-SHA1 signature." }),
            );
        }
        Auth::OAuth2 { token_url, scopes, .. } => {
            let scope_map: Map<String, Value> = scopes.iter().map(|s| (s.clone(), json!(s))).collect();
            out.insert(
                "oauth2".into(),
                json!({ "type": "oauth2", "flows": { "clientCredentials": {
                    "tokenUrl": token_url.clone().unwrap_or_default(), "scopes": scope_map } } }),
            );
        }
    }
    out
}

/// The security requirement of one operation.
fn security(api: &Api, op: &Operation) -> Value {
    let scheme = match (&api.auth, op.auth) {
        (_, AuthNeed::None) | (Auth::None, _) => return json!([]),
        (Auth::LiveVox { login: Some(_), .. }, AuthNeed::AccessToken) => "accessToken",
        (Auth::LiveVox { .. }, _) => "session",
        (Auth::Basic, _) => "basic",
        (Auth::Bearer { .. }, _) => "bearer",
        (Auth::OAuth1, _) => "oauth1",
        (Auth::OAuth2 { .. }, _) => "oauth2",
    };
    json!([{ scheme: [] }])
}

fn operation(api: &Api, cat: &Category, op: &Operation) -> Value {
    let mut out = Map::new();
    out.insert("operationId".into(), json!(op.id));
    out.insert("tags".into(), json!([cat.wire_name]));
    out.insert("summary".into(), json!(op.summary));
    let mut description = op.description.clone().unwrap_or_default();
    if !op.notes.is_empty() {
        description.push_str("\n\nSpec notes:\n");
        for n in &op.notes {
            description.push_str(&format!("\n- {n}"));
        }
    }
    if !description.is_empty() {
        out.insert("description".into(), json!(description.trim()));
    }
    if op.deprecated.is_some() {
        out.insert("deprecated".into(), json!(true));
    }
    let params: Vec<Value> = op
        .path_params
        .iter()
        .map(|p| parameter(p, "path"))
        .chain(op.query.iter().map(|p| parameter(p, "query")))
        .collect();
    if !params.is_empty() {
        out.insert("parameters".into(), Value::Array(params));
    }
    match &op.body {
        None => {}
        Some(Body::Empty) => {
            out.insert(
                "requestBody".into(),
                json!({ "required": true, "description": "An empty object: `{}`.",
                        "content": { "application/json": { "schema": { "type": "object" } } } }),
            );
        }
        Some(Body::Model { ty, required, description, .. }) => {
            let mut body = Map::new();
            body.insert("required".into(), json!(required));
            if let Some(d) = description {
                body.insert("description".into(), json!(d));
            }
            body.insert("content".into(), json!({ "application/json": { "schema": schema_ref(&ty.wire_name) } }));
            out.insert("requestBody".into(), Value::Object(body));
        }
    }

    let mut success = Map::new();
    success.insert(
        "description".into(),
        json!(op.response.description.clone().unwrap_or_else(|| "Success.".to_string())),
    );
    let example = op.examples.iter().find(|e| e.status == op.response.status).and_then(|e| e.response.clone());
    match (op.response.format, &op.response.ty) {
        (ResponseFormat::Json, ty) => {
            let mut media = Map::new();
            media.insert("schema".into(), ty.as_ref().map(type_schema).unwrap_or_else(|| json!({})));
            if let Some(e) = example {
                media.insert("example".into(), e);
            }
            success.insert("content".into(), json!({ op.response.media_type().unwrap_or("application/json"): Value::Object(media) }));
        }
        (ResponseFormat::Text, _) => {
            let mut media = Map::new();
            media.insert("schema".into(), json!({ "type": "string" }));
            if let Some(e) = example.filter(Value::is_string) {
                media.insert("example".into(), e);
            }
            success.insert("content".into(), json!({ op.response.media_type().unwrap_or(DEFAULT_TEXT_MEDIA_TYPE): Value::Object(media) }));
        }
        (ResponseFormat::Binary, _) => {
            let media = op.response.media_type().unwrap_or(DEFAULT_BINARY_MEDIA_TYPE);
            let mut content = Map::new();
            content.insert(media.to_string(), json!({ "schema": { "type": "string", "format": "binary" } }));
            // The same bytes may come base64-encoded in one field of a JSON object.
            if let Some(field) = &op.response.base64_field {
                let schema = json!({ "type": "object", "required": [field], "properties": { field: { "type": "string", "format": "byte" } } });
                content.insert("application/json".into(), json!({ "schema": schema }));
            }
            success.insert("content".into(), Value::Object(content));
        }
        (ResponseFormat::None, _) => {}
    }
    let mut headers = match response_headers(op) {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    if op.pagination.as_ref().is_some_and(|p| p.style == PageStyle::Link) {
        headers.insert(
            "Link".into(),
            json!({ "description": "RFC 8288 links; `rel=\"next\"` names the next page's URL, absent on the last page.",
                    "schema": { "type": "string" } }),
        );
    }
    if !headers.is_empty() {
        success.insert("headers".into(), Value::Object(headers));
    }
    let mut responses = Map::new();
    responses.insert(op.response.status.to_string(), Value::Object(success));
    // The API's typed error model when it names one (`errors.json.type`).
    let error_schema = api.error_type.as_ref().map_or(ERROR_SCHEMA, |t| t.wire_name.as_str());
    responses.insert(
        "default".into(),
        json!({ "description": "An error: the HTTP status, with a body when the server gives one.",
                "content": { "application/json": { "schema": schema_ref(error_schema) } } }),
    );
    out.insert("responses".into(), Value::Object(responses));
    out.insert("security".into(), security(api, op));

    if let Some(p) = &op.pagination {
        out.insert("x-livevox-pagination".into(), pagination_extension(p));
    }
    if let Some(r) = &op.rate_limit {
        out.insert(
            "x-livevox-rate-limit".into(),
            json!({ "calls": r.calls, "perSeconds": r.per_seconds, "maxInFlight": r.max_in_flight }),
        );
    }
    out.insert("x-livevox-agent-allowed".into(), json!(op.agent_allowed));
    if let Some(a) = op.agent_action {
        out.insert("x-livevox-agent-action".into(), json!(a.as_str()));
    }
    out.insert("x-livevox-idempotent".into(), json!(op.idempotent));
    Value::Object(out)
}

/// The `x-livevox-pagination` extension: the style and what it reads. The paging parameters
/// themselves are ordinary query parameters of the operation; `items` is absent when the whole
/// body is the array.
fn pagination_extension(p: &Pagination) -> Value {
    let mut out = Map::new();
    let style = match p.style {
        PageStyle::Offset => "offset",
        PageStyle::Page => "page",
        PageStyle::Cursor => "cursor",
        PageStyle::Link => "link",
    };
    out.insert("style".into(), json!(style));
    let mut put = |key: &str, value: &str| {
        if !value.is_empty() {
            out.insert(key.into(), json!(value));
        }
    };
    match p.style {
        PageStyle::Offset => {
            put("offset", &p.offset_param);
            put("count", &p.count_param);
        }
        PageStyle::Page | PageStyle::Link => {
            put("page", &p.offset_param);
            put("size", &p.count_param);
        }
        PageStyle::Cursor => {
            put("cursor", p.cursor_param.as_ref().map_or("", |(w, _)| w.as_str()));
            put("cursorField", &p.next_field);
            put("size", &p.count_param);
        }
    }
    put("items", &p.items_field);
    if p.style == PageStyle::Offset {
        put("next", &p.next_field);
        let end = match p.end {
            PageEnd::NextAbsent => "next_absent",
            PageEnd::ShortPage => "short_page",
            PageEnd::NextAbsentOrShortPage => "next_absent_or_short_page",
        };
        out.insert("end".into(), json!(end));
    }
    if matches!(p.style, PageStyle::Page) || (p.style == PageStyle::Link && !p.offset_param.is_empty()) {
        out.insert("firstPage".into(), json!(p.first_page));
    }
    out.insert("maxCount".into(), json!(p.max_count));
    Value::Object(out)
}

/// Folds an operation into the one already exported under the same path and method. OpenAPI
/// has one operation per path and method, but the spec may have two told apart by their bodies
/// (LiveVox's `POST /contact/contacts/bulk`: Create Contacts and Bulk Contact Download). The
/// first keeps its place; its request body becomes a `oneOf` of both, its responses gain the
/// other's media types, and the other travels whole in `x-livevox-shared-route`.
fn share_route(first: &mut Value, other: Value) {
    let Some(first) = first.as_object_mut() else { return };
    let other_id = other.get("operationId").and_then(Value::as_str).unwrap_or_default().to_string();
    let note = format!(
        "The same method and path is also `{other_id}` (in `x-livevox-shared-route`); the request body tells the two apart."
    );
    let description = match first.get("description").and_then(Value::as_str) {
        Some(d) => format!("{d}\n\n{note}"),
        None => note,
    };
    first.insert("description".into(), json!(description));

    // The bodies: either schema, under each media type.
    if let (Some(mine), Some(theirs)) = (first.get_mut("requestBody"), other.get("requestBody")) {
        let required = mine.get("required").and_then(Value::as_bool).unwrap_or(false)
            && theirs.get("required").and_then(Value::as_bool).unwrap_or(false);
        if let Some(b) = mine.as_object_mut() {
            b.insert("required".into(), json!(required));
        }
        merge_content(mine, theirs);
    }
    // The success responses: the other's media types next to this one's.
    if let (Some(Value::Object(mine)), Some(Value::Object(theirs))) = (first.get_mut("responses"), other.get("responses")) {
        for (status, response) in theirs {
            match mine.get_mut(status) {
                Some(existing) if status != "default" => merge_content(existing, response),
                Some(_) => {}
                None => {
                    mine.insert(status.clone(), response.clone());
                }
            }
        }
    }
    match first.get_mut("x-livevox-shared-route") {
        Some(Value::Array(list)) => list.push(other),
        _ => {
            first.insert("x-livevox-shared-route".into(), json!([other]));
        }
    }
}

/// Adds the media types of `other.content` to `into.content`; a media type both have gets a
/// `oneOf` of the two schemas.
fn merge_content(into: &mut Value, other: &Value) {
    let Some(theirs) = other.get("content").and_then(Value::as_object) else { return };
    let Some(into) = into.as_object_mut() else { return };
    let content = into.entry("content").or_insert_with(|| json!({}));
    let Some(mine) = content.as_object_mut() else { return };
    for (media, their_media) in theirs {
        let their_schema = their_media.get("schema").cloned().unwrap_or_else(|| json!({}));
        match mine.get_mut(media).and_then(Value::as_object_mut) {
            Some(my_media) => {
                let schema = my_media.remove("schema").unwrap_or_else(|| json!({}));
                let merged = match schema {
                    Value::Object(mut o) if o.len() == 1 && o.get("oneOf").is_some_and(Value::is_array) => {
                        if let Some(Value::Array(list)) = o.get_mut("oneOf") {
                            list.push(their_schema);
                        }
                        Value::Object(o)
                    }
                    schema if schema == their_schema => schema,
                    schema => json!({ "oneOf": [schema, their_schema] }),
                };
                my_media.insert("schema".into(), merged);
                // One example no longer fits both.
                my_media.remove("example");
            }
            None => {
                mine.insert(media.clone(), their_media.clone());
            }
        }
    }
}

/// The OpenAPI document of one API.
pub fn document(api: &Api, version: &str) -> Value {
    let mut paths = Map::new();
    let mut schemas = Map::new();
    schemas.insert(
        ERROR_SCHEMA.into(),
        json!({ "type": "object", "description": "The error body; it may be missing, or XML.",
                "properties": { "code": { "type": "integer" }, "message": { "type": "string" } } }),
    );
    let mut tags = Vec::new();
    for cat in &api.categories {
        tags.push(json!({ "name": cat.wire_name, "description": cat.description.clone().unwrap_or_default() }));
        for m in &cat.models {
            schemas.insert(m.wire_name.clone(), model_schema(m));
        }
        for e in &cat.enums {
            schemas.insert(e.wire_name.clone(), enum_schema(e));
        }
        for u in &cat.unions {
            schemas.insert(u.wire_name.clone(), union_schema(u));
        }
        for op in &cat.operations {
            let item = paths.entry(op.path.clone()).or_insert_with(|| json!({}));
            if let Some(obj) = item.as_object_mut() {
                let method = op.method.as_str().to_ascii_lowercase();
                let built = operation(api, cat, op);
                match obj.get_mut(&method) {
                    Some(first) => share_route(first, built),
                    None => {
                        obj.insert(method, built);
                    }
                }
            }
        }
    }
    let servers: Vec<Value> =
        api.environments.iter().map(|e| json!({ "url": e.base_url, "description": e.wire_name })).collect();
    let mut info = Map::new();
    info.insert("title".into(), json!(api.wire_name));
    info.insert("version".into(), json!(version));
    if let Some(d) = &api.description {
        info.insert("description".into(), json!(d));
    }
    let mut doc = Map::new();
    doc.insert("openapi".into(), json!(OPENAPI_VERSION));
    doc.insert("info".into(), Value::Object(info));
    doc.insert("servers".into(), Value::Array(servers));
    doc.insert("tags".into(), Value::Array(tags));
    doc.insert("paths".into(), Value::Object(paths));
    doc.insert(
        "components".into(),
        json!({ "schemas": Value::Object(schemas), "securitySchemes": Value::Object(security_schemes(api)) }),
    );
    if !api.headers.is_empty() {
        let headers: Map<String, Value> = api.headers.iter().map(|h| (h.name.clone(), json!(h.value))).collect();
        doc.insert("x-livevox-headers".into(), Value::Object(headers));
    }
    if let Some(s) = api.service {
        doc.insert("x-livevox-service".into(), json!(s));
    }
    if let Some(limit) = &api.server_rate_limit {
        doc.insert("x-livevox-server-rate-limit".into(), server_rate_limit(limit));
    }
    Value::Object(doc)
}

/// The declared headers of a success response, as OpenAPI header objects.
fn response_headers(op: &Operation) -> Value {
    let headers: Map<String, Value> = op
        .response
        .headers
        .iter()
        .map(|h| (h.wire_name.clone(), with_description(json!({ "schema": type_schema(&h.ty) }), h.description.as_deref())))
        .collect();
    Value::Object(headers)
}

/// `server_rate_limit` as an extension: OpenAPI has no word for it.
fn server_rate_limit(limit: &ServerRateLimit) -> Value {
    let reset = limit.reset.as_ref().map(|(header, unit)| {
        let unit = match unit {
            ResetUnit::EpochSeconds => "epoch_seconds",
            ResetUnit::Seconds => "seconds",
        };
        json!({ "header": header, "unit": unit })
    });
    json!({
        "statuses": limit.statuses,
        "when": limit.when.as_ref().map(|(header, equals)| json!({ "header": header, "equals": equals })),
        "reset": reset,
        "retryAfter": limit.retry_after,
    })
}

/// Every API's document as pretty JSON, by API module name.
pub fn documents(ir: &Ir, version: &str) -> Vec<(String, String)> {
    ir.apis
        .iter()
        .map(|api| {
            let text = serde_json::to_string_pretty(&document(api, version)).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
            (api.module.clone(), text + "\n")
        })
        .collect()
}
