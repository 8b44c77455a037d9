//! Auto-pagination: streams of pages and of items over any offset/count operation. Generated
//! request builders of paginated operations implement [`Paginated`]; the walking logic (and its
//! end rules, memory bound and item cap) lives here once.
//!
//! A walk sends the builder's request, then the same request with `offset` moved on by
//! `count`, one request at a time, until the last page as the operation's [`PageEnd`] rule
//! recognises it. It also stops on an empty page (whatever the rule says, so that a server that
//! keeps sending `next` cannot make it loop forever), after an error (which is yielded once),
//! and at the optional caps ([`Pages::max_pages`], [`Pages::max_items`], [`Items::limit`]).
//! Nothing is fetched ahead: a stream holds at most the page it is handing out, and dropping it
//! stops the walk (an unfinished request is abandoned).
//!
//! **The paging guard.** A server that makes no progress ends the walk with
//! [`Error::Paging`] instead of feeding it forever: a page identical to the one before it (a
//! server that ignores `offset`; compared by a 64-bit hash of the page, so no second page is
//! kept) is not yielded but answered with the error, and so is a next offset that does not fit
//! the operation's `offset` parameter (an `int32` runs out after about 2.1 billion items). A
//! server that keeps sending new, full pages is only stopped by a cap: set one when the source
//! is not trusted.
//!
//! ```no_run
//! use futures_util::TryStreamExt;
//! use livevox_generated::Client;
//!
//! # async fn demo(client: Client) -> Result<(), livevox_generated::Error> {
//! let mut entries = client.compliance().list_dialtime_dnc().items().limit(5_000);
//! while let Some(entry) = entries.try_next().await? {
//!     println!("{:?}", entry.phone);
//! }
//! # Ok(()) }
//! ```

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::{FusedStream, Stream};

use super::{Error, Operation, PageEnd};

/// A request builder of a paginated operation, as generated code implements it.
pub trait Paginated: Clone + Send + Sync + 'static {
    /// One page of the response (serializable, so the paging guard can tell a repeated page).
    type Page: serde::Serialize + Send + 'static;
    /// One item of a page.
    type Item: Send + 'static;

    /// The operation's static description; its `pagination` is always `Some`.
    fn operation() -> &'static Operation;
    /// The offset this request asks for.
    fn offset(&self) -> i64;
    /// The page size this request asks for.
    fn count(&self) -> i64;
    /// Moves the request to another offset (saturating at the parameter type's bounds).
    fn set_offset(&mut self, offset: i64);
    /// Sends the request for one page.
    fn fetch(self) -> crate::__rt::BoxFuture<Result<Self::Page, Error>>;
    /// How many items a page holds.
    fn item_count(page: &Self::Page) -> usize;
    /// The page's link to the next page, when the response has one.
    fn next_link(page: &Self::Page) -> Option<&str>;
    /// The page's items, by value.
    fn into_items(page: Self::Page) -> Vec<Self::Item>;
}

type PageFuture<R> = crate::__rt::BoxFuture<Result<<R as Paginated>::Page, Error>>;

/// A [`Stream`] of the pages of a paginated operation, from the request's offset to the last
/// page. Made by the generated `pages()` of a request builder.
///
/// Each page is fetched when the stream is polled for it, never before; the request is the
/// builder's, including its retry, rate-limit and session handling.
#[must_use = "a stream does nothing until it is polled"]
pub struct Pages<R: Paginated> {
    /// The request for the next page; `None` once the walk is over.
    next: Option<R>,
    /// The page being fetched, with the request that asked for it (the next one steps from it).
    in_flight: Option<(R, PageFuture<R>)>,
    /// The request's offset and count have been checked (on the first poll).
    checked: bool,
    max_items: Option<u64>,
    max_pages: Option<u64>,
    items_seen: u64,
    pages_seen: u64,
    /// The hash of the last page yielded, to tell a page the server sends again.
    last_page: Option<u64>,
    /// The paging guard's error, yielded on the next poll (after the page that led to it).
    stopped: Option<Error>,
}

// Nothing in a `Pages` is ever pinned in place (the future is boxed, the request is only moved),
// so it is `Unpin` whatever `R` is, and `poll_next` can take it out of its `Pin`.
impl<R: Paginated> Unpin for Pages<R> {}

impl<R: Paginated> Pages<R> {
    /// A walk from `request`'s offset, `count` at a time.
    pub fn new(request: R) -> Self {
        Pages {
            next: Some(request),
            in_flight: None,
            checked: false,
            max_items: None,
            max_pages: None,
            items_seen: 0,
            pages_seen: 0,
            last_page: None,
            stopped: None,
        }
    }

    /// Stops fetching once pages holding `n` items in all have been yielded. Pages are not cut:
    /// the last one may take the total past `n` (use [`Items::limit`] for an exact count).
    pub fn max_items(mut self, n: u64) -> Self {
        self.max_items = Some(n);
        self
    }

    /// Yields at most `n` pages.
    pub fn max_pages(mut self, n: u64) -> Self {
        self.max_pages = Some(n);
        self
    }

    /// The items of these pages, one at a time.
    pub fn items(self) -> Items<R> {
        Items::from_pages(self)
    }

    /// Pages yielded so far.
    pub fn pages_seen(&self) -> u64 {
        self.pages_seen
    }

    /// Items on the pages yielded so far.
    pub fn items_seen(&self) -> u64 {
        self.items_seen
    }

    fn cap_reached(&self) -> bool {
        self.max_pages.is_some_and(|m| self.pages_seen >= m) || self.max_items.is_some_and(|m| self.items_seen >= m)
    }

    /// Ends the walk: nothing more is fetched, and a request under way is abandoned.
    fn stop(&mut self) {
        self.next = None;
        self.in_flight = None;
        self.stopped = None;
    }

    /// The request for the page after `page`, `None` when `page` is the last, or the paging
    /// guard's error when the next offset cannot be sent.
    fn after(&mut self, mut request: R, page: &R::Page) -> Result<Option<R>, Error> {
        let items = R::item_count(page);
        self.pages_seen += 1;
        self.items_seen = self.items_seen.saturating_add(u64::try_from(items).unwrap_or(u64::MAX));
        if items == 0 || self.cap_reached() {
            return Ok(None);
        }
        let count = request.count();
        let short = i64::try_from(items).is_ok_and(|n| n < count);
        let next_absent = R::next_link(page).is_none_or(|link| link.trim().is_empty());
        let end = R::operation().pagination.map_or(PageEnd::NextAbsentOrShortPage, |p| p.end);
        let last = match end {
            PageEnd::NextAbsent => next_absent,
            PageEnd::ShortPage => short,
            PageEnd::NextAbsentOrShortPage => next_absent || short,
        };
        if last {
            return Ok(None);
        }
        let current = request.offset();
        let next = current.checked_add(count);
        if let Some(offset) = next {
            request.set_offset(offset);
        }
        // The parameter type could not hold the new offset (it saturated): fetching would
        // repeat a page, and the server has not said this one is the last.
        match next.filter(|&offset| request.offset() == offset) {
            Some(_) => Ok(Some(request)),
            None => Err(paging_error::<R>(format!(
                "the next offset ({current} + {count}) does not fit the operation's offset parameter, \
                 after {} pages of which none was the last",
                self.pages_seen
            ))),
        }
    }
}

fn paging_error<R: Paginated>(message: String) -> Error {
    Error::Paging { operation: R::operation().name, message }
}

/// A 64-bit hash of the page's JSON form: equal pages hash equally, so a page sent twice is
/// seen without keeping the one before. `None` if the page does not serialize.
fn fingerprint<P: serde::Serialize>(page: &P) -> Option<u64> {
    use std::hash::Hasher;
    struct HashWriter(std::hash::DefaultHasher);
    impl std::io::Write for HashWriter {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.write(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut writer = HashWriter(std::hash::DefaultHasher::new());
    serde_json::to_writer(&mut writer, page).ok()?;
    Some(writer.0.finish())
}

/// A walk that steps by `count` needs a count the server honours: zero or less would never move,
/// and more than the server's cap would skip the items between the cap and `count`.
fn check<R: Paginated>(request: &R) -> Result<(), Error> {
    let op = R::operation();
    let count = request.count();
    let max = op.pagination.and_then(|p| p.max_count).map(i64::from);
    let invalid = |message: String| Err(Error::InvalidRequest { operation: op.name, message });
    if count <= 0 {
        return invalid(format!("auto-pagination needs a page size (count) of at least 1, not {count}"));
    }
    if let Some(max) = max.filter(|&max| count > max) {
        return invalid(format!(
            "a page size (count) of {count} is above the {max} the server returns at most; walking by {count} would skip entries"
        ));
    }
    if request.offset() < 0 {
        return invalid(format!("auto-pagination needs an offset of 0 or more, not {}", request.offset()));
    }
    Ok(())
}

impl<R: Paginated> Stream for Pages<R> {
    type Item = Result<R::Page, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let (request, mut future) = match this.in_flight.take() {
            Some(in_flight) => in_flight,
            None => {
                if let Some(err) = this.stopped.take() {
                    this.stop();
                    return Poll::Ready(Some(Err(err)));
                }
                if this.cap_reached() {
                    this.stop();
                }
                let Some(request) = this.next.take() else { return Poll::Ready(None) };
                if !this.checked {
                    this.checked = true;
                    if let Err(e) = check(&request) {
                        return Poll::Ready(Some(Err(e)));
                    }
                }
                let future = request.clone().fetch();
                (request, future)
            }
        };
        match future.as_mut().poll(cx) {
            Poll::Pending => {
                this.in_flight = Some((request, future));
                Poll::Pending
            }
            Poll::Ready(Err(e)) => {
                this.stop();
                Poll::Ready(Some(Err(e)))
            }
            Poll::Ready(Ok(page)) => {
                let hash = fingerprint(&page);
                if hash.is_some() && hash == this.last_page {
                    this.stop();
                    let offset = request.offset();
                    let message = format!("the page at offset {offset} is the same as the page before it: the server is not moving on");
                    return Poll::Ready(Some(Err(paging_error::<R>(message))));
                }
                this.last_page = hash;
                match this.after(request, &page) {
                    Ok(next) => this.next = next,
                    Err(err) => this.stopped = Some(err),
                }
                Poll::Ready(Some(Ok(page)))
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        if self.is_terminated() {
            (0, Some(0))
        } else {
            (0, None)
        }
    }
}

impl<R: Paginated> FusedStream for Pages<R> {
    fn is_terminated(&self) -> bool {
        self.next.is_none() && self.in_flight.is_none() && self.stopped.is_none()
    }
}

impl<R: Paginated> fmt::Debug for Pages<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let upcoming = self.in_flight.as_ref().map(|(r, _)| r).or(self.next.as_ref());
        f.debug_struct("Pages")
            .field("operation", &R::operation().name)
            .field("offset", &upcoming.map(R::offset))
            .field("count", &upcoming.map(R::count))
            .field("fetching", &self.in_flight.is_some())
            .field("pages_seen", &self.pages_seen)
            .field("items_seen", &self.items_seen)
            .field("max_items", &self.max_items)
            .field("max_pages", &self.max_pages)
            .finish()
    }
}

/// A [`Stream`] of the items of a paginated operation, page after page. Made by the generated
/// `items()` of a request builder.
///
/// It holds one page at a time: the next page is fetched only when the current one has been
/// handed out. An error is yielded once and ends the stream.
#[must_use = "a stream does nothing until it is polled"]
pub struct Items<R: Paginated> {
    pages: Pages<R>,
    current: std::vec::IntoIter<R::Item>,
    limit: Option<u64>,
    yielded: u64,
}

// As for `Pages`: the page's items are only moved out, never pinned.
impl<R: Paginated> Unpin for Items<R> {}

impl<R: Paginated> Items<R> {
    /// A walk from `request`'s offset, `count` at a time.
    pub fn new(request: R) -> Self {
        Items::from_pages(Pages::new(request))
    }

    fn from_pages(pages: Pages<R>) -> Self {
        Items { pages, current: Vec::new().into_iter(), limit: None, yielded: 0 }
    }

    /// Yields at most `n` items in all, fetching no page past the one that holds the `n`th.
    pub fn limit(mut self, n: u64) -> Self {
        self.limit = Some(n);
        self.pages.max_items = Some(n);
        self
    }

    /// Items yielded so far.
    pub fn yielded(&self) -> u64 {
        self.yielded
    }

    /// Pages fetched so far.
    pub fn pages_seen(&self) -> u64 {
        self.pages.pages_seen
    }
}

impl<R: Paginated> Stream for Items<R> {
    type Item = Result<R::Item, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if this.limit.is_some_and(|limit| this.yielded >= limit) {
                this.pages.stop();
                this.current = Vec::new().into_iter();
                return Poll::Ready(None);
            }
            if let Some(item) = this.current.next() {
                this.yielded += 1;
                return Poll::Ready(Some(Ok(item)));
            }
            // Free the spent page before the next one arrives: one page in memory at a time.
            this.current = Vec::new().into_iter();
            match Pin::new(&mut this.pages).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(Some(Ok(page))) => this.current = R::into_items(page).into_iter(),
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.limit.map(|limit| usize::try_from(limit.saturating_sub(self.yielded)).unwrap_or(usize::MAX));
        let here = self.current.len();
        let lower = left.map_or(here, |left| here.min(left));
        let upper = if self.pages.is_terminated() { Some(lower) } else { left };
        (lower, upper)
    }
}

impl<R: Paginated> FusedStream for Items<R> {
    fn is_terminated(&self) -> bool {
        self.pages.is_terminated() && (self.current.len() == 0 || self.limit.is_some_and(|limit| self.yielded >= limit))
    }
}

impl<R: Paginated> fmt::Debug for Items<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items")
            .field("pages", &self.pages)
            .field("buffered", &self.current.len())
            .field("yielded", &self.yielded)
            .field("limit", &self.limit)
            .finish()
    }
}
