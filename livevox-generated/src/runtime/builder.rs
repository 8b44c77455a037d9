//! The client builder, in one place: every setting a client takes (where it connects, its
//! credentials for each authorization scheme, time limits, retries, rate-limit scaling and
//! shared stores) and `build`, which checks them and puts the layers together: transport,
//! authorization, policy, client.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use http::header::{HeaderMap, HeaderValue, ACCEPT, CONTENT_TYPE, USER_AGENT};

use super::auth::bearer::{BearerSource, TokenProvider};
use super::auth::given::{self, Given, RelaySource};
use super::auth::oauth1::OAuth1Credentials;
use super::auth::oauth2::SuppliedTokens;
use super::client::{Client, Inner};
use super::deadline::DEFAULT_DEADLINE;
use super::describe::ApiSpec;
use super::error::Error;
use super::policy::Policy;
use super::retry::RetryConfig;
use super::secret::Secret;
use super::session::Credentials;
use super::shared;
use super::transport::{header_name, is_loopback, Transport, DEFAULT_USER_AGENT};

/// Connect timeout when the caller sets none.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Attempt timeout (connect, send, wait and read the body of one attempt) when the caller sets
/// none; the whole call is bounded by the deadline ([`DEFAULT_DEADLINE`]).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Largest success body read when the caller sets no other limit.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;

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

enum BaseChoice {
    Environment(&'static str),
    Custom(String),
}

/// Builds a client for the API `C`.
pub struct ClientBuilder<C> {
    base: Option<BaseChoice>,
    connect_timeout: Option<Duration>,
    timeout: Option<Option<Duration>>,
    deadline: Option<Option<Duration>>,
    user_agent: Option<String>,
    http: Option<reqwest::Client>,
    header_params: Vec<(String, String)>,
    allow_plain_http_loopback: bool,
    max_response_bytes: usize,
    /// Credentials of every authorization scheme (`auth/given.rs`).
    auth: Given,
    /// Rate-limit time scale and shared stores (`shared.rs`).
    shared: shared::Given,
    retry: RetryConfig,
    _api: PhantomData<fn() -> C>,
}

impl<C: ApiClient> ClientBuilder<C> {
    /// A builder with nothing set yet.
    pub fn new() -> Self {
        ClientBuilder {
            base: None,
            connect_timeout: None,
            timeout: None,
            deadline: None,
            user_agent: None,
            http: None,
            header_params: Vec::new(),
            allow_plain_http_loopback: false,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            auth: Given::default(),
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
        self.auth.access_token = Some(token.into());
        self
    }

    /// The user (or agent) to log in as. Needs [`ClientBuilder::access_token`] too.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.auth.credentials = Some(credentials);
        self
    }

    /// An existing session to use. Without credentials the client cannot renew it: once it
    /// expires, calls fail with [`Error::Unauthorized`]. With credentials, it is renewed.
    pub fn session_id(mut self, session_id: impl Into<Secret>) -> Self {
        self.auth.session_id = Some(session_id.into());
        self
    }

    /// How long to wait for a connection (default [`DEFAULT_CONNECT_TIMEOUT`]). Cannot be
    /// combined with [`ClientBuilder::http_client`]: configure that client instead.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// The limit for each attempt of a call: connect, send, wait and read the body (default
    /// [`DEFAULT_TIMEOUT`]). [`Request::timeout`](super::Request::timeout) overrides it for one call; a retried call
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
    /// [`Request::deadline`](super::Request::deadline) (a request builder's `.deadline(d)`) overrides it for one call.
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

    /// BASIC authorization: the user name and password, sent base64-encoded in the
    /// `Authorization` header of every call (RFC 7617). Only over `https://`.
    pub fn basic_auth(mut self, user: impl Into<String>, password: impl Into<Secret>) -> Self {
        self.auth.basic = Some((user.into(), password.into()));
        self
    }

    /// BEARER authorization with a fixed token, sent in the header the spec names (default
    /// `Authorization: Bearer <token>`). Replaces a [`ClientBuilder::bearer_token_provider`].
    pub fn bearer_token(mut self, token: impl Into<Secret>) -> Self {
        self.auth.bearer = Some(BearerSource::Static(token.into()));
        self
    }

    /// BEARER authorization with tokens from `provider`, asked before every call (see
    /// [`TokenProvider`]). Replaces a [`ClientBuilder::bearer_token`].
    pub fn bearer_token_provider(mut self, provider: impl TokenProvider) -> Self {
        self.auth.bearer = Some(BearerSource::Provider(Arc::new(provider)));
        self
    }

    /// OAUTH2 with the client-credentials grant (RFC 6749 §4.4): the client gets a token from
    /// the spec's `token_url` on first use, caches it, and gets a new one shortly before it
    /// expires (see [`OAUTH2_REFRESH_MARGIN`](super::OAUTH2_REFRESH_MARGIN)) or when the API answers 401. Concurrent calls
    /// share one token request.
    ///
    /// The client authenticates to the token endpoint with HTTP Basic (RFC 6749 §2.3.1, the
    /// method every server must support); the credentials are never put in the form body.
    /// Combined with [`ClientBuilder::oauth2_tokens`], these credentials also authenticate
    /// refresh-token requests, and are the fallback when there is no refresh token.
    pub fn oauth2_client_credentials(mut self, client_id: impl Into<String>, client_secret: impl Into<Secret>) -> Self {
        self.auth.oauth2_client = Some((client_id.into(), client_secret.into()));
        self
    }

    /// OAUTH2 with tokens you obtained elsewhere (an authorization-code flow, say): the access
    /// token is used until it expires (`expires_in` from now, when given) or the API answers
    /// 401; then, with a refresh token, a new one is requested from the spec's `token_url` with
    /// the `refresh_token` grant (RFC 6749 §6), and a refresh token in that answer replaces the
    /// old one. Without a refresh token (or client credentials), an expired token is sent as it
    /// is and the API's 401 is returned.
    pub fn oauth2_tokens(mut self, access_token: impl Into<Secret>, refresh_token: Option<Secret>, expires_in: Option<Duration>) -> Self {
        self.auth.oauth2_tokens = Some(SuppliedTokens { access: access_token.into(), refresh: refresh_token, expires_in });
        self
    }

    /// An OAuth2 token endpoint of your own in place of the spec's `token_url` (a staging
    /// identity server, the simulator). It must be `https://`, like the base URL.
    pub fn oauth2_token_url(mut self, url: impl Into<String>) -> Self {
        self.auth.oauth2_token_url = Some(url.into());
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
        self.auth.oauth1 = Some(OAuth1Credentials {
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
        self.auth.relay = Some(RelaySource { api: livevox.api(), session: livevox.session_auth() });
        self
    }

    /// Multiplies every rate-limit window of the spec by `scale` (default 1.0): **for tests**,
    /// so that Append Campaign's "5 calls a minute" becomes, with `0.05`, 5 calls in any 3
    /// seconds, and a test of pacing takes seconds rather than minutes (give the simulator the
    /// same window with `SimulatorBuilder::rate_limit`). A scale above 1 lengthens windows,
    /// for a margin against a server that counts differently. Applies to the in-process
    /// windows and to the Redis store alike; `build()` refuses a scale that is not a finite
    /// number above zero.
    pub fn rate_limit_time_scale(mut self, scale: f64) -> Self {
        self.shared.set_time_scale(scale);
        self
    }

    /// Shares rate-limit windows, in-flight caps and the LiveVox session with every client
    /// (every worker process) that uses the same Redis and key prefix: see [`RedisConfig`]
    /// for what is stored, for how long, and what happens when Redis cannot be reached.
    /// Requires the `redis` feature.
    ///
    /// [`RedisConfig`]: crate::runtime::RedisConfig
    #[cfg(feature = "redis")]
    pub fn redis(mut self, config: super::redis_store::RedisConfig) -> Self {
        self.shared.set_redis(config);
        self
    }

    /// Checks the configuration and makes the client.
    pub fn build(self) -> Result<C, Error> {
        let api = C::api();
        let base = check_base_url(&self.base_text(api)?, self.allow_plain_http_loopback)?;
        let headers = self.headers(api)?;
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
        let transport = Arc::new(Transport {
            http,
            base,
            headers,
            timeout: self.timeout.unwrap_or(Some(DEFAULT_TIMEOUT)),
            max_response_bytes: self.max_response_bytes,
            errors: api.errors,
        });
        let shared = &self.shared;
        let auth = given::build(api, self.auth, &transport, self.allow_plain_http_loopback, |login| {
            shared.session_store(&transport.base, login)
        })?;
        let policy = Policy {
            retry: self.retry,
            limits: self.shared.rate_limits()?,
            // `no_timeout()` was for calls that may take any time: it lifts the default too.
            deadline: self.deadline.unwrap_or(if self.timeout == Some(None) { None } else { Some(DEFAULT_DEADLINE) }),
        };
        Ok(C::from_runtime(Client::from_inner(Inner { api, transport, auth, policy })))
    }

    /// The base URL as given, or the API's default environment.
    fn base_text(&self, api: &'static ApiSpec) -> Result<String, Error> {
        Ok(match &self.base {
            Some(BaseChoice::Environment(url)) => (*url).to_owned(),
            Some(BaseChoice::Custom(url)) => url.clone(),
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
        })
    }

    /// The headers every request carries: `Accept` JSON, `Content-Type` JSON when the API sends
    /// it always (else the transport adds it to requests with a body), the API's own,
    /// `User-Agent`.
    fn headers(&self, api: &'static ApiSpec) -> Result<HeaderMap, Error> {
        let mut headers = HeaderMap::new();
        if api.content_type == super::ContentTypeRule::Always {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
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
        Ok(headers)
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
            .field("access_token", &self.auth.access_token)
            .field("credentials", &self.auth.credentials)
            .field("session_id", &self.auth.session_id)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("deadline", &self.deadline)
            .field("retry", &self.retry)
            .field("user_agent", &self.user_agent)
            // Names only: a header value may be a key of some kind.
            .field("header_params", &self.header_params.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>())
            .field("allow_plain_http_for_loopback_tests", &self.allow_plain_http_loopback)
            .field("auth", &self.auth)
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
}
