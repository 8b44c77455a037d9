//! The seams through which rate-limit windows and sessions can be shared by many clients (many
//! worker processes): a [`WindowStore`] and a [`SessionStore`]. Without one, a client keeps
//! both in its own process (`ratelimit.rs`, `session.rs`), which is the default; the `redis`
//! feature adds stores kept in Redis (`redis_store.rs`).
//!
//! A store never sees a password or an access token: logins still run in the client, and the
//! store decides only *whether* this client performs one.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use super::{Error, RateLimit, Secret};

/// A boxed, sendable future: what store methods return (the traits are used as objects).
pub(crate) type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The client's own login, handed to a [`SessionStore`] to run if this client is the one
/// that has to log in.
pub(crate) type LoginFuture<'a> = StoreFuture<'a, Result<Secret, Error>>;

/// One call's place in a shared window (and its in-flight count).
pub(crate) trait SharedSlot: Send + Sync {
    /// Records that the call has ended (its response read, or the call abandoned). Dropping
    /// the slot without this ends it too, later and on a best-effort basis.
    fn end(self: Box<Self>) -> StoreFuture<'static, ()>;
}

/// Rate-limit windows and in-flight caps shared by every client that uses the same store.
pub(crate) trait WindowStore: Send + Sync {
    /// Waits until one call of `operation` may start under `limit` (with the window `period`,
    /// already scaled; `None` when the limit has no window), counting the calls of every
    /// client sharing the store, and takes its slot in one atomic step.
    ///
    /// `Ok(None)`: the store cannot be reached and the client was configured to fall back to
    /// its in-process windows (the store has logged a warning).
    fn acquire<'a>(
        &'a self,
        operation: &'static str,
        limit: RateLimit,
        period: Option<Duration>,
    ) -> StoreFuture<'a, Result<Option<Box<dyn SharedSlot>>, Error>>;
}

/// A session shared by every client of one user, access token and base URL.
pub(crate) trait SessionStore: Send + Sync {
    /// The session this client should use, with its (store-wide) generation:
    /// - unless `fresh`, the stored session when there is one whose generation is not
    ///   `stale` (the generation the caller saw refused, or already holds);
    /// - otherwise, under a lock that expires if its holder dies, either a session another
    ///   client stored meanwhile, or the result of `login` (taken out of the option and run),
    ///   which is then stored for the others.
    ///
    /// `Ok(None)`: the store cannot be reached and the client was configured to fall back to
    /// logging in by itself; `login` is then left in place, not run.
    fn obtain<'a, 'b>(
        &'b self,
        stale: Option<u64>,
        fresh: bool,
        login: &'b mut Option<LoginFuture<'a>>,
    ) -> StoreFuture<'b, Result<Option<(u64, Secret)>, Error>>
    where
        'a: 'b;
}
