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
        ChildServer::start_on(env, value, None)
    }

    /// [`ChildServer::start`], with the whole child process kept on `cpu` when given
    /// ([`pin::to_cpu`], set before the child's first instruction).
    pub fn start_on(env: &str, value: &str, cpu: Option<usize>) -> ChildServer {
        let mut command = Command::new(std::env::current_exe().expect("the bench binary's path"));
        command.env(env, value).stdin(Stdio::piped()).stdout(Stdio::piped());
        if let Some(cpu) = cpu {
            pin::before_exec(&mut command, cpu);
        }
        let mut child = command.spawn().expect("start the server process");
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

/// Keeping a process or thread on one CPU, so that where the scheduler happens to place the
/// client and the server (one core or two, moved mid-round or not) does not decide a round's
/// throughput. Linux only; elsewhere nothing is pinned. Only the request benchmark pins its
/// own thread; the other benchmarks share this module.
#[allow(dead_code)]
pub mod pin {
    use std::process::Command;

    /// The CPUs this process may run on, in order (empty where that cannot be read).
    pub fn allowed() -> Vec<usize> {
        imp::allowed()
    }

    /// Keeps the calling thread on `cpu`; whether that took.
    pub fn to_cpu(cpu: usize) -> bool {
        imp::to_cpu(cpu)
    }

    /// Makes the child `command` starts run on `cpu` only.
    pub fn before_exec(command: &mut Command, cpu: usize) {
        imp::before_exec(command, cpu);
    }

    #[cfg(target_os = "linux")]
    mod imp {
        use std::os::unix::process::CommandExt;
        use std::process::Command;

        fn set_of(cpu: usize) -> libc::cpu_set_t {
            // SAFETY: `cpu_set_t` is plain bits; all zeroes is the empty set.
            let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
            // SAFETY: `CPU_SET` ignores a CPU past the set's size.
            unsafe { libc::CPU_SET(cpu, &mut set) };
            set
        }

        pub fn allowed() -> Vec<usize> {
            // SAFETY: as in `set_of`.
            let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
            // SAFETY: `set` is a valid, writable `cpu_set_t` of the size given.
            if unsafe { libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) } != 0 {
                return Vec::new();
            }
            let size = usize::try_from(libc::CPU_SETSIZE).unwrap_or(0);
            // SAFETY: `CPU_ISSET` reads the set within its size.
            (0..size).filter(|&cpu| unsafe { libc::CPU_ISSET(cpu, &set) }).collect()
        }

        pub fn to_cpu(cpu: usize) -> bool {
            let set = set_of(cpu);
            // SAFETY: `set` is a valid `cpu_set_t` of the size given; 0 is the calling thread.
            unsafe { libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) == 0 }
        }

        pub fn before_exec(command: &mut Command, cpu: usize) {
            // SAFETY: between fork and exec the closure makes one system call
            // (async-signal-safe) and allocates nothing (`to_cpu` builds its set on the stack).
            unsafe {
                command.pre_exec(move || if to_cpu(cpu) { Ok(()) } else { Err(std::io::Error::last_os_error()) });
            }
        }
    }

    #[cfg(not(target_os = "linux"))]
    mod imp {
        use std::process::Command;

        pub fn allowed() -> Vec<usize> {
            Vec::new()
        }

        pub fn to_cpu(_cpu: usize) -> bool {
            false
        }

        pub fn before_exec(_command: &mut Command, _cpu: usize) {}
    }
}
