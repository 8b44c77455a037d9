//! Errors about the spec, each pointing at `file:line:col` and the dotted key path, and the
//! collection that carries all of them out of a stage (stages report every error, not the first).

use std::fmt;

/// A 1-based line and column, "to match text editors".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Location {
    pub line: usize,
    pub col: usize,
}

/// One error in the spec.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// The file as the user should see it, e.g. `spec/compliance.yaml`.
    pub file: String,
    pub location: Location,
    /// Dotted key path inside the document, e.g. `operations.list_dnc.query.count.type`;
    /// empty for an error about the whole document.
    pub path: String,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.file, self.location.line, self.location.col)?;
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)
    }
}

/// Every error a stage found, sorted by file and position so the output is stable.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    /// Sorts and removes exact duplicates; call before showing.
    pub fn finish(mut self) -> Self {
        self.0.sort();
        self.0.dedup();
        self
    }

    /// `Ok(value)` when no error was collected, else the sorted errors.
    pub fn into_result<T>(self, value: T) -> Result<T, Diagnostics> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(self.finish())
        }
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        let n = self.0.len();
        write!(f, "{n} error{} in the spec", if n == 1 { "" } else { "s" })
    }
}

impl std::error::Error for Diagnostics {}

/// The closest of `candidates` to `wrong`, when it is close enough to be worth suggesting.
pub fn did_you_mean<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wrong_lower = wrong.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&wrong_lower, &c.to_ascii_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// `message` plus `; did you mean `x`?` when a close candidate exists.
pub fn with_suggestion<'a>(message: String, wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    match did_you_mean(wrong, candidates) {
        Some(s) => format!("{message}; did you mean `{s}`?"),
        None => message,
    }
}
