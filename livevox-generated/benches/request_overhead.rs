//! Request overhead of the generated client: requests per second of a generated operation
//! (`compliance().read_dnc(id)`, typed response) beside the same request made with plain
//! reqwest on the same connection pool and decoded into the same type, in one run, as a ratio.
//!
//! `cargo bench -p livevox-generated --bench request_overhead` prints a table. Under
//! `cargo test` (no `--bench` argument) it makes a few hundred requests as a smoke test.
//!
//! The server runs in a child process (this binary, started with `OVERHEAD_BENCH_SERVE`), so it
//! does not share the client's runtime. The two clients run in alternating rounds so that a
//! busy machine slows both alike; each figure is the best round of its kind.

#![allow(deprecated)] // the legacy DNC list is deprecated in the spec, on purpose

mod support;

use std::time::{Duration, Instant};

use livevox_generated::compliance::ReadDncResponse;
use livevox_generated::Client;

const SERVE_ENV: &str = "OVERHEAD_BENCH_SERVE";
const SESSION: &str = "bench-session";

fn main() {
    if std::env::var_os(SERVE_ENV).is_some() {
        serve();
        return;
    }
    let bench = std::env::args().any(|a| a == "--bench");
    let (per_round, rounds) = if bench { (5_000, 5) } else { (100, 1) };

    let server = support::ChildServer::start(SERVE_ENV, "1");
    let base = server.base_url.clone();

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime");
    let rows = runtime.block_on(measure(&base, per_round, rounds));
    drop(server);

    if bench {
        print_table(&rows, per_round, rounds);
    }
}

struct Row {
    concurrency: usize,
    generated_rps: f64,
    plain_rps: f64,
}

async fn measure(base: &str, per_round: usize, rounds: usize) -> Vec<Row> {
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

    // Both decode the same body into the same type and must agree.
    let a = client.compliance().read_dnc(7).await.expect("generated call");
    let b = plain(&pool, &url).await;
    assert_eq!(a, b, "both clients decode the same answer");

    let mut rows = Vec::new();
    for concurrency in [1usize, 16] {
        let mut best_generated = 0f64;
        let mut best_plain = 0f64;
        for _ in 0..rounds {
            best_generated = best_generated.max(rps(per_round, concurrency, || {
                let c = client.clone();
                async move {
                    let r = c.compliance().read_dnc(7).await.expect("generated call");
                    std::hint::black_box(r);
                }
            })
            .await);
            best_plain = best_plain.max(rps(per_round, concurrency, || {
                let (p, u) = (pool.clone(), url.clone());
                async move {
                    std::hint::black_box(plain(&p, &u).await);
                }
            })
            .await);
        }
        rows.push(Row { concurrency, generated_rps: best_generated, plain_rps: best_plain });
    }
    rows
}

/// The same request by hand: the headers the runtime sends, the same decode.
async fn plain(pool: &reqwest::Client, url: &str) -> ReadDncResponse {
    let response = pool
        .get(url)
        .header("Content-Type", "application/json")
        .header("Accept", "application/json")
        .header("LV-Session", SESSION)
        .send()
        .await
        .expect("plain call");
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

fn print_table(rows: &[Row], per_round: usize, rounds: usize) {
    println!();
    println!("request_overhead: GET /compliance/dnc/7 ({per_round} calls a round, best of {rounds} alternating rounds)");
    println!("machine: {}; client on one tokio current-thread runtime, server in a separate process", support::machine());
    println!();
    println!("| concurrency | generated req/s | plain reqwest req/s | generated / plain |");
    println!("|---:|---:|---:|---:|");
    for r in rows {
        println!("| {} | {:.0} | {:.0} | {:.3} |", r.concurrency, r.generated_rps, r.plain_rps, r.generated_rps / r.plain_rps);
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
