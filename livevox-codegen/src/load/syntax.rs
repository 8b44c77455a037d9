//! YAML syntax errors in the spec's terms and at the line of the mistake. The parser stops where
//! it gives up, which is often a line after the mistake (a mis-indented key) or past the end of
//! the file (an unclosed `{`); this module looks at the text for the mistake itself, words it,
//! and says which lines to leave out so that the rest of the file can still be checked.

use crate::diagnostics::Location;

/// A syntax error, explained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Explained {
    pub location: Location,
    pub message: String,
    /// The 1-based line to leave out (with the lines indented under it) before reading on.
    pub blank_line: usize,
}

/// The lines of `text` as YAML counts them (a line ends at `\n`, `\r\n` or a lone `\r`), each
/// with its line break.
pub(super) fn yaml_lines(text: &str) -> Vec<(&str, &str)> {
    let mut lines = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        // A byte search: a char-set pattern costs a UTF-8 decode per character, which an
        // unoptimised build pays on every line of every spec file.
        let Some(i) = rest.bytes().position(|b| b == b'\n' || b == b'\r') else {
            lines.push((rest, ""));
            break;
        };
        let width = if rest[i..].starts_with("\r\n") { 2 } else { 1 };
        lines.push((&rest[..i], &rest[i..i + width]));
        rest = &rest[i + width..];
    }
    lines
}

/// Explains the parser's error `raw`, reported at `at`, in `text`.
pub(super) fn explain(text: &str, at: Location, raw: &str) -> Explained {
    let lines: Vec<&str> = yaml_lines(text).into_iter().map(|(l, _)| l).collect();
    if let Some((location, message)) = bracket_mistake(&lines, at) {
        return Explained { location, message, blank_line: location.line };
    }
    let indentation_error = ["did not find expected key", "mapping values are not allowed", "did not find expected '-'", "block sequence entries are not allowed"]
        .iter()
        .any(|m| raw.contains(m));
    if indentation_error {
        if let Some((location, message)) = indentation_mistake(&lines, at.line) {
            return Explained { location, message, blank_line: location.line };
        }
    }
    let location = clamp(&lines, at);
    let past_end = location != at;
    let mut message = reword(raw);
    if past_end {
        message.push_str(" (where the file ends)");
    }
    Explained { location, message, blank_line: location.line }
}

/// The parser's message, with what it means for a spec in front.
fn reword(raw: &str) -> String {
    let meaning = if raw.contains("mapping values are not allowed") {
        "a `: ` inside a plain value; quote the value, or put the key on a line of its own"
    } else if raw.contains("did not find expected key") {
        "this line does not fit the indentation of the mapping around it"
    } else if raw.contains("unknown anchor") {
        "the alias refers to no anchor defined earlier in this document (anchors do not reach across `---`)"
    } else if raw.contains("cannot start any token") {
        "a character that cannot start a value here (a tab, `@` or a backquote); quote the value"
    } else if raw.contains("recursion limit") {
        "mappings and lists nest deeper than the YAML reader allows"
    } else if raw.contains("tab") {
        "a tab in the indentation; indent with spaces"
    } else {
        "YAML syntax error"
    };
    format!("{meaning} (YAML: {raw})")
}

/// `at`, or the end of the file's last line when `at` is past it (the parser puts an empty value
/// at the end of the file, such as a trailing `- `, on the line after).
pub(super) fn within_file(lines: &[(&str, &str)], at: Location) -> Location {
    match lines.last() {
        Some((last, _)) if at.line > lines.len() => Location { line: lines.len(), col: last.chars().count() + 1 },
        None => Location { line: 1, col: 1 },
        _ => at,
    }
}

/// A position the file really has: a parser position past the last line becomes the end of the
/// last line that is not blank.
fn clamp(lines: &[&str], at: Location) -> Location {
    let in_file = at.line >= 1 && at.line <= lines.len() && !lines[at.line - 1].trim().is_empty();
    if in_file {
        let len = lines[at.line - 1].chars().count();
        return Location { line: at.line, col: at.col.clamp(1, len + 1) };
    }
    let before = at.line.min(lines.len());
    match (0..before).rev().find(|&i| !lines[i].trim().is_empty()) {
        Some(i) => Location { line: i + 1, col: lines[i].chars().count() + 1 },
        None => Location { line: 1, col: 1 },
    }
}

/// A `{` or `[` that is never closed, or closed by the wrong bracket, before `at` (or anywhere,
/// when `at` is past the end of the file).
fn bracket_mistake(lines: &[&str], at: Location) -> Option<(Location, String)> {
    let mut open: Vec<(char, Location)> = Vec::new();
    let mut block_scalar_indent: Option<usize> = None;
    for (i, line) in lines.iter().enumerate() {
        let indent = line.len() - line.trim_start_matches(' ').len();
        if let Some(b) = block_scalar_indent {
            if line.trim().is_empty() || indent > b {
                continue;
            }
            block_scalar_indent = None;
        }
        let mut quote: Option<char> = None;
        let mut prev = ' ';
        let mut chars = line.char_indices().peekable();
        while let Some((byte, c)) = chars.next() {
            let loc = Location { line: i + 1, col: line[..byte].chars().count() + 1 };
            if let Some(q) = quote {
                if c == q {
                    // `''` inside single quotes is an escaped quote.
                    if q == '\'' && chars.peek().map(|(_, n)| *n) == Some('\'') {
                        chars.next();
                    } else {
                        quote = None;
                    }
                } else if c == '\\' && q == '"' {
                    chars.next();
                }
                prev = c;
                continue;
            }
            let value_start = line[..byte].trim_end().is_empty() || matches!(line[..byte].trim_end().chars().last(), Some(':' | '-' | '?' | ',' | '[' | '{'));
            match c {
                '#' if prev == ' ' || byte == 0 => break,
                '"' | '\'' if value_start || !open.is_empty() => quote = Some(c),
                '{' | '[' if !open.is_empty() || value_start => open.push((c, loc)),
                '}' | ']' if !open.is_empty() => {
                    let (opener, at_open) = open.pop()?;
                    let expected = if opener == '{' { '}' } else { ']' };
                    if c != expected {
                        let message = format!(
                            "`{c}` here closes the `{opener}` opened at line {} column {}; expected `{expected}`",
                            at_open.line, at_open.col
                        );
                        return (loc <= at || at.line > lines.len()).then_some((loc, message));
                    }
                }
                '|' | '>' if open.is_empty() && value_start => {
                    block_scalar_indent = Some(indent);
                    break;
                }
                _ => {}
            }
            prev = c;
        }
        if i + 1 >= at.line {
            break;
        }
    }
    let (opener, loc) = *open.first()?;
    let closer = if opener == '{' { '}' } else { ']' };
    let message = format!("this `{opener}` is never closed; expected a `{closer}` to end it");
    (loc <= at).then_some((loc, message))
}

/// A key line: `  key: value` or `  - key: value`.
struct KeyLine<'a> {
    line: usize,
    indent: usize,
    key: &'a str,
    /// Whether the key has a plain value on its own line (so nothing can be nested under it).
    has_value: bool,
    /// The value starts a block scalar (`|`, `>`) or a flow collection left open on its line:
    /// the lines indented under it are its content.
    opens_content: bool,
}

fn key_line(line: usize, text: &str) -> Option<KeyLine<'_>> {
    let mut indent = text.len() - text.trim_start_matches(' ').len();
    let mut rest = &text[indent..];
    while let Some(after) = rest.strip_prefix("- ") {
        let spaces = after.len() - after.trim_start_matches(' ').len();
        indent += 2 + spaces;
        rest = &after[spaces..];
    }
    let colon = rest.find(':')?;
    let key = &rest[..colon];
    let is_key = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || "_-$./<>".contains(c));
    let after = &rest[colon + 1..];
    if !is_key || !(after.is_empty() || after.starts_with(' ')) {
        return None;
    }
    let value = after.split(" #").next().unwrap_or("").trim();
    let opens_flow = (value.starts_with('{') || value.starts_with('[')) && {
        let opened = value.matches(['{', '[']).count();
        let closed = value.matches(['}', ']']).count();
        opened > closed
    };
    let opens_content = value.starts_with('|') || value.starts_with('>') || opens_flow;
    let has_value = !value.is_empty() && !value.starts_with('#') && !value.starts_with('&') && !opens_content;
    Some(KeyLine { line, indent, key, has_value, opens_content })
}

/// A key whose indentation contradicts the lines before it, at most three lines before the
/// parser's error line `at_line` (the parser notices such a key on its line or a little after).
fn indentation_mistake(lines: &[&str], at_line: usize) -> Option<(Location, String)> {
    // The open levels: indentation and the last key seen at that indentation.
    let mut levels: Vec<KeyLine<'_>> = Vec::new();
    let mut content_under: Option<usize> = None;
    let mut found = None;
    for (i, text) in lines.iter().enumerate().take(at_line.min(lines.len())) {
        let indent = text.len() - text.trim_start_matches(' ').len();
        let trimmed = text.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if let Some(c) = content_under {
            if indent > c {
                continue;
            }
            content_under = None;
        }
        let Some(kl) = key_line(i + 1, text) else { continue };
        let location = Location { line: kl.line, col: kl.indent + 1 };
        let Some(last) = levels.last() else {
            levels.push(kl);
            continue;
        };
        if kl.indent > last.indent {
            if last.has_value {
                let message = format!(
                    "`{}:` is indented under `{}`, which already has a value on its line; expected it at the level of `{}` (column {})",
                    kl.key,
                    last.key,
                    last.key,
                    last.indent + 1
                );
                found = Some((location, message));
                continue;
            }
        } else {
            let mut popped = None;
            while levels.last().is_some_and(|l| l.indent > kl.indent) {
                popped = levels.pop();
            }
            match levels.last() {
                Some(l) if l.indent == kl.indent => {
                    levels.pop();
                }
                other => {
                    let mut message = format!("`{}:` is indented {} spaces, which matches no level of the mapping around it; expected", kl.key, kl.indent);
                    if let Some(p) = &popped {
                        message.push_str(&format!(" {} (the level of `{}`)", p.indent, p.key));
                    }
                    if let Some(o) = other {
                        message.push_str(&format!("{} {} (the level of `{}`)", if popped.is_some() { " or" } else { "" }, o.indent, o.key));
                    }
                    if let Some(p) = popped {
                        levels.push(p);
                    }
                    found = Some((location, message));
                    continue;
                }
            }
        }
        if kl.opens_content {
            content_under = Some(kl.indent);
        }
        levels.push(kl);
    }
    found.filter(|(location, _)| location.line + 3 >= at_line)
}

/// `text` with line `line` (1-based) and the lines indented under it emptied, so that the parser
/// can read past a mistake; line numbers stay as they were.
pub(super) fn blank(text: &str, line: usize) -> String {
    let mut out = String::with_capacity(text.len());
    let mut under: Option<usize> = None;
    for (i, (l, newline)) in yaml_lines(text).into_iter().enumerate() {
        let indent = l.len() - l.trim_start_matches(' ').len();
        let inside = match under {
            Some(base) => l.trim().is_empty() || indent > base,
            None => false,
        };
        if i + 1 == line {
            under = Some(indent);
            out.push_str(newline);
        } else if inside && i + 1 > line {
            out.push_str(newline);
        } else {
            under = None;
            out.push_str(l);
            out.push_str(newline);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: usize, col: usize) -> Location {
        Location { line, col }
    }

    #[test]
    fn a_key_indented_under_a_value_is_found_on_its_own_line() {
        let text = "category: a\noperations:\n  x:\n    method: GET\n    path: /x\n      response: {}\n";
        let e = explain(text, at(6, 15), "mapping values are not allowed in this context");
        assert_eq!(e.location, at(6, 7));
        assert_eq!(e.message, "`response:` is indented under `path`, which already has a value on its line; expected it at the level of `path` (column 5)");
    }

    #[test]
    fn a_key_between_two_levels_is_found() {
        let text = "category: a\noperations:\n  x:\n    method: GET\n   path: /x\n";
        let e = explain(text, at(6, 1), "did not find expected key");
        assert_eq!(e.location, at(5, 4));
        assert!(e.message.contains("`path:` is indented 3 spaces"), "{}", e.message);
    }

    #[test]
    fn an_unclosed_bracket_is_reported_where_it_opens() {
        let text = "category: a\nmodels:\n  M:\n    fields:\n      a: { type: string\n      b: { type: int64 }\n";
        let e = explain(text, at(7, 1), "while parsing a flow mapping, did not find expected ',' or '}'");
        assert_eq!(e.location, at(5, 10));
        assert_eq!(e.message, "this `{` is never closed; expected a `}` to end it");
        let e = explain("category: a\nx: [1, 2}\n", at(2, 9), "did not find expected ',' or ']'");
        assert_eq!(e.location, at(2, 9));
        assert!(e.message.starts_with("`}` here closes the `[` opened at line 2 column 4"), "{}", e.message);
    }

    #[test]
    fn positions_past_the_end_are_clamped_to_the_last_line() {
        let e = explain("category: a\nx: 'open\n\n", at(4, 1), "while scanning a quoted scalar, found unexpected end of stream");
        assert_eq!(e.location, at(2, 9));
        assert!(e.message.ends_with("(where the file ends)"), "{}", e.message);
    }

    #[test]
    fn blanking_keeps_line_numbers_and_drops_the_block_under_the_line() {
        assert_eq!(blank("a: 1\n  b: 2\n    c: 3\n  d: 4\ne: 5\n", 2), "a: 1\n\n\n  d: 4\ne: 5\n");
    }
}
