//! One request being put together by generated code, and how it becomes a URL and a body.

use std::fmt;
use std::time::Duration;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use super::{BodyKind, ContentTypeRule, Error, Operation, ToParam};

/// Bytes left as they are in a path segment: RFC 3986 "unreserved". Everything else is
/// percent-encoded, `/` included, so a value is always exactly one segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// The parts of one call: path parameters, query parameters and body. Generated code makes one,
/// fills it and passes it to [`super::Client::execute`].
pub struct Request {
    pub(crate) op: &'static Operation,
    pub(crate) path_params: Vec<(&'static str, Vec<String>)>,
    pub(crate) query: Vec<(&'static str, String)>,
    pub(crate) body: Option<Result<serde_json::Value, String>>,
    /// Overrides the client's attempt timeout for this call.
    pub(crate) timeout: Option<Duration>,
    /// Overrides the client's deadline for this call.
    pub(crate) deadline: Option<Duration>,
    /// The URL to send to as given (a `Link` header's next page), in place of the path
    /// template and the query parameters. Boxed: rare, and 88 bytes inline in every call's
    /// future.
    pub(crate) page_url: Option<Box<url::Url>>,
}

impl Request {
    /// Starts a request for `op`.
    pub fn new(op: &'static Operation) -> Self {
        Request { op, path_params: Vec::new(), query: Vec::new(), body: None, timeout: None, deadline: None, page_url: None }
    }

    /// Fills the `{name}` placeholder of the path template.
    pub fn path(&mut self, name: &'static str, value: &(impl ToParam + ?Sized)) {
        let mut out = Vec::new();
        value.to_param(&mut out);
        self.path_params.push((name, out));
    }

    /// Adds a query parameter; `None` adds nothing, a list repeats the key.
    pub fn query(&mut self, name: &'static str, value: &(impl ToParam + ?Sized)) {
        let mut out = Vec::new();
        value.to_param(&mut out);
        for v in out {
            self.query.push((name, v));
        }
    }

    /// Sets the JSON body.
    pub fn body(&mut self, value: &impl serde::Serialize) {
        self.body = Some(serde_json::to_value(value).map_err(|e| e.to_string()));
    }

    /// Sets the JSON body unless it is an empty object: an optional body of inline fields, none
    /// of which the caller set, is not sent at all (for APIs whose `content_type` is
    /// `with_body`; LiveVox's `always` sends `{}` through [`Request::body`] instead).
    pub fn optional_body(&mut self, value: &impl serde::Serialize) {
        match serde_json::to_value(value) {
            Ok(serde_json::Value::Object(map)) if map.is_empty() => self.body = None,
            other => self.body = Some(other.map_err(|e| e.to_string())),
        }
    }

    /// The limit for each attempt of this call (connect, send, wait and read the body), in place
    /// of the client's ([`super::ClientBuilder::timeout`]). Retries each get the full time.
    pub fn timeout(&mut self, timeout: Duration) {
        self.timeout = Some(timeout);
    }

    /// The limit for the whole call, every attempt, backoff, login and rate-limit wait
    /// included, in place of the client's ([`super::ClientBuilder::deadline`]).
    pub fn deadline(&mut self, deadline: Duration) {
        self.deadline = Some(deadline);
    }

    /// Applies the limits a request builder collected; `None` parts keep the client's.
    pub fn limits(&mut self, limits: super::CallLimits) {
        if let Some(t) = limits.timeout {
            self.timeout = Some(t);
        }
        if let Some(d) = limits.deadline {
            self.deadline = Some(d);
        }
    }

    /// Sends this request to `url` exactly as given (the next page a `Link` header names), in
    /// place of the filled path template and query parameters.
    pub(crate) fn follow(&mut self, url: url::Url) {
        self.page_url = Some(Box::new(url));
    }

    /// The operation this request calls.
    pub fn operation(&self) -> &'static Operation {
        self.op
    }

    fn invalid(&self, message: String) -> Error {
        Error::InvalidRequest { operation: self.op.name, message }
    }

    /// The full URL: `base` (no query, no fragment; checked by the builder) followed by the
    /// filled path template and the query string.
    ///
    /// Built from a copy of the parsed base with only the path (and query) set, not by parsing
    /// the whole text again: the scheme and host were checked and parsed once by the builder,
    /// and parsing a host (IDNA, IPv4 forms) is most of what a full parse costs.
    pub(crate) fn url(&self, base: &url::Url) -> Result<url::Url, Error> {
        if let Some(url) = &self.page_url {
            return Ok(url::Url::clone(url));
        }
        let base_path = base.path().trim_end_matches('/');
        let mut path = String::with_capacity(base_path.len() + self.op.path.len() + 16);
        path.push_str(base_path);
        if !self.op.path.starts_with('/') {
            path.push('/');
        }
        self.fill_path(&mut path)?;
        let mut url = base.clone();
        url.set_path(&path);
        if !self.query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in &self.query {
                pairs.append_pair(name, value);
            }
        }
        Ok(url)
    }

    /// Writes the path template with every `{name}` replaced by its encoded value.
    fn fill_path(&self, out: &mut String) -> Result<(), Error> {
        let template = self.op.path;
        if self.path_params.len() > 64 {
            return Err(self.invalid(format!("{} path parameters; at most 64 are supported", self.path_params.len())));
        }
        // Bit i: parameter i has a place in the template.
        let mut used: u64 = 0;
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else {
                return Err(self.invalid(format!("unterminated placeholder in path template {template:?}")));
            };
            let name = &after[..close];
            let Some(index) = self.path_params.iter().position(|(n, _)| *n == name) else {
                return Err(self.invalid(format!("path parameter `{name}` was not given")));
            };
            used |= 1 << index;
            self.encode_segment(name, &self.path_params[index].1, out)?;
            rest = &after[close + 1..];
        }
        out.push_str(rest);
        if let Some(index) = (0..self.path_params.len()).find(|i| used & (1 << i) == 0) {
            let name = self.path_params[index].0;
            return Err(self.invalid(format!("path parameter `{name}` is not in the template {template:?}")));
        }
        Ok(())
    }

    /// One path segment, written to `out`. An empty value, `.` or `..` is refused rather than
    /// sent: it would silently address another resource (`/dnc/` is the list, `/dnc/..` its
    /// parent), and URL parsing folds even the encoded `%2e%2e` into `..`. A list is joined
    /// with commas.
    fn encode_segment(&self, name: &str, values: &[String], out: &mut String) -> Result<(), Error> {
        if values.is_empty() {
            return Err(self.invalid(format!("path parameter `{name}` has no value")));
        }
        for (i, v) in values.iter().enumerate() {
            if v.is_empty() || v == "." || v == ".." {
                return Err(self.invalid(format!("path parameter `{name}` cannot be {v:?}")));
            }
            if i > 0 {
                out.push(',');
            }
            out.extend(utf8_percent_encode(v, SEGMENT));
        }
        Ok(())
    }

    /// The body bytes to send, if the operation has a body. Under
    /// [`ContentTypeRule::WithBody`] an optional body left unset is not sent at all; under
    /// [`ContentTypeRule::Always`] (LiveVox) it goes out as `{}`.
    pub(crate) fn body_bytes(&self, rule: ContentTypeRule) -> Result<Option<Vec<u8>>, Error> {
        match (self.op.body, &self.body) {
            (BodyKind::None, None) => Ok(None),
            (BodyKind::None, Some(_)) => Err(self.invalid("this operation takes no body, but one was set".into())),
            (BodyKind::Json { .. }, Some(Err(e))) => Err(self.invalid(format!("the body does not serialize: {e}"))),
            (BodyKind::Json { required: false }, None) if rule == ContentTypeRule::WithBody => Ok(None),
            // LiveVox wants `{}` where an operation has nothing to send, never an empty body.
            (BodyKind::Json { .. }, None | Some(Ok(serde_json::Value::Null))) => Ok(Some(b"{}".to_vec())),
            (BodyKind::Json { .. }, Some(Ok(v))) => {
                serde_json::to_vec(v).map(Some).map_err(|e| self.invalid(format!("the body does not serialize: {e}")))
            }
        }
    }
}

/// `base` followed by `path` (already encoded). The base's own path is kept, so a base URL of
/// `https://proxy/livevox` serves `/session/login` at `https://proxy/livevox/session/login`.
pub(crate) fn join_path(base: &url::Url, path: &str) -> Result<url::Url, url::ParseError> {
    let mut text = base.as_str().trim_end_matches('/').to_owned();
    if !path.starts_with('/') {
        text.push('/');
    }
    text.push_str(path);
    url::Url::parse(&text)
}

impl fmt::Debug for Request {
    /// Names only: parameter values and bodies can hold secrets (logout takes the session id in
    /// its path) and personal data.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("operation", &self.op.name)
            .field("path_params", &self.path_params.iter().map(|(n, _)| *n).collect::<Vec<_>>())
            .field("query", &self.query.iter().map(|(n, _)| *n).collect::<Vec<_>>())
            .field("body", &self.body.as_ref().map(|_| "[set]"))
            .field("timeout", &self.timeout)
            .field("deadline", &self.deadline)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::super::{AuthNeed, Method, ResponseFormat};
    use super::*;

    const fn op(path: &'static str, body: BodyKind) -> Operation {
        Operation {
            name: "t.op",
            method: Method::Get,
            path,
            auth: AuthNeed::Session,
            idempotent: true,
            body,
            response: ResponseFormat::Json,
            pagination: None,
            rate_limit: None,
            deprecated: false,
            agent_allowed: true,
        }
    }

    static READ: Operation = op("/compliance/dnc/{id}", BodyKind::None);
    static TWO: Operation = op("/context/call/{session}/{txId}", BodyKind::None);
    static CREATE: Operation = op("/compliance/dnc", BodyKind::Json { required: true });

    fn base(s: &str) -> url::Url {
        url::Url::parse(s).unwrap()
    }

    #[test]
    fn path_values_are_one_encoded_segment() {
        let mut r = Request::new(&READ);
        r.path("id", "a/b c?d#e%f");
        let url = r.url(&base("https://api.livevox.com")).unwrap();
        assert_eq!(url.as_str(), "https://api.livevox.com/compliance/dnc/a%2Fb%20c%3Fd%23e%25f");
        assert_eq!(url.path_segments().unwrap().count(), 3);
    }

    #[test]
    fn base_path_is_kept_and_query_repeats() {
        let mut r = Request::new(&TWO);
        r.path("session", &7i64);
        r.path("txId", &vec![1i64, 2]);
        r.query("tag", &vec!["x y".to_string(), "z&w".to_string()]);
        r.query("none", &None::<String>);
        r.query("n", &Some(3u32));
        let url = r.url(&base("https://h.example/api/")).unwrap();
        assert_eq!(url.as_str(), "https://h.example/api/context/call/7/1,2?tag=x+y&tag=z%26w&n=3");
    }

    /// The URL as it was built before: the whole text written out and parsed once.
    fn parsed_whole(r: &Request, base: &url::Url) -> url::Url {
        let mut text = base.as_str().trim_end_matches('/').to_owned();
        if !r.op.path.starts_with('/') {
            text.push('/');
        }
        r.fill_path(&mut text).unwrap();
        if !r.query.is_empty() {
            text.push('?');
            let start = text.len();
            let mut pairs = url::form_urlencoded::Serializer::for_suffix(text, start);
            for (name, value) in &r.query {
                pairs.append_pair(name, value);
            }
            text = pairs.finish();
        }
        url::Url::parse(&text).unwrap()
    }

    #[test]
    fn setting_the_path_on_the_parsed_base_gives_the_url_a_whole_parse_gives() {
        let bases = ["https://api.livevox.com", "https://h.example/api/", "http://127.0.0.1:8080/a/b", "http://[::1]:9/p%20q/", "https://xn--bcher-kva.example//x//"];
        let values = ["7", "a b", "é/ü", "%2e%2e", "x,y:z@w", "...", "a?b#c", "tab\there", "~_-."];
        for base in bases {
            let base = url::Url::parse(base).unwrap();
            for value in values {
                let mut r = Request::new(&TWO);
                r.path("session", value);
                r.path("txId", &vec![value.to_owned(), "2".to_owned()]);
                assert_eq!(r.url(&base).unwrap(), parsed_whole(&r, &base), "{base} {value:?}");
                r.query("q", value);
                r.query("and", "x=y&z+w é");
                assert_eq!(r.url(&base).unwrap(), parsed_whole(&r, &base), "{base} {value:?} with a query");
            }
        }
    }

    #[test]
    fn dangerous_or_missing_segments_are_refused() {
        for bad in ["", ".", ".."] {
            let mut r = Request::new(&READ);
            r.path("id", bad);
            let err = r.url(&base("https://h.example")).unwrap_err();
            assert!(matches!(err, Error::InvalidRequest { operation: "t.op", .. }), "{bad:?}: {err}");
        }
        let r = Request::new(&READ);
        assert!(r.url(&base("https://h.example")).unwrap_err().to_string().contains("`id` was not given"));
        let mut r = Request::new(&READ);
        r.path("id", &None::<String>);
        assert!(r.url(&base("https://h.example")).unwrap_err().to_string().contains("has no value"));
        let mut r = Request::new(&READ);
        r.path("id", "1");
        r.path("stray", "2");
        assert!(r.url(&base("https://h.example")).unwrap_err().to_string().contains("`stray` is not in the template"));
        // A value that looks encoded is encoded again, so it cannot become `..`.
        let mut r = Request::new(&READ);
        r.path("id", "%2e%2e");
        assert_eq!(r.url(&base("https://h.example")).unwrap().path(), "/compliance/dnc/%252e%252e");
    }

    #[test]
    fn json_body_defaults_to_empty_object() {
        let r = Request::new(&CREATE);
        assert_eq!(r.body_bytes(ContentTypeRule::Always).unwrap().as_deref(), Some(&b"{}"[..]));
        let mut r = Request::new(&CREATE);
        r.body(&None::<u8>);
        assert_eq!(r.body_bytes(ContentTypeRule::Always).unwrap().as_deref(), Some(&b"{}"[..]));
        let mut r = Request::new(&CREATE);
        r.body(&serde_json::json!({"phone": "5551234"}));
        assert_eq!(r.body_bytes(ContentTypeRule::Always).unwrap().as_deref(), Some(&br#"{"phone":"5551234"}"#[..]));
        let mut r = Request::new(&READ);
        r.body(&1);
        assert!(matches!(r.body_bytes(ContentTypeRule::Always), Err(Error::InvalidRequest { .. })));
        assert_eq!(Request::new(&READ).body_bytes(ContentTypeRule::Always).unwrap(), None);
    }

    static LOCK: Operation = op("/issues/{n}/lock", BodyKind::Json { required: false });

    #[test]
    fn an_unset_optional_body_is_not_sent_under_with_body() {
        assert_eq!(Request::new(&LOCK).body_bytes(ContentTypeRule::WithBody).unwrap(), None);
        assert_eq!(Request::new(&LOCK).body_bytes(ContentTypeRule::Always).unwrap().as_deref(), Some(&b"{}"[..]));
        // A required body with nothing set is still `{}` under either rule.
        assert_eq!(Request::new(&CREATE).body_bytes(ContentTypeRule::WithBody).unwrap().as_deref(), Some(&b"{}"[..]));
        let mut r = Request::new(&LOCK);
        r.body(&serde_json::json!({"lock_reason": "spam"}));
        assert_eq!(r.body_bytes(ContentTypeRule::WithBody).unwrap().as_deref(), Some(&br#"{"lock_reason":"spam"}"#[..]));
    }

    #[test]
    fn an_optional_inline_body_with_no_field_set_is_not_sent() {
        #[derive(serde::Serialize)]
        struct Inline {
            #[serde(skip_serializing_if = "Option::is_none")]
            reason: Option<&'static str>,
        }
        let mut r = Request::new(&LOCK);
        r.optional_body(&Inline { reason: None });
        assert_eq!(r.body_bytes(ContentTypeRule::WithBody).unwrap(), None, "nothing set: no body");
        r.optional_body(&Inline { reason: Some("spam") });
        assert_eq!(r.body_bytes(ContentTypeRule::WithBody).unwrap().as_deref(), Some(&br#"{"reason":"spam"}"#[..]));
        // A value that is not an empty object is the body as before.
        r.optional_body(&vec![1]);
        assert_eq!(r.body_bytes(ContentTypeRule::WithBody).unwrap().as_deref(), Some(&b"[1]"[..]));
    }

    #[test]
    fn debug_shows_names_not_values() {
        let mut r = Request::new(&READ);
        r.path("id", "secret-session-id");
        r.query("q", "private");
        let d = format!("{r:?}");
        assert!(d.contains("\"id\"") && d.contains("\"q\""), "{d}");
        assert!(!d.contains("secret-session-id") && !d.contains("private"), "{d}");
    }
}
