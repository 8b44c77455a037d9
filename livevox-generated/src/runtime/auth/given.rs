//! What a client builder was given for authorization, and the check that it fits the API's
//! scheme ([`build`]): each scheme takes only its own builder methods, and a missing credential
//! is named by the method that gives it.

use std::fmt;
use std::sync::Arc;

use super::super::describe::{ApiSpec, AuthScheme};
use super::super::error::Error;
use super::super::secret::Secret;
use super::super::session::{Credentials, LoginConfig};
use super::super::store::SessionStore;
use super::super::transport::{header_name, Transport};
use super::basic::Basic;
use super::bearer::{Bearer, BearerSource};
use super::livevox::{SessionAuth, SessionGiven};
use super::oauth1::OAuth1Credentials;
use super::oauth2::{OAuth2, OAuth2Given, SuppliedTokens};
use super::relay::Relay;
use super::Authorizer;

/// The LiveVox client whose session another client relays.
pub(crate) struct RelaySource {
    /// Its API, for error messages.
    pub api: &'static ApiSpec,
    /// Its session scheme; `None` when it is not a client of a LiveVox API with sessions.
    pub session: Option<Arc<SessionAuth>>,
}

/// The credentials given to a client builder.
#[derive(Default)]
pub(crate) struct Given {
    pub access_token: Option<Secret>,
    pub credentials: Option<Credentials>,
    pub session_id: Option<Secret>,
    pub basic: Option<(String, Secret)>,
    pub bearer: Option<BearerSource>,
    pub oauth2_client: Option<(String, Secret)>,
    pub oauth2_tokens: Option<SuppliedTokens>,
    pub oauth2_token_url: Option<String>,
    pub oauth1: Option<OAuth1Credentials>,
    pub relay: Option<RelaySource>,
}

impl Given {
    /// The LiveVox builder methods that were called.
    fn livevox_methods(&self) -> Vec<&'static str> {
        [("access_token", self.access_token.is_some()), ("credentials", self.credentials.is_some()), ("session_id", self.session_id.is_some())]
            .into_iter()
            .filter_map(|(name, given)| given.then_some(name))
            .collect()
    }

    /// The other builder methods that were called, for error messages.
    fn methods(&self) -> Vec<&'static str> {
        let bearer = match self.bearer {
            Some(BearerSource::Static(_)) => Some("bearer_token"),
            Some(BearerSource::Provider(_)) => Some("bearer_token_provider"),
            None => None,
        };
        [
            self.basic.is_some().then_some("basic_auth"),
            bearer,
            self.oauth2_client.is_some().then_some("oauth2_client_credentials"),
            self.oauth2_tokens.is_some().then_some("oauth2_tokens"),
            self.oauth2_token_url.is_some().then_some("oauth2_token_url"),
            self.oauth1.is_some().then_some("oauth1"),
            self.relay.is_some().then_some("relay_livevox_session"),
        ]
        .into_iter()
        .flatten()
        .collect()
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
            d.field("relay_livevox_session_of", &c.api.name);
        }
        d.finish()
    }
}

pub(super) fn kind_name(scheme: &AuthScheme) -> &'static str {
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

/// The builder methods each scheme takes, besides the LiveVox ones.
fn allowed(scheme: &AuthScheme) -> &'static [&'static str] {
    match scheme {
        AuthScheme::None | AuthScheme::LiveVox { login: Some(_), .. } => &[],
        AuthScheme::LiveVox { login: None, .. } => &["relay_livevox_session"],
        AuthScheme::Basic => &["basic_auth"],
        AuthScheme::Bearer { .. } => &["bearer_token", "bearer_token_provider"],
        AuthScheme::OAuth1 => &["oauth1"],
        AuthScheme::OAuth2 { .. } => &["oauth2_client_credentials", "oauth2_tokens", "oauth2_token_url"],
    }
}

/// Checks what was given against the API's scheme and makes the client's [`Authorizer`].
/// `store` makes the session store of a LIVEVOX client from its login (Redis, when configured).
pub(crate) fn build(
    api: &'static ApiSpec,
    given: Given,
    transport: &Arc<Transport>,
    allow_plain_loopback: bool,
    store: impl FnOnce(Option<&LoginConfig>) -> Result<Option<Arc<dyn SessionStore>>, Error>,
) -> Result<Authorizer, Error> {
    let scheme = api.auth;
    let kind = kind_name(&scheme);
    let refuse = |methods: Vec<&'static str>| -> Error {
        let list = methods.iter().map(|m| format!("ClientBuilder::{m}")).collect::<Vec<_>>().join(", ");
        Error::Config(format!("the {} API uses {kind} authorization, which does not take {list}; give it {}", api.name, wanted(&scheme)))
    };
    let missing = || Error::Config(format!("the {} API uses {kind} authorization: give the builder {}", api.name, wanted(&scheme)));
    let livevox_given = given.livevox_methods();
    // LiveVox login credentials belong to LIVEVOX only.
    if !matches!(scheme, AuthScheme::LiveVox { .. }) && !livevox_given.is_empty() {
        return Err(refuse(livevox_given));
    }
    let mut methods = given.methods();
    methods.retain(|m| !allowed(&scheme).contains(m));
    if !methods.is_empty() {
        if matches!(scheme, AuthScheme::None) {
            return Err(Error::Config(format!("the {} API takes no authentication, but credentials were given", api.name)));
        }
        return Err(refuse(methods));
    }
    Ok(match scheme {
        AuthScheme::None => Authorizer::None,
        AuthScheme::LiveVox { session_header, expired_status, login } => match given.relay {
            None => {
                let session = SessionGiven { access_token: given.access_token, credentials: given.credentials, session_id: given.session_id };
                let auth = SessionAuth::build(api.name, transport.clone(), (session_header, expired_status, login), session, store)?;
                Authorizer::Session(Arc::new(auth))
            }
            Some(relay) => {
                if livevox_given.contains(&"session_id") {
                    return Err(Error::Config(format!(
                        "the {} API relays a LiveVox session: give it either ClientBuilder::relay_livevox_session or ClientBuilder::session_id, not both",
                        api.name
                    )));
                }
                if !livevox_given.is_empty() {
                    return Err(refuse(livevox_given));
                }
                let Some(livevox) = relay.session else {
                    return Err(Error::Config(format!(
                        "relay_livevox_session needs a client of a LiveVox API (LIVEVOX authorization); {} uses {}",
                        relay.api.name,
                        kind_name(&relay.api.auth)
                    )));
                };
                Authorizer::Relay(Relay::new(header_name(session_header)?, expired_status, livevox, relay.api.name))
            }
        },
        AuthScheme::Basic => {
            let Some((user, password)) = given.basic else { return Err(missing()) };
            Authorizer::Basic(Basic::build(user, password)?)
        }
        AuthScheme::Bearer { header, prefix } => {
            let Some(source) = given.bearer else { return Err(missing()) };
            Authorizer::Bearer(Bearer::build(header, prefix, source)?)
        }
        AuthScheme::OAuth1 => Authorizer::OAuth1(given.oauth1.ok_or_else(missing)?),
        AuthScheme::OAuth2 { header, prefix, token_url, scopes } => {
            let oauth2 = OAuth2Given { client: given.oauth2_client, tokens: given.oauth2_tokens, token_url: given.oauth2_token_url };
            Authorizer::OAuth2(OAuth2::build(api.name, (header, prefix, token_url, scopes), oauth2, allow_plain_loopback)?.ok_or_else(missing)?)
        }
    })
}
