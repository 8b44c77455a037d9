//! The shared client and its builder: configuration checks (HTTPS only, headers, auth), the
//! one call path every generated operation goes through, session handling around it, and the
//! decoding of responses.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, CONTENT_TYPE, RETRY_AFTER, USER_AGENT};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use super::auth;
use super::deadline::{Deadline, DEFAULT_DEADLINE};
use super::error::{self, CallSite, DecodeError, ErrorResponse, MAX_ERROR_BODY};
use super::ratelimit::RateLimits;
use super::retry::{RetryConfig, Tally};
use super::secret::scrub;
use super::session::{LoginConfig, Sessions, Ticket, Want};
use super::shared;
use super::{ApiSpec, AuthNeed, AuthScheme, Error, Method, Request, ResponseFormat, Secret};

/// Connect timeout when the caller sets none.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Attempt timeout (connect, send, wait and read the body of one attempt) when the caller sets
/// none; the whole call is bounded by the deadline ([`DEFAULT_DEADLINE`]).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Largest success body read when the caller sets no other limit.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;
/// The `User-Agent` sent unless the caller sets another.
pub const DEFAULT_USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));
/// The operation name errors and logs use for the client's own logins.
pub const LOGIN_OPERATION: &str = "session.login";
/// Largest login response read: it is a handful of fields.
const MAX_LOGIN_RESPONSE: usize = 64 * 1024;

/// A generated API's client type: how the generic builder makes one.
pub trait ApiClient: Sized {
    /// The API this client talks to.
    fn api() -> &'static ApiSpec;
    /// Wraps a configured runtime client.
    fn from_runtime(client: Client) -> Self;
}

/// An environment of a generated API (the generated `Environment` enum implements this).
pub trait Environment {
    /// The environment's base URL.
    fn base_url(&self) -> &'static str;
}

/// LiveVox user credentials for login. `Debug` never shows the password.
#[derive(Clone)]
pub struct Credentials {
    /// The client *code* (not its display name).
    pub client_name: String,
    /// Case-sensitive for users, case-insensitive for agents.
    pub user_name: String,
    /// The password; never shown in `Debug`.
    pub password: Secret,
    /// Log in as an agent: agent sessions may call only some methods (others answer 403).
    pub agent: bool,
}

impl Credentials {
    /// A (non-agent) user login.
    pub fn user(client_name: impl Into<String>, user_name: impl Into<String>, password: impl Into<Secret>) -> Self {
        Credentials { client_name: client_name.into(), user_name: user_name.into(), password: password.into(), agent: false }
    }

    /// An agent login.
    pub fn agent(client_name: impl Into<String>, user_name: impl Into<String>, password: impl Into<Secret>) -> Self {
        Credentials { agent: true, ..Credentials::user(client_name, user_name, password) }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("client_name", &self.client_name)
            .field("user_name", &self.user_name)
            .field("password", &self.password)
            .field("agent", &self.agent)
            .finish()
    }
}

/// The login request body. `agent` is a JSON boolean: the docs' example sends the string
/// `"true"`, but the LiveVox-credited Java client sends a boolean and the server takes both.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct LoginBody<'a> {
    client_name: &'a str,
    user_name: &'a str,
    password: &'a Secret,
    agent: bool,
}

/// The runtime client: cheap to clone; clones share the connection pool, the session and the
/// rate limiters.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    api: &'static ApiSpec,
    http: reqwest::Client,
    base: url::Url,
    /// Sent on every request: `Content-Type`, `Accept`, the API's own headers, `User-Agent`.
    headers: HeaderMap,
    timeout: Option<Duration>,
    /// The limit for a whole call ([`super::CallLimits`]).
    deadline: Option<Duration>,
    max_response_bytes: usize,
    auth: Auth,
    retry: RetryConfig,
    /// Per-operation rate limits from the spec, shared by all clones.
    limits: RateLimits,
}

// One per client, so the size difference between the variants costs nothing.
#[allow(clippy::large_enum_variant)]
enum Auth {
    None,
    LiveVox {
        session_header: HeaderName,
        expired_status: u16,
        /// The access-token header and token, for `AuthNeed::AccessToken` operations.
        access: Option<(HeaderName, Secret)>,
        sessions: Sessions,
    },
    /// BASIC, BEARER, OAUTH, OAUTH2, or LIVEVOX relaying another client's session (`auth.rs`).
    Scheme(auth::Scheme),
}

/// A success response as the call path hands it on: its status and its body, read up to the
/// client's `max_response_bytes` (empty when the operation expects none).
struct Received {
    status: http::StatusCode,
    /// The response's `Content-Type`, when it sent a readable one.
    content_type: Option<String>,
    body: Bytes,
}

impl Client {
    /// Sends one operation and decodes its response into `T` (`()` for no body, `String` for
    /// text). The entry point of generated code for every response format but binary.
    pub async fn execute<T: DeserializeOwned>(&self, request: Request) -> Result<T, Error> {
        self.call(request, |client, op, received| {
            // The login operation's body holds a fresh session id the scrubber does not know yet.
            let excerpts = !client.is_login_path(op.path);
            client.decode(CallSite::from(op), op.response, received, excerpts)
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
        self.call(request, |client, op, received| match op.response {
            super::ResponseFormat::BinaryOrBase64Json { field } => {
                let site = CallSite::from(op);
                if received.status == http::StatusCode::ACCEPTED {
                    if let Some(err) = client.partial_success(site, &received.body) {
                        return Err(err);
                    }
                }
                let status = received.status;
                super::binary::bytes_of_answer(received.content_type.as_deref(), received.body, field)
                    .map_err(|e| client.decode_error(site, status, e.path, e.message, None))
            }
            _ => Ok(received.body),
        })
        .await
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
            let result = self.execute_with_policy(&request).await.and_then(|received| {
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

    /// One call as the caller sees it: each attempt waits for the operation's rate limit, and a
    /// failed attempt is sent again as the retry policy says (see the `retry` module).
    ///
    /// The retry budgets count from the first attempt's start, after the first wait for the
    /// rate limiter: queueing behind other callers does not eat into them, but a retry that
    /// cannot get past the limiter before its budget runs out is not made.
    ///
    /// The call's deadline ([`super::CallLimits`]) bounds all of it: a wait for the limiter
    /// that cannot end before it fails at once, and so does a retry whose backoff would.
    async fn execute_with_policy(&self, request: &Request) -> Result<Received, Error> {
        let op = request.op;
        let policy = &self.inner.retry;
        let deadline = Deadline::start(op.name, request.deadline.or(self.inner.deadline));
        let mut tally = Tally::default();
        let mut first_start: Option<tokio::time::Instant> = None;
        // The error of the last attempt, and until when its retry may wait for the limiter.
        let mut retrying: Option<(Error, tokio::time::Instant)> = None;
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let retry = retrying.take();
            let last = retry.as_ref().map(|(e, _)| e);
            if let Some(at) = self.inner.limits.earliest_start(op).filter(|&at| deadline.passes_before(at)) {
                let wait = at.saturating_duration_since(tokio::time::Instant::now());
                let detail = format!("the client's rate limit would hold the call for {wait:?}, past its deadline");
                return Err(deadline.exceeded(detail, last.cloned()));
            }
            let acquire = deadline.run(|d| d.exceeded("waiting for the client's rate limit", last.cloned()), self.inner.limits.acquire(op));
            let permit = match &retry {
                None => acquire.await??,
                Some((last, budget_end)) => match tokio::time::timeout_at(*budget_end, acquire).await {
                    Ok(permit) => permit??,
                    Err(_) => {
                        tracing::info!(operation = op.name, attempt, "retry budget spent waiting for the rate limit");
                        return Err(last.clone());
                    }
                },
            };
            let start = *first_start.get_or_insert_with(tokio::time::Instant::now);
            let result = deadline.run(|d| d.exceeded(format!("attempt {attempt} had not finished"), last.cloned()), self.execute_inner(request)).await;
            // Marks the call as ended for the rate limiter: only now has it surely arrived.
            if let Some(permit) = permit {
                permit.end().await;
            }
            tracing::Span::current().record("attempts", attempt);
            let err = match result {
                Ok(Ok(value)) => return Ok(value),
                Ok(Err(err)) => err,
                Err(cut) => return Err(cut),
            };
            let Some((delay, budget)) = policy.decide(op, &err, &mut tally, start.elapsed()) else {
                return Err(err);
            };
            if deadline.passes_before(tokio::time::Instant::now() + delay) {
                return Err(deadline.exceeded(format!("the retry after attempt {attempt} would start past the deadline"), Some(err)));
            }
            let delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
            tracing::info!(operation = op.name, attempt, delay_ms, error = err.kind(), "call failed; sending it again");
            tokio::time::sleep(delay).await;
            let deadline = start.checked_add(budget).unwrap_or_else(|| tokio::time::Instant::now() + budget.min(Duration::from_secs(86_400)));
            retrying = Some((err, deadline));
        }
    }

    /// One attempt: sent, refused with the error the status says, or read. The body is read
    /// here, inside the retry loop, so a body cut short is retried like any transport failure.
    async fn execute_inner(&self, request: &Request) -> Result<Received, Error> {
        let op = request.op;
        let url = request.url(&self.inner.base)?;
        let body = request.body_bytes()?.map(Bytes::from);
        let (response, sent_secret) = self.send_authorized(request, &url, body).await?;
        let status = response.status();
        if !status.is_success() {
            return Err(self.error_from(CallSite::from(op), response, sent_secret.as_ref()).await);
        }
        if op.response == ResponseFormat::None {
            // Nothing is expected; whatever was sent is dropped unread.
            return Ok(Received { status, content_type: None, body: Bytes::new() });
        }
        let site = CallSite::from(op);
        let limit = self.inner.max_response_bytes;
        let too_large = format!("the response body is larger than the {limit}-byte limit");
        if response.content_length().is_some_and(|n| n > limit as u64) {
            return Err(self.decode_error(site, status, ".".into(), too_large, None));
        }
        let content_type = response.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let (bytes, truncated) = read_capped(response, limit).await.map_err(|e| Error::transport(op.name, e))?;
        if truncated {
            // Raw bytes make no readable excerpt, and a login body holds the new session id.
            let binary = matches!(op.response, ResponseFormat::Binary { .. } | ResponseFormat::BinaryOrBase64Json { .. });
            let excerpt = !binary && !self.is_login_path(op.path);
            return Err(self.decode_error(site, status, ".".into(), too_large, Some(&bytes).filter(|_| excerpt).map(Vec::as_slice)));
        }
        Ok(Received { status, content_type, body: Bytes::from(bytes) })
    }

    fn is_login_path(&self, path: &str) -> bool {
        matches!(self.inner.api.auth, AuthScheme::LiveVox { login: Some(spec), .. } if spec.path == path)
    }

    /// Sends with the authorization the operation needs; a session call refused with the
    /// scheme's expired status is replayed once after a (single-flight) renewal. Replaying is
    /// safe even for non-idempotent calls: the server refused it without doing anything.
    ///
    /// Returns the response and the secret it was sent with (to scrub from an error body:
    /// after a concurrent renewal it is no longer the client's current session).
    async fn send_authorized(
        &self,
        request: &Request,
        url: &url::Url,
        body: Option<Bytes>,
    ) -> Result<(reqwest::Response, Option<Secret>), Error> {
        let op = request.op;
        let timeout = request.timeout.or(self.inner.timeout);
        let accept = op.response.accept();
        if let Auth::Scheme(scheme) = &self.inner.auth {
            return scheme.send(self, op, url, body, timeout).await;
        }
        let Auth::LiveVox { session_header, expired_status, access, sessions } = &self.inner.auth else {
            return Ok((self.send(op.name, op.method, url, body, None, timeout, accept).await?, None));
        };
        match op.auth {
            AuthNeed::None => Ok((self.send(op.name, op.method, url, body, None, timeout, accept).await?, None)),
            AuthNeed::AccessToken => match access {
                Some((header, token)) => Ok((self.send(op.name, op.method, url, body, Some((header, token)), timeout, accept).await?, None)),
                None => Err(Error::Config(format!(
                    "{} needs the access token, but the client was built without one (ClientBuilder::access_token)",
                    op.name
                ))),
            },
            AuthNeed::Session => {
                let ticket = self.session(sessions, Want::Current, op.name).await?;
                let response =
                    self.send(op.name, op.method, url, body.clone(), Some((session_header, &ticket.id)), timeout, accept).await?;
                if response.status().as_u16() != *expired_status || !sessions.can_login() {
                    return Ok((response, Some(ticket.id)));
                }
                drop(response);
                tracing::info!(operation = op.name, "session refused as expired; logging in again and replaying the call once");
                let renewed = self.session(sessions, Want::Renewal(ticket.generation), op.name).await?;
                let response = self.send(op.name, op.method, url, body, Some((session_header, &renewed.id)), timeout, accept).await?;
                Ok((response, Some(renewed.id)))
            }
        }
    }

    /// The session for a call of `operation`. A failed automatic login is wrapped in
    /// [`Error::Login`], naming the operation the caller called.
    async fn session(&self, sessions: &Sessions, want: Want, operation: &'static str) -> Result<Ticket, Error> {
        match sessions.acquire(want, |config| self.login_call(config)).await {
            Some(Err(source)) if operation != LOGIN_OPERATION => Err(Error::Login { operation, source: Box::new(source) }),
            Some(result) => result,
            None => Err(Error::Config(format!(
                "{operation} needs a session, but the client has none and cannot log in: give the builder \
                 credentials and an access token, or a session id"
            ))),
        }
    }

    /// Sends one request. `accept` replaces the API's `Accept` for an operation that answers
    /// another media type (`ResponseFormat::accept`).
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn send(
        &self,
        operation: &'static str,
        method: Method,
        url: &url::Url,
        body: Option<Bytes>,
        auth: Option<(&HeaderName, &Secret)>,
        timeout: Option<Duration>,
        accept: Option<&'static str>,
    ) -> Result<reqwest::Response, Error> {
        let inner = &self.inner;
        let mut headers = inner.headers.clone();
        if let Some(accept) = accept {
            // Replaced, not appended: two `Accept` headers would ask for both types.
            let value = HeaderValue::from_str(accept).map_err(|_| Error::InvalidRequest {
                operation,
                message: format!("the media type {accept:?} cannot be sent in an `Accept` header"),
            })?;
            headers.insert(ACCEPT, value);
        }
        let mut builder = inner.http.request(method.to_http(), url.clone()).headers(headers);
        if let Some((name, secret)) = auth {
            builder = builder.header(name.clone(), secret_header(secret, name)?);
        }
        if let Some(timeout) = timeout {
            builder = builder.timeout(timeout);
        }
        if let Some(body) = body {
            builder = builder.body(body);
        }
        builder.send().await.map_err(|e| Error::transport(operation, e))
    }

    /// Logs in with the configured credentials and returns the new session id.
    async fn login_call(&self, config: &LoginConfig) -> Result<Secret, Error> {
        let span = tracing::info_span!("livevox.login", path = config.spec.path, status = tracing::field::Empty);
        async move {
            let site = CallSite { operation: LOGIN_OPERATION, method: Method::Post, path: config.spec.path };
            let url = super::request::join_path(&self.inner.base, config.spec.path)
                .map_err(|e| Error::Config(format!("the login path does not make a valid URL: {e}")))?;
            let creds = &config.credentials;
            let body = LoginBody {
                client_name: &creds.client_name,
                user_name: &creds.user_name,
                password: &creds.password,
                agent: creds.agent,
            };
            let body = serde_json::to_vec(&body)
                .map_err(|e| Error::InvalidRequest { operation: LOGIN_OPERATION, message: e.to_string() })?;
            let header = header_name(config.spec.access_header)?;
            let response =
                self.send(LOGIN_OPERATION, Method::Post, &url, Some(Bytes::from(body)), Some((&header, &config.access_token)), self.inner.timeout, None)
                    .await?;
            let status = response.status();
            tracing::Span::current().record("status", status.as_u16());
            if !status.is_success() {
                return Err(self.error_from(site, response, None).await);
            }
            let (bytes, truncated) = read_capped(response, MAX_LOGIN_RESPONSE).await.map_err(|e| Error::transport(LOGIN_OPERATION, e))?;
            // No body excerpts in these errors: the body holds the session id.
            let fail = |message: String| Error::Decode(DecodeError::new(LOGIN_OPERATION, Some(status), ".".into(), message, None));
            if truncated {
                return Err(fail(format!("the login response is larger than {MAX_LOGIN_RESPONSE} bytes")));
            }
            let field = config.spec.session_id_field;
            let value: serde_json::Value =
                serde_json::from_slice(&bytes).map_err(|e| fail(format!("the login response is not JSON ({:?} error)", e.classify())))?;
            let id = match value.get(field) {
                Some(serde_json::Value::String(s)) if !s.trim().is_empty() => s.trim().to_owned(),
                Some(serde_json::Value::Number(n)) => n.to_string(),
                _ => return Err(fail(format!("the login response has no `{field}` string"))),
            };
            let id = Secret::new(id);
            // Checked here so every later call can put it in a header.
            if HeaderValue::from_str(id.expose()).is_err() {
                return Err(fail(format!("the `{field}` of the login response cannot be sent as a header")));
            }
            tracing::info!("logged in");
            Ok(id)
        }
        .instrument(span)
        .await
    }

    /// Reads at most [`MAX_ERROR_BODY`] of an error response and decodes it.
    async fn error_from(&self, site: CallSite, response: reqwest::Response, sent_secret: Option<&Secret>) -> Error {
        let status = response.status();
        let retry_after = response.headers().get(RETRY_AFTER).cloned();
        // A body that breaks off mid-read still leaves the status to report, so keep what came.
        let (body, truncated) = read_capped_lossy(response, MAX_ERROR_BODY).await;
        let expired = match &self.inner.auth {
            Auth::LiveVox { expired_status, .. } => Some(*expired_status),
            Auth::Scheme(scheme) => scheme.expired_status(),
            Auth::None => None,
        };
        let secrets = self.secrets();
        let secrets: Vec<&Secret> = secrets.iter().chain(sent_secret).collect();
        error::from_response(
            site,
            expired,
            &self.inner.api.errors,
            ErrorResponse { status, retry_after: retry_after.as_ref(), body: &body, truncated },
            &secrets,
        )
    }

    /// Everything that must not appear in error text: the access token, the password and the
    /// session id.
    fn secrets(&self) -> Vec<Secret> {
        let mut out = Vec::new();
        if let Auth::LiveVox { access, sessions, .. } = &self.inner.auth {
            if let Some((_, token)) = access {
                out.push(token.clone());
            }
            if let Some(config) = sessions.login_config() {
                out.push(config.credentials.password.clone());
            }
            out.extend(sessions.current());
        }
        if let Auth::Scheme(scheme) = &self.inner.auth {
            out.extend(scheme.secrets());
        }
        out
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
            ResponseFormat::Json => {}
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
            Auth::LiveVox { sessions, .. } if !sessions.can_login() => Err(Error::Config(
                "cannot log in: the client was built without credentials and an access token (or the API has no login)".into(),
            )),
            Auth::LiveVox { sessions, .. } => self.session(sessions, Want::Fresh, LOGIN_OPERATION).await.map(|_| ()),
            Auth::None | Auth::Scheme(_) => Err(Error::Config(format!("the {} API has no login", self.inner.api.name))),
        }
    }

    /// The current session id, to hand to another process or to
    /// [`ClientBuilder::session_id`] later.
    pub fn session_id(&self) -> Option<Secret> {
        match &self.inner.auth {
            Auth::LiveVox { sessions, .. } => sessions.current(),
            Auth::Scheme(scheme) => scheme.relayed_session_id(),
            Auth::None => None,
        }
    }

    /// Forgets the session (after calling logout, say); the next session call logs in again.
    pub fn clear_session(&self) {
        if let Auth::LiveVox { sessions, .. } = &self.inner.auth {
            sessions.clear();
        }
    }

    /// Whether this is a client of a LiveVox API, whose session another client can relay.
    pub(super) fn can_relay(&self) -> bool {
        matches!(self.inner.auth, Auth::LiveVox { .. })
    }

    /// For a client relaying this one's session: the current session (logging in if there is
    /// none), or with `renew`, a replacement for the session of that generation, which the
    /// relaying API refused. `Ok(None)` when a renewal is needed but this client cannot log in.
    pub(super) async fn relayed_session(&self, renew: Option<u64>, operation: &'static str) -> Result<Option<(u64, Secret)>, Error> {
        let Auth::LiveVox { sessions, .. } = &self.inner.auth else {
            return Err(Error::Config(format!("{operation} relays a LiveVox session, but {} is not a LiveVox API", self.inner.api.name)));
        };
        if renew.is_some() && !sessions.can_login() {
            return Ok(None);
        }
        let want = renew.map_or(Want::Current, Want::Renewal);
        let ticket = self.session(sessions, want, operation).await?;
        Ok(Some((ticket.generation, ticket.id)))
    }

    /// The base URL calls go to.
    pub fn base_url(&self) -> &str {
        self.inner.base.as_str()
    }

    /// The API this client talks to.
    pub fn api(&self) -> &'static ApiSpec {
        self.inner.api
    }

    /// The underlying connection pool, to share with other clients.
    pub fn http_client(&self) -> &reqwest::Client {
        &self.inner.http
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        let mut d = f.debug_struct("Client");
        d.field("api", &inner.api.name)
            .field("base_url", &inner.base.as_str())
            .field("timeout", &inner.timeout)
            .field("deadline", &inner.deadline)
            .field("retry", &inner.retry)
            .field("rate_limited_operations", &inner.limits);
        match &inner.auth {
            Auth::None => d.field("auth", &"none"),
            Auth::LiveVox { sessions, access, .. } => d
                .field("auth", &"LiveVox session")
                .field("access_token", &access.as_ref().map(|(_, t)| t))
                .field("can_login", &sessions.can_login())
                .field("session_id", &sessions.current()),
            Auth::Scheme(scheme) => d.field("auth", scheme),
        };
        d.finish_non_exhaustive()
    }
}

fn header_name(name: &str) -> Result<HeaderName, Error> {
    HeaderName::from_bytes(name.as_bytes()).map_err(|_| Error::Config(format!("{name:?} is not a valid header name")))
}

/// A header holding a secret: marked sensitive so HTTP/2 never indexes it in its header table.
pub(super) fn secret_header(secret: &Secret, name: &HeaderName) -> Result<HeaderValue, Error> {
    let mut value = HeaderValue::from_str(secret.expose())
        .map_err(|_| Error::Config(format!("the value for the {name} header holds characters a header cannot carry")))?;
    value.set_sensitive(true);
    Ok(value)
}

/// Reads the body up to `limit` bytes; `true` when more followed (the rest is not read).
pub(super) async fn read_capped(mut response: reqwest::Response, limit: usize) -> Result<(Vec<u8>, bool), reqwest::Error> {
    let mut out = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        let room = limit - out.len();
        if chunk.len() > room {
            out.extend_from_slice(&chunk[..room]);
            return Ok((out, true));
        }
        out.extend_from_slice(&chunk);
    }
    Ok((out, false))
}

/// Like [`read_capped`], keeping whatever arrived before a transport failure.
pub(super) async fn read_capped_lossy(mut response: reqwest::Response, limit: usize) -> (Vec<u8>, bool) {
    let mut out = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let room = limit - out.len();
                if chunk.len() > room {
                    out.extend_from_slice(&chunk[..room]);
                    return (out, true);
                }
                out.extend_from_slice(&chunk);
            }
            Ok(None) => return (out, false),
            Err(_) => return (out, true),
        }
    }
}

enum BaseChoice {
    Environment(&'static str),
    Custom(String),
}

/// Builds a client for the API `C`.
pub struct ClientBuilder<C> {
    base: Option<BaseChoice>,
    access_token: Option<Secret>,
    credentials: Option<Credentials>,
    session_id: Option<Secret>,
    connect_timeout: Option<Duration>,
    timeout: Option<Option<Duration>>,
    deadline: Option<Option<Duration>>,
    user_agent: Option<String>,
    http: Option<reqwest::Client>,
    header_params: Vec<(String, String)>,
    allow_plain_http_loopback: bool,
    max_response_bytes: usize,
    /// Credentials of the schemes in `auth.rs` (BASIC, BEARER, OAUTH, OAUTH2, relaying).
    pub(super) other_auth: auth::Given,
    /// Rate-limit time scale and shared stores (`shared.rs`).
    pub(super) shared: shared::Given,
    retry: RetryConfig,
    _api: PhantomData<fn() -> C>,
}

impl<C: ApiClient> ClientBuilder<C> {
    /// A builder with nothing set yet.
    pub fn new() -> Self {
        ClientBuilder {
            base: None,
            access_token: None,
            credentials: None,
            session_id: None,
            connect_timeout: None,
            timeout: None,
            deadline: None,
            user_agent: None,
            http: None,
            header_params: Vec::new(),
            allow_plain_http_loopback: false,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            other_auth: auth::Given::default(),
            shared: shared::Given::default(),
            retry: RetryConfig::default(),
            _api: PhantomData,
        }
    }

    /// One of the API's environments (the generated `Environment` enum).
    pub fn environment(mut self, env: impl Environment) -> Self {
        self.base = Some(BaseChoice::Environment(env.base_url()));
        self
    }

    /// A base URL of your own (a proxy, a staging host). It must be `https://`.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base = Some(BaseChoice::Custom(url.into()));
        self
    }

    /// The API access token (`LV-Access`), sent on login and on calls that need the token.
    pub fn access_token(mut self, token: impl Into<Secret>) -> Self {
        self.access_token = Some(token.into());
        self
    }

    /// The user (or agent) to log in as. Needs [`ClientBuilder::access_token`] too.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// An existing session to use. Without credentials the client cannot renew it: once it
    /// expires, calls fail with [`Error::Unauthorized`]. With credentials, it is renewed.
    pub fn session_id(mut self, session_id: impl Into<Secret>) -> Self {
        self.session_id = Some(session_id.into());
        self
    }

    /// How long to wait for a connection (default [`DEFAULT_CONNECT_TIMEOUT`]). Cannot be
    /// combined with [`ClientBuilder::http_client`]: configure that client instead.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// The limit for each attempt of a call: connect, send, wait and read the body (default
    /// [`DEFAULT_TIMEOUT`]). [`Request::timeout`] overrides it for one call; a retried call
    /// gets the full time for each attempt, within the retry budget ([`RetryConfig::budget`])
    /// and the call's [deadline](ClientBuilder::deadline).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(Some(timeout));
        self
    }

    /// No attempt timeout, and no deadline unless one is set with
    /// [`ClientBuilder::deadline`] (long-polling feeds, say).
    pub fn no_timeout(mut self) -> Self {
        self.timeout = Some(None);
        self
    }

    /// The limit for a whole call as the caller sees it: every attempt, backoff, session login
    /// and wait for the client's rate limits (default [`DEFAULT_DEADLINE`]; none after
    /// [`ClientBuilder::no_timeout`]). When it passes, the call fails with
    /// [`Error::DeadlineExceeded`]; a call the rate limiter would hold past it fails at once.
    /// [`Request::deadline`] (a request builder's `.deadline(d)`) overrides it for one call.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(Some(deadline));
        self
    }

    /// No deadline: a call takes as long as its attempts, retries and waits take.
    pub fn no_deadline(mut self) -> Self {
        self.deadline = Some(None);
        self
    }

    /// When failed calls are sent again (default: [`RetryConfig::default`]). Only operations
    /// that are safe to repeat are retried after a failure that may have reached the server.
    pub fn retry(mut self, policy: RetryConfig) -> Self {
        self.retry = policy;
        self
    }

    /// Sends every call once: no retry after any failure, throttling included.
    pub fn no_retries(mut self) -> Self {
        self.retry = RetryConfig::disabled();
        self
    }

    /// Replaces the default `User-Agent` ([`DEFAULT_USER_AGENT`]).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Uses this `reqwest::Client` (and its connection pool) instead of making one. Its own
    /// settings apply: the client made by default follows no redirects, so that a session
    /// header never travels to another host; give this one the same policy.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// A value for the `${name}` placeholders in the API's header values.
    pub fn header_param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.header_params.push((name.into(), value.into()));
        self
    }

    /// The largest success body the client reads (default [`DEFAULT_MAX_RESPONSE_BYTES`]);
    /// a larger one fails with [`Error::Decode`].
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// **For tests only**: allows a plain `http://` base URL when its host is a loopback
    /// address (127.0.0.0/8, ::1, `localhost`). Any other `http://` URL is still refused.
    pub fn allow_plain_http_for_loopback_tests(mut self) -> Self {
        self.allow_plain_http_loopback = true;
        self
    }

    /// Checks the configuration and makes the client.
    pub fn build(self) -> Result<C, Error> {
        let api = C::api();
        let base_text = match self.base {
            Some(BaseChoice::Environment(url)) => url.to_owned(),
            Some(BaseChoice::Custom(url)) => url,
            None => match api.default_environment {
                Some(name) => api
                    .environments
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, url)| (*url).to_owned())
                    .ok_or_else(|| Error::Config(format!("the default environment {name:?} of {} is not one of its environments", api.name)))?,
                None => {
                    let names: Vec<&str> = api.environments.iter().map(|(n, _)| *n).collect();
                    return Err(Error::Config(format!(
                        "no environment or base URL given, and {} has no default (environments: {})",
                        api.name,
                        names.join(", ")
                    )));
                }
            },
        };
        let base = check_base_url(&base_text, self.allow_plain_http_loopback)?;

        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        for spec in api.headers {
            let name = header_name(spec.name)?;
            let value = fill_placeholders(spec.value, &self.header_params)
                .map_err(|e| Error::Config(format!("header {}: {e}", spec.name)))?;
            let value = HeaderValue::from_str(&value)
                .map_err(|_| Error::Config(format!("header {}: the value holds characters a header cannot carry", spec.name)))?;
            headers.insert(name, value);
        }
        let user_agent = self.user_agent.as_deref().unwrap_or(DEFAULT_USER_AGENT);
        headers.insert(
            USER_AGENT,
            HeaderValue::from_str(user_agent).map_err(|_| Error::Config("the user agent holds characters a header cannot carry".into()))?,
        );

        let livevox_given: Vec<&'static str> =
            [("access_token", self.access_token.is_some()), ("credentials", self.credentials.is_some()), ("session_id", self.session_id.is_some())]
                .into_iter()
                .filter_map(|(name, given)| given.then_some(name))
                .collect();
        let scheme = auth::build(api, self.other_auth, &livevox_given, self.allow_plain_http_loopback)?;
        let auth = match (scheme, api.auth) {
            (Some(scheme), _) => Auth::Scheme(scheme),
            (None, AuthScheme::None) => {
                if self.credentials.is_some() || self.access_token.is_some() || self.session_id.is_some() {
                    return Err(Error::Config(format!("the {} API takes no authentication, but credentials were given", api.name)));
                }
                Auth::None
            }
            (None, AuthScheme::LiveVox { session_header, expired_status, login }) => {
                let session_header = header_name(session_header)?;
                let access = match (login, &self.access_token) {
                    (Some(spec), Some(token)) => Some((header_name(spec.access_header)?, token.clone())),
                    (None, Some(_)) => {
                        return Err(Error::Config(format!("the {} API has no login, so it takes no access token", api.name)))
                    }
                    (_, None) => None,
                };
                let login = match (login, self.credentials) {
                    (Some(spec), Some(credentials)) => match &self.access_token {
                        Some(token) => Some(LoginConfig { spec, access_token: token.clone(), credentials }),
                        None => return Err(Error::Config("logging in needs the access token as well as the credentials".into())),
                    },
                    (None, Some(_)) => {
                        return Err(Error::Config(format!(
                            "the {} API has no login: give it a session id instead of credentials",
                            api.name
                        )))
                    }
                    (_, None) => None,
                };
                if let Some(id) = &self.session_id {
                    secret_header(id, &session_header)?;
                }
                if let Some((name, token)) = &access {
                    secret_header(token, name)?;
                }
                let store = self.shared.session_store(&base, login.as_ref())?;
                Auth::LiveVox { session_header, expired_status, access, sessions: Sessions::new(login, self.session_id, store) }
            }
            (None, other) => {
                return Err(Error::Config(format!("the {} API uses {other:?} authorization, which needs credentials", api.name)))
            }
        };

        let http = match self.http {
            Some(client) => {
                if self.connect_timeout.is_some() {
                    return Err(Error::Config(
                        "connect_timeout cannot be applied to a caller-supplied reqwest::Client; set it on that client".into(),
                    ));
                }
                client
            }
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|e| Error::Config(format!("cannot make the HTTP client: {e}")))?,
        };

        let client = Client {
            inner: Arc::new(Inner {
                api,
                http,
                base,
                headers,
                timeout: self.timeout.unwrap_or(Some(DEFAULT_TIMEOUT)),
                // `no_timeout()` was for calls that may take any time: it lifts the default too.
                deadline: self.deadline.unwrap_or(if self.timeout == Some(None) { None } else { Some(DEFAULT_DEADLINE) }),
                max_response_bytes: self.max_response_bytes,
                auth,
                retry: self.retry,
                limits: self.shared.rate_limits()?,
            }),
        };
        Ok(C::from_runtime(client))
    }
}

impl<C: ApiClient> Default for ClientBuilder<C> {
    fn default() -> Self {
        Self::new()
    }
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let base = match &self.base {
            Some(BaseChoice::Environment(url)) => Some(*url),
            Some(BaseChoice::Custom(url)) => Some(url.as_str()),
            None => None,
        };
        f.debug_struct("ClientBuilder")
            .field("base_url", &base)
            .field("access_token", &self.access_token)
            .field("credentials", &self.credentials)
            .field("session_id", &self.session_id)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("deadline", &self.deadline)
            .field("retry", &self.retry)
            .field("user_agent", &self.user_agent)
            // Names only: a header value may be a key of some kind.
            .field("header_params", &self.header_params.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>())
            .field("allow_plain_http_for_loopback_tests", &self.allow_plain_http_loopback)
            .field("auth", &self.other_auth)
            .field("shared", &self.shared)
            .finish_non_exhaustive()
    }
}

/// Parses and checks a base URL: HTTPS only (plain HTTP to loopback when the tests opt in), a
/// host, and no credentials, query or fragment (which would be sent or logged with every call).
fn check_base_url(text: &str, allow_plain_loopback: bool) -> Result<url::Url, Error> {
    let url = url::Url::parse(text.trim()).map_err(|e| Error::Config(format!("the base URL {text:?} is not a URL: {e}")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::Config("the base URL must not hold a user name or password".into()));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::Config(format!("the base URL {url} must not have a query or fragment")));
    }
    if url.host().is_none() {
        return Err(Error::Config(format!("the base URL {url} has no host")));
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if !allow_plain_loopback => Err(Error::Config(format!(
            "the base URL {url} uses plain HTTP; only HTTPS is allowed, since sessions and tokens would travel in clear text"
        ))),
        "http" if !is_loopback(&url) => Err(Error::Config(format!(
            "the base URL {url} uses plain HTTP to a host that is not loopback; plain HTTP is allowed only to \
             127.0.0.0/8, ::1 and localhost, for tests"
        ))),
        "http" => Ok(url),
        other => Err(Error::Config(format!("the base URL {url} has scheme {other:?}; only https is allowed"))),
    }
}

pub(super) fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost") || d.eq_ignore_ascii_case("localhost."),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback()),
        None => false,
    }
}

/// Replaces each `${name}` in `template` with its value from `params` (the last one given wins).
fn fill_placeholders(template: &str, params: &[(String, String)]) -> Result<String, String> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find('}').ok_or_else(|| format!("unterminated placeholder in {template:?}"))?;
        let name = &after[..end];
        let value = params
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
            .ok_or_else(|| format!("no value for the placeholder ${{{name}}}; give one with ClientBuilder::header_param({name:?}, ..)"))?;
        out.push_str(value);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_rules() {
        assert!(check_base_url("https://api.livevox.com", false).is_ok());
        assert!(check_base_url("https://api.livevox.com/prefix/", false).is_ok());
        for (url, loopback_opt_in) in [
            ("http://api.livevox.com", false),
            ("http://api.livevox.com", true),
            ("http://127.0.0.1:8080", false),
            ("http://10.0.0.1", true),
            ("http://localhost.evil.example", true),
            ("ftp://api.livevox.com", true),
            ("https://user:pw@api.livevox.com", false),
            ("https://api.livevox.com/?x=1", false),
            ("https://api.livevox.com/#f", false),
            ("not a url", true),
            ("data:text/plain,x", true),
        ] {
            let err = check_base_url(url, loopback_opt_in).unwrap_err();
            assert!(matches!(err, Error::Config(_)), "{url}");
        }
        for url in ["http://127.0.0.1:1", "http://127.9.8.7", "http://[::1]:80", "http://LOCALHOST", "http://localhost.", "http://[::ffff:127.0.0.1]"] {
            assert!(check_base_url(url, true).is_ok(), "{url}");
        }
        let err = check_base_url("http://api.livevox.com", false).unwrap_err().to_string();
        assert!(err.contains("plain HTTP") && err.contains("HTTPS"), "{err}");
    }

    #[test]
    fn placeholders() {
        let params = vec![("agentId".to_owned(), "42".to_owned()), ("agentId".to_owned(), "43".to_owned())];
        assert_eq!(fill_placeholders("a ${agentId} b", &params).unwrap(), "a 43 b");
        assert_eq!(fill_placeholders("no placeholders $ {x}", &[]).unwrap(), "no placeholders $ {x}");
        assert!(fill_placeholders("${missing}", &params).unwrap_err().contains("missing"));
        assert!(fill_placeholders("${open", &params).unwrap_err().contains("unterminated"));
    }

    #[test]
    fn default_user_agent_names_the_crate() {
        assert_eq!(DEFAULT_USER_AGENT, format!("livevox-generated/{}", env!("CARGO_PKG_VERSION")));
    }

    #[test]
    fn credentials_debug_hides_the_password() {
        let c = Credentials::agent("CLIENT", "agent7", "p@ssw0rd!");
        let d = format!("{c:?}");
        assert!(!d.contains("p@ssw0rd!"), "{d}");
        assert!(d.contains("agent7") && d.contains("agent: true"), "{d}");
    }
}
