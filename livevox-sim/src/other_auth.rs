//! The authorization of the spec's other APIs, checked as their servers would: BASIC (exact
//! credentials), BEARER (a known token in the spec's header, with its prefix), OAUTH (an
//! OAuth 1.0a HMAC-SHA1 signature recomputed from the request, RFC 5849, with a fresh nonce and
//! a timestamp within five minutes) and OAUTH2 (a token this simulator issued and that has not
//! expired). For OAUTH2 the simulator also serves the token endpoint, at the path of the spec's
//! `token_url`: the client-credentials grant and the refresh-token grant (RFC 6749 §4.4, §6),
//! with client authentication by HTTP Basic or form fields (§2.3.1).
//!
//! LIVEVOX APIs without a login (relaying a session) are checked with the LiveVox sessions in
//! `server.rs`, since the session they relay is one this simulator handed out.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use hmac::{Hmac, Mac};
use http::HeaderMap;
use livevox_codegen::ir::Auth;
use serde_json::{json, Value};

/// The credentials the simulator accepts for the other APIs; the same for every API of a kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiCredentials {
    /// BASIC user name and password.
    pub basic_user: String,
    pub basic_password: String,
    /// The BEARER token.
    pub bearer_token: String,
    /// OAUTH2 client id and secret of the client-credentials grant.
    pub oauth2_client_id: String,
    pub oauth2_client_secret: String,
    /// OAUTH (1.0a) consumer and token credentials.
    pub oauth1_consumer_key: String,
    pub oauth1_consumer_secret: String,
    pub oauth1_token: String,
    pub oauth1_token_secret: String,
}

impl Default for ApiCredentials {
    fn default() -> Self {
        ApiCredentials {
            basic_user: "sim-basic-user".into(),
            basic_password: "sim-basic-password".into(),
            bearer_token: "sim-bearer-token".into(),
            oauth2_client_id: "sim-oauth2-client".into(),
            oauth2_client_secret: "sim-oauth2-secret".into(),
            oauth1_consumer_key: "sim-oauth1-consumer".into(),
            oauth1_consumer_secret: "sim-oauth1-consumer-secret".into(),
            oauth1_token: "sim-oauth1-token".into(),
            oauth1_token_secret: "sim-oauth1-token-secret".into(),
        }
    }
}

/// How long an issued OAuth2 token lives unless the builder says otherwise.
pub const DEFAULT_OAUTH2_TOKEN_LIFETIME: Duration = Duration::from_secs(3600);

/// How far an OAuth 1.0a timestamp may be from the simulator's clock.
const OAUTH1_SKEW: u64 = 300;

/// What the simulator remembers for these schemes.
#[derive(Debug, Default)]
pub(crate) struct AuthState {
    /// Issued access tokens: API module and expiry.
    tokens: HashMap<String, (String, Instant)>,
    /// Issued refresh tokens: API module.
    refresh_tokens: HashMap<String, String>,
    issued: u64,
    /// OAuth 1.0a `(timestamp, nonce)` pairs seen: a replayed request is refused.
    nonces: HashSet<(String, String)>,
    /// Requests to the token endpoints.
    pub token_requests: u64,
}

impl AuthState {
    /// Issues an access token (and, with `refresh`, a refresh token) for the API `module`.
    pub(crate) fn issue(&mut self, module: &str, lifetime: Duration, refresh: bool, now: Instant) -> (String, Option<String>) {
        self.issued += 1;
        let n = self.issued;
        let token = format!("sim-oauth2-token-{n}");
        self.tokens.insert(token.clone(), (module.to_string(), now + lifetime));
        let refresh = refresh.then(|| {
            let r = format!("sim-oauth2-refresh-{n}");
            self.refresh_tokens.insert(r.clone(), module.to_string());
            r
        });
        (token, refresh)
    }

    /// Forgets every issued access token (refresh tokens stay valid).
    pub(crate) fn revoke_tokens(&mut self) {
        self.tokens.clear();
    }
}

/// An answer of the token endpoint: status and JSON body.
pub(crate) type TokenAnswer = (u16, Value);

fn oauth_error(status: u16, error: &str, description: impl Into<String>) -> TokenAnswer {
    (status, json!({"error": error, "error_description": description.into()}))
}

/// Answers a request to the token endpoint of the API `module`.
pub(crate) fn token_endpoint(
    state: &mut AuthState,
    creds: &ApiCredentials,
    module: &str,
    lifetime: Duration,
    headers: &HeaderMap,
    body: &[u8],
    now: Instant,
) -> TokenAnswer {
    state.token_requests += 1;
    let ct = header(headers, "content-type").unwrap_or("");
    if !ct.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        return oauth_error(400, "invalid_request", format!("the token request must be application/x-www-form-urlencoded, not {ct:?}"));
    }
    let form: Vec<(String, String)> = url::form_urlencoded::parse(body).into_owned().collect();
    let field = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    // Client authentication: HTTP Basic with form-encoded parts, or the two form fields.
    let client = match header(headers, "authorization") {
        Some(h) => basic_pair(h).map(|(id, secret)| (form_decode(&id), form_decode(&secret))),
        None => field("client_id").map(|id| (id.to_string(), field("client_secret").unwrap_or("").to_string())),
    };
    let client_ok = client.as_ref().is_some_and(|(id, secret)| *id == creds.oauth2_client_id && *secret == creds.oauth2_client_secret);
    let expires_in = lifetime.as_secs().max(1);
    match field("grant_type") {
        Some("client_credentials") => {
            if !client_ok {
                return oauth_error(401, "invalid_client", "unknown client id or secret");
            }
            let (token, _) = state.issue(module, lifetime, false, now);
            (200, json!({"access_token": token, "token_type": "Bearer", "expires_in": expires_in}))
        }
        Some("refresh_token") => {
            // A public client may refresh without credentials; credentials given must be right.
            if client.is_some() && !client_ok {
                return oauth_error(401, "invalid_client", "unknown client id or secret");
            }
            let Some(refresh) = field("refresh_token") else {
                return oauth_error(400, "invalid_request", "`refresh_token` is missing");
            };
            match state.refresh_tokens.remove(refresh) {
                Some(m) if m == module => {
                    let (token, refresh) = state.issue(module, lifetime, true, now);
                    (200, json!({"access_token": token, "token_type": "Bearer", "expires_in": expires_in, "refresh_token": refresh}))
                }
                _ => oauth_error(400, "invalid_grant", "the refresh token is unknown or was used already"),
            }
        }
        Some(other) => oauth_error(400, "unsupported_grant_type", format!("grant type {other:?} is not supported")),
        None => oauth_error(400, "invalid_request", "`grant_type` is missing"),
    }
}

/// What a request to an API with one of these schemes must carry; `Err` is the 401 message.
#[allow(clippy::too_many_arguments)]
pub(crate) fn check(
    state: &mut AuthState,
    creds: &ApiCredentials,
    auth: &Auth,
    module: &str,
    method: &str,
    base_url: &str,
    path: &str,
    query: Option<&str>,
    headers: &HeaderMap,
) -> Result<(), String> {
    match auth {
        Auth::None | Auth::LiveVox { .. } => Ok(()),
        Auth::Basic => {
            let Some(h) = header(headers, "authorization") else { return Err("the `Authorization` header (Basic) is missing".into()) };
            match basic_pair(h) {
                Some((u, p)) if u == creds.basic_user && p == creds.basic_password => Ok(()),
                Some(_) => Err("unknown user name or password".into()),
                None => Err("the `Authorization` header is not `Basic <base64 of user:password>`".into()),
            }
        }
        Auth::Bearer { header: name, prefix } => {
            let token = prefixed(headers, name, prefix)?;
            if token == creds.bearer_token {
                Ok(())
            } else {
                Err(format!("the token in `{name}` is not valid"))
            }
        }
        Auth::OAuth2 { header: name, prefix, .. } => {
            let token = prefixed(headers, name, prefix)?;
            match state.tokens.get(token) {
                Some((m, expires)) if m == module && Instant::now() < *expires => Ok(()),
                Some((m, _)) if m == module => Err("the access token has expired".into()),
                _ => Err("the access token is not valid".into()),
            }
        }
        Auth::OAuth1 => {
            let Some(h) = header(headers, "authorization") else { return Err("the `Authorization` header (OAuth) is missing".into()) };
            let params = oauth1_params(h).ok_or("the `Authorization` header is not `OAuth k=\"v\", ...`")?;
            let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
            if get("oauth_consumer_key") != Some(creds.oauth1_consumer_key.as_str()) {
                return Err("unknown oauth_consumer_key".into());
            }
            if get("oauth_token") != Some(creds.oauth1_token.as_str()) {
                return Err("unknown oauth_token".into());
            }
            if get("oauth_signature_method") != Some("HMAC-SHA1") {
                return Err("oauth_signature_method must be HMAC-SHA1".into());
            }
            if get("oauth_version").is_some_and(|v| v != "1.0") {
                return Err("oauth_version must be 1.0".into());
            }
            let (Some(timestamp), Some(nonce), Some(signature)) = (get("oauth_timestamp"), get("oauth_nonce"), get("oauth_signature")) else {
                return Err("oauth_timestamp, oauth_nonce and oauth_signature are required".into());
            };
            let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
            match timestamp.parse::<u64>() {
                Ok(t) if t.abs_diff(now) <= OAUTH1_SKEW => {}
                _ => return Err(format!("oauth_timestamp {timestamp:?} is not within {OAUTH1_SKEW} s of now")),
            }
            let expected = oauth1_signature(method, &format!("{base_url}{path}"), query, &params, &creds.oauth1_consumer_secret, &creds.oauth1_token_secret);
            if signature != expected {
                return Err("the OAuth signature does not match the request".into());
            }
            if !state.nonces.insert((timestamp.to_string(), nonce.to_string())) {
                return Err("this oauth_nonce was used already (a replayed request)".into());
            }
            Ok(())
        }
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The token in `name: <prefix> <token>` (or the bare value for an empty prefix).
fn prefixed<'a>(headers: &'a HeaderMap, name: &str, prefix: &str) -> Result<&'a str, String> {
    let Some(value) = header(headers, name) else { return Err(format!("the `{name}` header is missing")) };
    if prefix.is_empty() {
        return Ok(value);
    }
    match value.split_once(' ') {
        Some((p, token)) if p.eq_ignore_ascii_case(prefix) && !token.trim().is_empty() => Ok(token.trim()),
        _ => Err(format!("the `{name}` header is not `{prefix} <token>`")),
    }
}

/// `Basic <base64(user:password)>` as its two parts.
fn basic_pair(value: &str) -> Option<(String, String)> {
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, password) = text.split_once(':')?;
    Some((user.to_string(), password.to_string()))
}

fn form_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={s}").as_bytes()).next().map(|(_, v)| v.into_owned()).unwrap_or_default()
}

/// The parameters of `OAuth k="v", k2="v2"`, percent-decoded.
fn oauth1_params(value: &str) -> Option<Vec<(String, String)>> {
    let (scheme, rest) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("oauth") {
        return None;
    }
    let mut out = Vec::new();
    for part in rest.split(',') {
        let (k, v) = part.trim().split_once('=')?;
        let v = v.trim().strip_prefix('"')?.strip_suffix('"')?;
        out.push((percent_decode(k.trim())?, percent_decode(v)?));
    }
    Some(out)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// RFC 5849 §3.6: every byte but the unreserved ones as `%XX`, upper case.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The HMAC-SHA1 signature of a request (RFC 5849 §3.4): the base string is the method, the
/// base URI and the normalized parameters (the query's, decoded, and the protocol parameters
/// but the signature), each percent-encoded, sorted by name and value; the key is the two
/// secrets, encoded, joined by `&`.
pub(crate) fn oauth1_signature(
    method: &str,
    base_uri: &str,
    query: Option<&str>,
    oauth_params: &[(String, String)],
    consumer_secret: &str,
    token_secret: &str,
) -> String {
    let mut params: Vec<(String, String)> = url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .into_owned()
        .chain(oauth_params.iter().filter(|(k, _)| k != "oauth_signature" && k != "realm").cloned())
        .map(|(k, v)| (encode(&k), encode(&v)))
        .collect();
    params.sort();
    let normalized = params.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&");
    let base = format!("{}&{}&{}", method.to_ascii_uppercase(), encode(base_uri), encode(&normalized));
    let key = format!("{}&{}", encode(consumer_secret), encode(token_secret));
    let Ok(mut mac) = Hmac::<sha1::Sha1>::new_from_slice(key.as_bytes()) else { return String::new() };
    mac.update(base.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 5849 §1.2's example (the "photos" request), signature `tR3+Ty81lMeYAr/Fid0kMTYa/WM=`.
    #[test]
    fn rfc5849_example_signature() {
        let params: Vec<(String, String)> = [
            ("oauth_consumer_key", "dpf43f3p2l4k3l03"),
            ("oauth_token", "nnch734d00sl2jdk"),
            ("oauth_signature_method", "HMAC-SHA1"),
            ("oauth_timestamp", "1191242096"),
            ("oauth_nonce", "kllo9940pd9333jh"),
            ("oauth_version", "1.0"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let sig = oauth1_signature("GET", "http://photos.example.net/photos", Some("file=vacation.jpg&size=original"), &params, "kd94hf93k423kf44", "pfkkdhi9sl3r4s00");
        assert_eq!(sig, "tR3+Ty81lMeYAr/Fid0kMTYa/WM=");
    }

    #[test]
    fn header_parsing() {
        let p = oauth1_params(r#"OAuth oauth_consumer_key="a%20b", oauth_signature="x%2By%3D""#).unwrap();
        assert_eq!(p, vec![("oauth_consumer_key".into(), "a b".into()), ("oauth_signature".into(), "x+y=".into())]);
        assert!(oauth1_params("Bearer x").is_none());
        assert_eq!(basic_pair("Basic dTpwOnE=").unwrap(), ("u".to_string(), "p:q".to_string()));
    }
}
