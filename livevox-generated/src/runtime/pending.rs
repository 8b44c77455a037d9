//! What awaiting a request builder does: [`Call`] (what each generated builder implements),
//! [`Answering`] (a call in flight, up to its decoded answer), [`Pending`] (the future a
//! builder becomes when awaited) and [`WithMeta`] (any builder answering with the response's
//! raw status and headers too).
//!
//! The split keeps generic code small. A generated builder implements two plain items:
//! `prepare` (fill in the runtime's [`Request`]) and `Decode` (how its answer is read: [`Json`]
//! or [`Binary`]). Everything between them, the policy, sessions, retries, rate limits and the
//! HTTP attempts, is one non-generic boxed future (`Client::start`), compiled once in this crate
//! for every operation. What is generic per operation is [`Answering`]'s `poll`, a few lines
//! that poll that future and decode the body. So a crate that awaits one operation instantiates
//! the decoding of its response type, not a copy of the whole call path, and the generated
//! crate type-checks no async body per operation.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use bytes::Bytes;
use serde::de::DeserializeOwned;

use super::client::{RawCall, Received};
use super::describe::Operation;
use super::response::ResponseMeta;
use super::{Client, Error, Request};

/// What a request's [`Call::call_with_meta`] resolves to: the output with the response's status
/// and headers, or the error.
pub type Answer<T> = Result<(T, ResponseMeta), Error>;

/// A request builder that can be sent: what `.await` on it does. Implemented by every generated
/// request builder, which says how its request is filled in ([`Call::prepare`]) and how its
/// answer is read ([`Call::Decode`]); sending is the runtime's.
///
/// Bring it into scope (`use livevox_generated::runtime::Call;`) for [`Call::with_meta`] on any
/// request builder: `let (dnc, meta) = client.compliance().list_dnc().with_meta().await?;`.
pub trait Call: Send + Sized + 'static {
    /// What a successful call returns.
    type Output: Send + 'static;

    /// How a success response becomes [`Call::Output`]: [`Json`] or [`Binary`].
    type Decode: Decode<Self::Output>;

    /// The client to send with and the request filled in from the builder's fields.
    fn prepare(self) -> (Client, Request);

    /// Sends the request; success gives the output and the response's status and headers.
    fn call_with_meta(self) -> Answering<Self::Output> {
        let (client, request) = self.prepare();
        Answering::new(client, request, Self::Decode::read)
    }

    /// Sends the request: the same future as the builder's `send()`.
    fn call(self) -> Pending<Self> {
        Pending::new(self)
    }

    /// Sends the request and hands back the response's status and headers beside the output:
    /// `(output, meta)`.
    fn with_meta(self) -> Pending<WithMeta<Self>> {
        Pending::new(WithMeta(self))
    }
}

/// How a success response becomes a call's output `T`. A type, not a value, so that decoding a
/// response type is compiled only where a call of it is awaited.
pub trait Decode<T> {
    /// Reads the response (`meta`: its status and headers; `received`: its body) into `T`.
    #[doc(hidden)]
    fn read(client: &Client, op: &'static Operation, meta: &ResponseMeta, received: Received) -> Result<T, Error>;
}

/// The body decoded as the operation's response format says: JSON into `T`, text as a JSON
/// string, no body as `null` (see [`Client::execute`]).
#[derive(Debug, Clone, Copy)]
pub struct Json;

impl<T: DeserializeOwned> Decode<T> for Json {
    fn read(client: &Client, op: &'static Operation, _: &ResponseMeta, received: Received) -> Result<T, Error> {
        client.decode(op, received)
    }
}

/// The body as bytes (see [`Client::execute_bytes`]).
#[derive(Debug, Clone, Copy)]
pub struct Binary;

impl Decode<Bytes> for Binary {
    fn read(client: &Client, op: &'static Operation, _: &ResponseMeta, received: Received) -> Result<Bytes, Error> {
        client.bytes_of(op, received)
    }
}

/// The function that reads a success response into `T` ([`Decode::read`] of some decoder).
pub(crate) type DecodeFn<T> = fn(&Client, &'static Operation, &ResponseMeta, Received) -> Result<T, Error>;

/// The entry points for a filled-in [`Request`] without a request builder (tests, hand-written
/// operations): the same call path and decoders as [`Call`].
impl Client {
    /// Sends one operation and decodes its response into `T` (`()` for no body, `String` for
    /// text). What a request builder's [`Call`](super::Call) does with [`Json`](super::Json).
    pub async fn execute<T: DeserializeOwned>(&self, request: Request) -> Result<T, Error> {
        Answering::new(self.clone(), request, <Json as Decode<T>>::read).await.map(|(value, _)| value)
    }

    /// Like [`Client::execute`], and also hands back the response's status and headers.
    pub async fn execute_with_meta<T: DeserializeOwned>(&self, request: Request) -> Result<(T, ResponseMeta), Error> {
        Answering::new(self.clone(), request, <Json as Decode<T>>::read).await
    }

    /// Sends one operation and returns its body as bytes: what a request builder does for
    /// binary responses (recordings, archives), whose bytes text decoding would corrupt. Same
    /// path as [`Client::execute`]: sessions, rate limits, retries, error decoding and the
    /// `max_response_bytes` limit. `ResponseFormat::Binary` gives the body as it came;
    /// `ResponseFormat::BinaryOrBase64Json` the same, or the decoded base64 field when the
    /// server answered JSON. For other formats it skips decoding (and so the 202
    /// partial-success check of JSON operations).
    pub async fn execute_bytes(&self, request: Request) -> Result<Bytes, Error> {
        Answering::new(self.clone(), request, Binary::read).await.map(|(value, _)| value)
    }

    /// Like [`Client::execute_bytes`], and also hands back the response's status and headers.
    pub async fn execute_bytes_with_meta(&self, request: Request) -> Result<(Bytes, ResponseMeta), Error> {
        Answering::new(self.clone(), request, Binary::read).await
    }
}

/// A call in flight: the runtime's one call path (boxed, not generic) and, once it has a
/// success response, the decoding into `T`. What [`Call::call_with_meta`] returns.
#[must_use = "a request does nothing until it is awaited"]
pub struct Answering<T> {
    client: Client,
    op: &'static Operation,
    raw: RawCall,
    decode: DecodeFn<T>,
}

impl<T> Answering<T> {
    /// Starts `request` on `client`'s call path; its success is read with `decode`.
    pub(crate) fn new(client: Client, request: Request, decode: DecodeFn<T>) -> Self {
        let op = request.operation();
        Answering { raw: client.start(request), client, op, decode }
    }
}

// Nothing in it is pinned in place: the call path is boxed.
impl<T> Unpin for Answering<T> {}

impl<T> Future for Answering<T> {
    type Output = Answer<T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let (received, trace) = ready!(this.raw.as_mut().poll(cx))?;
        Poll::Ready(trace.finish(|| {
            let mut received = received;
            let meta = ResponseMeta::new(received.status, std::mem::take(&mut received.headers));
            (this.decode)(&this.client, this.op, &meta, received).map(|value| (value, meta))
        }))
    }
}

impl<T> fmt::Debug for Answering<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Answering").field("operation", &self.op.name).finish_non_exhaustive()
    }
}

/// The future of a request builder: what `.await` on it and its `send()` give. The request is
/// filled in when it is first polled.
#[must_use = "a request does nothing until it is awaited"]
pub struct Pending<R: Call> {
    state: State<R>,
}

enum State<R: Call> {
    Ready(R),
    Running(Answering<R::Output>),
    Done,
}

impl<R: Call> Pending<R> {
    /// The future of `request` (generated `send()` and `IntoFuture` impls make it).
    pub fn new(request: R) -> Self {
        Pending { state: State::Ready(request) }
    }
}

// Nothing in a `Pending` is ever pinned in place (the call in flight is boxed).
impl<R: Call> Unpin for Pending<R> {}

impl<R: Call> Future for Pending<R> {
    type Output = Result<R::Output, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        loop {
            match std::mem::replace(&mut this.state, State::Done) {
                State::Ready(request) => this.state = State::Running(request.call_with_meta()),
                State::Running(mut call) => {
                    return match Pin::new(&mut call).poll(cx) {
                        Poll::Ready(out) => Poll::Ready(out.map(|(value, _)| value)),
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

impl<R: Call + fmt::Debug> fmt::Debug for Pending<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.state {
            State::Ready(request) => f.debug_tuple("Pending").field(request).finish(),
            State::Running(_) => f.write_str("Pending(<in flight>)"),
            State::Done => f.write_str("Pending(<done>)"),
        }
    }
}

/// A request builder whose success is `(output, meta)`: the output and the response's status
/// and headers. Made by [`Call::with_meta`].
#[must_use = "a request does nothing until it is awaited"]
pub struct WithMeta<R>(R);

impl<R: Call> Call for WithMeta<R> {
    type Output = (R::Output, ResponseMeta);
    type Decode = Self;

    fn prepare(self) -> (Client, Request) {
        self.0.prepare()
    }
}

impl<R: Call> Decode<(R::Output, ResponseMeta)> for WithMeta<R> {
    fn read(client: &Client, op: &'static Operation, meta: &ResponseMeta, received: Received) -> Result<(R::Output, ResponseMeta), Error> {
        R::Decode::read(client, op, meta, received).map(|value| (value, meta.clone()))
    }
}

impl<R: fmt::Debug> fmt::Debug for WithMeta<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("WithMeta").field(&self.0).finish()
    }
}
