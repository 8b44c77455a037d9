//! The LIVEVOX scheme with a login: the access token on calls that need it, the session id on
//! the others, the automatic login (single flight, in `session.rs`) and its HTTP, and the
//! renewal and replay of a call refused with the API's expired status.

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue};
use tracing::Instrument;

use super::super::deadline::Deadline;
use super::super::describe::{AuthNeed, LoginSpec, Method, Operation};
use super::super::error::{CallSite, DecodeError, Error};
use super::super::secret::Secret;
use super::super::session::{Credentials, LoginConfig, Sessions, Ticket, Want};
use super::super::store::SessionStore;
use super::super::request::join_path;
use super::super::transport::{header_name, read_body, secret_header, Outgoing, Transport};
use super::replay::{self, Credential, Refusal};

/// Largest login response read: it is a handful of fields.
const MAX_LOGIN_RESPONSE: usize = 64 * 1024;

/// The login request body: each of the caller's credentials in the field the spec's login
/// operation has for it. The agent flag is a JSON boolean: LiveVox's example sends the string
/// `"true"`, but the LiveVox-credited Java client sends a boolean and the server takes both.
fn login_body(spec: &LoginSpec, creds: &Credentials) -> serde_json::Value {
    let fields = &spec.fields;
    let mut body = serde_json::Map::new();
    if let Some(client) = fields.client {
        body.insert(client.to_owned(), creds.client_name.as_str().into());
    }
    body.insert(fields.user.to_owned(), creds.user_name.as_str().into());
    body.insert(fields.password.to_owned(), creds.password.expose().into());
    if let Some(agent) = fields.agent {
        body.insert(agent.to_owned(), creds.agent.into());
    }
    serde_json::Value::Object(body)
}

/// Checks that the login can send these credentials: an agent login needs the agent flag.
fn check_login_fields(spec: &LoginSpec, credentials: &Credentials) -> Result<(), Error> {
    if credentials.agent && spec.fields.agent.is_none() {
        return Err(Error::Config(format!("the login operation {} has no agent flag, so it cannot log in an agent", spec.operation)));
    }
    Ok(())
}

/// What a LIVEVOX client with a login (or a fixed session id) was given.
pub(crate) struct SessionGiven {
    pub access_token: Option<Secret>,
    pub credentials: Option<Credentials>,
    pub session_id: Option<Secret>,
}

/// The session scheme of one LiveVox client. Shared (`Arc`) with the clients that relay its
/// session (`relay.rs`), which is why it holds its own transport: logins go to its API.
pub(crate) struct SessionAuth {
    transport: Arc<Transport>,
    session_header: HeaderName,
    pub(super) expired_status: u16,
    /// The access-token header and token (and the header value), for `AuthNeed::AccessToken`.
    access: Option<(HeaderName, Secret, HeaderValue)>,
    sessions: Sessions,
}

impl SessionAuth {
    /// Checks what was given against the API's LIVEVOX scheme and makes the scheme.
    /// `store` makes the session store from the login config (Redis, when configured).
    pub(crate) fn build(
        api_name: &str,
        transport: Arc<Transport>,
        (session_header, expired_status, login): (&'static str, u16, Option<LoginSpec>),
        given: SessionGiven,
        store: impl FnOnce(Option<&LoginConfig>) -> Result<Option<Arc<dyn SessionStore>>, Error>,
    ) -> Result<SessionAuth, Error> {
        let session_header = header_name(session_header)?;
        let access = match (login, &given.access_token) {
            (Some(spec), Some(token)) => {
                let name = header_name(spec.access_header)?;
                let value = secret_header(token, &name)?;
                Some((name, token.clone(), value))
            }
            (None, Some(_)) => return Err(Error::Config(format!("the {api_name} API has no login, so it takes no access token"))),
            (_, None) => None,
        };
        let login = match (login, given.credentials) {
            (Some(spec), Some(credentials)) => match &given.access_token {
                Some(token) => {
                    check_login_fields(&spec, &credentials)?;
                    Some(LoginConfig { spec, access_token: token.clone(), credentials })
                }
                None => return Err(Error::Config("logging in needs the access token as well as the credentials".into())),
            },
            (None, Some(_)) => {
                return Err(Error::Config(format!("the {api_name} API has no login: give it a session id instead of credentials")))
            }
            (_, None) => None,
        };
        if let Some(id) = &given.session_id {
            secret_header(id, &session_header)?;
        }
        let store = store(login.as_ref())?;
        Ok(SessionAuth { transport, session_header, expired_status, access, sessions: Sessions::new(login, given.session_id, store) })
    }

    /// Sends one attempt of `op` with the authorization it needs.
    pub(super) async fn send(&self, op: &'static Operation, out: &Outgoing<'_>) -> Result<(reqwest::Response, Option<Secret>), Error> {
        let transport = &*self.transport;
        match op.auth {
            AuthNeed::None => Ok((transport.send(out, None).await?, None)),
            AuthNeed::AccessToken => match &self.access {
                Some((header, _, value)) => Ok((transport.send(out, Some((header, value))).await?, None)),
                None => Err(Error::Config(format!(
                    "{} needs the access token, but the client was built without one (ClientBuilder::access_token)",
                    op.name
                ))),
            },
            AuthNeed::Session => {
                // The session in hand goes out at once; only a login (first use, or after a
                // logout) waits, and that wait and the renewal are boxed: inline, the login's
                // state would grow the future of every call, which is moved into its box on
                // every call. The call's deadline bounds the wait (the login, or another
                // call's), and `replay::send` bounds the renewal's.
                let ticket = match self.sessions.ready() {
                    Some(ticket) => ticket,
                    None => Box::pin(out.deadline.run(|d| d.exceeded("waiting for the login", None), || self.session(Want::Current, Some(op.name))))
                        .await??,
                };
                let first = self.credential(ticket)?;
                replay::send(transport, out, first, self.refusal(), |refused| self.renewal(op, refused)).await
            }
        }
    }

    /// The credential `op` is sent with when it is at hand now, without waiting: `Some(None)`
    /// when it needs none, `None` when it must wait (for a login) or cannot be sent at all
    /// (the [`SessionAuth::send`] path says why). What [`SessionAuth::send`] would send.
    pub(super) fn ready(&self, op: &'static Operation) -> Option<Option<Credential>> {
        match op.auth {
            AuthNeed::None => Some(None),
            // Sent without a secret to scrub, as `send` sends it.
            AuthNeed::AccessToken => self.access.as_ref().map(|(header, _, value)| Some(Credential { header: header.clone(), value: value.clone(), secret: None, generation: 0 })),
            AuthNeed::Session => self.credential(self.sessions.ready()?).ok().map(Some),
        }
    }

    /// Whether an answer with this status refuses the session (it is renewed and the call
    /// replayed once, [`SessionAuth::refused`]).
    pub(super) fn refuses(&self, status: http::StatusCode) -> bool {
        status.as_u16() == self.expired_status
    }

    /// A call of `op` sent with the session credential `first` whose answer, `response`,
    /// refused it: renewed and replayed once, as [`SessionAuth::send`] does.
    pub(super) async fn refused(
        &self,
        op: &'static Operation,
        out: &Outgoing<'_>,
        response: reqwest::Response,
        first: Credential,
    ) -> Result<(reqwest::Response, Option<Secret>), Error> {
        replay::refused(&self.transport, out, response, first, self.refusal(), |refused| self.renewal(op, refused)).await
    }

    fn refusal(&self) -> Refusal {
        Refusal { status: self.expired_status, note: "session refused as expired; logging in again and replaying the call once" }
    }

    /// A replacement for the session credential `refused`, when this client can log in.
    /// Boxed: inline, the login's state would grow every session call's future.
    fn renewal(&self, op: &'static Operation, refused: Credential) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<Option<Credential>, Error>> + Send + '_>> {
        Box::pin(async move {
            if !self.sessions.can_login() {
                return Ok(None);
            }
            let renewed = self.session(Want::Renewal(refused.generation), Some(op.name)).await?;
            self.credential(renewed).map(Some)
        })
    }

    fn credential(&self, ticket: Ticket) -> Result<Credential, Error> {
        let value = match ticket.header {
            Some(value) => value,
            None => secret_header(&ticket.id, &self.session_header)?,
        };
        Ok(Credential { header: self.session_header.clone(), value, secret: Some(ticket.id), generation: ticket.generation })
    }

    /// The login operation's name, for errors.
    fn login_operation(&self) -> &'static str {
        self.sessions.login_config().map_or("login", |config| config.spec.operation)
    }

    /// The session for a call of `caller` (`None` for an explicit [`SessionAuth::login`]). A
    /// failed automatic login is wrapped in [`Error::Login`], naming the operation the caller
    /// called.
    async fn session(&self, want: Want, caller: Option<&'static str>) -> Result<Ticket, Error> {
        match (self.sessions.acquire(want, |config| self.login_call(config)).await, caller) {
            (Some(Err(source)), Some(operation)) => Err(Error::Login { operation, source: Box::new(source) }),
            (Some(result), _) => result,
            (None, caller) => Err(Error::Config(format!(
                "{} needs a session, but the client has none and cannot log in: give the builder \
                 credentials and an access token, or a session id",
                caller.unwrap_or(self.login_operation())
            ))),
        }
    }

    /// Logs in now (and replaces the current session).
    pub(crate) async fn login(&self) -> Result<(), Error> {
        if !self.sessions.can_login() {
            return Err(Error::Config(
                "cannot log in: the client was built without credentials and an access token (or the API has no login)".into(),
            ));
        }
        self.session(Want::Fresh, None).await.map(|_| ())
    }

    /// For a client relaying this session: the current session (logging in if there is none),
    /// or with `renew`, a replacement for the session of that generation, which the relaying
    /// API refused. `Ok(None)` when a renewal is needed but this client cannot log in.
    pub(super) async fn relayed(&self, renew: Option<u64>, operation: &'static str) -> Result<Option<(u64, Secret)>, Error> {
        if renew.is_some() && !self.sessions.can_login() {
            return Ok(None);
        }
        let want = renew.map_or(Want::Current, Want::Renewal);
        let ticket = self.session(want, Some(operation)).await?;
        Ok(Some((ticket.generation, ticket.id)))
    }

    /// The current session id.
    pub(crate) fn current(&self) -> Option<Secret> {
        self.sessions.current()
    }

    /// Forgets the session; the next session call logs in again.
    pub(crate) fn clear(&self) {
        self.sessions.clear();
    }

    /// The access token, the password and the session id.
    pub(super) fn secrets(&self) -> Vec<Secret> {
        let mut out = Vec::new();
        out.extend(self.access.as_ref().map(|(_, token, _)| token.clone()));
        out.extend(self.sessions.login_config().map(|config| config.credentials.password.clone()));
        out.extend(self.sessions.current());
        out
    }

    /// Whether `op` is this scheme's login operation, whose answer holds a fresh session id.
    pub(crate) fn is_login(&self, op: &Operation) -> bool {
        self.sessions.login_config().is_some_and(|config| config.spec.path == op.path)
    }

    /// Logs in with the configured credentials and returns the new session id.
    async fn login_call(&self, config: &LoginConfig) -> Result<Secret, Error> {
        let span = tracing::info_span!("livevox.login", path = config.spec.path, status = tracing::field::Empty);
        async move {
            let transport = &*self.transport;
            let operation = config.spec.operation;
            let site = CallSite { operation, method: Method::Post, path: config.spec.path };
            let url = join_path(&transport.base, config.spec.path)
                .map_err(|e| Error::Config(format!("the login path does not make a valid URL: {e}")))?;
            let body = serde_json::to_vec(&login_body(&config.spec, &config.credentials))
                .map_err(|e| Error::InvalidRequest { operation, message: e.to_string() })?;
            // Shared by every call waiting for it, so no one call's deadline: each bounds its
            // own wait (`SessionAuth::send`).
            let unbounded = Deadline::start(operation, None);
            let out = Outgoing {
                operation,
                method: Method::Post,
                url: &url,
                body: Some(Bytes::from(body)),
                timeout: transport.timeout,
                deadline: &unbounded,
                accept: None,
            };
            let header = header_name(config.spec.access_header)?;
            let mut response = transport.send(&out, Some((&header, &secret_header(&config.access_token, &header)?))).await?;
            let status = response.status();
            tracing::Span::current().record("status", status.as_u16());
            if !status.is_success() {
                let secrets = self.secrets();
                let secrets: Vec<&Secret> = secrets.iter().collect();
                return Err(transport.error_from(site, &mut response, Some(self.expired_status), &secrets).await);
            }
            let (bytes, truncated) = read_body(&mut response, MAX_LOGIN_RESPONSE).await.map_err(|e| Error::transport(operation, e))?;
            session_id_of(&bytes, truncated, status, &config.spec)
        }
        .instrument(span)
        .await
    }
}

/// The session id in a login response. No body excerpts in these errors: the body holds it.
fn session_id_of(bytes: &[u8], truncated: bool, status: http::StatusCode, spec: &LoginSpec) -> Result<Secret, Error> {
    let field = spec.session_id_field;
    let fail = |message: String| Error::Decode(DecodeError::new(spec.operation, Some(status), ".".into(), message, None));
    if truncated {
        return Err(fail(format!("the login response is larger than {MAX_LOGIN_RESPONSE} bytes")));
    }
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| fail(format!("the login response is not JSON ({:?} error)", e.classify())))?;
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

impl SessionAuth {
    /// Adds what `Debug` shows: the access token and session id as `[REDACTED]`.
    pub(super) fn debug_fields<'a, 'b, 'c>(&self, d: &'c mut fmt::DebugStruct<'a, 'b>) -> &'c mut fmt::DebugStruct<'a, 'b> {
        d.field("access_token", &self.access.as_ref().map(|(_, t, _)| t))
            .field("can_login", &self.sessions.can_login())
            .field("session_id", &self.sessions.current())
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::describe::LoginFields;
    use super::*;

    const SIGNIN: LoginSpec = LoginSpec {
        operation: "auth.signin",
        path: "/auth/signin",
        fields: LoginFields { client: None, user: "login", password: "secret", agent: None },
        access_header: "X-Key",
        session_id_field: "token",
    };

    #[test]
    fn the_login_body_has_the_spec_field_names() {
        let body = login_body(&SIGNIN, &Credentials::user("ACME", "jo", "pw"));
        assert_eq!(body, serde_json::json!({"login": "jo", "secret": "pw"}));
        let fields = LoginFields { client: Some("clientName"), user: "userName", password: "password", agent: Some("agent") };
        let body = login_body(&LoginSpec { fields, ..SIGNIN }, &Credentials::agent("ACME", "a7", "pw"));
        assert_eq!(body, serde_json::json!({"clientName": "ACME", "userName": "a7", "password": "pw", "agent": true}));
    }

    #[test]
    fn an_agent_login_without_an_agent_field_is_refused_naming_the_operation() {
        assert!(check_login_fields(&SIGNIN, &Credentials::user("A", "u", "p")).is_ok());
        let err = check_login_fields(&SIGNIN, &Credentials::agent("A", "u", "p")).unwrap_err().to_string();
        assert!(err.contains("auth.signin") && err.contains("agent"), "{err}");
    }
}
