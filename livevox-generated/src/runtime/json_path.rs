//! Where in a JSON body a decoding error happened, as a path (`items[2].phone`, `.` for the
//! whole body): the innermost value that ends where `serde_json` stopped reading.
//!
//! The path is found by walking the text again, which is not generic. The alternative, a
//! path-tracking deserializer (`serde_path_to_error`), compiles every response type's
//! `Deserialize` a second time in each crate that awaits an operation, for the rare failed
//! decode. A failed body is walked once, without building values, and nesting deeper than
//! `serde_json` reads (128) stops the walk at the depth it reached.
//!
//! The paths are `serde_path_to_error`'s for every wrong type, missing field, unknown value and
//! cut-off body (the tests below check every one-byte change of a body against it); for broken
//! syntax they may name a value where it names its container, or the other way round.

use std::fmt::Write as _;

/// Nesting deeper than this is not followed (`serde_json` refuses 128 levels).
const MAX_DEPTH: usize = 256;

/// One step of a path: an object's member or an array's element.
#[derive(Debug, PartialEq, Eq)]
enum Seg {
    Key(String),
    Index(usize),
}

/// The path of the value `err` (from decoding `json`) is about, as `serde_path_to_error`
/// prints one: members after a `.`, elements as `[i]`, `.` for the whole body.
pub(crate) fn path_of(json: &[u8], err: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let reach = match err.classify() {
        Category::Data => Reach::Ending,
        Category::Syntax => Reach::Syntax,
        Category::Eof | Category::Io => Reach::Inside,
    };
    display(&walk(json, offset(json, err.line(), err.column()), reach))
}

/// The byte offset `serde_json` reports as `line` (from 1) and `column` (bytes read on that
/// line): how much of the text it had read. An error without a position is at the end.
fn offset(json: &[u8], line: usize, column: usize) -> usize {
    if line == 0 {
        return json.len();
    }
    let start = if line == 1 {
        0
    } else {
        match json.iter().enumerate().filter(|(_, &b)| b == b'\n').nth(line - 2) {
            Some((at, _)) => at + 1,
            None => return json.len(),
        }
    };
    start.saturating_add(column).min(json.len())
}

fn display(path: &[Seg]) -> String {
    if path.is_empty() {
        return ".".to_owned();
    }
    let mut out = String::new();
    for (i, seg) in path.iter().enumerate() {
        // Writing to a String cannot fail.
        let _ = match seg {
            Seg::Index(n) => write!(out, "[{n}]"),
            Seg::Key(k) if i == 0 => write!(out, "{k}"),
            Seg::Key(k) => write!(out, ".{k}"),
        };
    }
    out
}

/// An object or array being read: where it starts, and how many elements it has had.
struct Open {
    array: bool,
    start: usize,
    count: usize,
}

/// Which offsets a value holds, from its first byte `start` to `end` (just past it): where
/// serde_json stops, against the value it was reading, by the kind of error.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// `start < at < end`. A cut-off body stops right after whatever was read last, which is
    /// not what went wrong.
    Inside,
    /// `start <= at <= end`. A type's complaint comes at the value's first byte (an array
    /// where a number belongs) or right after it.
    Ending,
    /// `start <= at <= end + 1`. Broken syntax is found one byte past what was read (`tru}` at
    /// the `}`). This can name a value where serde_path_to_error names its container (`7"`,
    /// a good `7` and a bad member after it, is placed at the `7`): an error in the text, not
    /// in a value, has no better place.
    Syntax,
}

/// The path of the innermost value of `json` that holds the offset `at` (as `reach` says).
/// Where the text is malformed before that, the path of where the walk stopped.
fn walk(json: &[u8], at: usize, reach: Reach) -> Vec<Seg> {
    let holds = |start: usize, end: usize| match reach {
        Reach::Inside => start < at && at < end,
        Reach::Ending => start <= at && at <= end,
        Reach::Syntax => start <= at && at <= end + 1,
    };
    let mut open: Vec<Open> = Vec::new();
    // One step per open container: the member or element being read.
    let mut path: Vec<Seg> = Vec::new();
    let mut i = 0;
    'value: loop {
        i = skip_ws(json, i);
        let start = i;
        match json.get(i) {
            None => {
                // Cut off where an element may start: the array was being read (a member's
                // value after its `:` is the member's).
                if open.last().is_some_and(|o| o.array) {
                    path.pop();
                }
                return path;
            }
            Some(&c @ (b'{' | b'[')) => {
                // Stopped at its first byte: the container itself (an array where a number
                // belongs), whatever follows; so is one too deep to follow.
                if open.len() >= MAX_DEPTH || (at == start && reach != Reach::Inside) {
                    return path;
                }
                let array = c == b'[';
                i = skip_ws(json, i + 1);
                if json.get(i) == Some(&close_of(array)) {
                    i += 1;
                } else {
                    open.push(Open { array, start, count: 0 });
                    match member(json, i, array, 0) {
                        Some((next, seg)) => {
                            path.push(seg);
                            i = next;
                            continue 'value;
                        }
                        None => return path,
                    }
                }
            }
            Some(b'"') => match string_end(json, i) {
                Some(end) => i = end,
                None => return path,
            },
            Some(_) => {
                i = token_end(json, i);
                if i == start {
                    // A trailing comma (`[1,]`) is the array's fault; anything else (`[1,,2]`,
                    // `{"a":]}`) the element's or member's.
                    if json[i] == b']' && open.last().is_some_and(|o| o.array) {
                        path.pop();
                    }
                    return path;
                }
            }
        }
        // The value [start, i) is read.
        if holds(start, i) {
            return path;
        }
        // Leave the values that end here and go on to the next member or element.
        loop {
            let Some(top) = open.last_mut() else {
                return Vec::new();
            };
            path.pop();
            i = skip_ws(json, i);
            match json.get(i) {
                Some(b',') => {
                    top.count += 1;
                    match member(json, i + 1, top.array, top.count) {
                        Some((next, seg)) => {
                            path.push(seg);
                            i = next;
                            continue 'value;
                        }
                        None => return path,
                    }
                }
                Some(&c) if c == close_of(top.array) => {
                    i += 1;
                    let start = top.start;
                    open.pop();
                    if holds(start, i) {
                        return path;
                    }
                }
                _ => return path,
            }
        }
    }
}

fn close_of(array: bool) -> u8 {
    if array {
        b']'
    } else {
        b'}'
    }
}

/// Enters element `index` of an array, or reads the key of an object's next member (and its
/// `:`); where its value starts, and its step. `None` when the text is malformed there.
fn member(json: &[u8], i: usize, array: bool, index: usize) -> Option<(usize, Seg)> {
    if array {
        return Some((i, Seg::Index(index)));
    }
    let start = skip_ws(json, i);
    if json.get(start) != Some(&b'"') {
        return None;
    }
    let end = string_end(json, start)?;
    let key = serde_json::from_slice::<String>(&json[start..end]).ok()?;
    let colon = skip_ws(json, end);
    (json.get(colon) == Some(&b':')).then_some((colon + 1, Seg::Key(key)))
}

fn skip_ws(json: &[u8], mut i: usize) -> usize {
    while json.get(i).is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// Past the closing quote of the string that opens at `i`; `None` if it never closes.
fn string_end(json: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    loop {
        match json.get(j)? {
            b'"' => return Some(j + 1),
            b'\\' => j += 2,
            _ => j += 1,
        }
    }
}

/// Past a number or `true`/`false`/`null` (or whatever else stands there up to a delimiter).
fn token_end(json: &[u8], mut i: usize) -> usize {
    while json.get(i).is_some_and(|b| !matches!(b, b',' | b'}' | b']' | b':' | b'"' | b'{' | b'[' | b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(json: &str, offset: usize) -> String {
        display(&walk(json.as_bytes(), offset, Reach::Ending))
    }

    #[test]
    fn the_innermost_value_that_ends_at_the_offset_is_named() {
        let json = r#"{"a": {"b": [1, "x", {"c": true}]}, "d": null}"#;
        assert_eq!(at(json, json.find("\"x\"").unwrap() + 3), "a.b[1]");
        assert_eq!(at(json, json.find("true").unwrap() + 4), "a.b[2].c");
        assert_eq!(at(json, json.find("{\"c\"").unwrap() + 11), "a.b[2]", "the closing brace of an object");
        assert_eq!(at(json, json.find("null").unwrap() + 2), "d", "inside a token");
        assert_eq!(at(json, json.len()), ".");
        assert_eq!(at(json, json.len() + 5), ".", "past the end");
        assert_eq!(at("[]", 2), ".");
        assert_eq!(at(r#"{"a": {}}"#, 8), "a", "an empty object");
        assert_eq!(at(r#"{"a\"b": 1}"#, 10), "a\"b", "an escaped key");
    }

    #[test]
    fn malformed_or_deep_text_stops_where_the_walk_does() {
        assert_eq!(at(r#"{"a": [1, 2"#, 11), "a[1]");
        assert_eq!(at(r#"{"a": [1, 2"#, 12), "a", "cut off: the array was being read");
        assert_eq!(at(r#"{"a" 1}"#, 6), ".", "no colon");
        assert_eq!(at(r#"{"a": "open"#, 11), "a", "a string that never closes");
        let deep = "[".repeat(100_000);
        assert_eq!(walk(deep.as_bytes(), deep.len(), Reach::Inside).len(), MAX_DEPTH, "nesting is not followed without end");
        assert_eq!(offset(b"ab\ncd\nef", 3, 1), 7);
        assert_eq!(offset(b"ab\ncd", 9, 1), 5, "a line past the end");
        assert_eq!(offset(b"ab", 0, 0), 2, "no position");
    }
}

/// The paths agree with `serde_path_to_error`'s, the reference they replace, on real decoding
/// failures: wrong types at every depth, missing fields, unknown enum values, bad elements,
/// nulls, broken syntax, trailing text and cut-off bodies.
#[cfg(test)]
mod against_serde_path_to_error {
    use serde::Deserialize;

    #[allow(dead_code)]
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Account {
        id: i64,
        name: Option<String>,
        notes: Option<Vec<Note>>,
        primary: Option<Contact>,
        tags: Option<std::collections::BTreeMap<String, Vec<u8>>>,
        kind: Option<Kind>,
    }

    #[allow(dead_code)]
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Note {
        text: String,
        created_by: Option<Contact>,
    }

    #[allow(dead_code)]
    #[derive(Deserialize)]
    struct Contact {
        phone: String,
        ext: Option<u16>,
    }

    #[derive(Deserialize)]
    enum Kind {
        #[serde(rename = "A")]
        A,
    }

    fn reference(json: &str) -> String {
        let mut de = serde_json::Deserializer::from_str(json);
        match serde_path_to_error::deserialize::<_, Account>(&mut de) {
            Ok(_) => match de.end() {
                Ok(()) => panic!("{json} decodes"),
                Err(_) => ".".to_owned(),
            },
            // Text that breaks off between an object's members is placed at a member it
            // cannot name (`primary.?`); the walk names the object (`primary`).
            Err(e) => match e.path().to_string().strip_suffix('?') {
                Some("") => ".".to_owned(),
                Some(object) => object.trim_end_matches('.').to_owned(),
                None => e.path().to_string(),
            },
        }
    }

    fn ours(json: &str) -> String {
        match serde_json::from_str::<Account>(json) {
            Ok(_) => panic!("{json} decodes"),
            Err(e) => super::path_of(json.as_bytes(), &e),
        }
    }

    #[test]
    fn every_kind_of_failure_is_placed_as_serde_path_to_error_places_it() {
        let cases = [
            r#"{"id": "7"}"#,
            r#"{"id": 7, "name": 5}"#,
            r#"{"name": "x"}"#,
            r#"{"id": 7, "notes": [{"text": "a"}, {"text": 3}]}"#,
            r#"{"id": 7, "notes": [{"text": "a"}, {}]}"#,
            r#"{"id": 7, "notes": [{"text": "a", "createdBy": {"phone": "1", "ext": 70000}}]}"#,
            r#"{"id": 7, "notes": [{"text": "a", "createdBy": {"ext": 1}}]}"#,
            r#"{"id": 7, "primary": {"phone": null}}"#,
            r#"{"id": 7, "primary": []}"#,
            r#"{"id": 7, "tags": {"x": [1, 2, 300]}}"#,
            r#"{"id": 7, "tags": {"we\"ird": [-1]}}"#,
            r#"{"id": 7, "kind": "B"}"#,
            r#"{"id": 7, "kind": 1}"#,
            r#"{"id": 7 "name": "x"}"#,
            r#"{"id": 7, "primary": {"phone": "1" "ext": 1}}"#,
            r#"{"id": 7, "notes": [{"text": "a"} {"text": "b"}]}"#,
            r#"{"id": 7, "notes": [{"text": "a"}, {"text": tru}]}"#,
            r#"{"id": 7, "name": "x",}"#,
            r#"{"id": 7, "notes": [{"text": "a"},]}"#,
            r#"{"id": 7, "tags": {"x": [1, 2,, 3]}}"#,
            r#"{"id": 07}"#,
            r#"{"id": 7, "primary": {"phone": "1", "ext": 1e400}}"#,
            r#"{"id": 7, "name": "bad \x escape"}"#,
            r#"{"id": 7}}"#,
            "\n\n  {\"id\":\n \"x\"}",
            "{\"id\": 7,\r\n \"notes\": [{\"text\": \"a\"},\n\t{\"text\": [\"b\"]}]}",
            r#"{"id": 7, "primary": {"phone": "1"}, "primary": {"phone": "2"}}"#,
            r#"{"id": 7, "name": nul}"#,
            r#"{"id": 7, "name": "x" , "kind" : "C" }"#,
            r#"{"id": 7, "primary": {"phone": "1", "ext": -1}}"#,
            r#"{"id": 7, "primary": {"phone": "1", "ext": 1.5}}"#,
            r#"{"id": 7, "notes": "#,
            r#"{"id": 7, "name": "x"#,
            "",
            "{\n  \"id\": 7,\n  \"notes\": [\n    {\"text\": false}\n  ]\n}",
            r#"{"unknown": {"deep": [1, {"x": 2}]}, "id": true}"#,
            r#"{"id": 7} trailing"#,
            r#"{"id": 7, "notes": [{"text": "a"}"#,
            r#"[1, 2]"#,
            r#"null"#,
            r#"{"id": 7, "name": "a\u00e9\"b", "primary": {"phone": 5}}"#,
        ];
        for json in cases {
            assert_eq!(ours(json), reference(json), "{json}");
        }
    }

    /// Every one-byte change and every cut of a valid body that makes it fail to decode.
    #[test]
    fn every_one_byte_change_of_a_body_is_placed_as_serde_path_to_error_places_it() {
        let valid = r#"{"id": 7, "name": "n", "notes": [{"text": "a", "createdBy": {"phone": "1", "ext": 2}}, {"text": "b"}], "primary": {"phone": "3"}, "tags": {"t": [1, 2]}, "kind": "A"}"#;
        assert!(serde_json::from_str::<Account>(valid).is_ok());
        let mut checked = 0;
        let mut check = |json: &str| {
            let Err(e) = serde_json::from_str::<Account>(json) else { return };
            let (ours, reference) = (ours(json), reference(json));
            if e.classify() == serde_json::error::Category::Syntax {
                // Broken text may be placed at a value or at its container (see `Reach::Syntax`).
                let within = |outer: &str, inner: &str| outer == "." || inner == outer || inner.starts_with(&format!("{outer}.")) || inner.starts_with(&format!("{outer}["));
                assert!(within(&ours, &reference) || within(&reference, &ours), "{json}: {ours} against {reference}");
            } else {
                assert_eq!(ours, reference, "{json}");
            }
            checked += 1;
        };
        for at in 0..valid.len() {
            check(&valid[..at]);
            for by in ["", "\"", "1", "-", "x", "]", "}", "[", "{", ",", ":", " ", "null"] {
                check(&format!("{}{by}{}", &valid[..at], &valid[at + 1..]));
            }
        }
        assert!(checked > 1_500, "only {checked} changes failed to decode");
    }
}
