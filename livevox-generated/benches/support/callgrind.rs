//! Instructions per call, counted by `valgrind --tool=callgrind`: steady (within about 0.5%)
//! where requests per second are not. Used by the request benchmark's `--callgrind` mode.
//!
//! The bench binary is run again under callgrind with an environment variable that makes it run
//! N calls of one kind only. Collection is off at start and toggled on inside the one function
//! that makes those N calls (`--toggle-collect`), so start-up, the connection, warm-up calls and
//! the server (a child process callgrind does not follow) are not counted.
//!
//! With `--cache-sim=yes` callgrind also runs the counted instructions through a model of
//! this machine's first-level caches (sizes read from the CPU): the misses say how many
//! distinct cache lines of code and data a call touches, which instructions alone do not. Two
//! calls of equal instructions can differ in time by how spread out their code and data are.
//!
//! glibc's `memcpy` copies large blocks with `rep movsb`, which valgrind counts as one
//! instruction per byte: a 6 KB future moved into its box would read as 6,000 instructions
//! where the CPU spends a few hundred cycles. The counted run sets
//! `GLIBC_TUNABLES=glibc.cpu.x86_rep_movsb_threshold=4294967295` so `memcpy` uses its vector
//! loop at every size, and the count stays a fair proxy for time.

use std::path::PathBuf;
use std::process::Command;

/// Whether `valgrind` can be run at all.
pub fn available() -> bool {
    Command::new("valgrind").arg("--version").output().is_ok_and(|o| o.status.success())
}

/// What callgrind counted: instructions, and misses of the first-level instruction and data
/// caches (reads and writes) in its cache model.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Counts {
    pub instructions: u64,
    pub i1_misses: u64,
    pub d1_misses: u64,
}

/// Runs this binary under callgrind (with its cache model) with `envs` set, collecting only
/// inside functions whose name matches `toggle` (a callgrind pattern), and returns what was
/// counted. The profile is written to `keep` (for `callgrind_annotate`) when given, else
/// deleted.
pub fn instructions(envs: &[(&str, String)], toggle: &str, keep: Option<PathBuf>) -> Result<Counts, String> {
    let exe = std::env::current_exe().map_err(|e| format!("the bench binary's path: {e}"))?;
    let out_file = keep
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join(format!("request_overhead.callgrind.{}.{}", std::process::id(), unique())));
    let mut command = Command::new("valgrind");
    command
        .arg("--tool=callgrind")
        .arg(format!("--callgrind-out-file={}", out_file.display()))
        .arg("--collect-atstart=no")
        .arg("--cache-sim=yes")
        .arg(format!("--toggle-collect={toggle}"))
        .arg(&exe)
        .env("GLIBC_TUNABLES", "glibc.cpu.x86_rep_movsb_threshold=4294967295");
    for (name, value) in envs {
        command.env(name, value);
    }
    let output = command.output().map_err(|e| format!("cannot run valgrind: {e}"))?;
    let text = std::fs::read_to_string(&out_file);
    if keep.is_none() {
        let _ = std::fs::remove_file(&out_file);
    }
    if !output.status.success() {
        return Err(format!("valgrind failed ({}): {}", output.status, String::from_utf8_lossy(&output.stderr)));
    }
    let text = text.map_err(|e| format!("cannot read {}: {e}", out_file.display()))?;
    totals(&text).ok_or_else(|| format!("no `events:` and `totals:` lines naming Ir, I1mr, D1mr and D1mw in {}", out_file.display()))
}

/// The counts of the `totals:` (or `summary:`) line of a callgrind output file, by the names
/// its `events:` line gives them.
fn totals(text: &str) -> Option<Counts> {
    let names: Vec<&str> = text.lines().find_map(|l| l.strip_prefix("events:"))?.split_whitespace().collect();
    let values: Vec<u64> = text
        .lines()
        .find_map(|l| l.strip_prefix("totals:").or_else(|| l.strip_prefix("summary:")))?
        .split_whitespace()
        .map(|n| n.parse().ok())
        .collect::<Option<_>>()?;
    let get = |name: &str| names.iter().position(|n| *n == name).and_then(|i| values.get(i).copied());
    Some(Counts { instructions: get("Ir")?, i1_misses: get("I1mr")?, d1_misses: get("D1mr")? + get("D1mw")? })
}

fn unique() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos())
}

/// Checks [`totals`] on a known profile; the smoke run (`cargo test --benches`, which runs a
/// harness-less bench's `main`, not `#[test]` functions) calls it, so a change of the format
/// read shows without valgrind.
pub fn check_reading() {
    let text = "events: Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw\nfn=(1) f\n0x1 2 3\ntotals: 155 41 31 7 12 13 0 0 1\n";
    assert_eq!(totals(text), Some(Counts { instructions: 155, i1_misses: 7, d1_misses: 25 }));
    // Without the cache model there are no misses to read: an error, not zeros.
    assert_eq!(totals("events: Ir\ntotals: 155\n"), None);
}
