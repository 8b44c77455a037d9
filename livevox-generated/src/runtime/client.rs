//! The top layer: [`Client`], the one call path every generated operation goes through. A call
//! runs under the policy (rate limits, retries, deadline, `policy.rs`); each attempt builds the
//! URL and body, is sent by the authorization scheme (`auth/`) over the transport
//! (`transport.rs`), and its success body is decoded here.

use std::fmt;
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use bytes::Bytes;
use http::header::CONTENT_TYPE;
use serde::de::DeserializeOwned;
use tracing::Instrument;

use super::auth::livevox::SessionAuth;
use super::auth::Authorizer;
use super::binary;
use super::describe::{ApiSpec, Operation, ResponseFormat};
use super::error::{self, CallSite, DecodeError, Error, ErrorResponse};
use super::policy::Policy;
use super::request::Request;
use super::response::ResponseMeta;
use super::secret::{scrub, Secret};
use super::transport::{read_capped, Outgoing, Transport};

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

/// A success response as the call path hands it on: its status and its body, read up to the
/// client's `max_response_bytes` (empty when the operation expects none).
struct Received {
    status: http::StatusCode,
    /// The response's headers (moved out of the response, not copied).
    headers: http::HeaderMap,
    /// The response's `Content-Type`, when it sent a readable one.
    content_type: Option<String>,
    body: Bytes,
}

impl Client {
    /// A client over these layers (made by the builder).
    pub(crate) fn from_inner(inner: Inner) -> Client {
        Client { inner: Arc::new(inner) }
    }

    /// Sends one operation and decodes its response into `T` (`()` for no body, `String` for
    /// text). The entry point of generated code for every response format but binary.
    pub async fn execute<T: DeserializeOwned>(&self, request: Request) -> Result<T, Error> {
        self.call(request, |client, op, received| {
            // The login operation's body holds a fresh session id the scrubber does not know yet.
            let excerpts = !client.is_login(op);
            client.decode(CallSite::from(op), op.response, received, excerpts)
        })
        .await
    }

    /// Like [`Client::execute`], and also hands back the response's status and headers: the
    /// entry point of generated code for operations that declare response headers or page by
    /// the `Link` header, and for callers that want the raw answer beside the typed body.
    pub async fn execute_with_meta<T: DeserializeOwned>(&self, request: Request) -> Result<(T, ResponseMeta), Error> {
        self.call(request, |client, op, mut received| {
            let meta = ResponseMeta::new(received.status, std::mem::take(&mut received.headers));
            let excerpts = !client.is_login(op);
            client.decode(CallSite::from(op), op.response, received, excerpts).map(|value| (value, meta))
        })
        .await
    }

    /// Sends one operation and returns its body as bytes: the entry point of generated code for
    /// binary responses (recordings, archives), whose bytes text decoding would corrupt. Same
    /// path as [`Client::execute`]: sessions, rate limits, retries, error decoding and the
    /// `max_response_bytes` limit. `ResponseFormat::Binary` gives the body as it came;
    /// `ResponseFormat::BinaryOrBase64Json` the same, or the decoded base64 field when the
    /// server answered JSON. For other formats it skips decoding (and so the 202
    /// partial-success check of JSON operations).
    pub async fn execute_bytes(&self, request: Request) -> Result<Bytes, Error> {
        self.call(request, |client, op, received| client.bytes_of(op, received)).await
    }

    /// Like [`Client::execute_bytes`], and also hands back the response's status and headers.
    pub async fn execute_bytes_with_meta(&self, request: Request) -> Result<(Bytes, ResponseMeta), Error> {
        self.call(request, |client, op, mut received| {
            let meta = ResponseMeta::new(received.status, std::mem::take(&mut received.headers));
            client.bytes_of(op, received).map(|bytes| (bytes, meta))
        })
        .await
    }

    /// The bytes of a success body, as [`Client::execute_bytes`] describes.
    fn bytes_of(&self, op: &'static Operation, received: Received) -> Result<Bytes, Error> {
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

    /// The one call path: a `livevox.call` span around the policy (rate limits, retries,
    /// sessions) and `finish`, which turns the success body into the caller's value.
    async fn call<O>(
        &self,
        request: Request,
        finish: impl FnOnce(&Client, &'static super::Operation, Received) -> Result<O, Error> + Send,
    ) -> Result<O, Error> {
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
        async move {
            let started = Instant::now();
            let result = self.inner.policy.run(op, request.deadline, || self.attempt(&request)).await.and_then(|received| {
                let status = received.status;
                finish(self, op, received).map(|value| (status, value))
            });
            let span = tracing::Span::current();
            let latency_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
            span.record("latency_ms", latency_ms);
            let status = match &result {
                Ok((status, _)) => Some(*status),
                Err(e) => e.status(),
            };
            if let Some(status) = status {
                span.record("status", status.as_u16());
            }
            match &result {
                Ok(_) => tracing::debug!(status = status.map(|s| s.as_u16()), latency_ms, "call succeeded"),
                // The kind only: an error's Display can quote the response body.
                Err(e) => tracing::debug!(status = status.map(|s| s.as_u16()), latency_ms, error = e.kind(), "call failed"),
            }
            result.map(|(_, value)| value)
        }
        .instrument(span)
        .await
    }

    /// One attempt: sent, refused with the error the status says, or read. The body is read
    /// here, inside the retry loop, so a body cut short is retried like any transport failure.
    async fn attempt(&self, request: &Request) -> Result<Received, Error> {
        let op = request.op;
        let transport = &*self.inner.transport;
        let url = request.url(&transport.base)?;
        let body = request.body_bytes(self.inner.api.content_type)?.map(Bytes::from);
        let out = Outgoing {
            operation: op.name,
            method: op.method,
            url: &url,
            body,
            timeout: request.timeout.or(transport.timeout),
            accept: op.response.accept(),
        };
        let (response, sent_secret) = self.inner.auth.send(transport, op, &out).await?;
        let status = response.status();
        if !status.is_success() {
            let secrets = self.secrets();
            let secrets: Vec<&Secret> = secrets.iter().chain(sent_secret.as_ref()).collect();
            // Read before the body consumes the response: the server's own "slow down" signal.
            let throttled = self.inner.api.server_rate_limit.and_then(|limit| limit.signal(status, response.headers(), SystemTime::now()));
            let err = transport.error_from(CallSite::from(op), response, self.inner.auth.expired_status(), &secrets).await;
            return Err(match throttled {
                Some(signal) => signal.throttled(err),
                None => err,
            });
        }
        let mut response = response;
        let headers = std::mem::take(response.headers_mut());
        if op.response == ResponseFormat::None {
            // Nothing is expected; whatever was sent is dropped unread.
            return Ok(Received { status, headers, content_type: None, body: Bytes::new() });
        }
        let site = CallSite::from(op);
        let limit = transport.max_response_bytes;
        if response.content_length().is_some_and(|n| n > limit as u64) {
            let too_large = format!("the response body is larger than the {limit}-byte limit");
            return Err(self.decode_error(site, status, ".".into(), too_large, None));
        }
        // Only a base64-or-binary answer is read by its type; no copy of it for the others.
        let content_type = match op.response {
            ResponseFormat::BinaryOrBase64Json { .. } => headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned),
            _ => None,
        };
        if response.content_length().is_some() {
            // Its length is known and within the limit (checked above), and the connection
            // enforces it: read it whole, without copying it chunk by chunk.
            let body = response.bytes().await.map_err(|e| Error::transport(op.name, e))?;
            return Ok(Received { status, headers, content_type, body });
        }
        let (bytes, truncated) = read_capped(response, limit).await.map_err(|e| Error::transport(op.name, e))?;
        if truncated {
            // Raw bytes make no readable excerpt, and a login body holds the new session id.
            let binary = matches!(op.response, ResponseFormat::Binary { .. } | ResponseFormat::BinaryOrBase64Json { .. });
            let excerpt = !binary && !self.is_login(op);
            let too_large = format!("the response body is larger than the {limit}-byte limit");
            return Err(self.decode_error(site, status, ".".into(), too_large, Some(&bytes).filter(|_| excerpt).map(Vec::as_slice)));
        }
        Ok(Received { status, headers, content_type, body: Bytes::from(bytes) })
    }

    /// Whether `op` is the API's login operation, whose answer holds a fresh session id.
    fn is_login(&self, op: &Operation) -> bool {
        self.inner.auth.session_auth().is_some_and(|session| session.is_login(op))
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
    fn decode<T: DeserializeOwned>(&self, site: CallSite, format: ResponseFormat, received: Received, excerpts: bool) -> Result<T, Error> {
        let Received { status, body: bytes, .. } = received;
        let decode_err = |path: String, message: String, body: Option<&[u8]>| {
            self.decode_error(site, status, path, message, body.filter(|_| excerpts))
        };
        match format {
            // Nothing is expected; whatever was sent was dropped unread.
            ResponseFormat::None => {
                return serde_json::from_value(serde_json::Value::Null).map_err(|e| decode_err(".".into(), e.to_string(), None))
            }
            ResponseFormat::Text | ResponseFormat::TextAs { .. } => {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                return serde_json::from_value(serde_json::Value::String(text)).map_err(|e| decode_err(".".into(), e.to_string(), None));
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
            return serde_json::from_value(serde_json::Value::Null)
                .map_err(|e| decode_err(".".into(), format!("empty body: {e}"), Some(&bytes)));
        }
        // The common case at serde_json's own speed; only a failure is decoded again, tracking
        // the path of the field that failed.
        if let Ok(value) = serde_json::from_slice::<T>(&bytes) {
            return Ok(value);
        }
        let mut de = serde_json::Deserializer::from_slice(&bytes);
        let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let path = e.path().to_string();
            decode_err(path, e.into_inner().to_string(), Some(&bytes))
        })?;
        de.end().map_err(|e| decode_err(".".into(), e.to_string(), Some(&bytes)))?;
        Ok(value)
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
