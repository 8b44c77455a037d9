//! The bottom layer of the runtime: sends one HTTP request ([`Outgoing`]) and reads a capped
//! body. It owns the connection pool, the base URL, the headers every request of the API
//! carries and the API's error format; it knows nothing of credentials, retries or limits.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use http::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, CONTENT_TYPE, RETRY_AFTER};

use super::deadline::Deadline;
use super::describe::{ErrorFormat, Method};
use super::error::{self, CallSite, Error, ErrorResponse, MAX_ERROR_BODY};
use super::secret::Secret;

/// The `User-Agent` sent unless the caller sets another.
pub const DEFAULT_USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// One API's connection to its server: what every request of the API shares.
pub(crate) struct Transport {
    pub http: reqwest::Client,
    /// The base URL (checked by the builder: a host, no query or fragment).
    pub base: url::Url,
    /// Sent on every request: `Accept`, the API's own headers, `User-Agent`, and `Content-Type`
    /// under [`ContentTypeRule::Always`](super::ContentTypeRule::Always) (else it goes only
    /// with a body).
    pub headers: HeaderMap,
    /// The attempt timeout when a request sets none.
    pub timeout: Option<Duration>,
    /// The largest success body read.
    pub max_response_bytes: usize,
    /// The shape of the API's error bodies.
    pub errors: ErrorFormat,
}

/// One request as it goes on the wire: the operation it belongs to (for errors), where it
/// goes, what it carries and how long it may take: the attempt timeout, cut short by the
/// call's deadline (one timer, reqwest's, bounds the exchange for both).
#[derive(Clone)]
pub(crate) struct Outgoing<'a> {
    /// The operation name errors and logs use.
    pub operation: &'static str,
    pub method: Method,
    pub url: &'a url::Url,
    pub body: Option<Bytes>,
    /// The attempt timeout; `None` for none.
    pub timeout: Option<Duration>,
    /// The deadline of the call the request belongs to.
    pub deadline: &'a Deadline,
    /// A media type that replaces the API's `Accept` (`ResponseFormat::accept`).
    pub accept: Option<&'static str>,
}

impl Transport {
    /// Sends `out`, with `auth` (a header holding a credential) when given. The request is
    /// made directly (one copy of the API's header map, no builder merging it again).
    ///
    /// The exchange is limited by the shorter of the attempt timeout and the time left to the
    /// call's deadline, with reqwest's timer, which also bounds the read of the response's
    /// body. When the deadline was the limit, its failure is [`Error::DeadlineExceeded`]
    /// ([`exchange_error`]); a request whose deadline has passed is not sent.
    ///
    /// Not an `async fn`: the request is built before the returned future exists, so the
    /// future holds reqwest's (boxed) one and not the request beside it.
    pub fn send(&self, out: &Outgoing<'_>, auth: Option<(&HeaderName, &HeaderValue)>) -> impl Future<Output = Result<reqwest::Response, Error>> + Send + 'static {
        let (operation, deadline) = (out.operation, *out.deadline);
        let pending = self.execute(out, auth);
        async move { pending?.await.map_err(|e| exchange_error(&deadline, operation, e)) }
    }

    /// What [`Transport::send`] sends, as reqwest's own future, whose errors the caller turns
    /// into the call's with [`exchange_error`] (the client's first attempt holds no more).
    pub fn execute(
        &self,
        out: &Outgoing<'_>,
        auth: Option<(&HeaderName, &HeaderValue)>,
    ) -> Result<impl Future<Output = Result<reqwest::Response, reqwest::Error>> + Send + 'static, Error> {
        self.request(out, auth).map(|request| self.http.execute(request))
    }

    /// The request `out` makes, with `auth` (a header holding a credential) when given.
    fn request(&self, out: &Outgoing<'_>, auth: Option<(&HeaderName, &HeaderValue)>) -> Result<reqwest::Request, Error> {
        let mut request = reqwest::Request::new(out.method.to_http(), out.url.clone());
        let headers = request.headers_mut();
        *headers = self.headers.clone();
        if let Some(accept) = out.accept {
            // Replaced, not appended: two `Accept` headers would ask for both types.
            let value = HeaderValue::from_str(accept).map_err(|_| Error::InvalidRequest {
                operation: out.operation,
                message: format!("the media type {accept:?} cannot be sent in an `Accept` header"),
            })?;
            headers.insert(ACCEPT, value);
        }
        if let Some((name, value)) = auth {
            headers.insert(name.clone(), value.clone());
        }
        let timeout = out.deadline.bound(out.timeout);
        if timeout == Some(Duration::ZERO) && out.deadline.has_passed() {
            return Err(out.deadline.exceeded("the deadline passed before the request was sent", None));
        }
        *request.timeout_mut() = timeout;
        if let Some(body) = &out.body {
            // Under `ContentTypeRule::WithBody` the API's headers leave it out; a body names it.
            let headers = request.headers_mut();
            if !headers.contains_key(CONTENT_TYPE) {
                headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            }
            *request.body_mut() = Some(reqwest::Body::from(body.clone()));
        }
        Ok(request)
    }

    /// Reads at most [`MAX_ERROR_BODY`] of an error response and decodes it with the API's
    /// error format. `expired` is the status that means "credentials expired" besides 401;
    /// `secrets` are scrubbed from everything quoted.
    ///
    /// Boxed: it runs only on the error path, and inline its state would grow the future of
    /// every call (moved into its box on every call) by the body read's.
    pub fn error_from<'a>(
        &'a self,
        site: CallSite,
        response: &'a mut reqwest::Response,
        expired: Option<u16>,
        secrets: &'a [&'a Secret],
    ) -> Pin<Box<dyn Future<Output = Error> + Send + 'a>> {
        Box::pin(async move {
            let status = response.status();
            let retry_after = response.headers().get(RETRY_AFTER).cloned();
            // A body that breaks off mid-read still leaves the status to report, so keep what came.
            let (body, truncated) = read_capped_lossy(response, MAX_ERROR_BODY).await;
            let response = ErrorResponse { status, retry_after: retry_after.as_ref(), body: &body, truncated };
            error::from_response(site, expired, &self.errors, response, secrets)
        })
    }
}

/// The error of an exchange (sending it, or reading the response's body) sent under
/// `deadline`: a timeout seen once the deadline has passed is the deadline's. The exchange's
/// timer ended at the deadline, or at an attempt timeout due no later; either way the call is
/// out of time, which is what its caller is told.
pub(crate) fn exchange_error(deadline: &Deadline, operation: &'static str, err: reqwest::Error) -> Error {
    if err.is_timeout() && deadline.has_passed() {
        return deadline.exceeded("the exchange had not finished", None);
    }
    Error::transport(operation, err)
}

/// A header name from the spec or the caller.
pub(crate) fn header_name(name: &str) -> Result<HeaderName, Error> {
    HeaderName::from_bytes(name.as_bytes()).map_err(|_| Error::Config(format!("{name:?} is not a valid header name")))
}

/// A header holding a secret: marked sensitive so HTTP/2 never indexes it in its header table.
pub(crate) fn secret_header(secret: &Secret, name: &HeaderName) -> Result<HeaderValue, Error> {
    let mut value = HeaderValue::from_str(secret.expose())
        .map_err(|_| Error::Config(format!("the value for the {name} header holds characters a header cannot carry")))?;
    value.set_sensitive(true);
    Ok(value)
}

/// Whether the URL's host is a loopback address (127.0.0.0/8, ::1, `localhost`).
pub(crate) fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost") || d.eq_ignore_ascii_case("localhost."),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback()),
        None => false,
    }
}

/// Reads the body up to `limit` bytes: a body that comes in one chunk (most bodies) is kept as
/// it came, without a copy. `true` when more followed the `limit` bytes (the rest is not read).
///
/// It borrows the response rather than consuming it, and reads chunk by chunk, so the future
/// holds the response once and no body collector beside it (reqwest's `bytes()` holds both,
/// 424 bytes here): it is inline in every call's future.
pub(crate) async fn read_body(response: &mut reqwest::Response, limit: usize) -> Result<(Bytes, bool), reqwest::Error> {
    // Each chunk is used up before the next is awaited, and the first two in a block of their
    // own, so the future holds one of them (or the copy) at a time.
    let mut out = {
        let Some(first) = response.chunk().await? else {
            return Ok((Bytes::new(), false));
        };
        if first.len() > limit {
            return Ok((first.slice(..limit), true));
        }
        let Some(second) = response.chunk().await? else {
            return Ok((first, false));
        };
        let mut out = Vec::with_capacity(first.len() + second.len());
        out.extend_from_slice(&first);
        if append_capped(&mut out, &second, limit) {
            return Ok((Bytes::from(out), true));
        }
        out
    };
    while let Some(chunk) = response.chunk().await? {
        if append_capped(&mut out, &chunk, limit) {
            return Ok((Bytes::from(out), true));
        }
    }
    Ok((Bytes::from(out), false))
}

/// Appends what room under `limit` there is for `chunk` to `out`; `true` when it did not all fit.
fn append_capped(out: &mut Vec<u8>, chunk: &[u8], limit: usize) -> bool {
    let room = limit - out.len();
    out.extend_from_slice(&chunk[..chunk.len().min(room)]);
    chunk.len() > room
}

/// Like [`read_body`], into a `Vec`, keeping whatever arrived before a transport failure.
pub(crate) async fn read_capped_lossy(response: &mut reqwest::Response, limit: usize) -> (Vec<u8>, bool) {
    let mut out = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let room = limit - out.len();
                if chunk.len() > room {
                    out.extend_from_slice(&chunk[..room]);
                    return (out, true);
                }
                out.extend_from_slice(&chunk);
            }
            Ok(None) => return (out, false),
            Err(_) => return (out, true),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transport() -> Transport {
        Transport {
            http: reqwest::Client::new(),
            base: url::Url::parse("http://127.0.0.1:9").expect("a URL"),
            headers: HeaderMap::new(),
            timeout: Some(Duration::from_secs(60)),
            max_response_bytes: 1024,
            errors: ErrorFormat { json: None, xml: None },
        }
    }

    /// Port 9 (discard) has no listener here: a request sent there fails to connect, so a
    /// deadline error proves nothing was sent.
    #[tokio::test(start_paused = true)]
    async fn a_request_whose_deadline_has_passed_is_not_sent() {
        let transport = transport();
        let deadline = Deadline::start("t.op", Some(Duration::from_secs(1)));
        tokio::time::advance(Duration::from_secs(1)).await;
        let url = transport.base.join("/x").expect("a URL");
        let out = Outgoing { operation: "t.op", method: Method::Get, url: &url, body: None, timeout: transport.timeout, deadline: &deadline, accept: None };
        let err = transport.send(&out, None).await.expect_err("not sent");
        assert!(matches!(&err, Error::DeadlineExceeded { operation: "t.op", detail, last: None, .. } if detail.contains("before the request was sent")), "{err:?}");
        // Without a deadline the same request goes out (and finds nobody listening).
        let unbounded = Deadline::start("t.op", None);
        let err = transport.send(&Outgoing { deadline: &unbounded, ..out }, None).await.expect_err("nobody listens on port 9");
        assert!(!matches!(err, Error::DeadlineExceeded { .. }), "{err:?}");
    }
}
