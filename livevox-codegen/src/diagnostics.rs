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

/// A diagnostic and the other places where the same message occurs.
type Repeated = (Diagnostic, Vec<Location>);

/// At most this many diagnostics of one file are shown by validation (the load stage has its
/// own cap); repeats of one message count once.
pub const MAX_PER_FILE: usize = 20;

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

    /// Sorts, then folds what one mistake causes many times: diagnostics of one file with the
    /// same message (an unknown type used in forty fields) become the first of them, which
    /// lists where else it occurs; and each file shows at most [`MAX_PER_FILE`] diagnostics,
    /// with a note first when there were more (the first ones are usually the causes).
    pub fn condense(self) -> Self {
        let mut by_file: Vec<(String, Vec<Repeated>)> = Vec::new();
        for d in self.finish().0 {
            if by_file.last().is_none_or(|(file, _)| *file != d.file) {
                by_file.push((d.file.clone(), Vec::new()));
            }
            let Some((_, group)) = by_file.last_mut() else { continue };
            match group.iter_mut().find(|(first, _)| first.message == d.message) {
                Some((_, also)) => also.push(d.location),
                None => group.push((d, Vec::new())),
            }
        }
        let mut out = Vec::new();
        for (file, group) in by_file {
            if group.len() > MAX_PER_FILE {
                let message = format!(
                    "{} different errors in this file; showing the first {MAX_PER_FILE} (the others are often consequences of these)",
                    group.len()
                );
                out.push(Diagnostic { file, location: Location { line: 1, col: 1 }, path: String::new(), message });
            }
            for (mut d, also) in group.into_iter().take(MAX_PER_FILE) {
                if !also.is_empty() {
                    let shown: Vec<String> = also.iter().take(3).map(|l| format!("{}:{}", l.line, l.col)).collect();
                    let more = if also.len() > 3 { format!(" and {} more", also.len() - 3) } else { String::new() };
                    d.message = format!("{} (the same at {}{more})", d.message, shown.join(", "));
                }
                out.push(d);
            }
        }
        Diagnostics(out)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn diag(line: usize, message: &str) -> Diagnostic {
        Diagnostic { file: "spec/a.yaml".into(), location: Location { line, col: 3 }, path: format!("k{line}"), message: message.into() }
    }

    #[test]
    fn repeats_of_one_message_fold_into_the_first() {
        let d = Diagnostics((1..=6).map(|l| diag(l * 10, "unknown type `Entyr`")).chain([diag(5, "other")]).collect()).condense();
        let shown: Vec<String> = d.0.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            vec![
                "spec/a.yaml:5:3: k5: other".to_string(),
                "spec/a.yaml:10:3: k10: unknown type `Entyr` (the same at 20:3, 30:3, 40:3 and 2 more)".to_string(),
            ]
        );
    }

    #[test]
    fn a_file_shows_at_most_the_cap_with_a_note_first() {
        let many = Diagnostics((1..=25).map(|l| diag(l, &format!("mistake {l}"))).collect()).condense();
        assert_eq!(many.len(), MAX_PER_FILE + 1);
        assert!(many.0[0].message.starts_with("25 different errors in this file; showing the first 20"), "{}", many.0[0]);
        assert_eq!(many.0[1].message, "mistake 1");
        assert_eq!(many.0[MAX_PER_FILE].message, "mistake 20");
    }
}
