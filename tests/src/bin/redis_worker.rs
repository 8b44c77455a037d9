//! A worker process for the multi-process tests of the `redis` feature (`tests/redis_workers.rs`):
//! one LiveVox client sharing its rate-limit windows and session through Redis, driven by
//! environment variables, reporting one line per step on stdout.
//!
//! `WORKER_MODE`:
//! - `append`: `WORKER_CALLS` Append Campaign calls, one after another (`ok` or `err <kind>`
//!   per call);
//! - `twice`: one session call, then `ready`, then waits for a line on stdin, then one more
//!   session call and `done` (the test expires sessions in between);
//! - `once`: one session call, then `done`.
//!
//! An empty `WORKER_REDIS_URL` builds the client without Redis (the control case), and
//! `WORKER_NO_RETRIES=1` sends every call once.
//!
//! Exit status 0 when every call succeeded, 1 when one failed, 2 on bad configuration.

use std::io::BufRead;
use std::process::ExitCode;
use std::time::Duration;

use livevox_generated::livevox::campaign::CampaignRecord;
use livevox_generated::{Client, Credentials, Error, OnUnreachable, RedisConfig};

fn var(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("redis_worker: the environment variable {name} is not set"))
}

fn client() -> Result<Client, String> {
    let scale: f64 = var("WORKER_TIME_SCALE")?.parse().map_err(|e| format!("WORKER_TIME_SCALE: {e}"))?;
    let lock_ms: u64 = var("WORKER_LOCK_TTL_MS")?.parse().map_err(|e| format!("WORKER_LOCK_TTL_MS: {e}"))?;
    let mut builder = Client::builder()
        .base_url(var("WORKER_BASE_URL")?)
        .allow_plain_http_for_loopback_tests()
        .access_token(var("WORKER_ACCESS_TOKEN")?)
        .credentials(Credentials::user(var("WORKER_CLIENT")?, var("WORKER_USER")?, var("WORKER_PASSWORD")?))
        .rate_limit_time_scale(scale);
    let url = var("WORKER_REDIS_URL")?;
    if !url.is_empty() {
        let redis = RedisConfig::url(url)
            .key_prefix(var("WORKER_KEY_PREFIX")?)
            .on_unreachable(OnUnreachable::Fail)
            .session_lock_ttl(Duration::from_millis(lock_ms));
        builder = builder.redis(redis);
    }
    if std::env::var("WORKER_NO_RETRIES").is_ok_and(|v| v == "1") {
        builder = builder.no_retries();
    }
    builder.build().map_err(|e| format!("redis_worker: {e}"))
}

fn report(result: Result<(), Error>) -> bool {
    match result {
        Ok(()) => {
            println!("ok");
            true
        }
        Err(e) => {
            println!("err {} {e}", e.kind());
            false
        }
    }
}

async fn session_call(client: &Client) -> Result<(), Error> {
    client.campaign().list_campaigns().await.map(|_| ())
}

async fn run(client: Client, mode: &str) -> Result<bool, String> {
    match mode {
        "append" => {
            let calls: u32 = var("WORKER_CALLS")?.parse().map_err(|e| format!("WORKER_CALLS: {e}"))?;
            let records = vec![CampaignRecord::new("6175550160").with_account("ACCT-10050")];
            let mut all = true;
            for _ in 0..calls {
                all &= report(client.campaign().append_campaign(7710021, records.clone()).await);
            }
            Ok(all)
        }
        "twice" => {
            let first = report(session_call(&client).await);
            println!("ready");
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line).map_err(|e| e.to_string())?;
            let second = report(session_call(&client).await);
            println!("done");
            Ok(first && second)
        }
        "once" => {
            let ok = report(session_call(&client).await);
            println!("done");
            Ok(ok)
        }
        other => Err(format!("redis_worker: unknown WORKER_MODE {other:?}")),
    }
}

fn main() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("redis_worker: cannot start a runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let outcome = runtime.block_on(async {
        let mode = var("WORKER_MODE")?;
        run(client()?, &mode).await
    });
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::from(2)
        }
    }
}
