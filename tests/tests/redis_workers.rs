//! Many worker processes, one Redis (feature `redis` of livevox-generated): real OS processes
//! (`src/bin/redis_worker.rs`) against one simulator and a real `redis-server` that each test
//! starts on a free port of 127.0.0.1 and kills at the end. Without `redis-server` on the PATH
//! these tests fail, saying how to install it; they never skip.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use livevox_generated::{Error, OnUnreachable, RedisConfig};
use livevox_sim::{max_in_window, RunningSimulator, Simulator};
use tracing_subscriber::util::SubscriberInitExt;

mod support;

const APPEND: &str = "campaign.append_campaign";
const LOGIN: &str = "session.login";

/// A `redis-server` of this test alone: a free port, no persistence, killed on drop.
struct RedisServer {
    child: Child,
    port: u16,
    dir: PathBuf,
}

impl RedisServer {
    fn start() -> RedisServer {
        let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port on 127.0.0.1");
        let dir = std::env::temp_dir().join(format!("livevox-redis-test-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a scratch directory for redis-server");
        let spawned = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .arg("--dir")
            .arg(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let child = match spawned {
            Ok(child) => child,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
                "these tests need `redis-server` on the PATH, and it was not found. Install it: \
                 `apt-get install -y redis-server` (Debian/Ubuntu), `brew install redis` (macOS); \
                 .ci/run installs it when missing"
            ),
            Err(e) => panic!("cannot start redis-server: {e}"),
        };
        let server = RedisServer { child, port, dir };
        let deadline = Instant::now() + Duration::from_secs(10);
        while server.command(&["PING"]).as_deref() != Some("+PONG") {
            assert!(Instant::now() < deadline, "redis-server did not answer PING on port {port} within 10 s");
            std::thread::sleep(Duration::from_millis(20));
        }
        server
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// One command over RESP, answering the first line of the reply (enough for PING, EXISTS,
    /// PTTL and a KEYS reply's count).
    fn command(&self, args: &[&str]) -> Option<String> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).ok()?;
        stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
        let mut request = format!("*{}\r\n", args.len());
        for a in args {
            request.push_str(&format!("${}\r\n{a}\r\n", a.len()));
        }
        stream.write_all(request.as_bytes()).ok()?;
        let mut reader = BufReader::new(stream);
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        Some(line.trim_end().to_owned())
    }

    /// The keys matching `pattern` (a KEYS reply, read whole).
    fn keys(&self, pattern: &str) -> Vec<String> {
        let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port)) else { return Vec::new() };
        let request = format!("*2\r\n$4\r\nKEYS\r\n${}\r\n{pattern}\r\n", pattern.len());
        if stream.write_all(request.as_bytes()).is_err() {
            return Vec::new();
        }
        stream.set_read_timeout(Some(Duration::from_millis(300))).ok();
        let mut reply = Vec::new();
        let _ = stream.read_to_end(&mut reply);
        let text = String::from_utf8_lossy(&reply);
        text.split("\r\n").filter(|l| !l.is_empty() && !l.starts_with('*') && !l.starts_with('$')).map(str::to_owned).collect()
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// One worker process, its stdout read line by line on a thread.
struct Worker {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: mpsc::Receiver<String>,
}

impl Worker {
    fn spawn(sim: &RunningSimulator, redis: &RedisServer, prefix: &str, mode: &str, extra: &[(&str, String)]) -> Worker {
        let user = sim.user();
        let mut command = Command::new(env!("CARGO_BIN_EXE_redis_worker"));
        command
            .env("WORKER_MODE", mode)
            .env("WORKER_BASE_URL", sim.base_url())
            .env("WORKER_ACCESS_TOKEN", sim.access_token())
            .env("WORKER_CLIENT", &user.client_name)
            .env("WORKER_USER", &user.user_name)
            .env("WORKER_PASSWORD", &user.password)
            .env("WORKER_REDIS_URL", redis.url())
            .env("WORKER_KEY_PREFIX", prefix)
            .env("WORKER_TIME_SCALE", "1")
            .env("WORKER_LOCK_TTL_MS", "30000");
        for (name, value) in extra {
            command.env(name, value);
        }
        let mut child = command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().expect("spawn redis_worker");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stdin = child.stdin.take();
        Worker { child, stdin, lines }
    }

    fn expect_line(&self, wanted: &str, within: Duration) -> Vec<String> {
        let deadline = Instant::now() + within;
        let mut seen = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line == wanted => return seen,
                Ok(line) => seen.push(line),
                Err(_) => panic!("no {wanted:?} from a worker within {within:?}; it said {seen:?}"),
            }
        }
    }

    fn go(&mut self) {
        let stdin = self.stdin.as_mut().expect("stdin");
        stdin.write_all(b"go\n").and_then(|()| stdin.flush()).expect("write to a worker");
    }

    /// Waits for the exit (at most `within`) and returns the status and every line left.
    fn finish(mut self, within: Duration) -> (ExitStatus, Vec<String>) {
        let deadline = Instant::now() + within;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait for a worker") {
                break status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("a worker did not exit within {within:?}");
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        // The reader thread ends at the end of stdout, which follows the exit.
        let mut rest = Vec::new();
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(5)) {
            rest.push(line);
        }
        (status, rest)
    }
}

/// Blocking waits inside the async tests (the simulator runs on the other worker threads).
fn blocking<T>(f: impl FnOnce() -> T) -> T {
    tokio::task::block_in_place(f)
}

fn logins_since(sim: &RunningSimulator, since: Instant) -> Vec<Instant> {
    sim.requests().iter().filter(|r| r.operation.as_deref() == Some(LOGIN) && r.at > since).map(|r| r.at).collect()
}

/// The distinct `LV-Session` values of the calls answered with success between two times.
fn sessions_used(sim: &RunningSimulator, from: Instant, to: Instant) -> std::collections::BTreeSet<String> {
    sim.requests()
        .iter()
        .filter(|r| r.at > from && r.at < to && r.operation.as_deref() != Some(LOGIN) && r.status == 200)
        .filter_map(|r| r.header("lv-session").map(str::to_owned))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_processes_together_keep_append_campaigns_limit_with_no_429() {
    let redis = RedisServer::start();
    // 5 appends in any 3 s at the simulator; the workers scale the spec's 60 s by 0.05.
    let window = Duration::from_secs(3);
    let sim = Simulator::builder().rate_limit(APPEND, 5, window).start().await.unwrap();
    let started = Instant::now();
    let extra = [("WORKER_CALLS", "5".to_owned()), ("WORKER_TIME_SCALE", "0.05".to_owned())];
    let workers: Vec<Worker> = (0..4).map(|_| Worker::spawn(&sim, &redis, "acct-a", "append", &extra)).collect();
    for worker in workers {
        let (status, lines) = blocking(|| worker.finish(Duration::from_secs(60)));
        assert!(status.success(), "a worker failed: {lines:?}");
        assert_eq!(lines, vec!["ok"; 5], "every call of every worker succeeded");
    }
    let elapsed = started.elapsed();
    let log = sim.requests();
    let appends: Vec<_> = log.iter().filter(|r| r.operation.as_deref() == Some(APPEND)).collect();
    assert_eq!(appends.len(), 20, "20 appends reached the simulator, no more (no retries)");
    assert!(appends.iter().all(|r| r.status == 204), "statuses: {:?}", appends.iter().map(|r| r.status).collect::<Vec<_>>());
    let most = max_in_window(&log, APPEND, window);
    assert!(most <= 5, "{most} appends within one 3 s window");
    assert_eq!(most, 5, "the windows were used to the full");
    // 20 calls at 5 a window need three full windows after the first five.
    assert!(elapsed >= window * 3, "{elapsed:?}");
    eprintln!("4 processes x 5 appends: {elapsed:?}, at most {most} in any {window:?}");
    // The windows are the account's: the keys carry the prefix, nothing of the credentials.
    let keys = redis.keys("*");
    assert!(keys.iter().all(|k| k.starts_with("acct-a:")), "{keys:?}");
    let user = sim.user();
    assert!(keys.iter().all(|k| !k.contains(&sim.access_token()) && !k.contains(&user.password)), "{keys:?}");
}

/// Append Campaign's `max_in_flight: 1` holds across processes: with every answer 150 ms slow
/// (and a window too short to matter), no append arrives before the one before it was answered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_append_in_flight_across_four_processes() {
    let redis = RedisServer::start();
    let slow = Duration::from_millis(150);
    let sim = Simulator::builder().rate_limit(APPEND, 5, Duration::from_millis(60)).start().await.unwrap();
    sim.faults().delay(slow);
    // 60 s x 0.001 = 60 ms, shorter than one call: only the in-flight cap spaces the calls.
    let extra = [("WORKER_CALLS", "3".to_owned()), ("WORKER_TIME_SCALE", "0.001".to_owned())];
    let workers: Vec<Worker> = (0..4).map(|_| Worker::spawn(&sim, &redis, "acct-f", "append", &extra)).collect();
    for worker in workers {
        let (status, lines) = blocking(|| worker.finish(Duration::from_secs(60)));
        assert!(status.success() && lines == ["ok"; 3], "{lines:?}");
    }
    let mut arrivals: Vec<Instant> = sim.requests().iter().filter(|r| r.operation.as_deref() == Some(APPEND)).map(|r| r.at).collect();
    arrivals.sort();
    assert_eq!(arrivals.len(), 12);
    let closest = arrivals.windows(2).map(|w| w[1] - w[0]).min().unwrap();
    assert!(closest >= slow, "two appends were in flight together: arrivals {closest:?} apart");
}

/// The control: the same workers without Redis each keep their own window, and together they
/// exceed the account's limit (so the check above can fail).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_redis_four_processes_exceed_the_limit() {
    let redis = RedisServer::start();
    let window = Duration::from_secs(3);
    let sim = Simulator::builder().rate_limit(APPEND, 5, window).start().await.unwrap();
    let extra = [
        ("WORKER_CALLS", "5".to_owned()),
        ("WORKER_TIME_SCALE", "0.05".to_owned()),
        ("WORKER_REDIS_URL", String::new()),
        ("WORKER_NO_RETRIES", "1".to_owned()),
    ];
    let workers: Vec<Worker> = (0..4).map(|_| Worker::spawn(&sim, &redis, "unused", "append", &extra)).collect();
    let mut refused = 0;
    for worker in workers {
        let (_, lines) = blocking(|| worker.finish(Duration::from_secs(60)));
        refused += lines.iter().filter(|l| l.starts_with("err rate_limited")).count();
    }
    let log = sim.requests();
    let throttled = log.iter().filter(|r| r.operation.as_deref() == Some(APPEND) && r.status == 429).count();
    assert!(throttled > 0 && throttled == refused, "429s at the simulator: {throttled}, seen by the workers: {refused}");
    assert!(max_in_window(&log, APPEND, window) > 5, "more than 5 appends arrived within one window");
    assert!(redis.keys("*").is_empty(), "nothing went to Redis");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_processes_on_an_expired_session_log_in_once() {
    let redis = RedisServer::start();
    let sim = Simulator::builder().start().await.unwrap();
    let start = Instant::now();
    let mut workers: Vec<Worker> = (0..4).map(|_| Worker::spawn(&sim, &redis, "acct-b", "twice", &[])).collect();
    for worker in &workers {
        let said = blocking(|| worker.expect_line("ready", Duration::from_secs(30)));
        assert_eq!(said, vec!["ok"]);
    }
    assert_eq!(logins_since(&sim, start).len(), 1, "four workers starting together log in once");
    assert_eq!(sessions_used(&sim, start, Instant::now()).len(), 1, "and all use that one session");

    sim.expire_sessions();
    let expired = Instant::now();
    for worker in &mut workers {
        worker.go();
    }
    for worker in workers {
        let (status, lines) = blocking(|| worker.finish(Duration::from_secs(30)));
        assert!(status.success() && lines == ["ok", "done"], "{lines:?}");
    }
    assert_eq!(logins_since(&sim, expired).len(), 1, "four workers on an expired session log in once");
    assert_eq!(sessions_used(&sim, expired, Instant::now()).len(), 1, "and all use the renewed session");
    let refused = sim.requests().iter().filter(|r| r.at > expired && r.status == 401).count();
    assert!((1..=4).contains(&refused), "each worker saw the expiry at most once: {refused}");
    // What Redis holds: the session (under a hash) and nothing else once the lock is gone.
    let keys = redis.keys("*");
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert!(keys[0].starts_with("acct-b:session:") && keys[0].len() == "acct-b:session:".len() + 64, "{keys:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_lock_holder_delays_the_others_only_until_the_lock_expires() {
    let redis = RedisServer::start();
    let sim = Simulator::builder().start().await.unwrap();
    let lock_ttl = Duration::from_secs(3);
    let extra = [("WORKER_LOCK_TTL_MS", lock_ttl.as_millis().to_string())];
    // The holder's login hangs at the simulator, so it holds the lock when it is killed.
    sim.faults().delay(Duration::from_secs(60));
    let mut holder = Worker::spawn(&sim, &redis, "acct-c", "once", &extra);
    let seen_at = Instant::now();
    let (lock, pttl) = blocking(|| loop {
        if let Some(lock) = redis.keys("acct-c:session:*:lock").pop() {
            let pttl = redis.command(&["PTTL", &lock]).and_then(|l| l.trim_start_matches(':').parse::<u64>().ok());
            if let Some(pttl) = pttl {
                break (lock, pttl);
            }
        }
        assert!(seen_at.elapsed() < Duration::from_secs(20), "the first worker never took the session lock");
        std::thread::sleep(Duration::from_millis(10));
    });
    let expires = Instant::now() + Duration::from_millis(pttl);
    holder.child.kill().expect("kill the lock holder");
    let _ = holder.child.wait();
    let killed = Instant::now();
    sim.faults().delay(Duration::ZERO);
    assert_eq!(redis.command(&["EXISTS", &lock]).as_deref(), Some(":1"), "the dead holder's lock outlives it");

    let others: Vec<Worker> = (0..3).map(|_| Worker::spawn(&sim, &redis, "acct-c", "once", &extra)).collect();
    for worker in others {
        let (status, lines) = blocking(|| worker.finish(Duration::from_secs(30)));
        assert!(status.success() && lines == ["ok", "done"], "{lines:?}");
    }
    let done = Instant::now();
    let logins = logins_since(&sim, killed);
    assert_eq!(logins.len(), 1, "one of the three logs in once the lock expired");
    assert!(logins[0] + Duration::from_millis(50) >= expires, "nobody logged in while the lock held");
    assert!(done < expires + Duration::from_secs(3), "the others finished {:?} after the lock expired", done - expires);
    eprintln!("lock expired {:?} after the kill; the three others were done {:?} after it", expires - killed, done - expires);
}

/// A port nothing listens on.
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
}

fn client_with(sim: &RunningSimulator, redis: RedisConfig) -> livevox_generated::Client {
    let user = sim.user();
    support::sim_client(sim, &user).redis(redis)
        .build()
        .unwrap()
}

#[tokio::test]
async fn unreachable_redis_fails_calls_before_anything_is_sent() {
    let sim = Simulator::builder().start().await.unwrap();
    let redis = RedisConfig::url(format!("redis://127.0.0.1:{}", closed_port()));
    let client = client_with(&sim, redis.on_unreachable(OnUnreachable::Fail));
    let err = client.campaign().list_campaigns().await.unwrap_err();
    // The session is needed first: the automatic login fails on the store, and the error
    // names the call the caller made, with the store's error inside.
    assert!(matches!(&err, Error::Login { operation: "campaign.list_campaigns", .. }), "{err:?}");
    assert!(matches!(err.login_error(), Some(Error::SharedStore { operation: "session.login", .. })), "{err:?}");
    assert!(err.to_string().contains("Redis"), "{err}");
    let records = vec![livevox_generated::livevox::campaign::CampaignRecord::new("6175550160").with_account("A-1")];
    let err = client.campaign().append_campaign(7710021, records).await.unwrap_err();
    assert!(matches!(&err, Error::SharedStore { operation: "campaign.append_campaign", .. }), "{err:?}");
    assert!(sim.requests().is_empty(), "nothing reached LiveVox: {:?}", sim.requests());
}

#[tokio::test]
async fn unreachable_redis_falls_back_to_in_process_state_with_one_warning() {
    let logs = Logs::default();
    let _guard = tracing_subscriber::fmt().with_writer(logs.clone()).with_ansi(false).set_default();
    let sim = Simulator::builder().start().await.unwrap();
    let redis = RedisConfig::url(format!("redis://127.0.0.1:{}", closed_port()));
    let client = client_with(&sim, redis.on_unreachable(OnUnreachable::FallBackToInProcess));
    client.campaign().list_campaigns().await.unwrap();
    let records = vec![livevox_generated::livevox::campaign::CampaignRecord::new("6175550160").with_account("A-1")];
    client.campaign().append_campaign(7710021, records.clone()).await.unwrap();
    client.campaign().append_campaign(7710021, records).await.unwrap();
    let text = logs.text();
    assert_eq!(text.matches("Redis is unreachable").count(), 1, "one warning per outage:\n{text}");
    assert!(text.contains("WARN"), "{text}");
    let logins = sim.requests().iter().filter(|r| r.operation.as_deref() == Some(LOGIN)).count();
    assert_eq!(logins, 1, "the client logged in by itself, once");
}

/// A tracing writer that keeps what was written.
#[derive(Clone, Default)]
struct Logs(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl Logs {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Logs {
    type Writer = Logs;
    fn make_writer(&'a self) -> Logs {
        self.clone()
    }
}
