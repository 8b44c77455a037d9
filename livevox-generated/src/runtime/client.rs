//! INTERFACE STUB (to be implemented by the runtime work): the shared client and its builder.

use std::marker::PhantomData;

use super::{ApiSpec, Error, Request};

/// A generated API's client type: how the generic builder makes one.
pub trait ApiClient: Sized {
    /// The API this client talks to.
    fn api() -> &'static ApiSpec;
    /// Wraps a configured runtime client.
    fn from_runtime(client: Client) -> Self;
}

/// An environment of a generated API (the generated `Environment` enum implements this).
pub trait Environment {
    fn base_url(&self) -> &'static str;
}

/// LiveVox user credentials for login.
#[derive(Clone)]
pub struct Credentials {
    pub client_name: String,
    pub user_name: String,
    pub password: super::Secret,
    pub agent: bool,
}

/// The runtime client: cheap to clone; clones share the connection pool and the session.
#[derive(Clone, Debug)]
pub struct Client {
    _private: (),
}

impl Client {
    /// Sends one operation and decodes its response into `T` (`()` for no body, `String` for
    /// text). The single entry point of all generated code.
    pub async fn execute<T: serde::de::DeserializeOwned>(&self, _request: Request) -> Result<T, Error> {
        todo!()
    }
}

/// Builds a client for the API `C`.
pub struct ClientBuilder<C> {
    _api: PhantomData<fn() -> C>,
}

impl<C: ApiClient> ClientBuilder<C> {
    pub fn new() -> Self {
        ClientBuilder { _api: PhantomData }
    }

    pub fn environment(self, _env: impl Environment) -> Self {
        self
    }

    pub fn build(self) -> Result<C, Error> {
        todo!()
    }
}

impl<C: ApiClient> Default for ClientBuilder<C> {
    fn default() -> Self {
        Self::new()
    }
}
