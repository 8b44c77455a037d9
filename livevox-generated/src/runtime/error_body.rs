//! Reading an error response's body: the API's error code and message, from a JSON object, a
//! JSON list of such objects, or XML, as the API's [`ErrorFormat`] names the fields.
//!
//! Bodies are untrusted; nothing here panics, and the number of entries kept is bounded
//! ([`MAX_ERROR_ENTRIES`]). Bounding the text of each entry and scrubbing secrets is the
//! caller's job (`error::from_response`), as for every other part of an error.

use std::borrow::Cow;

use super::ErrorFormat;

/// At most this many entries of an error body that is a list are kept.
pub const MAX_ERROR_ENTRIES: usize = 32;

/// One `{code, message}` entry of an error body. A body that is a single object has one
/// entry; a JSON list of them (the shape of the error example on LiveVox's general-features
/// page) has one per element that holds a code or a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorEntry {
    pub(crate) code: Option<String>,
    pub(crate) message: Option<String>,
}

impl ErrorEntry {
    /// The entry's error code as sent (a number or a string).
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// The entry's error code as a number.
    pub fn code_number(&self) -> Option<i64> {
        self.code.as_deref().and_then(|c| c.trim().parse().ok())
    }

    /// The entry's message.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }
}

/// Finds the error entries: JSON `{"code": .., "message": ..}` (either field may be a number or
/// a string), a JSON list of such objects (at most [`MAX_ERROR_ENTRIES`], elements without
/// either field skipped), or XML `<ErrorResponse code=".." message=".."/>` (attributes, or
/// child elements of those names). Empty when the body holds none.
pub(crate) fn parse_error_body(format: &ErrorFormat, body: &[u8]) -> Vec<ErrorEntry> {
    let trimmed = trim_ascii(body);
    if trimmed.is_empty() {
        return Vec::new();
    }
    if let Some((code_field, message_field)) = format.json {
        let entry = |v: &serde_json::Value| {
            let map = v.as_object()?;
            // An empty code field name: the API's errors carry no code.
            let code = map.get(code_field).filter(|_| !code_field.is_empty()).and_then(json_scalar);
            let message = map.get(message_field).and_then(json_scalar);
            (code.is_some() || message.is_some()).then_some(ErrorEntry { code, message })
        };
        match serde_json::from_slice::<serde_json::Value>(trimmed) {
            Ok(serde_json::Value::Array(items)) => return items.iter().filter_map(entry).take(MAX_ERROR_ENTRIES).collect(),
            Ok(object @ serde_json::Value::Object(_)) => return entry(&object).into_iter().collect(),
            _ => {}
        }
    }
    if let Some((element, code_attr, message_attr)) = format.xml {
        if trimmed.first() == Some(&b'<') {
            let (code, message) = parse_xml_error(trimmed, element, code_attr, message_attr);
            if code.is_some() || message.is_some() {
                return vec![ErrorEntry { code, message }];
            }
        }
    }
    Vec::new()
}

fn json_scalar(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn parse_xml_error(body: &[u8], element: &str, code_name: &str, message_name: &str) -> (Option<String>, Option<String>) {
    use quick_xml::events::Event;

    #[derive(Clone, Copy, PartialEq)]
    enum Field {
        Code,
        Message,
    }

    let mut reader = quick_xml::Reader::from_reader(body);
    let mut buf = Vec::new();
    let mut code = None;
    let mut message = None;
    // Depth inside the error element (0 = not inside), and the child whose text we are reading.
    let mut depth = 0usize;
    let mut reading: Option<Field> = None;
    let field_of = |name: &[u8]| {
        if name == code_name.as_bytes() {
            Some(Field::Code)
        } else if name == message_name.as_bytes() {
            Some(Field::Message)
        } else {
            None
        }
    };
    loop {
        buf.clear();
        // Any XML error ends the scan with whatever was found so far.
        let Ok(event) = reader.read_event_into(&mut buf) else { break };
        match event {
            Event::Start(ref e) | Event::Empty(ref e) if depth == 0 && e.local_name().as_ref() == element.as_bytes() => {
                for attr in e.attributes().flatten() {
                    let value = attr.unescape_value().map(Cow::into_owned).ok();
                    match field_of(attr.key.local_name().as_ref()) {
                        Some(Field::Code) => code = code.or(value),
                        Some(Field::Message) => message = message.or(value),
                        None => {}
                    }
                }
                if matches!(event, Event::Start(_)) {
                    depth = 1;
                } else {
                    break;
                }
            }
            Event::Start(e) if depth > 0 => {
                reading = if depth == 1 { field_of(e.local_name().as_ref()) } else { None };
                depth += 1;
            }
            Event::Text(t) if reading.is_some() => {
                if let Ok(text) = t.unescape() {
                    let text = text.trim().to_owned();
                    match reading {
                        Some(Field::Code) if code.is_none() => code = Some(text),
                        Some(Field::Message) if message.is_none() => message = Some(text),
                        _ => {}
                    }
                }
            }
            Event::End(_) if depth > 0 => {
                reading = None;
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    (code.filter(|c| !c.is_empty()), message.filter(|m| !m.is_empty()))
}

fn trim_ascii(b: &[u8]) -> &[u8] {
    let start = b.iter().position(|c| !c.is_ascii_whitespace()).unwrap_or(b.len());
    let end = b.iter().rposition(|c| !c.is_ascii_whitespace()).map_or(start, |e| e + 1);
    &b[start..end.max(start)]
}

#[cfg(test)]
mod tests {
    use super::*;

    const LV: ErrorFormat = ErrorFormat { json: Some(("code", "message")), xml: Some(("ErrorResponse", "code", "message")) };

    /// The first entry's code and message.
    fn parse(body: &str) -> (Option<String>, Option<String>) {
        first(&parse_error_body(&LV, body.as_bytes()))
    }

    fn first(entries: &[ErrorEntry]) -> (Option<String>, Option<String>) {
        entries.first().map_or((None, None), |e| (e.code.clone(), e.message.clone()))
    }

    #[test]
    fn json_code_may_be_number_or_string() {
        assert_eq!(parse(r#"{"code": 202, "message": "Contact already exists!"}"#), (Some("202".into()), Some("Contact already exists!".into())));
        assert_eq!(parse(r#"{"code": "E12", "message": "x"}"#), (Some("E12".into()), Some("x".into())));
        assert_eq!(parse(r#"{"message": "only"}"#), (None, Some("only".into())));
        assert_eq!(parse(r#"{"other": 1}"#), (None, None));
        assert_eq!(parse(r#"[1,2]"#), (None, None));
        assert_eq!(parse(r#"[]"#), (None, None));
    }

    #[test]
    fn xml_attributes_and_children() {
        assert_eq!(
            parse(r#"<?xml version="1.0"?><ErrorResponse code="401" message="Session &amp; stuff"/>"#),
            (Some("401".into()), Some("Session & stuff".into()))
        );
        assert_eq!(
            parse("<ns:ErrorResponse xmlns:ns=\"u\"><code>7</code><message> bad </message></ns:ErrorResponse>"),
            (Some("7".into()), Some("bad".into()))
        );
        assert_eq!(parse("<Other code=\"1\"/>"), (None, None));
        assert_eq!(parse("<ErrorResponse code=\"1"), (None, None));
    }

    #[test]
    fn garbage_and_empty_yield_nothing() {
        // Unquoted keys, as some LiveVox pages print an error body: not JSON.
        assert_eq!(parse("{code: 400, message: Invalid request}"), (None, None));
        assert_eq!(parse(""), (None, None));
        assert_eq!(parse("   \n"), (None, None));
        assert_eq!(parse_error_body(&LV, &[0xff, 0xfe, b'<', 0x00]), []);
    }

    #[test]
    fn a_json_list_keeps_every_entry_in_order() {
        let entries = parse_error_body(&LV, br#"[{"code": 400, "message": "a"}, {"other": 1}, "x", {"code": "E2"}]"#);
        assert_eq!(entries.len(), 2);
        assert_eq!((entries[0].code_number(), entries[0].message()), (Some(400), Some("a")));
        assert_eq!((entries[1].code(), entries[1].code_number(), entries[1].message()), (Some("E2"), None, None));
        let many = format!("[{}]", vec![r#"{"code":1}"#; 100].join(","));
        assert_eq!(parse_error_body(&LV, many.as_bytes()).len(), MAX_ERROR_ENTRIES);
        assert_eq!(parse_error_body(&LV, br#"{"code": 1}"#).len(), 1);
    }
}
