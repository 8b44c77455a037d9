//! The one rule every authorization scheme shares: send a call with the current credential, and
//! when the API refuses it and the scheme can get another, send it once more with that one,
//! never more than once. Replaying is safe even for non-idempotent calls: the server refused
//! the call without doing anything.

use std::future::Future;

use http::header::{HeaderName, HeaderValue};

use super::super::error::Error;
use super::super::secret::Secret;
use super::super::transport::{Outgoing, Transport};

/// The header one attempt is sent with.
#[derive(Clone)]
pub(crate) struct Credential {
    pub header: HeaderName,
    /// The whole header value (marked sensitive).
    pub value: HeaderValue,
    /// The secret inside it (token, session id), to scrub from the error body of the answer.
    pub secret: Option<Secret>,
    /// The token or session generation this came from, for a renewal.
    pub generation: u64,
}

/// What "refused" means for a scheme, and how its renewal reads in the logs.
#[derive(Clone, Copy)]
pub(crate) struct Refusal {
    /// The status that means "this credential is no good (any more)".
    pub status: u16,
    /// Logged when the call is replayed with a renewed credential.
    pub note: &'static str,
}

impl Refusal {
    /// A 401, for the schemes that renew tokens.
    pub const TOKEN: Refusal = Refusal { status: 401, note: "credentials refused; renewed them and replaying the call once" };
}

/// Sends `out` with `first`; if the answer has the `refusal` status, asks `renew` for a
/// replacement of the refused credential and, when there is one, replays the call once.
/// `out`'s deadline bounds the renewal (a login, a token request, a wait for another call's),
/// and the transport bounds both sends by it.
///
/// Returns the response and the secret it was sent with (to scrub from an error body: after a
/// concurrent renewal it is no longer the scheme's current one).
pub(crate) async fn send<F, Fut>(
    transport: &Transport,
    out: &Outgoing<'_>,
    first: Credential,
    refusal: Refusal,
    renew: F,
) -> Result<(reqwest::Response, Option<Secret>), Error>
where
    F: FnOnce(Credential) -> Fut,
    Fut: Future<Output = Result<Option<Credential>, Error>>,
{
    let response = transport.send(out, Some((&first.header, &first.value))).await?;
    if response.status().as_u16() != refusal.status {
        return Ok((response, first.secret));
    }
    // Boxed: a renewal is rare, and inline its state would grow every call's future.
    Box::pin(refused(transport, out, response, first, refusal, renew)).await
}

/// The rest of [`send`] once the first answer, `response` to `out` sent with `first`, has the
/// `refusal` status: asks `renew` for a replacement and, when there is one, replays the call
/// once. A call whose first exchange was sent elsewhere (the client's first-attempt path,
/// `Client::first_attempt`) continues here too, so a refusal is handled one way.
pub(crate) async fn refused<F, Fut>(
    transport: &Transport,
    out: &Outgoing<'_>,
    response: reqwest::Response,
    first: Credential,
    refusal: Refusal,
    renew: F,
) -> Result<(reqwest::Response, Option<Secret>), Error>
where
    F: FnOnce(Credential) -> Fut,
    Fut: Future<Output = Result<Option<Credential>, Error>>,
{
    let sent = first.secret.clone();
    let renewal = Box::pin(out.deadline.run(|d| d.exceeded("renewing the refused credential", None), || renew(first)));
    let Some(second) = renewal.await?? else {
        return Ok((response, sent));
    };
    drop(response);
    tracing::info!(operation = out.operation, "{}", refusal.note);
    let response = transport.send(out, Some((&second.header, &second.value))).await?;
    Ok((response, second.secret))
}

/// Sends `out` with a credential that has no replacement (BASIC, a fixed BEARER token, OAUTH
/// signatures): a refusal is the answer.
pub(crate) async fn send_once(transport: &Transport, out: &Outgoing<'_>, credential: &Credential) -> Result<(reqwest::Response, Option<Secret>), Error> {
    let response = transport.send(out, Some((&credential.header, &credential.value))).await?;
    Ok((response, credential.secret.clone()))
}
