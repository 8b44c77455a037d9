//! The OAUTH scheme: every call signed with OAuth 1.0a, HMAC-SHA1 (RFC 5849), a fresh nonce and
//! timestamp per attempt. A refused signature has no replacement, so nothing is replayed.

use std::fmt;

use http::header::AUTHORIZATION;

use super::super::describe::Method;
use super::super::error::Error;
use super::super::secret::Secret;
use super::super::transport::secret_header;
use super::replay::Credential;

/// The consumer (client) credentials and the token credentials.
#[derive(Clone)]
pub(crate) struct OAuth1Credentials {
    pub consumer_key: String,
    pub consumer_secret: Secret,
    pub token: Secret,
    pub token_secret: Secret,
}

impl OAuth1Credentials {
    /// The signed `Authorization` header of one attempt of `method` on `url`.
    pub(super) fn credential(&self, method: Method, url: &url::Url) -> Result<Credential, Error> {
        let value = secret_header(&oauth1_header(self, method, url), &AUTHORIZATION)?;
        Ok(Credential { header: AUTHORIZATION, value, secret: Some(self.token.clone()), generation: 0 })
    }

    /// Every secret, to scrub from error text.
    pub(super) fn secrets(&self) -> Vec<Secret> {
        vec![self.consumer_secret.clone(), self.token.clone(), self.token_secret.clone()]
    }
}

impl fmt::Debug for OAuth1Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth1")
            .field("consumer_key", &self.consumer_key)
            .field("consumer_secret", &self.consumer_secret)
            .field("token", &self.token)
            .field("token_secret", &self.token_secret)
            .finish()
    }
}

/// `Authorization: OAuth ...` for one attempt: HMAC-SHA1 over the method, the URL without its
/// query, and the query parameters together with the protocol parameters (RFC 5849 §3.4.1),
/// with a fresh nonce and timestamp. The `oauth1-request` crate makes the nonce and timestamp,
/// builds the base string, signs and writes the header; the query goes in as [`QueryParams`]
/// because it must not be part of the URI the crate is given.
fn oauth1_header(c: &OAuth1Credentials, method: Method, url: &url::Url) -> Secret {
    let mut base = url.clone();
    base.set_query(None);
    base.set_fragment(None);
    let request = QueryParams::new(url);
    let token = oauth1_request::Token::from_parts(
        c.consumer_key.as_str(),
        c.consumer_secret.expose(),
        c.token.expose(),
        c.token_secret.expose(),
    );
    Secret::new(oauth1_request::authorize(method.as_str(), base.as_str(), &request, &token, oauth1_request::HmacSha1::new()))
}

/// RFC 5849 §3.6 percent-encoding: everything but the unreserved characters, upper-case hex.
const OAUTH_ENCODE: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

fn oauth_encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, OAUTH_ENCODE).to_string()
}

/// The query parameters of a request, as the signature needs them (RFC 5849 §3.4.1.3.2): each
/// name and value percent-encoded, sorted by encoded name, then encoded value. The crate's own
/// `ParameterList` sorts unencoded values (which orders `-` and `/` the other way round) and
/// writes names unencoded (wrong for `filter[status]`), so the parameters are handed over
/// already encoded: values through `serialize_parameter_encoded`, which encodes them once more
/// for the base string, and names encoded twice up front, since the crate writes names as they
/// are. (Encoding `%` as `%25` keeps the order, so the crate's order checks hold.)
struct QueryParams {
    /// `(name encoded twice, value encoded once)`, sorted by the once-encoded pair.
    pairs: Vec<(String, String)>,
}

impl QueryParams {
    fn new(url: &url::Url) -> Self {
        let mut once: Vec<(String, String)> = url.query_pairs().map(|(k, v)| (oauth_encode(&k), oauth_encode(&v))).collect();
        once.sort();
        QueryParams { pairs: once.into_iter().map(|(k, v)| (oauth_encode(&k), v)).collect() }
    }
}

impl oauth1_request::Request for QueryParams {
    fn serialize<S: oauth1_request::serializer::Serializer>(&self, mut serializer: S) -> S::Output {
        // The protocol parameters, in their sorted places among the request's.
        const PROTOCOL: [&str; 8] = [
            "oauth_callback",
            "oauth_consumer_key",
            "oauth_nonce",
            "oauth_signature_method",
            "oauth_timestamp",
            "oauth_token",
            "oauth_verifier",
            "oauth_version",
        ];
        fn protocol<S: oauth1_request::serializer::Serializer>(serializer: &mut S, index: usize) {
            match index {
                0 => serializer.serialize_oauth_callback(),
                1 => serializer.serialize_oauth_consumer_key(),
                2 => serializer.serialize_oauth_nonce(),
                3 => serializer.serialize_oauth_signature_method(),
                4 => serializer.serialize_oauth_timestamp(),
                5 => serializer.serialize_oauth_token(),
                6 => serializer.serialize_oauth_verifier(),
                _ => serializer.serialize_oauth_version(),
            }
        }
        let mut next = 0;
        for (name, value) in &self.pairs {
            while next < PROTOCOL.len() && PROTOCOL[next] < name.as_str() {
                protocol(&mut serializer, next);
                next += 1;
            }
            serializer.serialize_parameter_encoded(name, value);
        }
        while next < PROTOCOL.len() {
            protocol(&mut serializer, next);
            next += 1;
        }
        serializer.end()
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;

    use super::*;

    #[test]
    fn oauth1_header_has_the_protocol_parameters() {
        let c = OAuth1Credentials {
            consumer_key: "ck".into(),
            consumer_secret: Secret::new("cs"),
            token: Secret::new("tk"),
            token_secret: Secret::new("ts"),
        };
        let url = url::Url::parse("https://erp.example.com/a/b?x=1&y=two+words").unwrap();
        let h = oauth1_header(&c, Method::Get, &url);
        let h = h.expose();
        assert!(h.starts_with("OAuth "), "{h}");
        for p in ["oauth_consumer_key=\"ck\"", "oauth_token=\"tk\"", "oauth_signature_method=\"HMAC-SHA1\"", "oauth_nonce=", "oauth_timestamp=", "oauth_signature="] {
            assert!(h.contains(p), "{p} missing from {h}");
        }
        // A fresh nonce every time.
        assert_ne!(oauth1_header(&c, Method::Get, &url).expose(), h);
    }

    /// RFC 5849 §3.4 computed here without the crate: the base string of the request and
    /// HMAC-SHA1 with both secrets, compared with the signature of the header.
    fn verifies(method: &str, url: &url::Url, header: &str, consumer_secret: &str, token_secret: &str) -> bool {
        use hmac::Mac as _;
        let decode = |s: &str| percent_encoding::percent_decode_str(s).decode_utf8().unwrap().into_owned();
        let mut protocol: Vec<(String, String)> = Vec::new();
        for part in header.strip_prefix("OAuth ").unwrap().split(',') {
            let (k, v) = part.trim().split_once('=').unwrap();
            protocol.push((decode(k), decode(v.trim_matches('"'))));
        }
        let signature = protocol.iter().find(|(k, _)| k == "oauth_signature").unwrap().1.clone();
        let mut params: Vec<(String, String)> = url
            .query_pairs()
            .into_owned()
            .chain(protocol.into_iter().filter(|(k, _)| k != "oauth_signature"))
            .map(|(k, v)| (oauth_encode(&k), oauth_encode(&v)))
            .collect();
        params.sort();
        let normalized = params.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&");
        let mut base_uri = url.clone();
        base_uri.set_query(None);
        let base = format!("{method}&{}&{}", oauth_encode(base_uri.as_str()), oauth_encode(&normalized));
        let key = format!("{}&{}", oauth_encode(consumer_secret), oauth_encode(token_secret));
        let mut mac = hmac::Hmac::<sha1::Sha1>::new_from_slice(key.as_bytes()).unwrap();
        mac.update(base.as_bytes());
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes()) == signature
    }

    #[test]
    fn oauth1_signatures_cover_any_query_as_rfc_5849_says() {
        let c = OAuth1Credentials {
            consumer_key: "key with space".into(),
            consumer_secret: Secret::new("c&s=cret"),
            token: Secret::new("tok/en"),
            token_secret: Secret::new("t s"),
        };
        for url in [
            "https://erp.example.com/api/ar/accounts/ACCT-1/balance",
            "https://erp.example.com/api/ar?currency=USD",
            // Names that need encoding, repeated names whose values sort differently once
            // encoded (`-` before `%2F`), empty values, `+` for a space, non-ASCII, and names
            // that fall between the protocol parameters.
            "https://erp.example.com/a%20b/c?filter%5Bstatus%5D=open&x=%2F&x=-&empty=&sp=a+b&u=%C3%A9&oauth_o=1&a=2&zz=3",
            "http://127.0.0.1:8080/x?b=2&a=1&a=0",
        ] {
            let url = url::Url::parse(url).unwrap();
            for method in [Method::Get, Method::Post, Method::Delete] {
                let h = oauth1_header(&c, method, &url);
                assert!(verifies(method.as_str(), &url, h.expose(), "c&s=cret", "t s"), "{method:?} {url}: {}", h.expose());
                assert!(!verifies(method.as_str(), &url, h.expose(), "c&s=cret", "other"), "the token secret is part of the key");
            }
        }
    }
}

