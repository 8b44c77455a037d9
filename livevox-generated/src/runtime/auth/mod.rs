//! The authorization layer, above the transport: one module per scheme (LiveVox session,
//! relay, BASIC, BEARER, OAuth 1.0a, OAuth 2), all sending through [`replay`], the one "send,
//! and replay once if the credential was refused". [`Authorizer`] is a client's configured
//! scheme; [`given`] checks what the builder was given against the API's scheme.
//!
//! **Credentials never travel in clear text.** Every scheme sends a secret (or, for OAUTH, a
//! signature that anyone on the path could replay), so the base URL and the OAuth2 token
//! endpoint must be `https://`; plain `http://` is allowed only to a loopback host, and only
//! after `ClientBuilder::allow_plain_http_for_loopback_tests`, which exists for tests.

pub(crate) mod basic;
pub(crate) mod bearer;
pub(crate) mod given;
pub(crate) mod livevox;
pub(crate) mod oauth1;
pub(crate) mod oauth2;
pub(crate) mod relay;
pub(crate) mod replay;

use std::fmt;
use std::sync::Arc;

use super::deadline::Deadline;
use super::describe::{AuthNeed, Operation};
use super::error::Error;
use super::secret::Secret;
use super::transport::{Outgoing, Transport};
pub(crate) use replay::Credential;

/// A client's configured authorization.
// One per client, so the size difference between the variants costs nothing.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Authorizer {
    None,
    /// LIVEVOX with a login or a fixed session id; shared with clients that relay it.
    Session(Arc<livevox::SessionAuth>),
    /// LIVEVOX relaying another client's session.
    Relay(relay::Relay),
    Basic(basic::Basic),
    Bearer(bearer::Bearer),
    OAuth1(oauth1::OAuth1Credentials),
    OAuth2(oauth2::OAuth2),
}

/// The schemes that fetch a credential and renew a refused one. Their sends are boxed by
/// [`Authorizer::send`]: their state (a token request, a renewal and two sends) would otherwise
/// grow the future of every call of every scheme, which is moved into its box on every call.
enum Renewing<'a> {
    Relay(&'a relay::Relay),
    Bearer(&'a bearer::Bearer),
    OAuth2(&'a oauth2::OAuth2),
}

impl Renewing<'_> {
    /// Sends with the scheme's current credential, waiting for it (a token request, another
    /// call's renewal, a login) no longer than the call's deadline.
    async fn send(self, transport: &Transport, op: &'static Operation, out: &Outgoing<'_>) -> Result<(reqwest::Response, Option<Secret>), Error> {
        let cut = |d: &Deadline| d.exceeded("waiting for the credential", None);
        match self {
            Renewing::Relay(relay) => {
                let first = out.deadline.run(cut, || relay.current(op)).await??;
                replay::send(transport, out, first, relay.refusal(), |refused| async move { relay.renewed(op, &refused).await }).await
            }
            Renewing::Bearer(bearer) => {
                let first = out.deadline.run(cut, || bearer.current()).await??;
                replay::send(transport, out, first, replay::Refusal::TOKEN, |refused| async move { bearer.renewed(&refused).await }).await
            }
            Renewing::OAuth2(oauth2) => {
                let http = &transport.http;
                let first = out.deadline.run(cut, || oauth2.current(http, op, out.timeout)).await??;
                replay::send(transport, out, first, replay::Refusal::TOKEN, |refused| async move { oauth2.renewed(http, op, &refused, out.timeout).await })
                    .await
            }
        }
    }
}

impl Authorizer {
    /// Sends one attempt of `op` with the credential it needs, replaying it once when the
    /// scheme's credential was refused and a new one can be had.
    ///
    /// Returns the response and the secret it was sent with (scrubbed from an error body).
    pub(crate) async fn send(
        &self,
        transport: &Transport,
        op: &'static Operation,
        out: &Outgoing<'_>,
    ) -> Result<(reqwest::Response, Option<Secret>), Error> {
        if let Authorizer::Session(session) = self {
            return session.send(op, out).await;
        }
        if op.auth == AuthNeed::None {
            return Ok((transport.send(out, None).await?, None));
        }
        match self {
            Authorizer::None | Authorizer::Session(_) => Ok((transport.send(out, None).await?, None)),
            Authorizer::Basic(basic) => replay::send_once(transport, out, basic.credential()).await,
            Authorizer::Bearer(bearer) => match bearer.fixed() {
                Some(fixed) => replay::send_once(transport, out, fixed).await,
                None => Box::pin(Renewing::Bearer(bearer).send(transport, op, out)).await,
            },
            Authorizer::OAuth1(credentials) => replay::send_once(transport, out, &credentials.credential(out.method, out.url)?).await,
            Authorizer::Relay(relay) => Box::pin(Renewing::Relay(relay).send(transport, op, out)).await,
            Authorizer::OAuth2(oauth2) => Box::pin(Renewing::OAuth2(oauth2).send(transport, op, out)).await,
        }
    }

    /// The credential an attempt of `op` goes out with when it is at hand now, without a wait
    /// or a request of its own: `Some(None)` when the attempt needs none, `None` when only
    /// [`Authorizer::send`] can send it (a login or a token to wait for, an OAUTH signature,
    /// a relayed session, a configuration error to report). What [`Authorizer::send`] would
    /// send first, for the client's first-attempt path (`Client::first_attempt`).
    pub(crate) fn ready(&self, op: &'static Operation) -> Option<Option<Credential>> {
        if let Authorizer::Session(session) = self {
            return session.ready(op);
        }
        if op.auth == AuthNeed::None {
            return Some(None);
        }
        match self {
            Authorizer::None | Authorizer::Session(_) => Some(None),
            Authorizer::Basic(basic) => Some(Some(basic.credential().clone())),
            Authorizer::Bearer(bearer) => bearer.fixed().cloned().map(Some),
            Authorizer::OAuth2(oauth2) => oauth2.ready().map(Some),
            Authorizer::OAuth1(_) | Authorizer::Relay(_) => None,
        }
    }

    /// Whether [`Authorizer::send`] would renew the credential of an attempt of `op` answered
    /// with `status` and replay it ([`Authorizer::refused`] does that). Of the schemes
    /// [`Authorizer::ready`] serves, the LiveVox session (on its expired status) and OAuth2 (on
    /// a 401) are renewed; BASIC and a fixed BEARER token have no replacement.
    pub(crate) fn refuses(&self, op: &'static Operation, status: http::StatusCode) -> bool {
        match self {
            Authorizer::Session(session) => op.auth == AuthNeed::Session && session.refuses(status),
            Authorizer::OAuth2(_) => op.auth != AuthNeed::None && status.as_u16() == replay::Refusal::TOKEN.status,
            _ => false,
        }
    }

    /// An attempt of `op`, `out` sent with `first` (from [`Authorizer::ready`]), whose answer
    /// `response` [`Authorizer::refuses`]: the credential renewed and the attempt replayed
    /// once, as [`Authorizer::send`] does.
    pub(crate) async fn refused(
        &self,
        transport: &Transport,
        op: &'static Operation,
        out: &Outgoing<'_>,
        response: reqwest::Response,
        first: Credential,
    ) -> Result<(reqwest::Response, Option<Secret>), Error> {
        match self {
            Authorizer::Session(session) => session.refused(op, out, response, first).await,
            Authorizer::OAuth2(oauth2) => {
                let http = &transport.http;
                replay::refused(transport, out, response, first, replay::Refusal::TOKEN, |refused| async move {
                    oauth2.renewed(http, op, &refused, out.timeout).await
                })
                .await
            }
            _ => Ok((response, first.secret)),
        }
    }

    /// The status besides 401 that error decoding treats as `Unauthorized`.
    pub(crate) fn expired_status(&self) -> Option<u16> {
        match self {
            Authorizer::Session(session) => Some(session.expired_status),
            Authorizer::Relay(relay) => Some(relay.expired_status),
            _ => None,
        }
    }

    /// Every secret the scheme knows, to scrub from error text.
    pub(crate) fn secrets(&self) -> Vec<Secret> {
        match self {
            Authorizer::None => Vec::new(),
            Authorizer::Session(session) => session.secrets(),
            Authorizer::Relay(relay) => relay.session_id().into_iter().collect(),
            Authorizer::Basic(basic) => basic.secrets(),
            Authorizer::Bearer(bearer) => bearer.secrets(),
            Authorizer::OAuth1(credentials) => credentials.secrets(),
            Authorizer::OAuth2(oauth2) => oauth2.secrets(),
        }
    }

    /// The session id calls carry: the client's own, or the relayed client's.
    pub(crate) fn session_id(&self) -> Option<Secret> {
        match self {
            Authorizer::Session(session) => session.current(),
            Authorizer::Relay(relay) => relay.session_id(),
            _ => None,
        }
    }

    /// The LiveVox session scheme, for a client that relays it.
    pub(crate) fn session_auth(&self) -> Option<Arc<livevox::SessionAuth>> {
        match self {
            Authorizer::Session(session) => Some(session.clone()),
            _ => None,
        }
    }

    /// Adds what `Debug` shows of the scheme (never a secret in clear).
    pub(crate) fn debug_fields(&self, d: &mut fmt::DebugStruct<'_, '_>) {
        match self {
            Authorizer::None => d.field("auth", &"none"),
            Authorizer::Session(session) => session.debug_fields(d.field("auth", &"LiveVox session")),
            Authorizer::Relay(relay) => d.field("auth", relay),
            Authorizer::Basic(basic) => d.field("auth", basic),
            Authorizer::Bearer(bearer) => d.field("auth", bearer),
            Authorizer::OAuth1(credentials) => d.field("auth", credentials),
            Authorizer::OAuth2(oauth2) => d.field("auth", oauth2),
        };
    }
}
