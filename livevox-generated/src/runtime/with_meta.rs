//! [`WithHeaders`]: a call that hands back the operation's declared response headers, typed,
//! beside the decoded body (the generated `send_with_headers()` of an operation whose spec
//! declares `response.headers`). Generic over [`Call`]; the raw status and headers of any call
//! are [`Call::with_meta`]'s.

use std::fmt;
use std::marker::PhantomData;

use super::headers::FromHeaders;
use super::client::Received;
use super::describe::Operation;
use super::pending::{Call, Decode};
use super::{Client, Error, Request, ResponseMeta};

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

impl<R: Call, H: FromHeaders + Send + 'static> Call for WithHeaders<R, H> {
    type Output = (R::Output, H);

    type Decode = Self;

    fn prepare(self) -> (Client, Request) {
        self.request.prepare()
    }
}

impl<R: Call, H: FromHeaders> Decode<(R::Output, H)> for WithHeaders<R, H> {
    fn read(client: &Client, op: &'static Operation, meta: &ResponseMeta, received: Received) -> Result<(R::Output, H), Error> {
        let value = R::Decode::read(client, op, meta, received)?;
        Ok((value, H::from_meta(meta)?))
    }
}

impl<R: fmt::Debug, H> fmt::Debug for WithHeaders<R, H> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WithHeaders").field("request", &self.request).field("headers", &std::any::type_name::<H>()).finish()
    }
}
