//! The future a request builder becomes when awaited: one generic [`Pending`] type for every
//! operation, so the work of sending is compiled only where a request is awaited; and
//! [`WithMeta`], any request builder answering with the response's raw status and headers.
//!
//! Each generated request builder implements [`Call`] (its `send`) and turns into a
//! [`Pending`] in its one-line `IntoFuture` impl. `Pending::poll` is generic: the state machine
//! of an operation's `send` and the runtime's `execute` for its response type are instantiated in
//! the crate that awaits the request, not in this one for all operations at once.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::response::ResponseMeta;
use super::Error;

/// What a request's [`Call::call_with_meta`] resolves to: the output with the response's status
/// and headers, or the error.
pub type Answer<T> = Result<(T, ResponseMeta), Error>;

/// A request builder that can be sent: what `.await` on it does. Implemented by every generated
/// request builder, whose one method ([`Call::call_with_meta`]) fills in the request and hands it
/// to the client; the rest is generic.
///
/// Bring it into scope (`use livevox_generated::runtime::Call;`) for [`Call::with_meta`] on any
/// request builder: `let (dnc, meta) = client.compliance().list_dnc().with_meta().await?;`.
pub trait Call: Send + Sized + 'static {
    /// What a successful call returns.
    type Output: Send + 'static;

    /// Sends the request; success gives the output and the response's status and headers.
    fn call_with_meta(self) -> impl Future<Output = Answer<Self::Output>> + Send + 'static;

    /// Sends the request: the same future as the builder's `send()`.
    fn call(self) -> impl Future<Output = Result<Self::Output, Error>> + Send + 'static {
        let call = self.call_with_meta();
        async move { call.await.map(|(value, _)| value) }
    }

    /// The request, answering its output with the response's raw status and headers
    /// ([`ResponseMeta`]) when awaited.
    fn with_meta(self) -> Pending<WithMeta<Self>> {
        Pending::new(WithMeta(self))
    }
}

type Running<T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'static>>;

/// An awaited request builder: sends on first poll and resolves to the call's result.
/// `Send`, `Unpin` and `'static`, so it can be spawned or stored.
#[must_use = "a request does nothing until it is awaited"]
pub struct Pending<R: Call> {
    state: State<R>,
}

enum State<R: Call> {
    /// Not polled yet: the request as built.
    Ready(R),
    /// Sent: the call in flight.
    Running(Running<R::Output>),
    /// Resolved; polling again is a bug in the caller.
    Done,
}

impl<R: Call> Pending<R> {
    /// Wraps a request builder; nothing is sent until the first poll.
    pub fn new(request: R) -> Self {
        Pending { state: State::Ready(request) }
    }
}

// Nothing is pinned in place: the request is moved out on first poll and the call is boxed.
impl<R: Call> Unpin for Pending<R> {}

impl<R: Call> Future for Pending<R> {
    type Output = Result<R::Output, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        loop {
            match std::mem::replace(&mut this.state, State::Done) {
                State::Ready(request) => this.state = State::Running(Box::pin(request.call())),
                State::Running(mut call) => {
                    return match call.as_mut().poll(cx) {
                        Poll::Ready(out) => Poll::Ready(out),
                        Poll::Pending => {
                            this.state = State::Running(call);
                            Poll::Pending
                        }
                    };
                }
                State::Done => panic!("a request future was polled after it completed"),
            }
        }
    }
}

/// A request whose success is the body with the response's status and headers; made by
/// [`Call::with_meta`].
#[must_use = "a request does nothing until it is awaited"]
pub struct WithMeta<R>(R);

impl<R: Call> Call for WithMeta<R> {
    type Output = (R::Output, ResponseMeta);

    fn call_with_meta(self) -> impl Future<Output = Answer<Self::Output>> + Send + 'static {
        let call = self.0.call_with_meta();
        async move { call.await.map(|(value, meta)| ((value, meta.clone()), meta)) }
    }

    fn call(self) -> impl Future<Output = Result<Self::Output, Error>> + Send + 'static {
        self.0.call_with_meta()
    }
}

impl<R: fmt::Debug> fmt::Debug for WithMeta<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("WithMeta").field(&self.0).finish()
    }
}

impl<R: Call + fmt::Debug> fmt::Debug for Pending<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.state {
            State::Ready(request) => f.debug_tuple("Pending").field(request).finish(),
            State::Running(_) => f.write_str("Pending(<in flight>)"),
            State::Done => f.write_str("Pending(<done>)"),
        }
    }
}
