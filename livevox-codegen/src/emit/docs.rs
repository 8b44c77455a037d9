//! Doc rendering: spec prose made safe for rustdoc, wrapped, and turned into `#[doc]`
//! attributes; the doc blocks of fields and operations.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::*;


/// Makes spec prose safe for rustdoc: bare URLs get angle brackets, and outside inline code
/// `[`, `]`, `<` and `>` are escaped so prose is never read as a link or an HTML tag.
pub(crate) fn doc_text(text: &str) -> String {
    let mut out = String::new();
    for (i, segment) in text.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        if i % 2 == 1 {
            out.push_str(segment);
            continue;
        }
        let mut words = Vec::new();
        for word in segment.split(' ') {
            if word.starts_with("http://") || word.starts_with("https://") {
                let trimmed = word.trim_end_matches(['.', ',', ';', ':', ')']);
                words.push(format!("<{trimmed}>{}", &word[trimmed.len()..]));
            } else {
                words.push(word.replace('[', "\\[").replace(']', "\\]").replace('<', "&lt;").replace('>', "&gt;"));
            }
        }
        out.push_str(&words.join(" "));
    }
    out
}

/// Doc lines are wrapped to this width so generated files read well in review.
const DOC_WIDTH: usize = 96;

/// Wraps one markdown line at spaces; list items continue indented under their text.
pub(crate) fn wrap_line(line: &str, out: &mut Vec<String>) {
    if line.len() <= DOC_WIDTH || line.starts_with('#') {
        out.push(line.to_string());
        return;
    }
    let indent = if line.starts_with("- ") { "  " } else { "" };
    let mut current = String::new();
    for word in line.split(' ') {
        if !current.is_empty() && current.len() + 1 + word.len() > DOC_WIDTH {
            out.push(std::mem::take(&mut current));
            current.push_str(indent);
        } else if !current.is_empty() && current != indent {
            current.push(' ');
        }
        current.push_str(word);
    }
    out.push(current);
}

pub(crate) fn doc_lines(text: &str) -> Vec<String> {
    let mut wrapped = Vec::new();
    for line in text.trim_end().lines() {
        wrap_line(line, &mut wrapped);
    }
    wrapped.into_iter().map(|l| if l.is_empty() { String::new() } else { format!(" {l}") }).collect()
}

/// `#[doc]` attributes for a block of text, one per line, so prettyplease prints `///` lines.
pub(crate) fn doc(text: &str) -> TokenStream {
    let lines = doc_lines(text);
    quote! { #(#[doc = #lines])* }
}

/// Inner `#![doc]` attributes: the module's own docs, printed as `//!` lines.
pub(crate) fn inner_doc(text: &str) -> TokenStream {
    let lines = doc_lines(text);
    quote! { #(#![doc = #lines])* }
}

/// Joins paragraphs (skipping empty ones) into one doc block.
pub(crate) fn paragraphs(parts: &[String]) -> String {
    parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()).collect::<Vec<_>>().join("\n\n")
}

pub(crate) fn first_sentence(s: &str) -> String {
    match s.find(". ") {
        Some(i) => s[..=i].to_string(),
        None => s.lines().next().unwrap_or_default().to_string(),
    }
}

pub(crate) fn field_doc(description: Option<&str>, wire: &str, ty: &Type, deprecated: Option<&str>, extra: &[String]) -> TokenStream {
    field_doc_at(description, &format!("`{wire}`"), ty, deprecated, extra)
}

/// The doc of a request builder's setter for a field of the body: as [`field_doc`], with the
/// place in the wire-name line (``Wire name `agent` in the body, type `bool`.``).
pub(crate) fn body_field_doc(description: Option<&str>, wire: &str, ty: &Type, deprecated: Option<&str>) -> TokenStream {
    field_doc_at(description, &format!("`{wire}` in the body"), ty, deprecated, &[])
}

/// The description, then the wire name and type and the notes in `extra`, then the
/// deprecation; consecutive one-line parts share a paragraph ([`short_paragraphs`]).
fn field_doc_at(description: Option<&str>, wire: &str, ty: &Type, deprecated: Option<&str>, extra: &[String]) -> TokenStream {
    let texts = std::iter::once(description.map(doc_text).unwrap_or_default())
        .chain(std::iter::once(format!("Wire name {wire}, type `{}`.", ty.spec_name())))
        .chain(extra.iter().cloned());
    let mut parts = short_paragraphs(texts);
    if let Some(d) = deprecated {
        parts.push(if d.is_empty() { "Deprecated.".to_string() } else { format!("Deprecated: {}", doc_text(d)) });
    }
    doc(&paragraphs(&parts))
}

/// Paragraphs of `texts` in order, empty ones left out, where consecutive one-line texts share
/// a paragraph ("The balance. Wire name ..."); a text of several lines is a paragraph of its
/// own.
pub(crate) fn short_paragraphs(texts: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut parts: Vec<String> = Vec::new();
    let mut joinable = false;
    for text in texts {
        let text = text.trim().to_string();
        if text.is_empty() {
            continue;
        }
        let one_line = !text.contains('\n');
        match parts.last_mut() {
            Some(last) if joinable && one_line => {
                last.push(' ');
                last.push_str(&sentence(text));
            }
            _ => parts.push(if one_line { sentence(text) } else { text }),
        }
        joinable = one_line;
    }
    parts
}

/// The text as a sentence another can follow on the same line: a closing period when it ends
/// in a word or code.
fn sentence(text: String) -> String {
    if text.ends_with(|c: char| c.is_alphanumeric() || c == '`') {
        format!("{text}.")
    } else {
        text
    }
}

/// The docs of an operation's method; `session_doc` says what the API's authorization sends.
pub(crate) fn op_doc(op: &Operation, session_doc: &str) -> String {
    let mut parts = vec![doc_text(&op.summary)];
    if let Some(d) = &op.description {
        parts.push(doc_text(d));
    }
    // How it is sent, who may call it: one paragraph.
    let mut sent = match (op.response.format, op.response.media_type()) {
        (ResponseFormat::Json, Some(media)) if op.response.content_type.is_some() => {
            format!("Sends `{} {}` with `Accept: {media}`; the answer is decoded as JSON.", op.method.as_str(), op.path)
        }
        (ResponseFormat::Text, Some(media)) => {
            format!("Sends `{} {}` with `Accept: {media}`; the answer is the body as text.", op.method.as_str(), op.path)
        }
        (ResponseFormat::Binary, Some(media)) => match &op.response.base64_field {
            Some(field) => format!(
                "Sends `{} {}` with `Accept: application/json`; the answer is the bytes, whether the server sends them raw \
                 (`{media}`) or base64-encoded in the `{field}` field of a JSON object.",
                op.method.as_str(),
                op.path
            ),
            None => format!(
                "Sends `{} {}` with `Accept: {media}`; the answer is the body as raw bytes, never decoded.",
                op.method.as_str(),
                op.path
            ),
        },
        _ => format!("Sends `{} {}`.", op.method.as_str(), op.path),
    };
    let auth = match op.auth {
        AuthNeed::Session => session_doc,
        AuthNeed::AccessToken => "Authorization: the access token, no session.",
        AuthNeed::None => "Authorization: none.",
    };
    sent.push(' ');
    sent.push_str(auth);
    if op.agent_allowed {
        sent.push_str(" Agent sessions may call it.");
    }
    parts.push(sent);
    if let Some(p) = &op.pagination {
        parts.push(super::pagination::pagination_doc(p));
    }
    if let Some(r) = &op.rate_limit {
        let inflight = r.max_in_flight.map(|n| format!(" and {n} in flight at once")).unwrap_or_default();
        parts.push(format!("# Rate limit\n\nAt most {} calls in any {} seconds{inflight}.", r.calls, r.per_seconds));
    }
    if !op.notes.is_empty() {
        let notes: Vec<String> = op.notes.iter().map(|n| format!("- {}", doc_text(n))).collect();
        parts.push(format!("# Spec notes\n\n{}", notes.join("\n")));
    }
    paragraphs(&parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_parts_share_a_paragraph_and_longer_ones_stand_alone() {
        let texts = ["The balance", "Wire name `balance`, type `float64`.", "", "- a list\n- of two", "After it."];
        assert_eq!(
            short_paragraphs(texts.map(String::from)),
            ["The balance. Wire name `balance`, type `float64`.", "- a list\n- of two", "After it."]
        );
        assert_eq!(short_paragraphs([String::new(), "Wire value `X`.".into()]), ["Wire value `X`."]);
    }

    #[test]
    fn doc_text_escapes_prose_but_not_code() {
        assert_eq!(doc_text("see [DOC] a<b> `x<y>[z]`"), "see \\[DOC\\] a&lt;b&gt; `x<y>[z]`");
        assert_eq!(doc_text("host https://api.livevox.com."), "host <https://api.livevox.com>.");
    }
}

