//! Secrets (access token, password, session id): a string that never shows in `Debug`,
//! `Display` or logs, and a helper that scrubs known secrets out of text a server sent back.
//!
//! `Secret` deliberately has no `Display`: formatting one into a string by accident is the
//! usual way secrets reach logs, so the only way to the value is the explicit [`Secret::expose`].

/// A secret string (password, token, session id). `Debug` prints `[REDACTED]`; serializing it
/// sends the real value, because that is what the wire needs. Clones share one zeroized-on-drop
/// copy, so handing the session id to every call costs no allocation.
#[derive(Clone)]
pub struct Secret(std::sync::Arc<secrecy::SecretString>);

impl Secret {
    /// Wraps a secret value.
    pub fn new(s: impl Into<String>) -> Self {
        Secret(std::sync::Arc::new(secrecy::SecretString::from(s.into())))
    }
    /// The secret value. Call it only where the value must go on the wire.
    pub fn expose(&self) -> &str {
        use secrecy::ExposeSecret;
        self.0.expose_secret()
    }

    /// Whether the secret is the empty string.
    pub fn is_empty(&self) -> bool {
        self.expose().is_empty()
    }
}

/// Shortest secret [`scrub`] replaces: replacing every `a` of a one-letter password would make
/// error messages unreadable while protecting nothing.
const MIN_SCRUB_LEN: usize = 4;

/// Replaces every occurrence of each secret in `text` with `[REDACTED]`. Servers sometimes echo
/// the request (a session id in "session X expired", say) into error bodies, and those bodies
/// end up in our errors and logs.
pub(crate) fn scrub(text: &str, secrets: &[&Secret]) -> String {
    let mut out = text.to_owned();
    for secret in secrets {
        let value = secret.expose();
        if value.len() >= MIN_SCRUB_LEN && out.contains(value) {
            out = out.replace(value, "[REDACTED]");
        }
    }
    out
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[REDACTED]")
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.expose() == other.expose()
    }
}

impl serde::Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.expose())
    }
}

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret::new)
    }
}

/// A secret as a path or query parameter (logout takes the session id in its path). The value
/// goes on the wire; the runtime's logs and errors name only the path template, never the
/// filled path.
impl super::ToParam for Secret {
    fn to_param(&self, out: &mut Vec<String>) {
        out.push(self.expose().to_owned())
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret::new(s)
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted_and_serialize_is_not() {
        let s = Secret::new("hunter22");
        assert_eq!(format!("{s:?}"), "[REDACTED]");
        assert_eq!(format!("{:?}", Some(s.clone())), "Some([REDACTED])");
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"hunter22\"");
        assert_eq!(s.expose(), "hunter22");
        let back: Secret = serde_json::from_str("\"hunter22\"").unwrap();
        assert_eq!(back, s);
        let mut params = Vec::new();
        super::super::ToParam::to_param(&s, &mut params);
        assert_eq!(params, ["hunter22"]);
    }

    #[test]
    fn scrub_replaces_known_secrets_only() {
        let sid = Secret::new("5f0c2a3e-session");
        let short = Secret::new("ab");
        let text = "session 5f0c2a3e-session expired; ab cd";
        assert_eq!(scrub(text, &[&sid, &short]), "session [REDACTED] expired; ab cd");
        assert_eq!(scrub("nothing here", &[&sid]), "nothing here");
    }
}
