//! The generator's parallel stages (reading spec files, formatting the pieces of category files)
//! share one way of using the machine's cores: a shared counter hands out jobs in order, each
//! thread takes the next job not yet taken until none is left, and the results come back in job
//! order, so the output is the same as on one thread.

use std::any::Any;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// The cores this process may use, asked once: `available_parallelism` reads the cgroup's CPU
/// quota from `/proc` and `/sys` on every call (about 0.6% of a warm `codegen --check` when it
/// was asked once per file).
pub(crate) fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// Runs `work` on each job of `0..jobs` on `threads` threads (the calling thread is one of them;
/// with one, nothing is spawned) and returns the results in job order. A job that panicked
/// gives its panic back as the error, for the caller to resume or report.
pub(crate) fn in_order<T: Send>(jobs: usize, threads: usize, work: impl Fn(usize) -> T + Sync) -> Result<Vec<T>, Box<dyn Any + Send>> {
    let next = AtomicUsize::new(0);
    let take = || {
        let mut done = Vec::new();
        loop {
            let job = next.fetch_add(1, Ordering::Relaxed);
            if job >= jobs {
                return done;
            }
            done.push((job, work(job)));
        }
    };
    // The calling thread's share, with its panic caught like the spawned threads'.
    let take_here = || std::panic::catch_unwind(std::panic::AssertUnwindSafe(&take));
    let mut done = if threads <= 1 {
        take_here()?
    } else {
        std::thread::scope(|scope| {
            let others: Vec<_> = (1..threads).map(|_| scope.spawn(take)).collect();
            let mine = take_here();
            // Every thread is joined before a panic is given back.
            let theirs: Vec<_> = others.into_iter().map(|other| other.join()).collect();
            let mut done = mine?;
            for other in theirs {
                done.extend(other?);
            }
            Ok::<_, Box<dyn Any + Send>>(done)
        })?
    };
    done.sort_unstable_by_key(|(job, _)| *job);
    Ok(done.into_iter().map(|(_, result)| result).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_job_order_whatever_thread_made_them() {
        for threads in [1, 2, 5] {
            let squares = in_order(100, threads, |job| {
                // Uneven jobs, so threads finish out of order.
                std::thread::sleep(std::time::Duration::from_micros((job % 7) as u64 * 50));
                (job * job, std::thread::current().id())
            })
            .expect("no job panics");
            assert_eq!(squares.iter().map(|(s, _)| *s).collect::<Vec<_>>(), (0..100).map(|j| j * j).collect::<Vec<_>>());
            if threads == 1 {
                assert!(squares.iter().all(|(_, id)| *id == std::thread::current().id()), "one thread spawns none");
            }
        }
        assert!(in_order(0, 2, |job| job).expect("no jobs").is_empty());
    }

    #[test]
    fn a_panicking_job_comes_back_as_an_error() {
        for threads in [1, 2] {
            let result = in_order(10, threads, |job| if job == 7 { panic!("job 7") } else { job });
            let panic = result.expect_err("job 7 panicked");
            assert_eq!(panic.downcast_ref::<&str>(), Some(&"job 7"), "{threads} threads");
        }
    }
}
