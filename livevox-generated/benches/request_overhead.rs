//! Request overhead of the generated client: a generated operation (`compliance().read_dnc(id)`,
//! typed response, session id fixed) beside the same request made with plain reqwest on the
//! same connection pool and decoded into the same type, in one run.
//!
//! Two measures:
//!
//! - **Throughput** (`cargo bench -p livevox-generated --bench request_overhead`): requests per
//!   second at concurrency 1 and 16, in many short rounds; each round runs three clients back to
//!   back, each going first in turn (so a busy machine slows all alike): the generated client,
//!   plain reqwest with no timeout (no timer armed), and plain reqwest with the generated
//!   client's default attempt timeout ([`DEFAULT_TIMEOUT`], as a caller who bounds their calls
//!   writes it by hand; every generated call arms that timer, since without one a stalled
//!   connection hangs a call forever). The table shows the best round of the generated and
//!   the plain client and their ratio (the last column, what `cargo xtask bench` reads), the
//!   median and the 10th–90th percentile spread of the per-round generated/plain ratios, and
//!   the per-round median against the timed plain call, which says how much of a gap is the
//!   timer. The best single per-round ratio is not shown: on a busy machine it is whichever
//!   round the other client happened to be interrupted in. Beside them, the client thread's
//!   CPU time per call (user and kernel, from `/proc/thread-self/schedstat`; Linux only),
//!   generated / plain, median of the rounds. Client and server are pinned to one CPU by
//!   default ([`Placement`] says why; `OVERHEAD_BENCH_PIN` chooses another placement).
//! - **Instructions and first-level cache misses per call**, steady where throughput is not
//!   (within about 0.5% from run to run)
//!   (`cargo bench -p livevox-generated --bench request_overhead -- --callgrind`): the binary
//!   runs itself under `valgrind --tool=callgrind`, once per client (the timed plain call
//!   too) and concurrency, making [`CALLGRIND_CALLS`] calls of that client only
//!   (`OVERHEAD_BENCH_COUNT=generated`, `plain` or `plain-timed`), one at a time and 16 in
//!   flight (`OVERHEAD_BENCH_CONCURRENCY`); collection is on only inside `counted_block_on`,
//!   after a warm-up, so the figure is the client side of one call: runtime, reqwest, hyper,
//!   tokio and the decode. Callgrind's cache model (`--cache-sim=yes`, this CPU's L1 sizes)
//!   also counts the instruction and data cache misses: the distinct lines a call touches,
//!   which cost time that equal instruction counts do not show. The server is a child process
//!   callgrind does not follow. With `OVERHEAD_BENCH_KEEP=DIR` the profiles are kept as
//!   `DIR/callgrind.generated.c1`, `DIR/callgrind.plain-timed.c16` and so on, for
//!   `callgrind_annotate --inclusive=yes DIR/callgrind.generated.c16`. Without valgrind it says
//!   so and exits successfully.
//!
//! Under `cargo test` (no `--bench` argument) it makes a few hundred requests of each kind and
//! runs the counted loop once in-process, as a smoke test.
//!
//! The server runs in a child process (this binary, started with `OVERHEAD_BENCH_SERVE`), so it
//! does not share the client's runtime.

#![allow(deprecated)] // the legacy DNC list is deprecated in the spec, on purpose

mod support;
#[path = "support/callgrind.rs"]
mod callgrind;

use std::time::{Duration, Instant};

use livevox_generated::compliance::ReadDncResponse;
use livevox_generated::runtime::DEFAULT_TIMEOUT;
use livevox_generated::Client;

const SERVE_ENV: &str = "OVERHEAD_BENCH_SERVE";
/// `generated`, `plain` or `plain-timed`: run [`CALLGRIND_CALLS`] calls of that client only (under callgrind).
const COUNT_ENV: &str = "OVERHEAD_BENCH_COUNT";
const SESSION: &str = "bench-session";
/// In flight at once in the counted calls (default 1: one after the other).
const CONCURRENCY_ENV: &str = "OVERHEAD_BENCH_CONCURRENCY";
/// Calls counted per client under callgrind.
const CALLGRIND_CALLS: u64 = 2_000;
/// Calls before the counted ones: the connection, the session and the lazy statics are set up.
const WARM_UP: u64 = 50;

fn main() {
    if std::env::var_os(SERVE_ENV).is_some() {
        serve();
        return;
    }
    if let Ok(kind) = std::env::var(COUNT_ENV) {
        let calls = std::env::var("OVERHEAD_BENCH_CALLS").ok().and_then(|n| n.parse().ok()).unwrap_or(CALLGRIND_CALLS);
        let concurrency = std::env::var(CONCURRENCY_ENV).ok().and_then(|n| n.parse().ok()).unwrap_or(1);
        count(Kind::parse(&kind), calls, concurrency);
        return;
    }
    if std::env::args().any(|a| a == "--callgrind") {
        print_instructions();
        return;
    }
    let bench = std::env::args().any(|a| a == "--bench");
    if !bench {
        callgrind::check_reading();
    }
    let (per_round, rounds) = if bench { (1_000, 60) } else { (100, 3) };

    // Read before the pinning, which leaves this thread one CPU.
    let machine = support::machine();
    // The smoke test under `cargo test` pins nothing: it measures nothing, and shares the
    // machine with the other tests.
    let placement = if bench { Placement::choose() } else { Placement::Unpinned };
    let server = support::ChildServer::start_on(SERVE_ENV, "1", placement.server());
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime");
    let rows = runtime.block_on(async {
        let clients = Clients::new(&server.base_url).await;
        let mut rows = Vec::new();
        for concurrency in [1usize, 16] {
            rows.push(clients.rounds(concurrency, per_round, rounds).await);
        }
        if !bench {
            // The counted loop of the callgrind mode, in-process.
            counted_calls(&clients, Kind::Generated, 20, 1).await;
            counted_calls(&clients, Kind::Plain, 20, 16).await;
        }
        rows
    });
    drop(server);

    if bench {
        print_table(&rows, per_round, rounds, &machine, &placement);
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Generated,
    /// Plain reqwest, no timeout: no timer armed.
    Plain,
    /// Plain reqwest with the generated client's default attempt timeout.
    PlainTimed,
}

impl Kind {
    fn parse(s: &str) -> Kind {
        match s {
            "generated" => Kind::Generated,
            "plain" => Kind::Plain,
            "plain-timed" => Kind::PlainTimed,
            other => panic!("{COUNT_ENV} is `generated`, `plain` or `plain-timed`, not {other:?}"),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Generated => "generated",
            Kind::Plain => "plain",
            Kind::PlainTimed => "plain-timed",
        }
    }

    /// The timeout a plain call of this kind is sent with.
    fn plain_timeout(self) -> Option<Duration> {
        (self == Kind::PlainTimed).then_some(DEFAULT_TIMEOUT)
    }
}

/// Where the throughput rounds run: `same` (the default), `apart` or `none`.
const PIN_ENV: &str = "OVERHEAD_BENCH_PIN";

/// Where the throughput rounds run. Left to the scheduler, a round's throughput at concurrency
/// 1 depends mostly on where it happens to put the two processes: on one core a call's wake-ups
/// are cheap, across two each costs an inter-processor interrupt (dear under a hypervisor), so
/// single rounds of the same build ran at 16k or at 44k calls per second, the per-round ratios
/// spread over ±4%, and the best round of each client was its luckiest placement, not its
/// faster code. So by default the client's thread and the whole server share the first CPU this
/// process may use (`same`): every call takes the same path, the spread narrows to about ±2%,
/// and the client's own CPU time is all on the critical path, which makes this the strictest
/// measure of the client's overhead. `apart` keeps them on two CPUs (a server elsewhere: every
/// call crosses, and waiting hides part of the client's work); `none` lets them move.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Placement {
    Same(usize),
    Apart { client: usize, server: usize },
    Unpinned,
}

impl Placement {
    /// Reads [`PIN_ENV`] and pins the calling thread (the client's runtime) where it says.
    /// Falls back to [`Placement::Unpinned`] where pinning is not supported, and `apart` to
    /// `same` on one CPU; an unknown value is an error, not a silent default.
    fn choose() -> Placement {
        let wanted = std::env::var(PIN_ENV).unwrap_or_default();
        let cpus = support::pin::allowed();
        let placement = match (wanted.as_str(), &cpus[..]) {
            ("none" | "0", _) | (_, []) => Placement::Unpinned,
            ("" | "same", [first, ..]) | ("apart", [first]) => Placement::Same(*first),
            ("apart", [client, server, ..]) => Placement::Apart { client: *client, server: *server },
            (other, _) => panic!("{PIN_ENV} is `same`, `apart` or `none`, not {other:?}"),
        };
        match placement {
            Placement::Same(cpu) | Placement::Apart { client: cpu, .. } if !support::pin::to_cpu(cpu) => Placement::Unpinned,
            placement => placement,
        }
    }

    /// The CPU the server process is kept on, if any.
    fn server(self) -> Option<usize> {
        match self {
            Placement::Same(cpu) => Some(cpu),
            Placement::Apart { server, .. } => Some(server),
            Placement::Unpinned => None,
        }
    }

    fn describe(self) -> String {
        match self {
            Placement::Same(cpu) => format!("client and server pinned to CPU {cpu} ({PIN_ENV}=same, the default; `apart` or `none` for the others)"),
            Placement::Apart { client, server } => format!("client pinned to CPU {client}, server to CPU {server} ({PIN_ENV}=apart)"),
            Placement::Unpinned => format!("client and server not pinned ({PIN_ENV}=none, or pinning is not supported here)"),
        }
    }
}

/// Both clients, on one connection pool.
struct Clients {
    pool: reqwest::Client,
    client: Client,
    url: String,
}

struct Row {
    concurrency: usize,
    best_generated_rps: f64,
    best_plain_rps: f64,
    /// generated / plain of each round, sorted.
    ratios: Vec<f64>,
    /// generated / plain with the generated client's attempt timeout, of each round, sorted.
    timed_ratios: Vec<f64>,
    /// The client thread's CPU time per call, generated / plain, of each round, sorted (empty
    /// where the thread's CPU time cannot be read).
    cpu_ratios: Vec<f64>,
}

impl Row {
    fn median(&self) -> f64 {
        median(&self.ratios)
    }

    /// The per-round ratio below which `p` (0..=1) of the rounds fall.
    fn percentile(&self, p: f64) -> f64 {
        let last = self.ratios.len().saturating_sub(1);
        self.ratios.get((last as f64 * p).round() as usize).copied().unwrap_or(0.0)
    }
}

/// The median of sorted values (0 for none).
fn median(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    match n {
        0 => 0.0,
        _ if n % 2 == 1 => sorted[n / 2],
        _ => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

/// The CPU time the calling thread has run for (user and kernel), when the system says:
/// the first field of `/proc/thread-self/schedstat`, in nanoseconds.
fn thread_cpu() -> Option<Duration> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    Some(Duration::from_nanos(text.split_whitespace().next()?.parse().ok()?))
}

impl Clients {
    /// Builds both clients and checks that they decode the same answer.
    async fn new(base: &str) -> Clients {
        // One pool for both, so the comparison is the client code, not the connections.
        let pool = reqwest::Client::builder().build().expect("a reqwest client");
        let client = Client::builder()
            .base_url(base)
            .allow_plain_http_for_loopback_tests()
            .http_client(pool.clone())
            .session_id(SESSION)
            .build()
            .expect("a generated client");
        let url = format!("{base}/compliance/dnc/7");
        let clients = Clients { pool, client, url };
        let a = clients.client.compliance().read_dnc(7).await.expect("generated call");
        let b = plain(&clients.pool, &clients.url, None).await;
        assert_eq!(a, b, "both clients decode the same answer");
        clients
    }

    /// One call of the generated client, as a task can run it.
    fn generated(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let client = self.client.clone();
        async move {
            std::hint::black_box(client.compliance().read_dnc(7).await.expect("generated call"));
        }
    }

    /// One call of plain reqwest, as a task can run it; with `timeout`, bounded by it.
    fn plain(&self, timeout: Option<Duration>) -> impl std::future::Future<Output = ()> + Send + 'static {
        let (pool, url) = (self.pool.clone(), self.url.clone());
        async move {
            std::hint::black_box(plain(&pool, &url, timeout).await);
        }
    }

    /// `n` calls of `kind`, `concurrency` at a time; calls per second. Each client's calls are
    /// futures of their own type, so a task of one holds no room for the other's state.
    async fn run(&self, kind: Kind, n: usize, concurrency: usize) -> f64 {
        match kind {
            Kind::Generated => rps(n, concurrency, || self.generated()).await,
            Kind::Plain | Kind::PlainTimed => rps(n, concurrency, || self.plain(kind.plain_timeout())).await,
        }
    }

    /// `rounds` rounds of `per_round` calls of each of the three clients, `concurrency` at a
    /// time; each client goes first, second and third in turn.
    async fn rounds(&self, concurrency: usize, per_round: usize, rounds: usize) -> Row {
        let mut row = Row {
            concurrency,
            best_generated_rps: 0.0,
            best_plain_rps: 0.0,
            ratios: Vec::with_capacity(rounds),
            timed_ratios: Vec::with_capacity(rounds),
            cpu_ratios: Vec::new(),
        };
        for round in 0..rounds {
            let mut order = [Kind::Generated, Kind::Plain, Kind::PlainTimed];
            let turn = round % order.len();
            order.rotate_left(turn);
            let (mut generated, mut plain, mut timed) = ((0.0, None), (0.0, None), 0.0);
            for kind in order {
                let cpu_before = thread_cpu();
                let r = self.run(kind, per_round, concurrency).await;
                let cpu = thread_cpu().zip(cpu_before).map(|(after, before)| after.saturating_sub(before));
                match kind {
                    Kind::Generated => generated = (r, cpu),
                    Kind::Plain => plain = (r, cpu),
                    Kind::PlainTimed => timed = r,
                }
            }
            row.best_generated_rps = row.best_generated_rps.max(generated.0);
            row.best_plain_rps = row.best_plain_rps.max(plain.0);
            row.ratios.push(generated.0 / plain.0);
            row.timed_ratios.push(generated.0 / timed);
            // Both rounds made the same number of calls: the ratio of their CPU times is the
            // ratio per call.
            if let (Some(g), Some(p)) = (generated.1, plain.1) {
                if !p.is_zero() {
                    row.cpu_ratios.push(g.as_secs_f64() / p.as_secs_f64());
                }
            }
        }
        row.ratios.sort_by(f64::total_cmp);
        row.timed_ratios.sort_by(f64::total_cmp);
        row.cpu_ratios.sort_by(f64::total_cmp);
        row
    }
}

/// The counted loop of the callgrind mode: `n` calls of `kind`, `concurrency` at a time.
async fn counted_calls(clients: &Clients, kind: Kind, n: u64, concurrency: usize) {
    match (kind, concurrency <= 1) {
        (Kind::Generated, true) => {
            for _ in 0..n {
                clients.generated().await;
            }
        }
        (Kind::Plain | Kind::PlainTimed, true) => {
            for _ in 0..n {
                clients.plain(kind.plain_timeout()).await;
            }
        }
        (kind, false) => {
            clients.run(kind, usize::try_from(n).unwrap_or(usize::MAX), concurrency).await;
        }
    }
}

/// In the process callgrind runs: starts the server, warms up, then makes `n` counted calls.
fn count(kind: Kind, n: u64, concurrency: usize) {
    let server = support::ChildServer::start(SERVE_ENV, "1");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime");
    let clients = runtime.block_on(Clients::new(&server.base_url));
    runtime.block_on(async {
        counted_calls(&clients, kind, WARM_UP, 1).await;
    });
    counted_block_on(&runtime, &clients, kind, n, concurrency);
    drop(server);
}

/// The runtime's `block_on` of the counted calls, in a function callgrind can toggle on: the
/// future's own `poll` runs inside it, and so does every task the runtime polls meanwhile
/// (hyper's connection task).
#[inline(never)]
fn counted_block_on(runtime: &tokio::runtime::Runtime, clients: &Clients, kind: Kind, n: u64, concurrency: usize) {
    runtime.block_on(counted_calls(clients, kind, n, concurrency));
}

/// Counts both clients' instructions per call under callgrind, one call at a time and 16 in
/// flight, and prints them.
fn print_instructions() {
    if !callgrind::available() {
        println!("request_overhead --callgrind: valgrind is not installed (apt-get install valgrind); nothing counted");
        return;
    }
    let keep = std::env::var_os("OVERHEAD_BENCH_KEEP").map(std::path::PathBuf::from);
    if let Some(dir) = &keep {
        if let Err(e) = std::fs::create_dir_all(dir) {
            println!("request_overhead --callgrind: cannot create {}: {e}", dir.display());
            return;
        }
    }
    let mut rows = Vec::new();
    for concurrency in [1usize, 16] {
        let mut per_call: Vec<callgrind::Counts> = Vec::new();
        for kind in [Kind::Generated, Kind::Plain, Kind::PlainTimed] {
            let envs = [
                (COUNT_ENV, kind.name().to_owned()),
                ("OVERHEAD_BENCH_CALLS", CALLGRIND_CALLS.to_string()),
                (CONCURRENCY_ENV, concurrency.to_string()),
            ];
            let out = keep.as_ref().map(|dir| dir.join(format!("callgrind.{}.c{concurrency}", kind.name())));
            match callgrind::instructions(&envs, "*counted_block_on*", out) {
                Ok(counts) => per_call.push(counts),
                Err(e) => {
                    println!("request_overhead --callgrind: {e}");
                    return;
                }
            }
        }
        rows.push((concurrency, per_call[0], per_call[1], per_call[2]));
    }
    let per_call = |n: u64| n as f64 / CALLGRIND_CALLS as f64;
    println!();
    println!("request_overhead --callgrind: GET /compliance/dnc/7, client side, per call ({CALLGRIND_CALLS} calls after {WARM_UP} warm-up calls, valgrind --tool=callgrind --cache-sim=yes)");
    println!();
    println!("| concurrency | generated instructions | plain reqwest instructions | generated - plain | L1i misses, generated / plain | L1d misses, generated / plain | plain reqwest with the same attempt timeout: instructions, L1i / L1d misses | plain / generated instructions |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (concurrency, g, p, t) in rows {
        let (gi, pi) = (per_call(g.instructions), per_call(p.instructions));
        println!(
            "| {concurrency} | {gi:.0} | {pi:.0} | {:.0} | {:.0} / {:.0} | {:.0} / {:.0} | {:.0}, {:.0} / {:.0} | {:.3} |",
            gi - pi,
            per_call(g.i1_misses),
            per_call(p.i1_misses),
            per_call(g.d1_misses),
            per_call(p.d1_misses),
            per_call(t.instructions),
            per_call(t.i1_misses),
            per_call(t.d1_misses),
            pi / gi
        );
    }
}

/// The same request by hand: the headers the runtime sends, the same decode, and `timeout`
/// when given (as a caller who bounds their calls writes it).
async fn plain(pool: &reqwest::Client, url: &str, timeout: Option<Duration>) -> ReadDncResponse {
    let mut request = pool
        .get(url)
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .header("LV-Session", SESSION);
    if let Some(timeout) = timeout {
        request = request.timeout(timeout);
    }
    let response = request.send().await.expect("plain call");
    assert!(response.status().is_success());
    response.json::<ReadDncResponse>().await.expect("plain decode")
}

/// Runs `n` calls, `concurrency` at a time, and returns calls per second.
async fn rps<F, Fut>(n: usize, concurrency: usize, make: F) -> f64
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let start = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..n {
        if set.len() >= concurrency {
            let _ = set.join_next().await;
        }
        set.spawn(make());
    }
    while set.join_next().await.is_some() {}
    n as f64 / start.elapsed().max(Duration::from_nanos(1)).as_secs_f64()
}

fn print_table(rows: &[Row], per_round: usize, rounds: usize, machine: &str, placement: &Placement) {
    println!();
    println!(
        "request_overhead: GET /compliance/dnc/7 ({rounds} rounds of {per_round} calls per client; in each round the three clients run back to back, each going first in turn)"
    );
    println!("machine: {machine}; client on one tokio current-thread runtime, server in a separate process");
    println!("placement: {}", placement.describe());
    println!();
    println!("| concurrency | generated req/s (best round) | plain reqwest req/s (best round) | per-round ratio, p10–p90 | per-round ratio, median | client CPU per call, generated / plain (median) | generated / plain reqwest with the same attempt timeout (per-round median) | generated / plain (best rounds) |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
    for r in rows {
        let cpu = if r.cpu_ratios.is_empty() { "—".to_owned() } else { format!("{:.3}", median(&r.cpu_ratios)) };
        println!(
            "| {} | {:.0} | {:.0} | {:.3}–{:.3} | {:.3} | {cpu} | {:.3} | {:.3} |",
            r.concurrency,
            r.best_generated_rps,
            r.best_plain_rps,
            r.percentile(0.1),
            r.percentile(0.9),
            r.median(),
            median(&r.timed_ratios),
            r.best_generated_rps / r.best_plain_rps
        );
    }
}

fn serve() {
    let body = serde_json::json!({
        "id": 7, "clientId": 10, "type": "PERMANENT", "serviceId": 4711,
        "phone": "6175550143", "account": "ACCT-7", "zip": "02110"
    })
    .to_string();
    let app = axum::Router::new().route(
        "/compliance/dnc/{id}",
        axum::routing::get(move || {
            let body = body.clone();
            async move { ([("content-type", "application/json")], body) }
        }),
    );
    support::serve_until_stdin_closes(app);
}
