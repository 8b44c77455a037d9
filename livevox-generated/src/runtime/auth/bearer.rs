//! The BEARER scheme: a fixed token, or tokens from a [`TokenProvider`] asked before every call
//! (and once more, to replay the call, when the API refuses one with 401).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use http::header::HeaderName;

use super::super::error::Error;
use super::super::secret::Secret;
use super::super::transport::{header_name, secret_header};
use super::replay::Credential;

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

/// Where the tokens come from.
#[derive(Clone)]
pub(crate) enum BearerSource {
    Static(Secret),
    Provider(Arc<dyn TokenProvider>),
}

/// The configured BEARER scheme of a client.
pub(crate) struct Bearer {
    header: HeaderName,
    prefix: &'static str,
    source: BearerSource,
    /// The header of a fixed token, made once.
    fixed: Option<Credential>,
}

impl Bearer {
    /// Checks the header name and a fixed token, and makes the scheme.
    pub(super) fn build(header: &'static str, prefix: &'static str, source: BearerSource) -> Result<Bearer, Error> {
        let header = header_name(header)?;
        let fixed = match &source {
            BearerSource::Static(token) => Some(Credential {
                value: secret_header(&with_prefix(prefix, token), &header)?,
                header: header.clone(),
                secret: Some(token.clone()),
                generation: 0,
            }),
            BearerSource::Provider(_) => None,
        };
        Ok(Bearer { header, prefix, source, fixed })
    }

    /// The fixed token's header, when the token is fixed (it has no replacement).
    pub(super) fn fixed(&self) -> Option<&Credential> {
        self.fixed.as_ref()
    }

    /// The provider's token now. An error from the provider fails the call with that error.
    pub(super) async fn current(&self) -> Result<Credential, Error> {
        let token = match &self.source {
            BearerSource::Static(token) => token.clone(),
            BearerSource::Provider(p) => p.token().await?,
        };
        let value = secret_header(&with_prefix(self.prefix, &token), &self.header)?;
        Ok(Credential { header: self.header.clone(), value, secret: Some(token), generation: 0 })
    }

    /// Another token from the provider, if it differs from the refused one.
    pub(super) async fn renewed(&self, refused: &Credential) -> Result<Option<Credential>, Error> {
        if self.fixed.is_some() {
            return Ok(None);
        }
        let next = self.current().await?;
        Ok((next.value != refused.value).then_some(next))
    }

    /// Every secret, to scrub from error text (a provider's tokens are scrubbed as they are sent).
    pub(super) fn secrets(&self) -> Vec<Secret> {
        match &self.source {
            BearerSource::Static(token) => vec![token.clone()],
            BearerSource::Provider(_) => Vec::new(),
        }
    }
}

impl fmt::Debug for Bearer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let token = match &self.source {
            BearerSource::Static(t) => format!("{t:?}"),
            BearerSource::Provider(_) => "<provider>".to_owned(),
        };
        f.debug_struct("Bearer").field("header", &self.header).field("token", &token).finish()
    }
}

/// `prefix token`, or the bare token for an empty prefix.
pub(super) fn with_prefix(prefix: &str, token: &Secret) -> Secret {
    if prefix.is_empty() {
        token.clone()
    } else {
        Secret::new(format!("{prefix} {}", token.expose()))
    }
}
