//! [`WithHeaders`]: a call that hands back the operation's declared response headers, typed,
//! beside the decoded body (the generated `send_with_headers()` of an operation whose spec
//! declares `response.headers`). Generic over [`Call`]; the raw status and headers of any call
//! are [`Call::with_meta`]'s.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;

use super::headers::FromHeaders;
use super::pending::{Answer, Call};

/// A request whose success is the body with the operation's declared response headers (`H`,
/// its generated `<Operation>Headers`).
#[must_use = "a request does nothing until it is awaited"]
pub struct WithHeaders<R, H> {
    request: R,
    headers: PhantomData<fn() -> H>,
}

impl<R: Call, H: FromHeaders> WithHeaders<R, H> {
    /// Wraps a request builder (generated `send_with_headers()` does this).
    pub fn new(request: R) -> Self {
        WithHeaders { request, headers: PhantomData }
    }
}

impl<R: Call, H: FromHeaders> Call for WithHeaders<R, H> {
    type Output = (R::Output, H);

    fn call_with_meta(self) -> impl Future<Output = Answer<Self::Output>> + Send + 'static {
        let call = self.request.call_with_meta();
        async move {
            let (value, meta) = call.await?;
            let headers = H::from_meta(&meta)?;
            Ok(((value, headers), meta))
        }
    }
}

impl<R: fmt::Debug, H> fmt::Debug for WithHeaders<R, H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WithHeaders").field("request", &self.request).field("headers", &std::any::type_name::<H>()).finish()
    }
}
