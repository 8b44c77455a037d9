//! A seeded mutation fuzzer for the spec front end, on the stable toolchain: copies of `spec/`,
//! of the sample APIs' spec (`tests/sample-apis/spec`: other auth schemes, webhooks, a session
//! relay) and of the fixtures, mutated the way hands and editors break YAML (brackets, colons, anchors,
//! indentation, lines duplicated, dropped or swapped, stray bytes), go through `generate`. Every
//! run must end in `Ok` or in diagnostics that point inside the file, without a panic, an
//! internal error or a hang.
//!
//! CI runs a fixed number of cases from a fixed seed. A longer run:
//!
//! ```text
//! LIVEVOX_FUZZ_SECS=600 LIVEVOX_FUZZ_SEED=7 cargo test --release -p livevox-codegen --test fuzz_front_end -- --nocapture
//! ```
//!
//! (`LIVEVOX_FUZZ_CASES` sets the number of cases instead.) An input that fails is written to
//! `target/fuzz-findings/` so that it can become a fixture.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use livevox_codegen::load::Source;
use livevox_codegen::{generate, Config, Error};

/// xorshift64*: small, seedable, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// What YAML and the spec's type language are made of.
const TOKENS: &[&str] = &[
    "{", "}", "[", "]", ":", ": ", "- ", ",", "&a ", "*a", "&b ", "*b", "!", "!!str ", "|", ">-", "#", "'", "\"", "\n", "  ",
    "\t", "---\n", "...\n", "? ", "~", "null", "true", "-1", "99999999999999999999", "array<", ">", "map<", "<<: *a", "\u{feff}",
    "\r", "\\", "%YAML 1.2\n", "@", "`", "{}", "[]", "{{{{{{{{", "]]]]]", "é", "\u{0}",
];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

fn yaml_files(dir: &Path, display: &str) -> Vec<Source> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| Source {
            display_path: format!("{display}/{}", p.file_name().unwrap_or_default().to_string_lossy()),
            text: std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display())),
        })
        .collect()
}

/// Where the sample APIs' spec is, relative to the workspace root.
const SAMPLE_SPEC: &str = "tests/sample-apis/spec";

/// The seeds: the whole spec and the sample APIs' spec (one set of files each), then each
/// fixture (a set of one).
fn seeds() -> Vec<Vec<Source>> {
    let root = workspace();
    let mut seeds = vec![yaml_files(&root.join("spec"), "spec"), yaml_files(&root.join(SAMPLE_SPEC), SAMPLE_SPEC)];
    for kind in ["valid", "invalid"] {
        for f in yaml_files(&root.join("tests/fixtures").join(kind), &format!("tests/fixtures/{kind}")) {
            seeds.push(vec![f]);
        }
    }
    seeds
}

fn char_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// One mutation of `text`; `other` is another seed's text to splice from.
fn mutate(rng: &mut Rng, text: &str, other: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let at = char_boundary(text, rng.below(text.len() + 1));
    match rng.below(9) {
        0 => format!("{}{}{}", &text[..at], TOKENS[rng.below(TOKENS.len())], &text[at..]),
        1 => {
            let end = char_boundary(text, at + 1 + rng.below(40));
            format!("{}{}", &text[..at], &text[end..])
        }
        2 if !lines.is_empty() => {
            let i = rng.below(lines.len());
            lines.insert(i, lines[i].clone());
            lines.join("\n")
        }
        3 if !lines.is_empty() => {
            lines.remove(rng.below(lines.len()));
            lines.join("\n")
        }
        4 if !lines.is_empty() => {
            let i = rng.below(lines.len());
            let n = 1 + rng.below(4);
            if rng.below(2) == 0 {
                lines[i] = format!("{}{}", " ".repeat(n), lines[i]);
            } else {
                let strip = lines[i].len() - lines[i].trim_start_matches(' ').len();
                lines[i] = lines[i][strip.min(n)..].to_string();
            }
            lines.join("\n")
        }
        5 if lines.len() > 1 => {
            let (i, j) = (rng.below(lines.len()), rng.below(lines.len()));
            lines.swap(i, j);
            lines.join("\n")
        }
        6 => {
            // Stray bytes, read the way a file that is not UTF-8 would be shown.
            let bytes: Vec<u8> = (0..1 + rng.below(8)).map(|_| rng.next() as u8).collect();
            format!("{}{}{}", &text[..at], String::from_utf8_lossy(&bytes), &text[at..])
        }
        7 => {
            let other_lines: Vec<&str> = other.lines().collect();
            if other_lines.is_empty() || lines.is_empty() {
                return text.to_string();
            }
            lines.insert(rng.below(lines.len()), other_lines[rng.below(other_lines.len())].to_string());
            lines.join("\n")
        }
        _ => text[..at].to_string(),
    }
}

/// Whether the spec was accepted, or why the case failed.
fn check(sources: &[Source], limit: Duration) -> Result<bool, String> {
    let started = Instant::now();
    let result = catch_unwind(AssertUnwindSafe(|| generate(sources.to_vec(), &Config::default())));
    let elapsed = started.elapsed();
    if elapsed > limit {
        return Err(format!("took {elapsed:?}, more than {limit:?}"));
    }
    match result {
        Err(_) => Err("panicked".into()),
        Ok(Ok(_)) => Ok(true),
        Ok(Err(Error::Spec(diagnostics))) => {
            for d in &diagnostics.0 {
                let Some(source) = sources.iter().find(|s| s.display_path == d.file) else { continue };
                // Lines as YAML counts them: a lone `\r` ends a line too.
                let text = &source.text;
                let breaks = text.matches('\n').count() + text.matches('\r').count() - text.matches("\r\n").count();
                let lines = (breaks + usize::from(!text.ends_with(['\n', '\r']))).max(1);
                if d.location.line == 0 || d.location.line > lines {
                    return Err(format!("diagnostic past the end of the file ({lines} lines): {d}"));
                }
            }
            Ok(false)
        }
        Ok(Err(other)) => Err(format!("not a spec error: {other}")),
    }
}

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok().map(|v| v.parse().unwrap_or_else(|_| panic!("{name}={v} is not a number")))
}

#[test]
fn mutated_specs_end_in_ok_or_diagnostics() {
    let seeds = seeds();
    assert!(seeds.len() > 40, "expected spec/, the sample APIs and the fixtures as seeds, found {} sets", seeds.len());
    // The sample APIs' spec is a valid starting point, so its mutants start from a spec that
    // reaches every stage of the front end.
    assert!(seeds[1].len() > 1, "expected the sample APIs' spec files in {SAMPLE_SPEC}");
    assert_eq!(check(&seeds[1], Duration::from_secs(60)), Ok(true), "the unmutated sample APIs' spec must be accepted");
    let seed = env_number("LIVEVOX_FUZZ_SEED").unwrap_or(0x5eed);
    let duration = env_number("LIVEVOX_FUZZ_SECS").map(Duration::from_secs);
    let cases = env_number("LIVEVOX_FUZZ_CASES").unwrap_or(if duration.is_some() { u64::MAX } else { 400 });
    // Generous, for a debug build on a shared machine: a hang is minutes, not seconds.
    let limit = Duration::from_secs(env_number("LIVEVOX_FUZZ_CASE_SECS").unwrap_or(30));
    let mut rng = Rng(seed | 1);
    let started = Instant::now();
    let mut failures = Vec::new();
    let (mut ran, mut accepted) = (0u64, 0u64);
    while ran < cases && duration.is_none_or(|d| started.elapsed() < d) {
        // The whole spec is slow to generate in a debug build: one case in eight uses it. The
        // sample APIs (set 1) are small, so they are drawn like a fixture.
        let set = if rng.below(8) == 0 { 0 } else { 1 + rng.below(seeds.len() - 1) };
        let mut sources = seeds[set].clone();
        let target = rng.below(sources.len());
        let other = seeds[rng.below(seeds.len())][0].text.clone();
        for _ in 0..1 + rng.below(4) {
            sources[target].text = mutate(&mut rng, &sources[target].text, &other);
        }
        ran += 1;
        match check(&sources, limit) {
            Ok(ok) => accepted += u64::from(ok),
            Err(why) => {
                let dir = workspace().join("target/fuzz-findings");
                let _ = std::fs::create_dir_all(&dir);
                let file = dir.join(format!("seed{seed}-case{ran}.yaml"));
                let _ = std::fs::write(&file, &sources[target].text);
                failures.push(format!("case {ran} ({}): {why}; input in {}", sources[target].display_path, file.display()));
            }
        }
    }
    println!(
        "fuzz_front_end: {ran} cases ({accepted} accepted) from seed {seed:#x} in {:.1?}, {} failures",
        started.elapsed(),
        failures.len()
    );
    assert!(failures.is_empty(), "{} of {ran} cases failed:\n{}", failures.len(), failures.join("\n"));
}
