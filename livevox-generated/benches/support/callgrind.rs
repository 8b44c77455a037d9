//! Instructions per call, counted by `valgrind --tool=callgrind`: steady (within about 0.5%)
//! where requests per second are not. Used by the request benchmark's `--callgrind` mode.
//!
//! The bench binary is run again under callgrind with an environment variable that makes it run
//! N calls of one kind only. Collection is off at start and toggled on inside the one function
//! that makes those N calls (`--toggle-collect`), so start-up, the connection, warm-up calls and
//! the server (a child process callgrind does not follow) are not counted.
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

/// Runs this binary under callgrind with `envs` set, collecting only inside functions whose
/// name matches `toggle` (a callgrind pattern), and returns the instructions counted. The
/// profile is written to `keep` (for `callgrind_annotate`) when given, else deleted.
pub fn instructions(envs: &[(&str, String)], toggle: &str, keep: Option<PathBuf>) -> Result<u64, String> {
    let exe = std::env::current_exe().map_err(|e| format!("the bench binary's path: {e}"))?;
    let out_file = keep
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join(format!("request_overhead.callgrind.{}.{}", std::process::id(), unique())));
    let mut command = Command::new("valgrind");
    command
        .arg("--tool=callgrind")
        .arg(format!("--callgrind-out-file={}", out_file.display()))
        .arg("--collect-atstart=no")
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
    totals(&text).ok_or_else(|| format!("no `totals:` line in {}", out_file.display()))
}

/// The first event count of the `totals:` (or `summary:`) line of a callgrind output file.
fn totals(text: &str) -> Option<u64> {
    text.lines()
        .find_map(|l| l.strip_prefix("totals:").or_else(|| l.strip_prefix("summary:")))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
}

fn unique() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos())
}
