//! Reading the code and message out of an XML error body (`<ErrorResponse code=".."
//! message=".."/>`, or child elements of those names), for APIs whose errors are XML. A
//! malformed document ends the scan with whatever was found before the mistake.

use std::borrow::Cow;

/// The code and message of the first `element` of an XML error body.
pub(super) fn parse_xml_error(body: &[u8], element: &str, code_name: &str, message_name: &str) -> (Option<String>, Option<String>) {
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
