//! livevox-sim: an in-process LiveVox server for tests, driven by the same spec (`spec/`) the
//! client is generated from, so it knows every operation without hand-written routes.
//!
//! ```no_run
//! # async fn demo() -> Result<(), livevox_sim::SimError> {
//! let sim = livevox_sim::Simulator::builder()
//!     .session_idle_timeout(std::time::Duration::from_secs(2))
//!     .seed_dnc(25_000)
//!     .start()
//!     .await?;
//! println!("{} token {} user {:?}", sim.base_url(), sim.access_token(), sim.user());
//! sim.faults().fail_next(2, 503);
//! # Ok(()) }
//! ```
//!
//! # What it checks
//!
//! Every request is matched against the spec's operations by method and path (also with a
//! LiveVox version segment, `/compliance/v5.0/dnc`); an unknown path answers 404, a known path
//! with another method 405. Operations that share a method and path (LiveVox's
//! `POST /contact/contacts/bulk`: Create Contacts and Bulk Contact Download) are told apart by
//! the body: the first, in spec order, whose body check the request passes; a body that fits
//! none gets the first one's 400, naming them all. Then, in this order: `Accept` must allow the
//! operation's answer (JSON, or the media type the spec declares, e.g. `text/csv` or
//! `audio/mpeg`) and a body must be `Content-Type: application/json`; the authorization
//! (below); path and query parameters must be in the spec, well typed and, when required,
//! present; the body must be there when required and match its model (types, required fields,
//! no unknown fields). A violation answers **400** with
//! `{"code": 400, "message": "<what was wrong>"}`, e.g. ``query parameter `count` is required``.
//!
//! # LiveVox behaviour
//!
//! - **Login** needs `LV-Access` with one of the simulator's access tokens
//!   ([`RunningSimulator::access_tokens`]) and the credentials of a configured user; otherwise
//!   **401** with a JSON error. The same user and token get the same session id while it lives;
//!   another token gets another id. The users are the ones the spec's login examples show (with
//!   the session id the example answers, for the first token), plus a default user and agent
//!   when the examples have none, plus any added with [`SimulatorBuilder::user`].
//! - **Sessions** end after [`SimulatorBuilder::session_idle_timeout`] without use (default
//!   [`DEFAULT_IDLE_TIMEOUT`], two hours, as LiveVox documents); every call touches its
//!   session. A missing, unknown or expired `LV-Session` answers **401**, so the client logs in
//!   again and replays the call. Logout ends a session (404 when there is none); validate
//!   answers the success status for a live session and **404** otherwise; a password change
//!   ends every session of the user. Operations the spec marks `auth: none` need no session.
//! - **Agents**: an agent session calling an operation not marked `agent_allowed` gets **403**.
//!   Each logged-in agent has a state (not in a service, not ready, ready, offered a call, on a
//!   call, on hold, wrap-up) that the call-control operations move, by the `agent_action` the
//!   spec gives them; an out-of-order call answers **409**. Tests offer calls with
//!   [`RunningSimulator::offer_call`] and read states with [`RunningSimulator::agent_state`].
//!   The rules, and what the simulator assumes where LiveVox says nothing, are documented on
//!   [`AgentState`]'s module (`livevox-sim/src/agents.rs`).
//! - **Paging**: a list call without its offset or count parameter (when the spec marks them
//!   required) gets 400. A count above the operation's `max_count` is **clamped** to it (as
//!   LiveVox's hard cap of 1000 is), so the page is shorter than asked for and has a `next`
//!   link; a negative offset or a count below 1 gets 400. The other pagination styles are paged
//!   from the spec too, independently of the client (`paging.rs`): page numbers (below the
//!   first one: 400), opaque cursors the simulator mints and checks (one it did not give out:
//!   400), and `Link` headers with absolute URLs to the simulator (`first`, `prev`, `next`).
//! - **Seeded collections** ([`SimulatorBuilder::seed`], [`SimulatorBuilder::seed_dnc`]): every
//!   paginated operation whose items are of the seeded model answers real pages from `n`
//!   deterministic items (unique ids 1..=n, enum fields cycling through their values), filtered
//!   by query parameters and body fields that share a wire name with an item field, with a
//!   `next` link (a cursor, a `Link` header) while more remain.
//! - **Request log**: [`RunningSimulator::requests`] lists every request, oldest first, with
//!   the time it arrived ([`LoggedRequest::at`]), the operation and the status answered, so a
//!   test can check pacing without a proxy ([`max_in_window`]).
//! - **Rate limits**: an operation with a `rate_limit` in the spec (LiveVox Append Campaign: 5
//!   calls a minute) admits at most `calls` calls in any rolling `per_seconds` window per
//!   LiveVox client (per operation for calls without a session). The next call answers **429
//!   Too Many Requests** with `Retry-After: <seconds>`, the whole seconds until the oldest call
//!   leaves the window (at least 1). LiveVox documents no throttle status; 429 with
//!   `Retry-After` is the HTTP standard for it, and what the generated client reports as a rate
//!   limit error.
//!
//! # Answers
//!
//! Session calls and seeded lists answer from state. Every other operation answers from the
//! spec's examples: the first example whose request matches the request in every value it
//! gives (an error example too), else the successful example that matches best, else a
//! response synthesized from the response type (required and top-level optional fields with
//! plausible values, enums with their first value). Text answers carry the operation's media
//! type (`text/csv; charset=utf-8`). Binary answers (`format: binary`) are bytes made up from the
//! operation and its path parameters, the same every time ([`binary_body`]): one MP3 frame for
//! `audio/mpeg`, a small CSV for `text/csv`. An operation whose spec names a `base64_field`
//! (LiveVox's recording and contact download) is asked for with `Accept: application/json` and
//! may answer either way; the simulator sends the raw bytes, or the JSON form
//! `{"binaryData": "<base64>"}` while [`RunningSimulator::binary_as_base64_json`] is on.
//!
//! # The other APIs
//!
//! The spec's other APIs are served next to LiveVox, on the same base URL (their paths differ),
//! each request checked against its API's authorization ([`ApiCredentials`] are what is
//! accepted; refused requests answer **401** with a `WWW-Authenticate` challenge):
//!
//! - **BASIC**: `Authorization: Basic` with exactly the configured user name and password.
//! - **BEARER**: the configured token in the spec's header, after the spec's prefix.
//! - **OAUTH** (1.0a): the HMAC-SHA1 signature is recomputed from the method, the URL, the query
//!   and the protocol parameters (RFC 5849) and must match; the consumer key and token must be
//!   the configured ones, the timestamp within five minutes, and a nonce is accepted once.
//! - **OAUTH2**: a token this simulator issued and that has not expired
//!   ([`SimulatorBuilder::oauth2_token_lifetime`]). The token endpoint is served at the path of
//!   the spec's `token_url` ([`RunningSimulator::oauth2_token_url`]): `client_credentials` with
//!   the configured client (HTTP Basic or form fields) and `refresh_token` with a refresh token
//!   from [`RunningSimulator::issue_oauth2_tokens`] or an earlier refresh (each is used once).
//! - **LIVEVOX** without a login (relaying): a live session of this simulator in the API's
//!   session header, as for LiveVox itself.
//!
//! # Faults
//!
//! [`RunningSimulator::faults`] switches failures on while the simulator runs: error bursts
//! (`fail_next(3, 503)`), slow answers, dropped connections, truncated and malformed bodies,
//! and XML error bodies. See [`Faults`].
//!
//! # Threads
//!
//! A simulator runs on a thread of its own with its own tokio runtime, so it outlives the
//! runtime of the test that started it and can be shared between tests (each `#[tokio::test]`
//! has its own runtime). Dropping the [`RunningSimulator`] stops it.

mod admit;
mod agents;
mod check;
mod faults;
mod http_rules;
mod model;
mod other_auth;
mod paging;
mod server;
mod shapes;
mod state;
mod synth;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

pub use agents::{AgentState, AgentStatus, SimCall};
pub use faults::Faults;
pub use other_auth::{ApiCredentials, DEFAULT_OAUTH2_TOKEN_LIFETIME};

/// How long a session lives without use unless the builder says otherwise: two hours.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(2 * 60 * 60);

/// The access tokens a simulator issues unless the builder names others.
pub const DEFAULT_ACCESS_TOKENS: [&str; 2] = ["lv-sim-access-token-1", "lv-sim-access-token-2"];

/// Why a simulator could not start.
#[derive(Debug)]
pub enum SimError {
    /// The spec did not load (the message lists every problem, as `cargo xtask codegen` does).
    Spec(String),
    /// The configuration asks for something the spec does not have.
    Config(String),
    /// Binding the port or starting the server thread failed.
    Io(std::io::Error),
    /// A test control of agents ([`RunningSimulator::offer_call`], ...) does not fit the
    /// agent's state.
    AgentState(String),
}

impl std::fmt::Display for SimError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SimError::Spec(m) => write!(f, "the simulator's spec does not load:\n{m}"),
            SimError::Config(m) => write!(f, "simulator configuration: {m}"),
            SimError::Io(e) => write!(f, "cannot start the simulator: {e}"),
            SimError::AgentState(m) => write!(f, "agent state: {m}"),
        }
    }
}

impl std::error::Error for SimError {}

impl From<std::io::Error> for SimError {
    fn from(e: std::io::Error) -> Self {
        SimError::Io(e)
    }
}

/// A user or agent the simulator lets log in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimUser {
    /// The client code (`clientName` at login).
    pub client_name: String,
    pub user_name: String,
    pub password: String,
    /// An agent: logs in with `agent: true` and may call only agent-allowed operations.
    pub agent: bool,
    /// Answered as `clientId` at login.
    pub client_id: i64,
    /// Answered as `userId` at login.
    pub user_id: i64,
}

/// One request as the simulator saw it, for assertions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedRequest {
    pub method: String,
    /// The path as sent (percent-encoded).
    pub path: String,
    pub query: Option<String>,
    /// The operation id (`compliance.list_dnc`) when the path matched one.
    pub operation: Option<String>,
    /// The status answered (0 for a dropped connection).
    pub status: u16,
    /// Every header, lower-case names.
    pub headers: Vec<(String, String)>,
    /// The body as text (lossy UTF-8).
    pub body: String,
    /// The injected fault that shaped the answer, if any.
    pub fault: Option<&'static str>,
    /// When the request had arrived whole (headers and body), before any injected delay: the
    /// moment rate limits count. Compare entries with each other, or with an `Instant` the
    /// test took, to check pacing (see [`max_in_window`]).
    pub at: std::time::Instant,
}

/// The most requests of `operation` (an operation id) that arrived within any span shorter
/// than `window`, over `requests` (a request log): at most the limit, for a client that keeps
/// a rolling-window rate limit of `window`.
pub fn max_in_window(requests: &[LoggedRequest], operation: &str, window: std::time::Duration) -> usize {
    let mut times: Vec<std::time::Instant> =
        requests.iter().filter(|r| r.operation.as_deref() == Some(operation)).map(|r| r.at).collect();
    times.sort();
    let mut most = 0;
    let mut first = 0;
    for last in 0..times.len() {
        while times[last].duration_since(times[first]) >= window {
            first += 1;
        }
        most = most.max(last - first + 1);
    }
    most
}

impl LoggedRequest {
    /// The value of a header (name in lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// Entry point: `Simulator::builder()...start().await`.
#[derive(Debug)]
pub struct Simulator;

impl Simulator {
    /// A simulator of the spec embedded at build time (the workspace's `spec/`).
    pub fn builder() -> SimulatorBuilder {
        SimulatorBuilder::new(SpecChoice::Embedded)
    }

    /// A simulator of another spec: a directory of `*.yaml` files in the format of
    /// `spec/README.md`.
    pub fn from_spec_dir(dir: impl Into<PathBuf>) -> SimulatorBuilder {
        SimulatorBuilder::new(SpecChoice::Dir(dir.into()))
    }
}

#[derive(Debug, Clone)]
enum SpecChoice {
    Embedded,
    Dir(PathBuf),
}

/// Configures a simulator; [`SimulatorBuilder::start`] runs it.
#[derive(Debug, Clone)]
pub struct SimulatorBuilder {
    spec: SpecChoice,
    extra_specs: Vec<PathBuf>,
    idle: Duration,
    seeds: Vec<(String, usize)>,
    users: Vec<SimUser>,
    tokens: Vec<String>,
    rate_limits: HashMap<String, (u32, Duration)>,
    port: u16,
    xml_errors: bool,
    base64_binary: bool,
    credentials: ApiCredentials,
    oauth2_lifetime: Duration,
}

impl SimulatorBuilder {
    fn new(spec: SpecChoice) -> Self {
        SimulatorBuilder {
            spec,
            extra_specs: Vec::new(),
            idle: DEFAULT_IDLE_TIMEOUT,
            seeds: Vec::new(),
            users: Vec::new(),
            tokens: DEFAULT_ACCESS_TOKENS.iter().map(|t| t.to_string()).collect(),
            rate_limits: HashMap::new(),
            port: 0,
            xml_errors: false,
            base64_binary: false,
            credentials: ApiCredentials::default(),
            oauth2_lifetime: DEFAULT_OAUTH2_TOKEN_LIFETIME,
        }
    }

    /// Serves the APIs of another spec directory too, loaded with the simulator's own spec as one
    /// spec (so its files may refer to nothing of it, but an API that relays LiveVox sessions
    /// is served with LiveVox's sessions). For APIs kept outside `spec/`, such as the sample
    /// "Functions" APIs of `tests/sample-apis/spec` or a customer's own: a mistake in them is a
    /// [`SimError::Spec`] naming the file and line.
    pub fn extra_spec_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.extra_specs.push(dir.into());
        self
    }

    /// How long a session lives without use (default two hours); seconds or less for tests.
    pub fn session_idle_timeout(mut self, idle: Duration) -> Self {
        self.idle = idle;
        self
    }

    /// Seeds `n` items of the model `item_model` (its spec name, e.g. `DncEntry`): every
    /// paginated operation listing that model then pages through them.
    pub fn seed(mut self, item_model: impl Into<String>, n: usize) -> Self {
        self.seeds.push((item_model.into(), n));
        self
    }

    /// Seeds `n` DNC entries (`seed("DncEntry", n)`): List DNC and Search DNC page through them.
    pub fn seed_dnc(self, n: usize) -> Self {
        self.seed("DncEntry", n)
    }

    /// Adds a user (or agent, with `agent: true`) who may log in.
    pub fn user(mut self, user: SimUser) -> Self {
        self.users.push(user);
        self
    }

    /// Replaces the issued access tokens (default [`DEFAULT_ACCESS_TOKENS`]); the first is the
    /// one [`RunningSimulator::access_token`] gives.
    pub fn access_tokens<I: IntoIterator<Item = S>, S: Into<String>>(mut self, tokens: I) -> Self {
        let tokens: Vec<String> = tokens.into_iter().map(Into::into).collect();
        if !tokens.is_empty() {
            self.tokens = tokens;
        }
        self
    }

    /// Sets (or adds) the rate limit of an operation, by id (`compliance.create_dnc`):
    /// `calls` in any rolling `per`.
    pub fn rate_limit(mut self, operation: impl Into<String>, calls: u32, per: Duration) -> Self {
        self.rate_limits.insert(operation.into(), (calls, per));
        self
    }

    /// Listens on this port of 127.0.0.1 instead of a free one.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The credentials the other APIs accept (default [`ApiCredentials::default`]).
    pub fn api_credentials(mut self, credentials: ApiCredentials) -> Self {
        self.credentials = credentials;
        self
    }

    /// How long the OAuth2 tokens the simulator issues live (default an hour); a second or two
    /// makes clients refresh them within a test. `expires_in` is this in whole seconds (at
    /// least 1), and tokens are refused once it has passed.
    pub fn oauth2_token_lifetime(mut self, lifetime: Duration) -> Self {
        self.oauth2_lifetime = lifetime;
        self
    }

    /// Starts with XML error bodies switched on (see [`Faults::xml_errors`]).
    pub fn xml_errors(mut self, on: bool) -> Self {
        self.xml_errors = on;
        self
    }

    /// Starts answering binary operations in their JSON form (see
    /// [`RunningSimulator::binary_as_base64_json`]).
    pub fn binary_as_base64_json(mut self, on: bool) -> Self {
        self.base64_binary = on;
        self
    }

    /// Starts the simulator on its own thread and returns once it accepts connections.
    pub async fn start(self) -> Result<RunningSimulator, SimError> {
        self.start_blocking()
    }

    /// [`SimulatorBuilder::start`] for code without a runtime (a `static` shared by tests).
    pub fn start_blocking(self) -> Result<RunningSimulator, SimError> {
        let spec = match (&self.spec, self.extra_specs.is_empty()) {
            (SpecChoice::Embedded, true) => model::embedded()?,
            (SpecChoice::Dir(dir), true) => model::from_dir(Path::new(dir))?,
            (SpecChoice::Embedded, false) => model::with_extra(None, &self.extra_specs)?,
            (SpecChoice::Dir(dir), false) => model::with_extra(Some(dir), &self.extra_specs)?,
        };
        for op in self.rate_limits.keys() {
            if !spec.routes.iter().any(|r| &r.op.id == op) {
                return Err(SimError::Config(format!("rate_limit: the spec has no operation `{op}`")));
            }
        }
        let mut seeded = HashMap::new();
        for (name, n) in &self.seeds {
            let item_ty = spec
                .routes
                .iter()
                .filter_map(|r| r.op.pagination.as_ref())
                .map(|p| &p.item_ty)
                .find(|t| matches!(t, livevox_codegen::ir::Type::Model(r) if &r.wire_name == name));
            let Some(item_ty) = item_ty else {
                return Err(SimError::Config(format!("seed: no paginated operation lists items of the model `{name}`")));
            };
            let items: Vec<Value> = (0..*n as u64).map(|i| synth::seeded_item(&spec, item_ty, i)).collect();
            seeded.insert(name.clone(), items);
        }
        let users = users_from_spec(&spec, &self.users);

        let listener = std::net::TcpListener::bind(("127.0.0.1", self.port))?;
        listener.set_nonblocking(true)?;
        let port = listener.local_addr()?.port();
        let base_url = format!("http://127.0.0.1:{port}");
        let faults = Faults { state: Arc::default() };
        faults.xml_errors(self.xml_errors);
        let shared = Arc::new(server::Shared {
            spec,
            state: Mutex::new(state::State::new(users, self.tokens.clone())),
            faults: faults.state.clone(),
            idle: self.idle,
            seeded,
            rate_limits: self.rate_limits.clone(),
            base_url: base_url.clone(),
            credentials: self.credentials.clone(),
            oauth2_lifetime: self.oauth2_lifetime,
            base64_binary: std::sync::atomic::AtomicBool::new(self.base64_binary),
        });

        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let (done_tx, done_rx) = tokio::sync::oneshot::channel::<()>();
        let serve_shared = shared.clone();
        std::thread::Builder::new().name(format!("livevox-sim-{port}")).spawn(move || {
            runtime.block_on(serve(serve_shared, listener, stop_rx));
            // Dropping the runtime ends every connection task and closes their sockets.
            drop(runtime);
            let _ = done_tx.send(());
        })?;
        Ok(RunningSimulator { shared, base_url, faults, stop: Some(stop_tx), done: Some(done_rx) })
    }
}

async fn serve(shared: Arc<server::Shared>, listener: std::net::TcpListener, mut stop: tokio::sync::oneshot::Receiver<()>) {
    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else { return };
    loop {
        tokio::select! {
            _ = &mut stop => break,
            accepted = listener.accept() => {
                // A failed accept (a client that gave up, too many open files) affects only
                // that connection.
                let Ok((stream, _)) = accepted else { continue };
                tokio::spawn(server::serve_connection(shared.clone(), stream));
            }
        }
    }
}

/// The users: one per successful login example of the spec (its credentials, ids and answer),
/// then a default user and agent if the examples gave none, then the builder's.
fn users_from_spec(spec: &model::SimSpec, extra: &[SimUser]) -> Vec<state::UserRecord> {
    let mut out: Vec<state::UserRecord> = Vec::new();
    if let Some(roles) = &spec.session {
        let op = &spec.routes[roles.login].op;
        for e in op.examples.iter().filter(|e| (200..300).contains(&e.status)) {
            let Some(body) = &e.body else { continue };
            let text = |k: &str| body.get(k).and_then(Value::as_str).map(str::to_string);
            let (Some(client_name), Some(user_name), Some(password)) = (text("clientName"), text("userName"), text("password")) else {
                continue;
            };
            let agent = matches!(body.get("agent"), Some(Value::Bool(true))) || text("agent").as_deref() == Some("true");
            let response = e.response.clone();
            let int = |k: &str| response.as_ref().and_then(|r| r.get(k)).and_then(Value::as_i64);
            let user = SimUser {
                client_name,
                user_name,
                password,
                agent,
                client_id: int("clientId").unwrap_or(4199),
                user_id: int("userId").unwrap_or(1000 + out.len() as i64),
            };
            let example_session = response.as_ref().and_then(|r| r.get(&roles.session_id_field)).and_then(Value::as_str).map(str::to_string);
            // Two examples of one account would make two records; the first one wins.
            if out.iter().any(|r| r.user.client_name == user.client_name && r.user.user_name == user.user_name && r.user.agent == user.agent) {
                continue;
            }
            out.push(state::UserRecord { user, template: response, example_session });
        }
    }
    let defaults = [
        SimUser {
            client_name: "SIMCLIENT".into(),
            user_name: "sim.user".into(),
            password: "sim-user-password".into(),
            agent: false,
            client_id: 4199,
            user_id: 9001,
        },
        SimUser {
            client_name: "SIMCLIENT".into(),
            user_name: "SIMAGENT".into(),
            password: "sim-agent-password".into(),
            agent: true,
            client_id: 4199,
            user_id: 9002,
        },
    ];
    for d in defaults {
        if !out.iter().any(|r| r.user.agent == d.agent) {
            out.push(state::UserRecord { user: d, template: None, example_session: None });
        }
    }
    out.extend(extra.iter().map(|u| state::UserRecord { user: u.clone(), template: None, example_session: None }));
    out
}

/// For tests of the spec itself: the answer the simulator makes up for `operation` (an id such
/// as `compliance.list_dnc`) when no example fits, after checking that it conforms to the
/// operation's response type, and (for a paginated operation) that seeded items conform to the
/// item type. `Ok(None)` for an operation without a JSON response.
pub fn synthesized_response(operation: &str) -> Result<Option<Value>, SimError> {
    use livevox_codegen::ir::ResponseFormat;
    let spec = model::embedded()?;
    let Some(route) = spec.routes.iter().find(|r| r.op.id == operation) else {
        return Err(SimError::Config(format!("the spec has no operation `{operation}`")));
    };
    let op = &route.op;
    let conform = |what: &str, ty: &livevox_codegen::ir::Type, v: &Value| {
        check::check_json(&spec, ty, v, what)
            .map_err(|m| SimError::Config(format!("{operation}: a made-up {what} does not conform to the spec: {m}")))
    };
    if let Some(pg) = &op.pagination {
        for n in 0..3 {
            conform("item", &pg.item_ty, &synth::seeded_item(&spec, &pg.item_ty, n))?;
        }
    }
    match (op.response.format, &op.response.ty) {
        (ResponseFormat::Json, Some(t)) => {
            let v = synth::value(&spec, t, "", 0, 0);
            conform("response", t, &v)?;
            Ok(Some(v))
        }
        _ => Ok(None),
    }
}

/// The bytes the simulator answers for a binary operation (`format: binary` in the spec, such as
/// `compliance.get_recording`) called with these path parameters (decoded values, by
/// placeholder name), so that a test can check a client hands them over unchanged.
pub fn binary_body(operation: &str, path_params: &[(&str, &str)]) -> Result<Vec<u8>, SimError> {
    use livevox_codegen::ir::ResponseFormat;
    let spec = model::embedded()?;
    let Some(route) = spec.routes.iter().find(|r| r.op.id == operation) else {
        return Err(SimError::Config(format!("the spec has no operation `{operation}`")));
    };
    let response = &route.op.response;
    match (response.format, response.media_type()) {
        (ResponseFormat::Binary, Some(media)) => {
            let params: Vec<(String, String)> = path_params.iter().map(|(n, v)| ((*n).to_string(), (*v).to_string())).collect();
            Ok(synth::binary(media, operation, &params))
        }
        _ => Err(SimError::Config(format!("`{operation}` does not answer binary data"))),
    }
}

/// A simulator that is serving. Dropping it stops it.
#[derive(Debug)]
pub struct RunningSimulator {
    shared: Arc<server::Shared>,
    base_url: String,
    faults: Faults,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    done: Option<tokio::sync::oneshot::Receiver<()>>,
}

impl std::fmt::Debug for server::Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared").field("base_url", &self.base_url).finish_non_exhaustive()
    }
}

impl RunningSimulator {
    /// `http://127.0.0.1:<port>`: give it to the client's `base_url` (with
    /// `allow_plain_http_for_loopback_tests`).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The first access token (`LV-Access`).
    pub fn access_token(&self) -> String {
        self.access_tokens().into_iter().next().unwrap_or_default()
    }

    /// Every issued access token; a login with another one gets another session.
    pub fn access_tokens(&self) -> Vec<String> {
        self.shared.state().tokens.clone()
    }

    /// The first (non-agent) user, with its current password.
    pub fn user(&self) -> SimUser {
        self.users().into_iter().find(|u| !u.agent).unwrap_or_else(|| self.users().remove(0))
    }

    /// The first agent, with its current password.
    pub fn agent(&self) -> SimUser {
        self.users().into_iter().find(|u| u.agent).unwrap_or_else(|| self.users().remove(0))
    }

    /// Every user and agent that may log in, with current passwords.
    pub fn users(&self) -> Vec<SimUser> {
        self.shared.state().users.iter().map(|r| r.user.clone()).collect()
    }

    /// The credentials the other APIs (BASIC, BEARER, OAUTH, OAUTH2) accept.
    pub fn api_credentials(&self) -> ApiCredentials {
        self.shared.credentials.clone()
    }

    /// The simulator's URL of the token endpoint of an OAUTH2 API, by module (`acme_crm`) or
    /// name (`Acme CRM`): the path of its `token_url` on this simulator. Give it to the client's
    /// `oauth2_token_url`.
    pub fn oauth2_token_url(&self, api: &str) -> Option<String> {
        let spec = &self.shared.spec;
        spec.token_paths
            .iter()
            .find(|(_, i)| spec.ir.apis[*i].module == api || spec.ir.apis[*i].wire_name == api)
            .map(|(path, _)| format!("{}{path}", self.base_url))
    }

    /// Issues an access token and a refresh token of an OAUTH2 API (by module or name) as if
    /// an earlier authorization had, for tests of clients given tokens: `(access, refresh)`.
    /// The access token lives for `lifetime`.
    pub fn issue_oauth2_tokens(&self, api: &str, lifetime: Duration) -> Option<(String, String)> {
        let spec = &self.shared.spec;
        let module = spec.ir.apis.iter().find(|a| a.module == api || a.wire_name == api)?.module.clone();
        let (access, refresh) = self.shared.state().auth.issue(&module, lifetime, true, std::time::Instant::now());
        refresh.map(|r| (access, r))
    }

    /// Forgets every issued OAuth2 access token, as a key rotation would: clients must get new
    /// ones (refresh tokens stay valid).
    pub fn revoke_oauth2_tokens(&self) {
        self.shared.state().auth.revoke_tokens();
    }

    /// How many requests reached the OAuth2 token endpoints.
    pub fn oauth2_token_requests(&self) -> u64 {
        self.shared.state().auth.token_requests
    }

    /// The fault switches.
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// While on, binary operations whose spec names a `base64_field` (`compliance.get_recording`,
    /// `contact.download_contacts`) answer JSON, `{"binaryData": "<base64>"}` as the .NET
    /// client models it, instead of the raw bytes (the default). Both are what LiveVox may send
    /// to a client asking for JSON; the bytes are the same ([`binary_body`]).
    pub fn binary_as_base64_json(&self, on: bool) {
        self.shared.base64_binary.store(on, std::sync::atomic::Ordering::SeqCst);
    }

    /// Every request so far, in the order they were answered, each with the time it
    /// arrived ([`LoggedRequest::at`]).
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.shared.state().log.clone()
    }

    /// Forgets the requests logged so far.
    pub fn clear_requests(&self) {
        self.shared.state().log.clear();
    }

    /// Ends every session now, as if each had gone unused for the idle time.
    pub fn expire_sessions(&self) {
        self.shared.state().expire_all();
    }

    /// The ids of every operation the simulator serves, in spec order.
    pub fn operations(&self) -> Vec<String> {
        self.shared.spec.routes.iter().map(|r| r.op.id.clone()).collect()
    }

    /// Stops serving and waits until the server thread has closed every connection.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(done) = self.done.take() {
            let _ = done.await;
        }
    }
}

impl Drop for RunningSimulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
