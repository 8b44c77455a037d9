//! The OAUTH2 scheme: client-credentials and caller-supplied tokens, cached, refreshed shortly
//! before they expire or after a 401 (one token request for all callers), and the replay of a
//! call refused with 401 once a new token is in hand.

use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use base64::Engine as _;
use http::header::{HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use tokio::time::Instant;
use tracing::Instrument;

use super::super::describe::{ErrorFormat, Method, Operation};
use super::super::error::{self, CallSite, DecodeError, Error, ErrorResponse, MAX_ERROR_BODY};
use super::super::secret::{scrub, Secret};
use super::super::transport::{header_name, is_loopback, read_body, read_capped_lossy, secret_header, DEFAULT_USER_AGENT};
use super::bearer::with_prefix;
use super::replay::Credential;

/// The operation name errors and logs use for requests to an OAuth2 token endpoint.
pub const OAUTH2_TOKEN_OPERATION: &str = "oauth2.token";

/// How long before its expiry an OAuth2 token is refreshed, at most; shorter-lived tokens are
/// refreshed when a tenth of their lifetime is left. A token used right up to its expiry could
/// expire on the way to the server.
pub const OAUTH2_REFRESH_MARGIN: Duration = Duration::from_secs(30);

/// Largest token response read: a handful of fields.
const MAX_TOKEN_RESPONSE: usize = 64 * 1024;

/// RFC 6749 §5.2 error bodies: `{"error": "invalid_client", "error_description": "..."}`.
const OAUTH2_ERRORS: ErrorFormat = ErrorFormat { json: Some(("error", "error_description")), xml: None };

/// Caller-supplied OAuth2 tokens.
#[derive(Clone)]
pub(crate) struct SuppliedTokens {
    pub access: Secret,
    pub refresh: Option<Secret>,
    pub expires_in: Option<Duration>,
}

/// What the builder was given for OAUTH2.
pub(crate) struct OAuth2Given {
    pub client: Option<(String, Secret)>,
    pub tokens: Option<SuppliedTokens>,
    pub token_url: Option<String>,
}

/// The configured OAUTH2 scheme of a client.
pub(crate) struct OAuth2 {
    header: HeaderName,
    prefix: &'static str,
    tokens: OAuth2Tokens,
}

/// A failed OAuth2 token request in front of `op`: like a failed session login, the error
/// names the call and holds the token endpoint's error ([`Error::login_error`]).
fn token_failed(op: &'static Operation, source: Error) -> Error {
    Error::Login { operation: op.name, source: Box::new(source) }
}

impl OAuth2 {
    /// Checks what was given and makes the scheme. `Ok(None)`: neither client credentials nor
    /// tokens were given.
    pub(super) fn build(
        api_name: &str,
        (header, prefix, token_url, scopes): (&'static str, &'static str, Option<&'static str>, &'static [&'static str]),
        given: OAuth2Given,
        allow_plain_loopback: bool,
    ) -> Result<Option<OAuth2>, Error> {
        if given.client.is_none() && given.tokens.is_none() {
            return Ok(None);
        }
        let token_url = match (given.token_url, token_url) {
            (Some(url), _) => Some(check_token_url(&url, allow_plain_loopback)?),
            (None, Some(url)) => Some(check_token_url(url, allow_plain_loopback)?),
            (None, None) if given.client.is_some() => {
                return Err(Error::Config(format!(
                    "the {api_name} API names no OAuth2 token_url, so client credentials cannot be exchanged for a token; give ClientBuilder::oauth2_token_url"
                )))
            }
            (None, None) => None,
        };
        let header = header_name(header)?;
        let mut state = TokenState::default();
        if let Some(t) = given.tokens {
            secret_header(&with_prefix(prefix, &t.access), &header)?;
            state.current = Some(Token::new(t.access, t.expires_in, Instant::now()));
            state.refresh_token = t.refresh;
        }
        let tokens = OAuth2Tokens {
            token_url,
            scopes,
            client_basic: given.client.as_ref().map(|(id, secret)| client_basic(id, secret)),
            client: given.client,
            state: Mutex::new(state),
            refresh_lock: tokio::sync::Mutex::new(()),
        };
        Ok(Some(OAuth2 { header, prefix, tokens }))
    }

    /// The token to send (requested first when there is none or it is about to expire).
    pub(super) async fn current(&self, http: &reqwest::Client, op: &'static Operation, timeout: Option<Duration>) -> Result<Credential, Error> {
        let (generation, token) = self.tokens.acquire(None, http, timeout).await.map_err(|e| token_failed(op, e))?.ok_or_else(|| {
            Error::Config(format!("{} needs an OAuth2 access token, and the client has none and no way to get one", op.name))
        })?;
        self.credential(generation, token)
    }

    /// The current token as a credential when it is fresh: what [`OAuth2::current`] gives at
    /// once, without a token request or a wait (`None` otherwise: `current` then decides).
    pub(super) fn ready(&self) -> Option<Credential> {
        let (generation, token) = {
            let st = self.tokens.state();
            let token = st.current.as_ref().filter(|t| t.fresh(Instant::now()))?;
            (st.generation, token.value.clone())
        };
        self.credential(generation, token).ok()
    }

    /// A token newer than the refused one, or `None` when there is no way to get one.
    pub(super) async fn renewed(
        &self,
        http: &reqwest::Client,
        op: &'static Operation,
        refused: &Credential,
        timeout: Option<Duration>,
    ) -> Result<Option<Credential>, Error> {
        let renewed = self.tokens.acquire(Some(refused.generation), http, timeout).await.map_err(|e| token_failed(op, e))?;
        renewed.map(|(generation, token)| self.credential(generation, token)).transpose()
    }

    fn credential(&self, generation: u64, token: Secret) -> Result<Credential, Error> {
        let value: HeaderValue = secret_header(&with_prefix(self.prefix, &token), &self.header)?;
        Ok(Credential { header: self.header.clone(), value, secret: Some(token), generation })
    }

    /// Every secret, to scrub from error text.
    pub(super) fn secrets(&self) -> Vec<Secret> {
        self.tokens.secrets()
    }
}

impl fmt::Debug for OAuth2 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tokens = &self.tokens;
        let st = tokens.state();
        f.debug_struct("OAuth2")
            .field("header", &self.header)
            .field("token_url", &tokens.token_url.as_ref().map(url::Url::as_str))
            .field("client_id", &tokens.client.as_ref().map(|(id, _)| id))
            .field("client_secret", &tokens.client.as_ref().map(|(_, s)| s))
            .field("access_token", &st.current.as_ref().map(|t| &t.value))
            .field("refresh_token", &st.refresh_token)
            .finish()
    }
}

/// are form-encoded before they are joined and base64-encoded. Without the `Basic ` prefix.
fn client_basic(id: &str, secret: &Secret) -> Secret {
    let encode = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    Secret::new(base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", encode(id), encode(secret.expose()))))
}

/// The token endpoint receives the client secret or a refresh token, so it must be HTTPS (or
/// loopback plain HTTP after the test opt-in), and must not carry credentials of its own.
fn check_token_url(text: &str, allow_plain_loopback: bool) -> Result<url::Url, Error> {
    let url = url::Url::parse(text.trim()).map_err(|e| Error::Config(format!("the OAuth2 token URL {text:?} is not a URL: {e}")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::Config("the OAuth2 token URL must not hold a user name or password".into()));
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if allow_plain_loopback && is_loopback(&url) => Ok(url),
        _ => Err(Error::Config(format!(
            "the OAuth2 token URL {url} is not https://; the client secret and tokens would travel in clear text \
             (plain HTTP is allowed only to a loopback host, after allow_plain_http_for_loopback_tests)"
        ))),
    }
}

#[derive(Clone)]
struct Token {
    value: Secret,
    /// When to stop using it: its expiry less the margin; `None` when the server gave no
    /// lifetime (it is then used until the API refuses it).
    refresh_at: Option<Instant>,
}

impl Token {
    /// A token valid for `lifetime` from `issued` (the moment its request was sent, so the
    /// time in flight counts against it).
    fn new(value: Secret, lifetime: Option<Duration>, issued: Instant) -> Token {
        let refresh_at = lifetime.map(|l| issued + l.saturating_sub(OAUTH2_REFRESH_MARGIN.min(l / 10)));
        Token { value, refresh_at }
    }

    fn fresh(&self, now: Instant) -> bool {
        self.refresh_at.is_none_or(|at| now < at)
    }
}

#[derive(Default)]
struct TokenState {
    /// Bumped by every token request, so a caller can tell whether the token it saw refused
    /// has been replaced already.
    generation: u64,
    current: Option<Token>,
    refresh_token: Option<Secret>,
    /// How the latest token request failed, shared with callers that waited for it.
    failure: Option<Error>,
}

pub(crate) struct OAuth2Tokens {
    token_url: Option<url::Url>,
    scopes: &'static [&'static str],
    client: Option<(String, Secret)>,
    /// The client's `Authorization` value at the token endpoint (the secret in base64).
    client_basic: Option<Secret>,
    state: Mutex<TokenState>,
    /// Held for the duration of a token request, so that only one runs at a time.
    refresh_lock: tokio::sync::Mutex<()>,
}

#[derive(Clone)]
enum Grant {
    ClientCredentials,
    Refresh(Secret),
}

impl OAuth2Tokens {
    // A panic elsewhere while holding the lock cannot leave the state half-updated (every
    // update is a plain assignment), so a poisoned lock is safe to keep using.
    fn state(&self) -> MutexGuard<'_, TokenState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn secrets(&self) -> Vec<Secret> {
        let st = self.state();
        let mut out: Vec<Secret> = self.client.iter().map(|(_, s)| s.clone()).chain(self.client_basic.clone()).collect();
        out.extend(st.current.as_ref().map(|t| t.value.clone()));
        out.extend(st.refresh_token.clone());
        out
    }

    /// The grant a token request would use now: the refresh token if there is one, else the
    /// client credentials; `None` when the client has no way to get a token.
    fn grant(&self, st: &TokenState) -> Option<Grant> {
        self.token_url.as_ref()?;
        match (&st.refresh_token, &self.client) {
            (Some(r), _) => Some(Grant::Refresh(r.clone())),
            (None, Some(_)) => Some(Grant::ClientCredentials),
            (None, None) => None,
        }
    }

    /// The token to send: with `refused` `None`, the current one if it is fresh; with the
    /// generation of a refused token, a newer one. Requests a token when needed, one request at
    /// a time: callers that waited for another's request share its outcome (a failure too), so
    /// 100 concurrent callers cause one token request. `Ok(None)` when a token is needed but
    /// there is no way to get one.
    async fn acquire(&self, refused: Option<u64>, http: &reqwest::Client, timeout: Option<Duration>) -> Result<Option<(u64, Secret)>, Error> {
        let observed = {
            let st = self.state();
            let now = Instant::now();
            let usable = |st: &TokenState| match (&st.current, refused) {
                (Some(t), None) if t.fresh(now) => Some((st.generation, t.value.clone())),
                (Some(t), Some(g)) if st.generation != g && t.fresh(now) => Some((st.generation, t.value.clone())),
                _ => None,
            };
            if let Some(found) = usable(&st) {
                return Ok(Some(found));
            }
            if self.grant(&st).is_none() {
                // No way to a new token: a first attempt sends what there is (an expired token
                // may still be accepted); a refused one is final.
                return Ok(match refused {
                    None => st.current.as_ref().map(|t| (st.generation, t.value.clone())),
                    Some(_) => None,
                });
            }
            st.generation
        };
        let _guard = self.refresh_lock.lock().await;
        let grant = {
            let st = self.state();
            if st.generation != observed {
                // A token request finished while we waited for the lock: share its outcome.
                if let Some(t) = st.current.as_ref().filter(|t| t.fresh(Instant::now())) {
                    return Ok(Some((st.generation, t.value.clone())));
                }
                if let Some(err) = &st.failure {
                    return Err(err.clone());
                }
            }
            match self.grant(&st) {
                Some(g) => g,
                None => return Ok(None),
            }
        };
        // If this future is dropped here (the caller gave up), the lock is released with the
        // state untouched and the next waiter requests a token itself.
        let mut result = self.request(http, &grant, timeout).await;
        if result.is_err() && matches!(grant, Grant::Refresh(_)) && self.client.is_some() {
            // A refresh token can be revoked or expire; the client credentials still work.
            tracing::info!("the OAuth2 refresh token was refused; using the client credentials");
            result = self.request(http, &Grant::ClientCredentials, timeout).await;
        }
        let mut st = self.state();
        st.generation += 1;
        match result {
            Ok((token, refresh)) => {
                let value = token.value.clone();
                st.current = Some(token);
                if refresh.is_some() {
                    st.refresh_token = refresh;
                }
                st.failure = None;
                Ok(Some((st.generation, value)))
            }
            Err(err) => {
                st.current = None;
                st.failure = Some(err.clone());
                Err(err)
            }
        }
    }

    /// One request to the token endpoint (RFC 6749 §4.4.2 or §6), with HTTP Basic client
    /// authentication (§2.3.1) when the client has credentials.
    async fn request(&self, http: &reqwest::Client, grant: &Grant, timeout: Option<Duration>) -> Result<(Token, Option<Secret>), Error> {
        let Some(token_url) = &self.token_url else {
            return Err(Error::Config("no OAuth2 token URL".into()));
        };
        let span = tracing::info_span!("livevox.oauth2_token", status = tracing::field::Empty);
        self.request_inner(token_url, http, grant, timeout).instrument(span).await
    }

    async fn request_inner(
        &self,
        token_url: &url::Url,
        http: &reqwest::Client,
        grant: &Grant,
        timeout: Option<Duration>,
    ) -> Result<(Token, Option<Secret>), Error> {
        let op = OAUTH2_TOKEN_OPERATION;
        let site = CallSite { operation: op, method: Method::Post, path: "token_url" };
        // Finished before the first await: the serializer is not `Send`.
        let body = {
            let mut form = url::form_urlencoded::Serializer::new(String::new());
            match grant {
            Grant::ClientCredentials => {
                form.append_pair("grant_type", "client_credentials");
                if !self.scopes.is_empty() {
                    form.append_pair("scope", &self.scopes.join(" "));
                }
            }
            // The scope is left out: a refreshed token keeps the scope originally granted.
            Grant::Refresh(refresh) => {
                form.append_pair("grant_type", "refresh_token");
                form.append_pair("refresh_token", refresh.expose());
            }
            }
            form.finish()
        };
        let mut builder = http
            .post(token_url.clone())
            .header(CONTENT_TYPE, HeaderValue::from_static("application/x-www-form-urlencoded"))
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .header(USER_AGENT, HeaderValue::from_static(DEFAULT_USER_AGENT))
            .body(body);
        if let Some(basic) = &self.client_basic {
            builder = builder.header(AUTHORIZATION, secret_header(&Secret::new(format!("Basic {}", basic.expose())), &AUTHORIZATION)?);
        }
        if let Some(timeout) = timeout {
            builder = builder.timeout(timeout);
        }
        let sent_at = Instant::now();
        let mut response = builder.send().await.map_err(|e| Error::transport(op, e))?;
        let status = response.status();
        tracing::Span::current().record("status", status.as_u16());
        let secrets = self.secrets();
        let secrets: Vec<&Secret> = secrets.iter().chain(match grant {
            Grant::Refresh(r) => Some(r),
            Grant::ClientCredentials => None,
        })
        .collect();
        if !status.is_success() {
            let (body, truncated) = read_capped_lossy(&mut response, MAX_ERROR_BODY).await;
            return Err(error::from_response(site, None, &OAUTH2_ERRORS, ErrorResponse { status, retry_after: None, body: &body, truncated }, &secrets));
        }
        // No body excerpts in these errors: the body holds the token.
        let fail = |message: String| Error::Decode(DecodeError::new(op, Some(status), ".".into(), scrub(&message, &secrets), None));
        let (bytes, truncated) = read_body(&mut response, MAX_TOKEN_RESPONSE).await.map_err(|e| Error::transport(op, e))?;
        if truncated {
            return Err(fail(format!("the token response is larger than {MAX_TOKEN_RESPONSE} bytes")));
        }
        let value: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(|e| fail(format!("the token response is not JSON ({:?} error)", e.classify())))?;
        let access = match value.get("access_token") {
            Some(serde_json::Value::String(s)) if !s.trim().is_empty() => Secret::new(s.trim()),
            _ => return Err(fail("the token response has no `access_token` string".into())),
        };
        // RFC 6749 §7.1: the type says how to use the token; only bearer tokens (RFC 6750) are
        // sent as a header value.
        match value.get("token_type").and_then(serde_json::Value::as_str) {
            Some(t) if !t.eq_ignore_ascii_case("bearer") => {
                return Err(fail(format!("the token type is {t:?}; only Bearer tokens are supported")));
            }
            _ => {}
        }
        // A number, as RFC 6749 says; some servers send it as a string.
        let lifetime = match value.get("expires_in") {
            Some(serde_json::Value::Number(n)) => n.as_f64(),
            Some(serde_json::Value::String(s)) => s.trim().parse::<f64>().ok(),
            _ => None,
        }
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(|s| Duration::from_secs_f64(s.min(10.0 * 365.0 * 86_400.0)));
        let refresh = value.get("refresh_token").and_then(serde_json::Value::as_str).filter(|s| !s.is_empty()).map(Secret::new);
        tracing::info!(expires_in_s = lifetime.map(|l| l.as_secs()), "got an OAuth2 token");
        Ok((Token::new(access, lifetime, sent_at), refresh))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refresh_margin_is_thirty_seconds_or_a_tenth_of_the_lifetime() {
        let t0 = Instant::now();
        let long = Token::new(Secret::new("a"), Some(Duration::from_secs(3600)), t0);
        assert_eq!(long.refresh_at, Some(t0 + Duration::from_secs(3570)));
        let short = Token::new(Secret::new("b"), Some(Duration::from_secs(2)), t0);
        assert_eq!(short.refresh_at, Some(t0 + Duration::from_millis(1800)));
        let forever = Token::new(Secret::new("c"), None, t0);
        assert!(forever.fresh(t0 + Duration::from_secs(1_000_000)));
        assert!(short.fresh(t0 + Duration::from_millis(1799)) && !short.fresh(t0 + Duration::from_millis(1800)));
    }

    #[test]
    fn token_urls_must_be_https_or_loopback_after_opt_in() {
        assert!(check_token_url("https://auth.example.com/token", false).is_ok());
        assert!(check_token_url("http://127.0.0.1:9/token", true).is_ok());
        for (url, opt_in) in [
            ("http://127.0.0.1:9/token", false),
            ("http://auth.example.com/token", true),
            ("https://id:secret@auth.example.com/token", false),
            ("not a url", true),
        ] {
            assert!(matches!(check_token_url(url, opt_in), Err(Error::Config(_))), "{url}");
        }
    }
}
