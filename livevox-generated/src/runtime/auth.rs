//! Authorization of APIs other than a LiveVox login: BASIC, BEARER (a static token or a token
//! provider), OAUTH (OAuth 1.0a request signing), OAUTH2 (client credentials and caller-supplied
//! tokens, cached and refreshed) and LIVEVOX relaying (the session of another LiveVox client).
//!
//! The builder methods that take these credentials are here too; `build` checks that what was
//! given fits the API's [`AuthScheme`], and the client hands each call of such an API to
//! [`Scheme::send`]. Every scheme puts one header on a call; a call refused with 401 (or the
//! relayed session's expired status) is replayed once when the scheme can get a new credential
//! (a refreshed OAuth2 token, a renewed LiveVox session, another token from the provider), and
//! never more than once.
//!
//! **Credentials never travel in clear text.** Every scheme here sends a secret (or, for OAUTH,
//! a signature that anyone on the path could replay), so the base URL and the OAuth2 token
//! endpoint must be `https://`; plain `http://` is allowed only to a loopback host, and only
//! after [`ClientBuilder::allow_plain_http_for_loopback_tests`], which exists for tests.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use base64::Engine as _;
use bytes::Bytes;
use http::header::{HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use tokio::time::Instant;
use tracing::Instrument;

use super::client::{is_loopback, read_capped, read_capped_lossy, secret_header, Client, DEFAULT_USER_AGENT};
use super::error::{self, CallSite, DecodeError, ErrorResponse, MAX_ERROR_BODY};
use super::secret::scrub;
use super::{ApiClient, ApiSpec, AuthNeed, AuthScheme, ClientBuilder, Error, ErrorFormat, Method, Operation, Secret};

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

/// The future a [`TokenProvider`] returns.
pub type TokenFuture = Pin<Box<dyn Future<Output = Result<Secret, Error>> + Send + 'static>>;

/// Supplies BEARER tokens, for tokens that change (issued by your own identity service, say).
///
/// The client asks the provider for a token **before every call**, so a provider that fetches
/// tokens should cache them itself; and once more when the API refuses a call with 401, to
/// replay it with the new token (only if the token changed). An error from the provider fails
/// the call with that error.
///
/// Any `Fn() -> impl Future<Output = Result<Secret, Error>>` closure is a provider:
///
/// ```
/// use livevox_generated::runtime::{Secret, TokenProvider};
/// fn provider() -> impl TokenProvider {
///     || async { Ok(Secret::new(std::env::var("HELPDESK_TOKEN").unwrap_or_default())) }
/// }
/// ```
pub trait TokenProvider: Send + Sync + 'static {
    /// The token to send now.
    fn token(&self) -> TokenFuture;
}

impl<F, Fut> TokenProvider for F
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Secret, Error>> + Send + 'static,
{
    fn token(&self) -> TokenFuture {
        Box::pin(self())
    }
}

// ---------------------------------------------------------------------------------------------
// What the builder was given

#[derive(Clone)]
pub(crate) enum BearerSource {
    Static(Secret),
    Provider(Arc<dyn TokenProvider>),
}

/// Caller-supplied OAuth2 tokens.
#[derive(Clone)]
struct SuppliedTokens {
    access: Secret,
    refresh: Option<Secret>,
    expires_in: Option<Duration>,
}

#[derive(Clone)]
pub(crate) struct OAuth1Credentials {
    consumer_key: String,
    consumer_secret: Secret,
    token: Secret,
    token_secret: Secret,
}

/// The credentials given to a [`ClientBuilder`] for the schemes of this module.
#[derive(Clone, Default)]
pub(crate) struct Given {
    basic: Option<(String, Secret)>,
    bearer: Option<BearerSource>,
    oauth2_client: Option<(String, Secret)>,
    oauth2_tokens: Option<SuppliedTokens>,
    oauth2_token_url: Option<String>,
    oauth1: Option<OAuth1Credentials>,
    relay: Option<Client>,
}

impl Given {
    /// The builder methods that were called, for error messages.
    fn methods(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.basic.is_some() {
            out.push("basic_auth");
        }
        match self.bearer {
            Some(BearerSource::Static(_)) => out.push("bearer_token"),
            Some(BearerSource::Provider(_)) => out.push("bearer_token_provider"),
            None => {}
        }
        if self.oauth2_client.is_some() {
            out.push("oauth2_client_credentials");
        }
        if self.oauth2_tokens.is_some() {
            out.push("oauth2_tokens");
        }
        if self.oauth2_token_url.is_some() {
            out.push("oauth2_token_url");
        }
        if self.oauth1.is_some() {
            out.push("oauth1");
        }
        if self.relay.is_some() {
            out.push("relay_livevox_session");
        }
        out
    }
}

impl fmt::Debug for Given {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Names and ids only; every secret is a `Secret`, which prints `[REDACTED]`.
        let mut d = f.debug_struct("Auth");
        if let Some((user, password)) = &self.basic {
            d.field("basic_user", user).field("basic_password", password);
        }
        match &self.bearer {
            Some(BearerSource::Static(token)) => d.field("bearer_token", token),
            Some(BearerSource::Provider(_)) => d.field("bearer_token", &"<provider>"),
            None => &mut d,
        };
        if let Some((id, secret)) = &self.oauth2_client {
            d.field("oauth2_client_id", id).field("oauth2_client_secret", secret);
        }
        if let Some(t) = &self.oauth2_tokens {
            d.field("oauth2_access_token", &t.access).field("oauth2_refresh_token", &t.refresh).field("oauth2_expires_in", &t.expires_in);
        }
        if let Some(url) = &self.oauth2_token_url {
            d.field("oauth2_token_url", url);
        }
        if let Some(o) = &self.oauth1 {
            d.field("oauth1_consumer_key", &o.consumer_key)
                .field("oauth1_consumer_secret", &o.consumer_secret)
                .field("oauth1_token", &o.token)
                .field("oauth1_token_secret", &o.token_secret);
        }
        if let Some(c) = &self.relay {
            d.field("relay_livevox_session_of", &c.api().name);
        }
        d.finish()
    }
}

impl<C: ApiClient> ClientBuilder<C> {
    /// BASIC authorization: the user name and password, sent base64-encoded in the
    /// `Authorization` header of every call (RFC 7617). Only over `https://`.
    pub fn basic_auth(mut self, user: impl Into<String>, password: impl Into<Secret>) -> Self {
        self.other_auth.basic = Some((user.into(), password.into()));
        self
    }

    /// BEARER authorization with a fixed token, sent in the header the spec names (default
    /// `Authorization: Bearer <token>`). Replaces a [`ClientBuilder::bearer_token_provider`].
    pub fn bearer_token(mut self, token: impl Into<Secret>) -> Self {
        self.other_auth.bearer = Some(BearerSource::Static(token.into()));
        self
    }

    /// BEARER authorization with tokens from `provider`, asked before every call (see
    /// [`TokenProvider`]). Replaces a [`ClientBuilder::bearer_token`].
    pub fn bearer_token_provider(mut self, provider: impl TokenProvider) -> Self {
        self.other_auth.bearer = Some(BearerSource::Provider(Arc::new(provider)));
        self
    }

    /// OAUTH2 with the client-credentials grant (RFC 6749 §4.4): the client gets a token from
    /// the spec's `token_url` on first use, caches it, and gets a new one shortly before it
    /// expires (see [`OAUTH2_REFRESH_MARGIN`]) or when the API answers 401. Concurrent calls
    /// share one token request.
    ///
    /// The client authenticates to the token endpoint with HTTP Basic (RFC 6749 §2.3.1, the
    /// method every server must support); the credentials are never put in the form body.
    /// Combined with [`ClientBuilder::oauth2_tokens`], these credentials also authenticate
    /// refresh-token requests, and are the fallback when there is no refresh token.
    pub fn oauth2_client_credentials(mut self, client_id: impl Into<String>, client_secret: impl Into<Secret>) -> Self {
        self.other_auth.oauth2_client = Some((client_id.into(), client_secret.into()));
        self
    }

    /// OAUTH2 with tokens you obtained elsewhere (an authorization-code flow, say): the access
    /// token is used until it expires (`expires_in` from now, when given) or the API answers
    /// 401; then, with a refresh token, a new one is requested from the spec's `token_url` with
    /// the `refresh_token` grant (RFC 6749 §6), and a refresh token in that answer replaces the
    /// old one. Without a refresh token (or client credentials), an expired token is sent as it
    /// is and the API's 401 is returned.
    pub fn oauth2_tokens(mut self, access_token: impl Into<Secret>, refresh_token: Option<Secret>, expires_in: Option<Duration>) -> Self {
        self.other_auth.oauth2_tokens = Some(SuppliedTokens { access: access_token.into(), refresh: refresh_token, expires_in });
        self
    }

    /// An OAuth2 token endpoint of your own in place of the spec's `token_url` (a staging
    /// identity server, the simulator). It must be `https://`, like the base URL.
    pub fn oauth2_token_url(mut self, url: impl Into<String>) -> Self {
        self.other_auth.oauth2_token_url = Some(url.into());
        self
    }

    /// OAUTH authorization: every call is signed with OAuth 1.0a, HMAC-SHA1 (RFC 5849), using
    /// the consumer (client) credentials and the token credentials. The signature covers the
    /// method, the URL and its query parameters, with a fresh nonce and timestamp per attempt;
    /// JSON bodies are not part of it (RFC 5849 §3.4.1.3.1 signs form-encoded bodies only).
    pub fn oauth1(
        mut self,
        consumer_key: impl Into<String>,
        consumer_secret: impl Into<Secret>,
        token: impl Into<Secret>,
        token_secret: impl Into<Secret>,
    ) -> Self {
        self.other_auth.oauth1 = Some(OAuth1Credentials {
            consumer_key: consumer_key.into(),
            consumer_secret: consumer_secret.into(),
            token: token.into(),
            token_secret: token_secret.into(),
        });
        self
    }

    /// LIVEVOX authorization by relaying: every call carries the current session of
    /// `livevox`, a client of a LiveVox API (the generated `livevox::Client::runtime()`),
    /// which logs in first if it has no session yet, so the relay always follows its renewals.
    /// When this API refuses the session as expired, the LiveVox client is asked to renew it
    /// (once, shared with its own callers) and the call is replayed once.
    ///
    /// For an API whose spec has `authorization: { kind: LIVEVOX }` without `login`; the
    /// alternative is a fixed [`ClientBuilder::session_id`].
    pub fn relay_livevox_session(mut self, livevox: &Client) -> Self {
        self.other_auth.relay = Some(livevox.clone());
        self
    }
}

// ---------------------------------------------------------------------------------------------
// Checking what was given against the API's scheme

fn kind_name(scheme: &AuthScheme) -> &'static str {
    match scheme {
        AuthScheme::None => "NONE",
        AuthScheme::LiveVox { .. } => "LIVEVOX",
        AuthScheme::Basic => "BASIC",
        AuthScheme::Bearer { .. } => "BEARER",
        AuthScheme::OAuth1 => "OAUTH",
        AuthScheme::OAuth2 { .. } => "OAUTH2",
    }
}

/// What to call for each scheme, for error messages.
fn wanted(scheme: &AuthScheme) -> &'static str {
    match scheme {
        AuthScheme::None => "nothing",
        AuthScheme::LiveVox { login: Some(_), .. } => "ClientBuilder::access_token and ClientBuilder::credentials",
        AuthScheme::LiveVox { login: None, .. } => {
            "ClientBuilder::relay_livevox_session(livevox_client) or ClientBuilder::session_id(id)"
        }
        AuthScheme::Basic => "ClientBuilder::basic_auth(user, password)",
        AuthScheme::Bearer { .. } => "ClientBuilder::bearer_token(token) or ClientBuilder::bearer_token_provider(provider)",
        AuthScheme::OAuth1 => "ClientBuilder::oauth1(consumer_key, consumer_secret, token, token_secret)",
        AuthScheme::OAuth2 { .. } => {
            "ClientBuilder::oauth2_client_credentials(client_id, client_secret) or ClientBuilder::oauth2_tokens(access_token, refresh_token, expires_in)"
        }
    }
}

/// Checks the credentials of this module against the API's scheme and makes the [`Scheme`] for
/// the schemes this module runs; `Ok(None)` leaves NONE and LIVEVOX (without a relay) to the
/// client. `livevox_given` names the LiveVox builder methods that were called
/// (`access_token`, `credentials`, `session_id`).
pub(crate) fn build(api: &'static ApiSpec, given: Given, livevox_given: &[&'static str], allow_plain_loopback: bool) -> Result<Option<Scheme>, Error> {
    let scheme = api.auth;
    let kind = kind_name(&scheme);
    let refuse = |methods: Vec<&'static str>| -> Result<Option<Scheme>, Error> {
        let list = methods.iter().map(|m| format!("ClientBuilder::{m}")).collect::<Vec<_>>().join(", ");
        Err(Error::Config(format!(
            "the {} API uses {kind} authorization, which does not take {list}; give it {}",
            api.name,
            wanted(&scheme)
        )))
    };
    let missing = || -> Result<Option<Scheme>, Error> {
        Err(Error::Config(format!("the {} API uses {kind} authorization: give the builder {}", api.name, wanted(&scheme))))
    };
    // LiveVox login credentials belong to LIVEVOX only; the LIVEVOX arm of the client checks
    // them further.
    if !matches!(scheme, AuthScheme::LiveVox { .. }) && !livevox_given.is_empty() {
        return refuse(livevox_given.to_vec());
    }
    let mut methods = given.methods();
    let allowed: &[&str] = match scheme {
        AuthScheme::None | AuthScheme::LiveVox { login: Some(_), .. } => &[],
        AuthScheme::LiveVox { login: None, .. } => &["relay_livevox_session"],
        AuthScheme::Basic => &["basic_auth"],
        AuthScheme::Bearer { .. } => &["bearer_token", "bearer_token_provider"],
        AuthScheme::OAuth1 => &["oauth1"],
        AuthScheme::OAuth2 { .. } => &["oauth2_client_credentials", "oauth2_tokens", "oauth2_token_url"],
    };
    methods.retain(|m| !allowed.contains(m));
    if !methods.is_empty() {
        if matches!(scheme, AuthScheme::None) {
            return Err(Error::Config(format!("the {} API takes no authentication, but credentials were given", api.name)));
        }
        return refuse(methods);
    }

    Ok(Some(match scheme {
        AuthScheme::None | AuthScheme::LiveVox { login: Some(_), .. } => return Ok(None),
        AuthScheme::LiveVox { session_header, expired_status, login: None } => {
            let Some(livevox) = given.relay else { return Ok(None) };
            if livevox_given.contains(&"session_id") {
                return Err(Error::Config(format!(
                    "the {} API relays a LiveVox session: give it either ClientBuilder::relay_livevox_session or ClientBuilder::session_id, not both",
                    api.name
                )));
            }
            if !livevox_given.is_empty() {
                return refuse(livevox_given.to_vec());
            }
            if !livevox.can_relay() {
                return Err(Error::Config(format!(
                    "relay_livevox_session needs a client of a LiveVox API (LIVEVOX authorization); {} uses {}",
                    livevox.api().name,
                    kind_name(&livevox.api().auth)
                )));
            }
            Scheme::Relay { header: header_name(session_header)?, expired_status, livevox }
        }
        AuthScheme::Basic => {
            let Some((user, password)) = given.basic else { return missing() };
            // RFC 7617: the user-id cannot contain a colon; the server would split it there.
            if user.contains(':') {
                return Err(Error::Config("basic_auth: the user name must not contain `:` (RFC 7617)".into()));
            }
            let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{}", password.expose()));
            let value = Secret::new(format!("Basic {encoded}"));
            secret_header(&value, &AUTHORIZATION)?;
            Scheme::Basic { user, password, value, encoded: Secret::new(encoded) }
        }
        AuthScheme::Bearer { header, prefix } => {
            let Some(source) = given.bearer else { return missing() };
            let header = header_name(header)?;
            if let BearerSource::Static(token) = &source {
                secret_header(&with_prefix(prefix, token), &header)?;
            }
            Scheme::Bearer { header, prefix, source }
        }
        AuthScheme::OAuth1 => {
            let Some(credentials) = given.oauth1 else { return missing() };
            Scheme::OAuth1(credentials)
        }
        AuthScheme::OAuth2 { header, prefix, token_url, scopes } => {
            if given.oauth2_client.is_none() && given.oauth2_tokens.is_none() {
                return missing();
            }
            let token_url = match (given.oauth2_token_url, token_url) {
                (Some(url), _) => Some(check_token_url(&url, allow_plain_loopback)?),
                (None, Some(url)) => Some(check_token_url(url, allow_plain_loopback)?),
                (None, None) if given.oauth2_client.is_some() => {
                    return Err(Error::Config(format!(
                        "the {} API names no OAuth2 token_url, so client credentials cannot be exchanged for a token; give ClientBuilder::oauth2_token_url",
                        api.name
                    )))
                }
                (None, None) => None,
            };
            let header = header_name(header)?;
            let mut state = TokenState::default();
            if let Some(t) = given.oauth2_tokens {
                secret_header(&with_prefix(prefix, &t.access), &header)?;
                state.current = Some(Token::new(t.access, t.expires_in, Instant::now()));
                state.refresh_token = t.refresh;
            }
            Scheme::OAuth2 {
                header,
                prefix,
                tokens: OAuth2Tokens {
                    token_url,
                    scopes,
                    client_basic: given.oauth2_client.as_ref().map(|(id, secret)| client_basic(id, secret)),
                    client: given.oauth2_client,
                    state: Mutex::new(state),
                    refresh_lock: tokio::sync::Mutex::new(()),
                },
            }
        }
    }))
}

/// HTTP Basic client authentication at the token endpoint (RFC 6749 §2.3.1): the id and secret
/// are form-encoded before they are joined and base64-encoded. Without the `Basic ` prefix.
fn client_basic(id: &str, secret: &Secret) -> Secret {
    let encode = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    Secret::new(base64::engine::general_purpose::STANDARD.encode(format!("{}:{}", encode(id), encode(secret.expose()))))
}

fn header_name(name: &str) -> Result<HeaderName, Error> {
    HeaderName::from_bytes(name.as_bytes()).map_err(|_| Error::Config(format!("{name:?} is not a valid header name")))
}

/// `prefix token`, or the bare token for an empty prefix.
fn with_prefix(prefix: &str, token: &Secret) -> Secret {
    if prefix.is_empty() {
        token.clone()
    } else {
        Secret::new(format!("{prefix} {}", token.expose()))
    }
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

// ---------------------------------------------------------------------------------------------
// The schemes at run time

/// A configured scheme of this module.
// One per client, so the size difference between the variants costs nothing.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Scheme {
    Basic {
        user: String,
        password: Secret,
        /// `Basic <base64>`.
        value: Secret,
        /// The base64 part alone, to scrub from error text.
        encoded: Secret,
    },
    Bearer {
        header: HeaderName,
        prefix: &'static str,
        source: BearerSource,
    },
    OAuth1(OAuth1Credentials),
    OAuth2 {
        header: HeaderName,
        prefix: &'static str,
        tokens: OAuth2Tokens,
    },
    Relay {
        header: HeaderName,
        expired_status: u16,
        livevox: Client,
    },
}

/// The header one attempt is sent with.
struct Credential {
    header: HeaderName,
    /// The whole header value.
    value: Secret,
    /// The secret inside it (token, session id), to scrub from the error body of the answer.
    secret: Option<Secret>,
    /// The token or session generation this came from, for a renewal.
    generation: u64,
}

/// A failed OAuth2 token request in front of `op`: like a failed session login, the error
/// names the call and holds the token endpoint's error ([`Error::login_error`]).
fn token_failed(op: &'static Operation, source: Error) -> Error {
    Error::Login { operation: op.name, source: Box::new(source) }
}

impl Scheme {
    /// Sends one attempt of a call with this scheme's header; if the API refuses it and the
    /// scheme can get a new credential, gets one and replays the call once. Replaying is safe
    /// even for non-idempotent calls: the server refused it without doing anything.
    ///
    /// Returns the response and the secret it was sent with (scrubbed from an error body).
    pub(crate) async fn send(
        &self,
        client: &Client,
        op: &'static Operation,
        url: &url::Url,
        body: Option<Bytes>,
        timeout: Option<Duration>,
    ) -> Result<(reqwest::Response, Option<Secret>), Error> {
        if op.auth == AuthNeed::None {
            return Ok((client.send(op.name, op.method, url, body, None, timeout, op.response.accept()).await?, None));
        }
        let first = self.current(client, op, url, timeout).await?;
        let response =
            client.send(op.name, op.method, url, body.clone(), Some((&first.header, &first.value)), timeout, op.response.accept()).await?;
        if response.status().as_u16() != self.refused_status() {
            return Ok((response, first.secret));
        }
        let Some(second) = self.renewed(client, op, url, &first, timeout).await? else {
            return Ok((response, first.secret));
        };
        drop(response);
        tracing::info!(operation = op.name, "credentials refused; renewed them and replaying the call once");
        let response =
            client.send(op.name, op.method, url, body, Some((&second.header, &second.value)), timeout, op.response.accept()).await?;
        Ok((response, second.secret))
    }

    /// The status that means "these credentials are no good (any more)".
    fn refused_status(&self) -> u16 {
        match self {
            Scheme::Relay { expired_status, .. } => *expired_status,
            _ => 401,
        }
    }

    /// The expired status error decoding should treat as `Unauthorized`.
    pub(crate) fn expired_status(&self) -> Option<u16> {
        match self {
            Scheme::Relay { expired_status, .. } => Some(*expired_status),
            _ => None,
        }
    }

    async fn current(&self, client: &Client, op: &'static Operation, url: &url::Url, timeout: Option<Duration>) -> Result<Credential, Error> {
        let plain = |header: &HeaderName, value: Secret, secret: Option<Secret>| Credential { header: header.clone(), value, secret, generation: 0 };
        match self {
            Scheme::Basic { value, encoded, .. } => Ok(plain(&AUTHORIZATION, value.clone(), Some(encoded.clone()))),
            Scheme::Bearer { header, prefix, source } => {
                let token = match source {
                    BearerSource::Static(token) => token.clone(),
                    BearerSource::Provider(p) => p.token().await?,
                };
                Ok(plain(header, checked(with_prefix(prefix, &token), header)?, Some(token)))
            }
            Scheme::OAuth1(credentials) => Ok(plain(&AUTHORIZATION, oauth1_header(credentials, op.method, url), Some(credentials.token.clone()))),
            Scheme::OAuth2 { header, prefix, tokens } => {
                let (generation, token) = tokens.acquire(None, client.http_client(), timeout).await.map_err(|e| token_failed(op, e))?.ok_or_else(|| {
                    Error::Config(format!("{} needs an OAuth2 access token, and the client has none and no way to get one", op.name))
                })?;
                Ok(Credential { header: header.clone(), value: checked(with_prefix(prefix, &token), header)?, secret: Some(token), generation })
            }
            Scheme::Relay { header, livevox, .. } => {
                let (generation, session) = livevox.relayed_session(None, op.name).await?.ok_or_else(|| {
                    Error::Config(format!("{} relays a LiveVox session, but the LiveVox client has none and cannot log in", op.name))
                })?;
                Ok(Credential { header: header.clone(), value: checked(session.clone(), header)?, secret: Some(session), generation })
            }
        }
    }

    /// A replacement for `refused`, or `None` when there is no other to try.
    async fn renewed(
        &self,
        client: &Client,
        op: &'static Operation,
        url: &url::Url,
        refused: &Credential,
        timeout: Option<Duration>,
    ) -> Result<Option<Credential>, Error> {
        match self {
            Scheme::Basic { .. } | Scheme::OAuth1(_) => Ok(None),
            Scheme::Bearer { source: BearerSource::Static(_), .. } => Ok(None),
            Scheme::Bearer { source: BearerSource::Provider(_), .. } => {
                let next = self.current(client, op, url, timeout).await?;
                Ok((next.value != refused.value).then_some(next))
            }
            Scheme::OAuth2 { header, prefix, tokens } => {
                let Some((generation, token)) = tokens.acquire(Some(refused.generation), client.http_client(), timeout).await.map_err(|e| token_failed(op, e))? else {
                    return Ok(None);
                };
                Ok(Some(Credential { header: header.clone(), value: checked(with_prefix(prefix, &token), header)?, secret: Some(token), generation }))
            }
            Scheme::Relay { header, livevox, .. } => {
                let Some((generation, session)) = livevox.relayed_session(Some(refused.generation), op.name).await? else {
                    return Ok(None);
                };
                Ok(Some(Credential { header: header.clone(), value: checked(session.clone(), header)?, secret: Some(session), generation }))
            }
        }
    }

    /// Every secret of the scheme, to scrub from error text.
    pub(crate) fn secrets(&self) -> Vec<Secret> {
        match self {
            Scheme::Basic { password, encoded, .. } => vec![password.clone(), encoded.clone()],
            Scheme::Bearer { source: BearerSource::Static(token), .. } => vec![token.clone()],
            Scheme::Bearer { source: BearerSource::Provider(_), .. } => Vec::new(),
            Scheme::OAuth1(c) => vec![c.consumer_secret.clone(), c.token.clone(), c.token_secret.clone()],
            Scheme::OAuth2 { tokens, .. } => tokens.secrets(),
            Scheme::Relay { livevox, .. } => livevox.session_id().into_iter().collect(),
        }
    }

    /// The session id a relay sends (the LiveVox client's current one).
    pub(crate) fn relayed_session_id(&self) -> Option<Secret> {
        match self {
            Scheme::Relay { livevox, .. } => livevox.session_id(),
            _ => None,
        }
    }
}

/// A header value from a token that came from outside (a provider, a token endpoint).
fn checked(value: Secret, header: &HeaderName) -> Result<Secret, Error> {
    secret_header(&value, header)?;
    Ok(value)
}

impl fmt::Debug for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scheme::Basic { user, password, .. } => f.debug_struct("Basic").field("user", user).field("password", password).finish(),
            Scheme::Bearer { header, source, .. } => f
                .debug_struct("Bearer")
                .field("header", header)
                .field(
                    "token",
                    &match source {
                        BearerSource::Static(t) => format!("{t:?}"),
                        BearerSource::Provider(_) => "<provider>".to_owned(),
                    },
                )
                .finish(),
            Scheme::OAuth1(c) => f
                .debug_struct("OAuth1")
                .field("consumer_key", &c.consumer_key)
                .field("consumer_secret", &c.consumer_secret)
                .field("token", &c.token)
                .field("token_secret", &c.token_secret)
                .finish(),
            Scheme::OAuth2 { header, tokens, .. } => {
                let st = tokens.state();
                f.debug_struct("OAuth2")
                    .field("header", header)
                    .field("token_url", &tokens.token_url.as_ref().map(url::Url::as_str))
                    .field("client_id", &tokens.client.as_ref().map(|(id, _)| id))
                    .field("client_secret", &tokens.client.as_ref().map(|(_, s)| s))
                    .field("access_token", &st.current.as_ref().map(|t| &t.value))
                    .field("refresh_token", &st.refresh_token)
                    .finish()
            }
            Scheme::Relay { header, livevox, .. } => f
                .debug_struct("LiveVoxRelay")
                .field("header", header)
                .field("of", &livevox.api().name)
                .field("session_id", &livevox.session_id())
                .finish(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// OAuth 1.0a

/// `Authorization: OAuth ...` for one attempt: HMAC-SHA1 over the method, the URL without its
/// query, and the query parameters together with the protocol parameters (RFC 5849 §3.4.1),
/// with a fresh nonce and timestamp. The `oauth1-request` crate makes the nonce and timestamp,
/// builds the base string, signs and writes the header; the query goes in as [`QueryParams`]
/// because it must not be part of the URI the crate is given.
fn oauth1_header(c: &OAuth1Credentials, method: Method, url: &url::Url) -> Secret {
    let mut base = url.clone();
    base.set_query(None);
    base.set_fragment(None);
    let request = QueryParams::new(url);
    let token = oauth1_request::Token::from_parts(
        c.consumer_key.as_str(),
        c.consumer_secret.expose(),
        c.token.expose(),
        c.token_secret.expose(),
    );
    Secret::new(oauth1_request::authorize(method.as_str(), base.as_str(), &request, &token, oauth1_request::HmacSha1::new()))
}

/// RFC 5849 §3.6 percent-encoding: everything but the unreserved characters, upper-case hex.
const OAUTH_ENCODE: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

fn oauth_encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, OAUTH_ENCODE).to_string()
}

/// The query parameters of a request, as the signature needs them (RFC 5849 §3.4.1.3.2): each
/// name and value percent-encoded, sorted by encoded name, then encoded value. The crate's own
/// `ParameterList` sorts unencoded values (which orders `-` and `/` the other way round) and
/// writes names unencoded (wrong for `filter[status]`), so the parameters are handed over
/// already encoded: values through `serialize_parameter_encoded`, which encodes them once more
/// for the base string, and names encoded twice up front, since the crate writes names as they
/// are. (Encoding `%` as `%25` keeps the order, so the crate's order checks hold.)
struct QueryParams {
    /// `(name encoded twice, value encoded once)`, sorted by the once-encoded pair.
    pairs: Vec<(String, String)>,
}

impl QueryParams {
    fn new(url: &url::Url) -> Self {
        let mut once: Vec<(String, String)> = url.query_pairs().map(|(k, v)| (oauth_encode(&k), oauth_encode(&v))).collect();
        once.sort();
        QueryParams { pairs: once.into_iter().map(|(k, v)| (oauth_encode(&k), v)).collect() }
    }
}

impl oauth1_request::Request for QueryParams {
    fn serialize<S: oauth1_request::serializer::Serializer>(&self, mut serializer: S) -> S::Output {
        // The protocol parameters, in their sorted places among the request's.
        const PROTOCOL: [&str; 8] = [
            "oauth_callback",
            "oauth_consumer_key",
            "oauth_nonce",
            "oauth_signature_method",
            "oauth_timestamp",
            "oauth_token",
            "oauth_verifier",
            "oauth_version",
        ];
        fn protocol<S: oauth1_request::serializer::Serializer>(serializer: &mut S, index: usize) {
            match index {
                0 => serializer.serialize_oauth_callback(),
                1 => serializer.serialize_oauth_consumer_key(),
                2 => serializer.serialize_oauth_nonce(),
                3 => serializer.serialize_oauth_signature_method(),
                4 => serializer.serialize_oauth_timestamp(),
                5 => serializer.serialize_oauth_token(),
                6 => serializer.serialize_oauth_verifier(),
                _ => serializer.serialize_oauth_version(),
            }
        }
        let mut next = 0;
        for (name, value) in &self.pairs {
            while next < PROTOCOL.len() && PROTOCOL[next] < name.as_str() {
                protocol(&mut serializer, next);
                next += 1;
            }
            serializer.serialize_parameter_encoded(name, value);
        }
        while next < PROTOCOL.len() {
            protocol(&mut serializer, next);
            next += 1;
        }
        serializer.end()
    }
}

// ---------------------------------------------------------------------------------------------
// OAuth2 tokens: cache, refresh, single flight

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
        let response = builder.send().await.map_err(|e| Error::transport(op, e))?;
        let status = response.status();
        tracing::Span::current().record("status", status.as_u16());
        let secrets = self.secrets();
        let secrets: Vec<&Secret> = secrets.iter().chain(match grant {
            Grant::Refresh(r) => Some(r),
            Grant::ClientCredentials => None,
        })
        .collect();
        if !status.is_success() {
            let (body, truncated) = read_capped_lossy(response, MAX_ERROR_BODY).await;
            return Err(error::from_response(site, None, &OAUTH2_ERRORS, ErrorResponse { status, retry_after: None, body: &body, truncated }, &secrets));
        }
        // No body excerpts in these errors: the body holds the token.
        let fail = |message: String| Error::Decode(DecodeError::new(op, Some(status), ".".into(), scrub(&message, &secrets), None));
        let (bytes, truncated) = read_capped(response, MAX_TOKEN_RESPONSE).await.map_err(|e| Error::transport(op, e))?;
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

    #[test]
    fn oauth1_header_has_the_protocol_parameters() {
        let c = OAuth1Credentials {
            consumer_key: "ck".into(),
            consumer_secret: Secret::new("cs"),
            token: Secret::new("tk"),
            token_secret: Secret::new("ts"),
        };
        let url = url::Url::parse("https://erp.example.com/a/b?x=1&y=two+words").unwrap();
        let h = oauth1_header(&c, Method::Get, &url);
        let h = h.expose();
        assert!(h.starts_with("OAuth "), "{h}");
        for p in ["oauth_consumer_key=\"ck\"", "oauth_token=\"tk\"", "oauth_signature_method=\"HMAC-SHA1\"", "oauth_nonce=", "oauth_timestamp=", "oauth_signature="] {
            assert!(h.contains(p), "{p} missing from {h}");
        }
        // A fresh nonce every time.
        assert_ne!(oauth1_header(&c, Method::Get, &url).expose(), h);
    }

    /// RFC 5849 §3.4 computed here without the crate: the base string of the request and
    /// HMAC-SHA1 with both secrets, compared with the signature of the header.
    fn verifies(method: &str, url: &url::Url, header: &str, consumer_secret: &str, token_secret: &str) -> bool {
        use hmac::Mac as _;
        let decode = |s: &str| percent_encoding::percent_decode_str(s).decode_utf8().unwrap().into_owned();
        let mut protocol: Vec<(String, String)> = Vec::new();
        for part in header.strip_prefix("OAuth ").unwrap().split(',') {
            let (k, v) = part.trim().split_once('=').unwrap();
            protocol.push((decode(k), decode(v.trim_matches('"'))));
        }
        let signature = protocol.iter().find(|(k, _)| k == "oauth_signature").unwrap().1.clone();
        let mut params: Vec<(String, String)> = url
            .query_pairs()
            .into_owned()
            .chain(protocol.into_iter().filter(|(k, _)| k != "oauth_signature"))
            .map(|(k, v)| (oauth_encode(&k), oauth_encode(&v)))
            .collect();
        params.sort();
        let normalized = params.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&");
        let mut base_uri = url.clone();
        base_uri.set_query(None);
        let base = format!("{method}&{}&{}", oauth_encode(base_uri.as_str()), oauth_encode(&normalized));
        let key = format!("{}&{}", oauth_encode(consumer_secret), oauth_encode(token_secret));
        let mut mac = hmac::Hmac::<sha1::Sha1>::new_from_slice(key.as_bytes()).unwrap();
        mac.update(base.as_bytes());
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes()) == signature
    }

    #[test]
    fn oauth1_signatures_cover_any_query_as_rfc_5849_says() {
        let c = OAuth1Credentials {
            consumer_key: "key with space".into(),
            consumer_secret: Secret::new("c&s=cret"),
            token: Secret::new("tok/en"),
            token_secret: Secret::new("t s"),
        };
        for url in [
            "https://erp.example.com/api/ar/accounts/ACCT-1/balance",
            "https://erp.example.com/api/ar?currency=USD",
            // Names that need encoding, repeated names whose values sort differently once
            // encoded (`-` before `%2F`), empty values, `+` for a space, non-ASCII, and names
            // that fall between the protocol parameters.
            "https://erp.example.com/a%20b/c?filter%5Bstatus%5D=open&x=%2F&x=-&empty=&sp=a+b&u=%C3%A9&oauth_o=1&a=2&zz=3",
            "http://127.0.0.1:8080/x?b=2&a=1&a=0",
        ] {
            let url = url::Url::parse(url).unwrap();
            for method in [Method::Get, Method::Post, Method::Delete] {
                let h = oauth1_header(&c, method, &url);
                assert!(verifies(method.as_str(), &url, h.expose(), "c&s=cret", "t s"), "{method:?} {url}: {}", h.expose());
                assert!(!verifies(method.as_str(), &url, h.expose(), "c&s=cret", "other"), "the token secret is part of the key");
            }
        }
    }
}
