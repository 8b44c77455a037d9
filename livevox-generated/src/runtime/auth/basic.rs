//! The BASIC scheme: the user name and password, base64-encoded in `Authorization` (RFC 7617).
//! A refused password has no replacement, so nothing is replayed.

use std::fmt;

use base64::Engine as _;
use http::header::AUTHORIZATION;

use super::super::error::Error;
use super::super::secret::Secret;
use super::super::transport::secret_header;
use super::replay::Credential;

/// The configured BASIC scheme of a client: the header, made once.
pub(crate) struct Basic {
    user: String,
    password: Secret,
    credential: Credential,
}

impl Basic {
    /// Checks the user name and makes the header.
    pub(super) fn build(user: String, password: Secret) -> Result<Basic, Error> {
        // RFC 7617: the user-id cannot contain a colon; the server would split it there.
        if user.contains(':') {
            return Err(Error::Config("basic_auth: the user name must not contain `:` (RFC 7617)".into()));
        }
        let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{}", password.expose()));
        let value = secret_header(&Secret::new(format!("Basic {encoded}")), &AUTHORIZATION)?;
        // The base64 part alone is the secret to scrub from error text.
        let credential = Credential { header: AUTHORIZATION, value, secret: Some(Secret::new(encoded)), generation: 0 };
        Ok(Basic { user, password, credential })
    }

    /// The header every call carries.
    pub(super) fn credential(&self) -> &Credential {
        &self.credential
    }

    /// The password and its encoded form, to scrub from error text.
    pub(super) fn secrets(&self) -> Vec<Secret> {
        vec![self.password.clone()].into_iter().chain(self.credential.secret.clone()).collect()
    }
}

impl fmt::Debug for Basic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Basic").field("user", &self.user).field("password", &self.password).finish()
    }
}
