//! The LIVEVOX scheme without a login: every call carries the current session of another
//! LiveVox client (its [`SessionAuth`]), and a call refused as expired asks that client to
//! renew the session (once, shared with its own callers) and is replayed once.

use std::fmt;
use std::sync::Arc;

use http::header::HeaderName;

use super::super::describe::Operation;
use super::super::error::Error;
use super::super::secret::Secret;
use super::super::transport::secret_header;
use super::livevox::SessionAuth;
use super::replay::{Credential, Refusal};

/// The configured relay of a client.
pub(crate) struct Relay {
    header: HeaderName,
    pub(super) expired_status: u16,
    livevox: Arc<SessionAuth>,
    /// The name of the relayed client's API, for `Debug`.
    of: &'static str,
}

impl Relay {
    pub(super) fn new(header: HeaderName, expired_status: u16, livevox: Arc<SessionAuth>, of: &'static str) -> Relay {
        Relay { header, expired_status, livevox, of }
    }

    /// The relayed session's expired status.
    pub(super) fn refusal(&self) -> Refusal {
        Refusal { status: self.expired_status, note: "relayed session refused as expired; renewed it and replaying the call once" }
    }

    /// The LiveVox client's current session (it logs in first if it has none).
    pub(super) async fn current(&self, op: &'static Operation) -> Result<Credential, Error> {
        let (generation, session) = self.livevox.relayed(None, op.name).await?.ok_or_else(|| {
            Error::Config(format!("{} relays a LiveVox session, but the LiveVox client has none and cannot log in", op.name))
        })?;
        self.credential(generation, session)
    }

    /// A replacement for the refused session, or `None` when the LiveVox client cannot log in.
    pub(super) async fn renewed(&self, op: &'static Operation, refused: &Credential) -> Result<Option<Credential>, Error> {
        let renewed = self.livevox.relayed(Some(refused.generation), op.name).await?;
        renewed.map(|(generation, session)| self.credential(generation, session)).transpose()
    }

    fn credential(&self, generation: u64, session: Secret) -> Result<Credential, Error> {
        let value = secret_header(&session, &self.header)?;
        Ok(Credential { header: self.header.clone(), value, secret: Some(session), generation })
    }

    /// The session id it sends (the LiveVox client's current one).
    pub(super) fn session_id(&self) -> Option<Secret> {
        self.livevox.current()
    }
}

impl fmt::Debug for Relay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LiveVoxRelay").field("header", &self.header).field("of", &self.of).field("session_id", &self.session_id()).finish()
    }
}
