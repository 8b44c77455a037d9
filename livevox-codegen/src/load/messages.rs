//! Deserialization of one document with every error reported: serde stops at the first error,
//! so after each one the node it is about is left out and the document is read again, until it
//! reads cleanly or the file's cap of errors is reached. Errors that only follow from an earlier
//! one (a required key that is "missing" because its value was left out) are not reported.
//! serde's wording is rephrased in the spec's terms here.

use serde::de::DeserializeOwned;

use super::de::{remove, De, Seg};
use super::scan::Node;
use super::Positions;
use crate::diagnostics::{did_you_mean, Location};

/// How many errors one file reports at most; past that, the rest are likely consequences.
pub(super) const MAX_ERRORS_PER_FILE: usize = 20;

/// One error found while deserializing: position, key path, message.
pub(super) type Found = (Location, String, String);

/// Deserializes `root`, pushing every error to `found` (one past `MAX_ERRORS_PER_FILE` at most).
/// Returns the value only when the document had no error. With `quiet_missing`, no "missing
/// required key" is reported (the file had a syntax error, whose line was left out).
pub(super) fn deserialize_all<T: DeserializeOwned>(
    mut root: Node,
    positions: &Positions,
    quiet_missing: bool,
    found: &mut Vec<Found>,
) -> Option<T> {
    let mut removed: Vec<String> = Vec::new();
    let mut clean = true;
    // Each pass leaves out one node; a document needs at most a few per mistake.
    for _ in 0..MAX_ERRORS_PER_FILE * 8 {
        let err = match T::deserialize(De(&root)) {
            Ok(value) => return clean.then_some(value),
            Err(err) => err,
        };
        clean = false;
        let path: Vec<String> = err.path.iter().map(Seg::to_string).collect();
        let full_path = path.join(".");
        let (target, report) = if let Some(rest) = err.message.strip_prefix("missing field ") {
            // Missing inside a node that was left out, or after a syntax error: a consequence.
            let key = backticked(rest).into_iter().next().unwrap_or_default();
            let missing_path = if full_path.is_empty() { key } else { format!("{full_path}.{key}") };
            let consequence = quiet_missing || removed.contains(&missing_path);
            (err.path.clone(), !consequence)
        } else {
            // After a syntax error, a value that is empty was most likely on the line left out.
            let blanked = quiet_missing && err.message.starts_with("invalid type: unit value");
            (err.path.clone(), !blanked)
        };
        if report {
            if found.len() > MAX_ERRORS_PER_FILE {
                // One past the cap, so that the file's report says there were more.
                return None;
            }
            let described = describe(&err.message, &path, err.loc, positions);
            // A misspelt key (`pathh`, did you mean `path`?) also makes `path` missing.
            if let Some(suggested) = described.2.split("did you mean `").nth(1).and_then(|s| s.split('`').next()) {
                removed.push(if described.1.is_empty() { suggested.to_string() } else { format!("{}.{suggested}", described.1) });
            }
            found.push(described);
        }
        removed.push(full_path);
        if target.is_empty() || !remove(&mut root, &target) {
            // The document itself is wrong, or the node cannot be left out: nothing more to
            // learn from another pass.
            return None;
        }
    }
    None
}

/// An error's position, key path and message in the spec's terms.
fn describe(raw: &str, segments: &[String], serde_location: Option<Location>, positions: &Positions) -> Found {
    let full_path = segments.join(".");
    if let Some(rest) = raw.strip_prefix("unknown field ") {
        // The path includes the unknown key itself; the diagnostic names the mapping that
        // holds it and points at the key.
        let words = backticked(rest);
        let wrong = words.first().cloned().unwrap_or_default();
        let expected: Vec<&str> = words.iter().skip(1).map(String::as_str).collect();
        let parent = if segments.last() == Some(&wrong) { segments[..segments.len() - 1].join(".") } else { full_path.clone() };
        let mut message = format!("unknown key `{wrong}`");
        match did_you_mean(&wrong, expected.iter().copied()) {
            Some(s) => message.push_str(&format!("; did you mean `{s}`?")),
            None if expected.is_empty() => message.push_str("; no keys are allowed here"),
            None => message.push_str(&format!(
                "; expected one of {}",
                expected.iter().map(|e| format!("`{e}`")).collect::<Vec<_>>().join(", ")
            )),
        }
        let location = positions.exact(&full_path).or(serde_location).unwrap_or_else(|| positions.get(&parent));
        return (location, parent, message);
    }
    let message = if let Some(rest) = raw.strip_prefix("missing field ") {
        format!("missing required key {}", rest.trim())
    } else if let Some(rest) = raw.strip_prefix("duplicate field ") {
        format!("duplicate key {}", rest.trim())
    } else if let Some(rest) = raw.strip_prefix("invalid type: ").or_else(|| raw.strip_prefix("invalid value: ")) {
        match rest.split_once(", expected ") {
            Some((found, expected)) => format!("expected {}, found {}", describe_expected(expected), describe_found(found)),
            None => rest.to_string(),
        }
    } else if let Some(rest) = raw.strip_prefix("invalid length ") {
        match rest.split_once(", expected ") {
            Some((n, expected)) => format!("expected {expected}, found {n} items"),
            None => raw.to_string(),
        }
    } else if raw.contains("untagged enum Deprecation") {
        "expected `true`, `false`, or a note saying what to use instead".to_string()
    } else if raw.contains("untagged enum WireValue") {
        "expected a string or an integer".to_string()
    } else {
        raw.to_string()
    };
    // Positions point at keys, like validate's errors; the node's own position is the
    // fallback for a path the scan does not know.
    let location = positions.exact(&full_path).or(serde_location).unwrap_or_else(|| positions.get(&full_path));
    (location, full_path, message)
}

/// The words between backticks, in order.
fn backticked(s: &str) -> Vec<String> {
    s.split('`').skip(1).step_by(2).map(str::to_string).collect()
}

/// serde's "expected" phrase in spec terms.
fn describe_expected(e: &str) -> String {
    let e = e.trim();
    match e {
        "u16" => "an integer from 0 to 65535".into(),
        "u32" => "an integer from 0 to 4294967295".into(),
        "u64" => "a non-negative integer".into(),
        "i64" => "an integer".into(),
        "a boolean" => "`true` or `false`".into(),
        "a map" => "a mapping (`key: value` pairs)".into(),
        "a sequence" => "a list".into(),
        "any valid JSON value" => "a value".into(),
        _ if e.starts_with("struct ") => "a mapping (`key: value` pairs)".into(),
        _ => e.to_string(),
    }
}

/// serde's description of the value it found, in spec terms.
fn describe_found(f: &str) -> String {
    let f = f.trim();
    match f {
        "unit value" => "nothing (an empty value or `null`)".into(),
        "sequence" => "a list".into(),
        "map" => "a mapping".into(),
        _ => {
            // `integer `3``, `boolean `true``, `floating point `1.5``: drop the backticks serde
            // adds, which read oddly next to ours.
            for (prefix, name) in [("integer ", "integer"), ("boolean ", "boolean"), ("floating point ", "number")] {
                if let Some(v) = f.strip_prefix(prefix) {
                    return format!("{name} {}", v.trim_matches('`'));
                }
            }
            f.to_string()
        }
    }
}

