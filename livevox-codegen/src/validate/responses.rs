//! Rules for an operation's `response`: `format`, `type` (only for JSON), `content_type` (a
//! media type; a JSON one for JSON), `base64_field` (binary only) and the success `status`.
//! Declared `headers` are `http.rs`'s.

use super::*;

impl Validator {
    /// Checks the response; returns its format and (resolved) type.
    pub(super) fn response(&mut self, doc: &LoadedDoc, base: &str, op: &OperationDef, types: &Types<'_>) -> Option<Response> {
        let Some(r) = &op.response else {
            return Some(Response { format: ResponseFormat::None, ty: None, status: 204 });
        };
        let path = format!("{base}.response");
        let format = match &r.format {
            Some(f) => self.word(doc, &format!("{path}.format"), f)?,
            None if r.ty.is_some() => ResponseFormat::Json,
            None => ResponseFormat::None,
        };
        let mut ty = None;
        match (format, &r.ty) {
            (ResponseFormat::Text | ResponseFormat::Binary | ResponseFormat::None, Some(_)) => self.err(
                doc,
                &format!("{path}.type"),
                format!("a `format: {}` response is not decoded, so it has no `type`; remove `type`, or use `format: json`", format.word()),
            ),
            (ResponseFormat::Json, None) => self.err(doc, &format!("{path}.format"), "`format: json` needs a `type` (use `type: json` for untyped JSON)"),
            (ResponseFormat::Json, Some(t)) => ty = self.resolve(doc, &format!("{path}.type"), t, types),
            _ => {}
        }
        if let Some(media) = &r.content_type {
            let cpath = format!("{path}.content_type");
            match format {
                ResponseFormat::Json => match media_type_problem(media) {
                    Some(problem) => self.err(doc, &cpath, problem),
                    None if !is_json_media_type(media.trim()) => self.err(
                        doc,
                        &cpath,
                        format!(
                            "`{}` is not a JSON media type; a `format: json` response asks for `application/json` or a `+json` variant (`application/vnd.example.raw+json`), or use `format: text` or `format: binary`",
                            media.trim()
                        ),
                    ),
                    None => {}
                },
                ResponseFormat::None => self.err(doc, &cpath, "a `format: none` response has no body, so it has no `content_type`"),
                _ => {
                    if let Some(problem) = media_type_problem(media) {
                        self.err(doc, &cpath, problem);
                    }
                }
            }
        }
        if let Some(field) = &r.base64_field {
            let fpath = format!("{path}.base64_field");
            if format != ResponseFormat::Binary {
                self.err(
                    doc,
                    &fpath,
                    format!("`base64_field` applies to `format: binary` (bytes that may come base64 in JSON), not to `format: {}`", format.word()),
                );
            } else if field.trim().is_empty() || field.chars().any(char::is_control) {
                self.err(doc, &fpath, "`base64_field` must name a JSON field, e.g. `binaryData`");
            }
        }
        let status = r.status.unwrap_or(if format == ResponseFormat::None { 204 } else { 200 });
        if let Some(s) = r.status {
            if !(200..=299).contains(&s) {
                self.err(doc, &format!("{path}.status"), format!("the success status must be from 200 to 299, not {s}"));
            } else if s == 204 && format != ResponseFormat::None {
                self.err(doc, &format!("{path}.status"), format!("204 No Content has no body, but the response is `format: {}`", format.word()));
            }
        }
        Some(Response { format, ty, status })
    }
}

/// What a successful response is, once checked.
pub(super) struct Response {
    pub(super) format: ResponseFormat,
    pub(super) ty: Option<TypeExpr>,
    pub(super) status: u16,
}

/// `application/json` or a structured-syntax `+json` variant of it.
fn is_json_media_type(media: &str) -> bool {
    let lower = media.to_ascii_lowercase();
    lower == "application/json" || (lower.starts_with("application/") && lower.ends_with("+json"))
}

/// What is wrong with a response's `content_type`, if anything: it must be one media type,
/// `type/subtype`, each part an HTTP token, without wildcards or parameters, since the client
/// sends it as `Accept` and the simulator and the OpenAPI export name the body by it.
fn media_type_problem(media: &str) -> Option<String> {
    let is_token = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    let m = media.trim();
    if m.contains(';') {
        let bare = m.split(';').next().unwrap_or("").trim();
        return Some(format!("`{m}` has parameters; give the bare media type (`{bare}`): the client asks for it in `Accept` as it is"));
    }
    let Some((kind, sub)) = m.split_once('/') else {
        return Some(format!("`{m}` is not a media type; write `type/subtype`, e.g. `text/csv` or `audio/mpeg`"));
    };
    if !is_token(kind) || !is_token(sub) {
        return Some(format!("`{m}` is not a media type; write `type/subtype` (letters, digits and `!#$%&'*+-.^_|~`), e.g. `text/csv` or `audio/mpeg`"));
    }
    if kind == "*" || sub == "*" {
        return Some(format!("`{m}` is a range of media types, not one; name the type the server answers with, e.g. `audio/mpeg`"));
    }
    None
}
