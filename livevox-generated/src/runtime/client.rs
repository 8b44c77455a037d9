//! The top layer: [`Client`], the one call path every generated operation goes through. A call
//! runs under the policy (rate limits, retries, deadline, `policy.rs`); each attempt builds the
//! URL and body, is sent by the authorization scheme (`auth/`) over the transport
//! (`transport.rs`), and its success body is decoded here. A first attempt that can go at once
//! (no rate limit, its credential in hand) is sent straight to reqwest with the same pieces, and
//! the policy takes over only when it fails (`Client::attempts`).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use bytes::Bytes;
use http::header::CONTENT_TYPE;
use serde::de::DeserializeOwned;

use super::auth::livevox::SessionAuth;
use super::auth::{Authorizer, Credential};
use super::binary;
use super::deadline::Deadline;
use super::describe::{ApiSpec, Operation, ResponseFormat};
use super::error::{self, CallSite, DecodeError, Error, ErrorResponse};
use super::json_path;
use super::policy::Policy;
use super::request::Request;
use super::secret::{scrub, Secret};
use super::transport::{exchange_error, read_body, Outgoing, Transport};

/// The runtime client: cheap to clone; clones share the connection pool, the session and the
/// rate limiters.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

/// The layers of a client, bottom to top.
pub(crate) struct Inner {
    pub api: &'static ApiSpec,
    pub transport: Arc<Transport>,
    pub auth: Authorizer,
    pub policy: Policy,
}

/// A success response as the call path hands it on to decoding: its status and its body, read
/// up to the client's `max_response_bytes` (empty when the operation expects none). Opaque
/// outside the runtime.
pub struct Received {
    pub(crate) status: http::StatusCode,
    /// The response's headers (moved out of the response, not copied).
    pub(crate) headers: http::HeaderMap,
    /// The response's `Content-Type`, when it sent a readable one.
    pub(crate) content_type: Option<String>,
    pub(crate) body: Bytes,
}

/// The one call path of every operation, up to a success response: boxed and not generic, so
/// it is compiled once ([`super::Answering`] decodes what it gives).
pub(crate) type RawCall = Pin<Box<dyn Future<Output = Result<(Received, Trace), Error>> + Send + 'static>>;

/// The `livevox.call` span of a call whose response arrived, still open for its decoding:
/// [`Trace::finish`] records the status and latency of the whole call, decoding included.
pub(crate) struct Trace {
    span: tracing::Span,
    started: Instant,
    status: http::StatusCode,
}

impl Trace {
    /// Runs the decoding inside the call's span, then records how the call ended.
    pub(crate) fn finish<O>(self, decode: impl FnOnce() -> Result<O, Error>) -> Result<O, Error> {
        let result = if self.span.is_disabled() { decode() } else { self.span.in_scope(decode) };
        end_call(&self.span, self.started, result.as_ref().err(), Some(self.status));
        result
    }
}

/// The future `make` makes, boxed, for a path a call rarely takes (a retry, a renewal, an error
/// body). Made here, in a frame of its own, and polled through a `dyn` pointer: made where it
/// is awaited, or polled where the compiler can inline its `poll`, the future would take room
/// on the stack frame of the call's own `poll`, on every poll of every call (4.6 KiB for a
/// renewal), and everything the call runs below it would run that much deeper.
#[inline(never)]
fn cold_box<'a, F: Future + Send + 'a>(make: impl FnOnce() -> F) -> Pin<Box<dyn Future<Output = F::Output> + Send + 'a>> {
    Box::pin(make())
}

/// A serde_json error's message without its " at line L column C" suffix: for a value the
/// client made up (`null` for an empty body, a body's text as a JSON string) it points nowhere.
fn no_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    match text.strip_suffix(&suffix) {
        Some(message) if e.line() != 0 => message.to_owned(),
        _ => text,
    }
}

/// Records a call's latency and status on its span and logs how it ended (`status` is the
/// response's, when one arrived).
fn end_call(span: &tracing::Span, started: Instant, err: Option<&Error>, status: Option<http::StatusCode>) {
    let latency_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let status = err.map_or(status, Error::status);
    let _entered = (!span.is_disabled()).then(|| {
        span.record("latency_ms", latency_ms);
        if let Some(status) = status {
            span.record("status", status.as_u16());
        }
        span.enter()
    });
    match err {
        None => tracing::debug!(status = status.map(|s| s.as_u16()), latency_ms, "call succeeded"),
        // The kind only: an error's Display can quote the response body.
        Some(e) => tracing::debug!(status = status.map(|s| s.as_u16()), latency_ms, error = e.kind(), "call failed"),
    }
}

impl Client {
    /// A client over these layers (made by the builder).
    pub(crate) fn from_inner(inner: Inner) -> Client {
        Client { inner: Arc::new(inner) }
    }

    /// The bytes of a success body, as [`Client::execute_bytes`] describes.
    pub(crate) fn bytes_of(&self, op: &'static Operation, received: Received) -> Result<Bytes, Error> {
        match op.response {
            ResponseFormat::BinaryOrBase64Json { field } => {
                let site = CallSite::from(op);
                if received.status == http::StatusCode::ACCEPTED {
                    if let Some(err) = self.partial_success(site, &received.body) {
                        return Err(err);
                    }
                }
                let status = received.status;
                binary::bytes_of_answer(received.content_type.as_deref(), received.body, field)
                    .map_err(|e| self.decode_error(site, status, e.path, e.message, None))
            }
            _ => Ok(received.body),
        }
    }

    /// Starts the call path of `request`: a `livevox.call` span around the policy (rate
    /// limits, retries, sessions) and the attempts, up to a success response. A failed call
    /// ends its span here; a success leaves it to [`Trace::finish`], after decoding.
    pub(crate) fn start(&self, request: Request) -> RawCall {
        Box::pin(self.clone().run(request))
    }

    /// The future [`Client::start`] boxes: the call's span around [`Client::attempts`].
    ///
    /// A call's state is small enough for one box of at most 1,032 bytes, the largest request
    /// glibc's allocator serves from its per-thread cache (one box of 2,712 bytes once took
    /// malloc's large-chunk path and consolidated its fast bins on every call, README,
    /// Benchmarks): the first attempt is inline ([`Client::first_attempt`]); the policy's
    /// retries, each of its attempts and each authorized send, and the rare paths (a login, a
    /// rate-limit wait, an error body) are boxed where they are taken. The unit test below
    /// keeps them so.
    ///
    /// Not an `async fn`: an `async fn` keeps its argument twice in its state, as the argument
    /// and as the body's local.
    #[allow(clippy::manual_async_fn)] // an `async fn` would hold `request` twice (above)
    fn run(self, request: Request) -> impl Future<Output = Result<(Received, Trace), Error>> + Send + 'static {
        async move {
            let op = request.op;
            // Path template, never the filled path: a filled path can hold a session id (logout).
            let span = tracing::info_span!(
                "livevox.call",
                operation = op.name,
                method = op.method.as_str(),
                path = op.path,
                status = tracing::field::Empty,
                latency_ms = tracing::field::Empty,
                attempts = tracing::field::Empty,
            );
            let started = Instant::now();
            // Polled inside the span when anyone listens, else as it is: one future either way
            // (an `Instrumented` wrapper beside the bare future would hold it twice).
            let outcome = {
                let mut attempts = std::pin::pin!(self.attempts(&request, &span));
                std::future::poll_fn(|cx| {
                    let _entered = (!span.is_disabled()).then(|| span.enter());
                    attempts.as_mut().poll(cx)
                })
                .await
            };
            match outcome {
                Ok(received) => {
                    let status = received.status;
                    Ok((received, Trace { span, started, status }))
                }
                Err(e) => {
                    end_call(&span, started, Some(&e), None);
                    Err(e)
                }
            }
        }
    }

    /// Every attempt of a call, up to a success response: the first on its own path when it
    /// can go at once ([`Client::first_attempt`]), the rest under the policy ([`Policy::run`]:
    /// rate limits, retries, the deadline), which takes the first attempt's failure as
    /// attempt 1's. A call that succeeds on its first attempt, most of them, so makes one
    /// exchange with no layer between it and reqwest but its credential.
    async fn attempts(&self, request: &Request, span: &tracing::Span) -> Result<Received, Error> {
        let op = request.op;
        let policy = &self.inner.policy;
        let deadline = policy.start_deadline(op, request.deadline);
        let started = tokio::time::Instant::now();
        // In a block of its own, so that nothing of the first attempt stays in the call's state
        // while the policy runs (boxed: inline, its state would double the call's).
        let policy_run = {
            // Pinned where it is made: moved out of the `Option` to be awaited, it would take
            // its room in the call's state twice.
            let mut first = std::pin::pin!(self.first_attempt(request, &deadline));
            let mut failed = match first.as_mut().as_pin_mut() {
                Some(attempt) => match attempt.await {
                    Ok(received) => {
                        if !span.is_disabled() {
                            span.record("attempts", 1);
                        }
                        return Ok(received);
                    }
                    Err(error) => Some(error),
                },
                None => None,
            };
            // The policy's attempt 1 is then this one: its failure, and when it started.
            let first_start = failed.is_some().then_some(started);
            cold_box(move || policy.run(op, span, deadline, first_start, move |deadline| self.attempt(request, deadline, failed.take())))
        };
        policy_run.await
    }

    /// The first attempt of `request` when it can go out at once: the operation has no rate
    /// limit and its credential is at hand ([`Authorizer::ready`]: none needed, a session in
    /// hand, a fixed or still fresh token). It is made as [`Client::attempt`] makes it, with the request
    /// built before the future exists, so the future holds reqwest's and no layers above it.
    /// `None` leaves the attempt to the policy: a rate limit to wait for, a credential to
    /// fetch or wait for, or a request that cannot be built (its attempt reports why).
    fn first_attempt<'a>(&'a self, request: &'a Request, deadline: &'a Deadline) -> Option<impl Future<Output = Result<Received, Error>> + Send + 'a> {
        let op = request.op;
        if op.rate_limit.is_some() {
            return None;
        }
        let credential = self.inner.auth.ready(op)?;
        let transport = &*self.inner.transport;
        let url = request.url(&transport.base).ok()?;
        let body = request.body_bytes(self.inner.api.content_type).ok()?.map(Bytes::from);
        let out = self.outgoing(request, &url, body, deadline);
        // Not sendable (a deadline already past, an `Accept` that is no header value): the
        // policy's attempt reports it.
        let send = transport.execute(&out, credential.as_ref().map(|c| (&c.header, &c.value))).ok()?;
        Some(async move {
            let response = send.await.map_err(|e| exchange_error(deadline, op.name, e))?;
            let (mut response, sent_secret) = match credential {
                // Refused (an expired session, a revoked token): renewed and replayed once, as
                // the scheme's own send does; boxed, since it is rare.
                Some(first) if self.inner.auth.refuses(op, response.status()) => cold_box(|| self.replay_first(request, deadline, response, first)).await?,
                credential => (response, credential.and_then(|c| c.secret)),
            };
            self.answer(op, &mut response, sent_secret, deadline).await
        })
    }

    /// The first attempt's credential was refused: the scheme renews it and replays the
    /// request once ([`Authorizer::refused`]). The request is built again for the replay, as
    /// it was built for the first send.
    async fn replay_first(
        &self,
        request: &Request,
        deadline: &Deadline,
        response: reqwest::Response,
        first: Credential,
    ) -> Result<(reqwest::Response, Option<Secret>), Error> {
        let url = request.url(&self.inner.transport.base)?;
        let body = request.body_bytes(self.inner.api.content_type)?.map(Bytes::from);
        let out = self.outgoing(request, &url, body, deadline);
        self.inner.auth.refused(&self.inner.transport, request.op, &out, response, first).await
    }

    /// What an attempt of `request` sends to `url`.
    fn outgoing<'a>(&self, request: &Request, url: &'a url::Url, body: Option<Bytes>, deadline: &'a Deadline) -> Outgoing<'a> {
        let op = request.op;
        Outgoing {
            operation: op.name,
            method: op.method,
            url,
            body,
            timeout: request.timeout.or(self.inner.transport.timeout),
            deadline,
            accept: op.response.accept(),
        }
    }

    /// One attempt under the policy: sent by the authorization scheme, with whatever waits and
    /// renewals it needs, then answered ([`Client::answer`]).
    ///
    /// The call's `deadline` bounds it through the layers below (the exchange's timer, the
    /// authorization scheme's waits) rather than a timer of its own around it; it fails with
    /// [`Error::DeadlineExceeded`] when that cut it short.
    ///
    /// `made` is the failure of an attempt [`Client::first_attempt`] made: this attempt is
    /// that one, and gives it.
    ///
    /// Not an `async fn`, and its send is boxed, for the sizes [`Client::run`] explains.
    #[allow(clippy::manual_async_fn)] // an `async fn` would hold `deadline` twice
    fn attempt<'a>(&'a self, request: &'a Request, deadline: Deadline, made: Option<Error>) -> impl Future<Output = Result<Received, Error>> + Send + 'a {
        async move {
            if let Some(failure) = made {
                return Err(failure);
            }
            let op = request.op;
            let transport = &*self.inner.transport;
            let url = request.url(&transport.base)?;
            let body = request.body_bytes(self.inner.api.content_type)?.map(Bytes::from);
            let out = self.outgoing(request, &url, body, &deadline);
            let (mut response, sent_secret) = Box::pin(self.inner.auth.send(transport, op, &out)).await?;
            self.answer(op, &mut response, sent_secret, &deadline).await
        }
    }

    /// The answer to an attempt: refused with the error its status says, or read. The body is
    /// read here, inside the retry loop, so a body cut short is retried like any transport
    /// failure. `sent_secret` is the secret the attempt went out with (scrubbed from an error
    /// body).
    ///
    /// It borrows the response, so a call's future holds it once, not again as an argument.
    async fn answer(&self, op: &'static Operation, response: &mut reqwest::Response, sent_secret: Option<Secret>, deadline: &Deadline) -> Result<Received, Error> {
        let status = response.status();
        if !status.is_success() {
            // Boxed: it is rare, and inline its state would grow every call's.
            return Err(cold_box(|| self.refusal_of(op, response, sent_secret, deadline)).await);
        }
        if op.response == ResponseFormat::None {
            // Nothing is expected; whatever was sent is dropped unread.
            return Ok(Received { status, headers: std::mem::take(response.headers_mut()), content_type: None, body: Bytes::new() });
        }
        let limit = self.inner.transport.max_response_bytes;
        if response.content_length().is_some_and(|n| n > limit as u64) {
            let too_large = format!("the response body is larger than the {limit}-byte limit");
            return Err(self.decode_error(CallSite::from(op), status, ".".into(), too_large, None));
        }
        let (body, truncated) = read_body(response, limit).await.map_err(|e| exchange_error(deadline, op.name, e))?;
        if truncated {
            // Raw bytes make no readable excerpt, and a login body holds the new session id.
            let binary = matches!(op.response, ResponseFormat::Binary { .. } | ResponseFormat::BinaryOrBase64Json { .. });
            let excerpt = !binary && !self.is_login(op);
            let too_large = format!("the response body is larger than the {limit}-byte limit");
            return Err(self.decode_error(CallSite::from(op), status, ".".into(), too_large, Some(&body[..]).filter(|_| excerpt)));
        }
        // Taken once the body is read, so the call's state does not hold them during the read.
        let headers = std::mem::take(response.headers_mut());
        // Only a base64-or-binary answer is read by its type; no copy of it for the others.
        let content_type = match op.response {
            ResponseFormat::BinaryOrBase64Json { .. } => headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned),
            _ => None,
        };
        Ok(Received { status, headers, content_type, body })
    }

    /// The error an answer that is not a success stands for, its body read and decoded with
    /// the API's error format (scrubbed of the scheme's secrets and `sent_secret`, the one the
    /// attempt went out with).
    async fn refusal_of(&self, op: &'static Operation, response: &mut reqwest::Response, sent_secret: Option<Secret>, deadline: &Deadline) -> Error {
        let status = response.status();
        let secrets = self.secrets();
        let secrets: Vec<&Secret> = secrets.iter().chain(sent_secret.as_ref()).collect();
        // Read before the body consumes the response: the server's own "slow down" signal.
        let throttled = self.inner.api.server_rate_limit.and_then(|limit| limit.signal(status, response.headers(), SystemTime::now()));
        let err = self.inner.transport.error_from(CallSite::from(op), response, self.inner.auth.expired_status(), &secrets).await;
        if deadline.has_passed() {
            // The exchange's timer cut the error body short: the deadline ended the call.
            return deadline.exceeded("the error response had not been read", None);
        }
        match throttled {
            Some(signal) => signal.throttled(err),
            None => err,
        }
    }

    /// Whether `op` is the API's login operation, whose answer holds a fresh session id.
    fn is_login(&self, op: &Operation) -> bool {
        // Asked on every decode: borrowed, not a clone of the scheme's `Arc`.
        matches!(&self.inner.auth, Authorizer::Session(session) if session.is_login(op))
    }

    /// Everything that must not appear in error text: the scheme's secrets (access token,
    /// password, session id, tokens).
    fn secrets(&self) -> Vec<Secret> {
        self.inner.auth.secrets()
    }

    /// A decoding error of a success response. serde messages quote the offending value, so
    /// they are scrubbed of secrets as the excerpt is.
    fn decode_error(&self, site: CallSite, status: http::StatusCode, path: String, message: String, body: Option<&[u8]>) -> Error {
        let secrets = self.secrets();
        let secrets: Vec<&Secret> = secrets.iter().collect();
        let excerpt = body.map(|b| scrub(&error::excerpt(b), &secrets));
        let message = scrub(&error::truncate_str(&message, error::MAX_MESSAGE), &secrets);
        Error::Decode(DecodeError::new(site.operation, Some(status), path, message, excerpt))
    }

    /// Turns a success body into `T` as the operation's format says.
    pub(crate) fn decode<T: DeserializeOwned>(&self, op: &'static Operation, received: Received) -> Result<T, Error> {
        let (site, format, status) = (CallSite::from(op), op.response, received.status);
        // The login operation's body holds a fresh session id the scrubber does not know yet.
        let excerpts = !self.is_login(op);
        let bytes = received.body;
        let decode_err = |path: String, message: String, body: Option<&[u8]>| {
            self.decode_error(site, status, path, message, body.filter(|_| excerpts))
        };
        match format {
            // Nothing is expected; whatever was sent was dropped unread.
            ResponseFormat::None => {
                return serde_json::from_slice(b"null").map_err(|e| decode_err(".".into(), no_position(&e), None))
            }
            ResponseFormat::Text | ResponseFormat::TextAs { .. } => {
                // Read as a JSON string through the same deserializer as JSON bodies, so a response
                // type's decoding is compiled once (`serde_json::from_value` would add another).
                let text = serde_json::to_vec(&String::from_utf8_lossy(&bytes)).map_err(|e| decode_err(".".into(), e.to_string(), None))?;
                return serde_json::from_slice(&text).map_err(|e| decode_err(".".into(), no_position(&e), None));
            }
            // Text or JSON decoding would corrupt the bytes; generated code never gets here.
            ResponseFormat::Binary { .. } | ResponseFormat::BinaryOrBase64Json { .. } => {
                return Err(decode_err(
                    ".".into(),
                    "the response is binary; read it with Client::execute_bytes, not decoded into a type".into(),
                    None,
                ))
            }
            ResponseFormat::Json | ResponseFormat::JsonAs { .. } => {}
        }
        if status == http::StatusCode::ACCEPTED {
            if let Some(err) = self.partial_success(site, &bytes) {
                return Err(err);
            }
        }
        // An empty body (a 204 where the spec promised JSON) reads as `null`, so optional and
        // unit outputs still decode and anything else fails with a clear message.
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return serde_json::from_slice(b"null")
                .map_err(|e| decode_err(".".into(), format!("empty body: {}", no_position(&e)), Some(&bytes)));
        }
        // A failure is placed by walking the body to where serde_json stopped: not generic, so
        // `T`'s decoding is compiled once, not again for a path-tracking deserializer.
        serde_json::from_slice::<T>(&bytes).map_err(|e| decode_err(json_path::path_of(&bytes, &e), e.to_string(), Some(&bytes)))
    }

    /// A 202 whose body is an error body and nothing else (only the API's code and message
    /// fields, with a message) is LiveVox saying the call was not (fully) carried out.
    fn partial_success(&self, site: CallSite, body: &[u8]) -> Option<Error> {
        let (code_field, message_field) = self.inner.api.errors.json?;
        let serde_json::Value::Object(map) = serde_json::from_slice::<serde_json::Value>(body).ok()? else {
            return None;
        };
        let only_error_fields = map.keys().all(|k| k == code_field || k == message_field);
        if !only_error_fields || !map.contains_key(message_field) {
            return None;
        }
        let secrets = self.secrets();
        let secrets: Vec<&Secret> = secrets.iter().collect();
        let response = ErrorResponse { status: http::StatusCode::ACCEPTED, retry_after: None, body, truncated: false };
        Some(error::from_response(site, None, &self.inner.api.errors, response, &secrets))
    }

    /// Logs in now (and replaces the current session), rather than on the first call that
    /// needs a session.
    pub async fn login(&self) -> Result<(), Error> {
        match &self.inner.auth {
            Authorizer::Session(session) => session.login().await,
            _ => Err(Error::Config(format!("the {} API has no login", self.inner.api.name))),
        }
    }

    /// The current session id, to hand to another process or to
    /// [`ClientBuilder::session_id`](super::ClientBuilder::session_id) later.
    pub fn session_id(&self) -> Option<Secret> {
        self.inner.auth.session_id()
    }

    /// Forgets the session (after calling logout, say); the next session call logs in again.
    pub fn clear_session(&self) {
        if let Authorizer::Session(session) = &self.inner.auth {
            session.clear();
        }
    }

    /// The session scheme of a LiveVox client, for another client to relay.
    pub(crate) fn session_auth(&self) -> Option<Arc<SessionAuth>> {
        self.inner.auth.session_auth()
    }

    /// The base URL calls go to.
    pub fn base_url(&self) -> &str {
        self.inner.transport.base.as_str()
    }

    /// The base URL, parsed once by the builder.
    pub(crate) fn base(&self) -> &url::Url {
        &self.inner.transport.base
    }

    /// The API this client talks to.
    pub fn api(&self) -> &'static ApiSpec {
        self.inner.api
    }

    /// The underlying connection pool, to share with other clients.
    pub fn http_client(&self) -> &reqwest::Client {
        &self.inner.transport.http
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        let mut d = f.debug_struct("Client");
        d.field("api", &inner.api.name)
            .field("base_url", &inner.transport.base.as_str())
            .field("timeout", &inner.transport.timeout)
            .field("deadline", &inner.policy.deadline)
            .field("retry", &inner.policy.retry)
            .field("rate_limited_operations", &inner.policy.limits);
        inner.auth.debug_fields(&mut d);
        d.finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    #![allow(deprecated)] // the legacy DNC list is deprecated in the spec, on purpose

    use super::{Deadline, Outgoing};
    use crate::compliance::DncType;
    use crate::runtime::Call;

    /// Every call's future is moved into its box when it starts, so its size is copied on every
    /// call. At fc7b3f7 a `read_dnc` call was 6,592 bytes, mostly the state of paths a call with
    /// a session in hand never takes (a login, a rate-limit wait, an error body, the token
    /// schemes), each inline, and the deadline holding the attempt twice; those are boxed now.
    /// Then the 2,712 bytes left became three boxes (the call, each attempt, each authorized
    /// send), each at most 1,032 bytes, the largest size glibc's malloc serves from its
    /// per-thread cache (`Client::run` says what a larger one cost). Now a call whose first
    /// attempt goes at once takes one box, the call's; the policy's loop, its attempts and
    /// their sends are boxes of their own, taken after a failure or for a rate limit.
    #[test]
    fn each_box_of_a_call_in_flight_is_at_most_1032_bytes() {
        const LIMIT: usize = 1_032;
        let client = crate::Client::builder()
            .base_url("http://127.0.0.1:9")
            .allow_plain_http_for_loopback_tests()
            .session_id("a-session")
            .build()
            .expect("a client");
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
        let _context = runtime.enter();
        for (name, (client, request)) in
            [("read_dnc", client.compliance().read_dnc(7).prepare()), ("list_dnc", client.compliance().list_dnc(DncType::Permanent).prepare())]
        {
            let deadline = Deadline::start(request.op.name, None);
            let transport = &*client.inner.transport;
            let url = request.url(&transport.base).expect("a URL");
            let out = Outgoing { operation: "t", method: request.op.method, url: &url, body: None, timeout: None, deadline: &deadline, accept: None };
            let send = std::mem::size_of_val(&client.inner.auth.send(transport, request.op, &out));
            let attempt = std::mem::size_of_val(&client.attempt(&request, deadline, None));
            let span = tracing::Span::none();
            let policy = std::mem::size_of_val(&client.inner.policy.run(request.op, &span, deadline, None, |d| client.attempt(&request, d, None)));
            let Some(first) = client.first_attempt(&request, &deadline).map(|f| std::mem::size_of_val(&f)) else {
                panic!("a {name} call with a session in hand goes out on the first-attempt path");
            };
            let call = std::mem::size_of_val(&client.run(request));
            // The first attempt is inline in the call's box, not a box of its own.
            assert!(first < call, "{name}: the first attempt ({first} bytes) is not inside the call ({call} bytes)");
            for (what, size) in [("call", call), ("policy", policy), ("attempt", attempt), ("authorized send", send)] {
                assert!(size <= LIMIT, "a {name} {what}'s future is {size} bytes, more than {LIMIT}: is a cold path (login, rate-limit wait, error body) inline again?");
                assert!(size >= 256, "a {name} {what}'s future is {size} bytes: is this measuring the call path at all?");
            }
        }
    }
}
