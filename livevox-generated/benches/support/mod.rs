//! What the benchmarks share: a server in a child process (this same binary, started with an
//! environment variable), so it never shares the measured client's runtime or allocator, and
//! the one line about the machine every table is printed with.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};

/// A server started as a child process; dropping it closes the child's stdin, which stops it.
pub struct ChildServer {
    child: Child,
    /// `http://127.0.0.1:PORT`
    pub base_url: String,
}

impl ChildServer {
    /// Runs this binary again with `env=value`; the child prints its address on its first line.
    pub fn start(env: &str, value: &str) -> ChildServer {
        let mut child = Command::new(std::env::current_exe().expect("the bench binary's path"))
            .env(env, value)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the server process");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("the server's stdout")).read_line(&mut line).expect("the server's address");
        ChildServer { child, base_url: format!("http://{}", line.trim()) }
    }
}

impl Drop for ChildServer {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

/// In the child: serves `app` on 127.0.0.1, prints the address, and runs until stdin closes.
pub fn serve_until_stdin_closes(app: axum::Router) {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("a tokio runtime");
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local address");
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        println!("{addr}");
        let _ = std::io::stdout().flush();
        let _ = tokio::task::spawn_blocking(|| std::io::stdin().read_to_end(&mut Vec::new())).await;
    });
}

/// `N cores, <CPU model>`.
pub fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("model name")).and_then(|l| l.split(':').nth(1)).map(|m| m.trim().to_owned()))
        .unwrap_or_else(|| "unknown CPU".to_owned());
    format!("{cores} cores, {cpu}")
}
