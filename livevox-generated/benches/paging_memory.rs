//! Peak memory and throughput of walking a paginated list with the generated client's
//! `list_dnc(..).items()`, over 10,000 and 1,000,000 entries from a local server.
//!
//! `cargo bench -p livevox-generated --bench paging_memory` prints a table. Under `cargo test`
//! (no `--bench` argument) it walks 2,000 entries as a smoke test and prints nothing else.
//!
//! The server runs in a child process (this same binary, started with `PAGING_BENCH_SERVE`),
//! so neither figure includes it:
//! - heap: a counting global allocator tracks the bytes currently allocated and their peak,
//!   which is reset to the current figure before each walk;
//! - VmHWM: the kernel's peak resident set of this process (`/proc/self/status`), reset before
//!   each walk through `/proc/self/clear_refs` where the kernel allows it.

#![allow(deprecated)] // the legacy DNC list is deprecated in the spec, on purpose

mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use futures_util::StreamExt;
use livevox_generated::compliance::DncType;
use livevox_generated::{Client, Credentials};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = CURRENT.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call is forwarded to the system allocator unchanged; the counters only watch.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which `System` shares.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from this allocator with this layout, as the caller guarantees.
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as for `alloc` and `dealloc`.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                CURRENT.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const SERVE_ENV: &str = "PAGING_BENCH_SERVE";

fn main() {
    if let Ok(total) = std::env::var(SERVE_ENV) {
        serve(total.parse().unwrap_or(0));
        return;
    }
    let bench = std::env::args().any(|a| a == "--bench");
    let sizes: &[u64] = if bench { &[10_000, 1_000_000] } else { &[2_000] };
    let largest = sizes.iter().copied().max().unwrap_or(0);
    let server = support::ChildServer::start(SERVE_ENV, &largest.to_string());
    let base = server.base_url.clone();

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime");
    let mut rows = Vec::new();
    for &n in sizes {
        rows.push(runtime.block_on(walk(&base, n)));
    }
    // Closing its stdin ends the server.
    drop(server);

    if bench {
        print_table(&rows);
    }
}

struct Row {
    records: u64,
    pages: u64,
    seconds: f64,
    heap_start: usize,
    heap_peak: usize,
    vm_hwm_kib: Option<u64>,
    hwm_reset: bool,
}

async fn walk(base: &str, total: u64) -> Row {
    let client = Client::builder()
        .base_url(base)
        .allow_plain_http_for_loopback_tests()
        .access_token("token")
        .credentials(Credentials::user("BENCH", "bench.user", "secret"))
        .build()
        .expect("a client");
    // Log in first, so that the walk measures paging only.
    client.runtime().login().await.expect("login");

    let hwm_reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let heap_start = CURRENT.load(Ordering::Relaxed);
    PEAK.store(heap_start, Ordering::Relaxed);
    let started = Instant::now();

    let mut items = client.compliance().list_dnc(DncType::Permanent).client_id(i64::try_from(total).unwrap_or(i64::MAX)).items();
    let mut expected = 0i64;
    while let Some(entry) = items.next().await {
        let entry = entry.expect("an entry");
        assert_eq!(entry.id, expected, "entries arrive once each and in order");
        expected += 1;
    }
    let seconds = started.elapsed().as_secs_f64();
    assert_eq!(u64::try_from(expected).ok(), Some(total));
    Row {
        records: total,
        pages: items.pages_seen(),
        seconds,
        heap_start,
        heap_peak: PEAK.load(Ordering::Relaxed),
        vm_hwm_kib: vm_hwm_kib(),
        hwm_reset,
    }
}

fn vm_hwm_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn mib(bytes: usize) -> String {
    format!("{:.2} MiB", bytes as f64 / (1024.0 * 1024.0))
}

fn print_table(rows: &[Row]) {
    println!();
    println!("paging_memory: list_dnc(..).items(), 1000 entries a page, server in a separate process");
    println!("machine: {}; client on one tokio current-thread runtime", support::machine());
    println!();
    println!(
        "| {:>9} | {:>5} | {:>7} | {:>10} | {:>15} | {:>15} | {:>9} |",
        "records", "pages", "time", "records/s", "heap peak", "peak - start", "VmHWM"
    );
    println!("| {:->9} | {:->5} | {:->7} | {:->10} | {:->15} | {:->15} | {:->9} |", "", "", "", "", "", "", "");
    for r in rows {
        let hwm = match r.vm_hwm_kib {
            Some(kib) => format!("{:.1} MiB{}", kib as f64 / 1024.0, if r.hwm_reset { "" } else { "*" }),
            None => "n/a".to_owned(),
        };
        println!(
            "| {:>9} | {:>5} | {:>6.2}s | {:>10.0} | {:>15} | {:>15} | {:>9} |",
            r.records,
            r.pages,
            r.seconds,
            r.records as f64 / r.seconds,
            mib(r.heap_peak),
            mib(r.heap_peak.saturating_sub(r.heap_start)),
            hwm
        );
    }
    if rows.iter().any(|r| !r.hwm_reset) {
        println!("* VmHWM could not be reset between walks: it is the process's peak so far");
    }
}

// ---------------------------------------------------------------- the server process

/// Serves `/session/login` and a `/compliance/dnc` whose `client` query parameter says how
/// many entries it holds (at most `max`), made page by page; prints its address, and exits
/// when its stdin closes.
fn serve(max: u64) {
    let app = axum::Router::new()
        .route("/session/login", axum::routing::post(|| async { axum::Json(serde_json::json!({"sessionId": "bench-session"})) }))
        .route("/compliance/dnc", axum::routing::get(move |uri: axum::http::Uri| async move { page(uri.query().unwrap_or(""), max) }));
    support::serve_until_stdin_closes(app);
}

fn page(query: &str, max: u64) -> axum::Json<serde_json::Value> {
    let q: HashMap<&str, &str> = query.split('&').filter_map(|p| p.split_once('=')).collect();
    let get = |k: &str, default: u64| q.get(k).and_then(|v| v.parse().ok()).unwrap_or(default);
    let total = get("client", max).min(max);
    let offset = get("offset", 0);
    let count = get("count", 1000);
    let end = offset.saturating_add(count).min(total);
    let dnc: Vec<serde_json::Value> = (offset.min(end)..end)
        .map(|i| serde_json::json!({"id": i, "clientId": 10, "dncType": "PERMANENT", "phone": format!("555{i:07}")}))
        .collect();
    let mut body = serde_json::json!({ "dnc": dnc });
    if end < total {
        body["next"] = serde_json::json!(format!("/compliance/dnc?offset={end}&count={count}"));
    }
    axum::Json(body)
}
