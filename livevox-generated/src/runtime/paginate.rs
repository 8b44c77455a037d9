//! Auto-pagination: streams of pages and of items over any paginated operation, whatever its
//! style. Generated request builders of paginated operations implement [`Paginated`]; the
//! walking logic (the step to the next page, the end rules, the memory bound and the caps) lives
//! here once.
//!
//! A walk sends the builder's request, then one request per page, one at a time. How it steps
//! is the operation's [`PageStyle`]:
//! - **offset**: the same request with `offset` moved on by `count`; the last page is the one
//!   the operation's [`PageEnd`] rule recognises;
//! - **page**: the same request with the page number one higher; the last page is a short one
//!   (fewer items than the page size asked for);
//! - **cursor**: the same request with the cursor parameter set to the page's cursor field;
//!   the last page is one whose cursor is absent, null or empty;
//! - **link**: a GET of the next URL of the response's `Link: <...>; rel="next"` header,
//!   exactly as given (relative ones resolved against the request's URL; one on another
//!   origin than the client's base URL is refused with [`Error::Paging`]); the last page is
//!   one without a `rel="next"` link. See [`fetch_linked`](super::fetch_linked).
//!
//! Every style also stops on an empty page (so that a server that keeps sending `next` cannot
//! make it loop forever), after an error (which is yielded once), and at the optional caps
//! ([`Pages::max_pages`], [`Pages::max_items`], [`Items::limit`]). Nothing is fetched ahead: a
//! stream holds at most the page it is handing out, and dropping it stops the walk (an
//! unfinished request is abandoned).
//!
//! **The paging guard.** A server that makes no progress ends the walk with
//! [`Error::Paging`] instead of feeding it forever: a page identical to the one before it (a
//! server that ignores `offset`, the page number or the cursor; compared by a 64-bit hash of the
//! page, so no second page is kept) is not yielded but answered with the error, and so is a next
//! step that goes nowhere: a next offset or page number that does not fit its parameter (an
//! `int32` runs out after about 2.1 billion), a cursor equal to the one just sent, a next URL
//! equal to the one just fetched. A server that keeps sending new, full pages is only stopped
//! by a cap: set one when the source is not trusted.
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

/// How a paginated operation moves from one page to the next. Every style also ends on an
/// empty page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PageStyle {
    /// The offset moves on by the page size; the last page is the one the operation's
    /// [`PageEnd`] rule recognises.
    Offset,
    /// The page number goes up by one; the last page is a short one.
    Page,
    /// The page's cursor goes back as a query parameter; the last page is the one without a
    /// cursor (absent, null or empty).
    Cursor,
    /// The next URL of the `Link` response header (`rel="next"`) is followed as given; the last
    /// page is the one without such a link.
    Link,
}

/// Where a request builder is moved for the next page ([`Paginated::advance`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// The next offset (offset style) or page number (page style).
    Position(i64),
    /// The cursor to send back (cursor style).
    Cursor(String),
}

impl Next {
    /// Puts a next offset or page number into a request builder's parameter: `false` when
    /// this is a cursor, or when the number does not fit the parameter's type.
    pub fn set_position<T: TryFrom<i64>>(self, parameter: &mut T) -> bool {
        match self {
            Next::Position(position) => T::try_from(position).map(|value| *parameter = value).is_ok(),
            Next::Cursor(_) => false,
        }
    }

    /// Puts a next cursor into a request builder's (optional) parameter: `false` when this is
    /// an offset or page number.
    pub fn set_cursor<T: From<String>>(self, parameter: &mut Option<T>) -> bool {
        match self {
            Next::Cursor(cursor) => {
                *parameter = Some(T::from(cursor));
                true
            }
            Next::Position(_) => false,
        }
    }
}

/// A request builder of a paginated operation, as generated code implements it.
pub trait Paginated: Clone + Send + Sync + 'static {
    /// One page of the response (serializable, so the paging guard can tell a repeated page).
    type Page: serde::Serialize + Send + 'static;
    /// One item of a page.
    type Item: Send + 'static;
    /// How the operation pages.
    const STYLE: PageStyle;

    /// The operation's static description; its `pagination` is always `Some`.
    fn operation() -> &'static Operation;
    /// The offset (offset style) or page number (page style) this request asks for; 0 for the
    /// other styles.
    fn position(&self) -> i64;
    /// The page size this request asks for; 0 when the style has no page-size parameter.
    fn size(&self) -> i64;
    /// Moves the request to the next page; `false` when the request cannot hold `next` (an
    /// offset or page number past its parameter type's bounds, or a step of another style).
    fn advance(&mut self, next: Next) -> bool;
    /// Sends the request for one page; `link` (`link` style only, after the first page) is the
    /// URL to fetch instead, as the previous page's `Link` header gave it.
    fn fetch(self, link: Option<super::Url>) -> PageFetch<Self>;
    /// How many items a page holds.
    fn item_count(page: &Self::Page) -> usize;
    /// The page's link to the next page (offset style) or its cursor (cursor style), when the
    /// response has one.
    fn next_link(page: &Self::Page) -> Option<&str>;
    /// The page's items, by value.
    fn into_items(page: Self::Page) -> Vec<Self::Item>;
}

/// The fetch of one page of `R` ([`Paginated::fetch`]).
pub type PageFetch<R> = crate::__rt::BoxFuture<Result<super::Fetched<<R as Paginated>::Page>, Error>>;

/// A [`Stream`] of the pages of a paginated operation, from the request's offset to the last
/// page. Made by the generated `pages()` of a request builder.
///
/// Each page is fetched when the stream is polled for it, never before; the request is the
/// builder's, including its retry, rate-limit and session handling.
#[must_use = "a stream does nothing until it is polled"]
pub struct Pages<R: Paginated> {
    /// The request for the next page; `None` once the walk is over.
    next: Option<R>,
    /// `link` style: the URL of the next page (`None` for the first page: the request's own).
    next_url: Option<super::Url>,
    /// The page being fetched, with the request that asked for it (the next one steps from it)
    /// and the `Link` URL it was fetched from.
    in_flight: Option<(R, Option<super::Url>, PageFetch<R>)>,
    /// The request's offset and count have been checked (on the first poll).
    checked: bool,
    max_items: Option<u64>,
    max_pages: Option<u64>,
    items_seen: u64,
    pages_seen: u64,
    /// The hash of the last page yielded, to tell a page the server sends again.
    last_page: Option<u64>,
    /// `cursor` style: the cursor the last request sent, to tell a cursor that goes nowhere.
    cursor_sent: Option<String>,
    /// The paging guard's error, yielded on the next poll (after the page that led to it).
    stopped: Option<Error>,
}

// Nothing in a `Pages` is ever pinned in place (the future is boxed, the request is only moved),
// so it is `Unpin` whatever `R` is, and `poll_next` can take it out of its `Pin`.
impl<R: Paginated> Unpin for Pages<R> {}

impl<R: Paginated> Pages<R> {
    /// A walk from `request`'s page on.
    pub fn new(request: R) -> Self {
        Pages {
            next: Some(request),
            next_url: None,
            in_flight: None,
            checked: false,
            max_items: None,
            max_pages: None,
            items_seen: 0,
            pages_seen: 0,
            last_page: None,
            cursor_sent: None,
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
        self.next_url = None;
        self.in_flight = None;
        self.stopped = None;
    }

    /// Counts `page` in, then moves `request` to the page after it: `None` when `page` is the
    /// last, or the paging guard's error when the next step goes nowhere. `url` is the `Link`
    /// URL the page came from and `next_url` the one its response links, or why that link is
    /// refused (link style).
    fn after(&mut self, request: R, page: &R::Page, url: Option<super::Url>, next_url: Result<Option<super::Url>, Error>) -> Result<Option<R>, Error> {
        let items = R::item_count(page);
        self.pages_seen += 1;
        self.items_seen = self.items_seen.saturating_add(u64::try_from(items).unwrap_or(u64::MAX));
        if items == 0 || self.cap_reached() {
            return Ok(None);
        }
        let short = i64::try_from(items).is_ok_and(|n| n < request.size());
        let link = R::next_link(page).map(str::trim).filter(|link| !link.is_empty());
        match R::STYLE {
            PageStyle::Offset => {
                let end = R::operation().pagination.map_or(PageEnd::NextAbsentOrShortPage, |p| p.end);
                let last = match end {
                    PageEnd::NextAbsent => link.is_none(),
                    PageEnd::ShortPage => short,
                    PageEnd::NextAbsentOrShortPage => link.is_none() || short,
                };
                if last {
                    return Ok(None);
                }
                let (current, count) = (request.position(), request.size());
                self.step(request, current.checked_add(count), || format!("the next offset ({current} + {count})"))
            }
            PageStyle::Page => {
                if short {
                    return Ok(None);
                }
                let current = request.position();
                self.step(request, current.checked_add(1), || format!("the next page number ({current} + 1)"))
            }
            PageStyle::Cursor => {
                let Some(cursor) = link else { return Ok(None) };
                if self.cursor_sent.as_deref() == Some(cursor) {
                    return Err(paging_error::<R>(format!("the page's cursor `{cursor}` is the one just sent: the server is not moving on")));
                }
                let mut request = request;
                let cursor = cursor.to_string();
                self.cursor_sent = Some(cursor.clone());
                if !request.advance(Next::Cursor(cursor)) {
                    return Err(paging_error::<R>("the request cannot take a cursor".into()));
                }
                Ok(Some(request))
            }
            PageStyle::Link => {
                let Some(next_url) = next_url? else { return Ok(None) };
                if url.as_ref() == Some(&next_url) {
                    return Err(paging_error::<R>(format!("the `Link` header's next page is the page just fetched ({next_url})")));
                }
                self.next_url = Some(next_url);
                Ok(Some(request))
            }
        }
    }

    /// Moves `request` to the offset or page number `next` (`None`: it overflowed).
    fn step(&mut self, mut request: R, next: Option<i64>, what: impl FnOnce() -> String) -> Result<Option<R>, Error> {
        // The parameter type could not hold the new position: fetching would repeat a page, and
        // the server has not said this one is the last.
        match next.filter(|&position| request.advance(Next::Position(position))) {
            Some(_) => Ok(Some(request)),
            None => Err(paging_error::<R>(format!(
                "{} does not fit the operation's parameter, after {} pages of which none was the last",
                what(),
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

/// A walk that steps by the page size needs one the server honours: zero or less would never
/// move, and more than the server's cap would skip the items between the cap and the size (or,
/// for the page style, end the walk at the first, short, page).
fn check<R: Paginated>(request: &R) -> Result<(), Error> {
    let (what, least) = match R::STYLE {
        PageStyle::Offset => ("an offset", 0),
        PageStyle::Page => ("a page number", 0),
        PageStyle::Cursor | PageStyle::Link => return Ok(()),
    };
    let op = R::operation();
    let count = request.size();
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
    if request.position() < least {
        return invalid(format!("auto-pagination needs {what} of {least} or more, not {}", request.position()));
    }
    Ok(())
}

impl<R: Paginated> Stream for Pages<R> {
    type Item = Result<R::Page, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let (request, url, mut future) = match this.in_flight.take() {
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
                let url = this.next_url.take();
                let future = request.clone().fetch(url.clone());
                (request, url, future)
            }
        };
        match future.as_mut().poll(cx) {
            Poll::Pending => {
                this.in_flight = Some((request, url, future));
                Poll::Pending
            }
            Poll::Ready(Err(e)) => {
                this.stop();
                Poll::Ready(Some(Err(e)))
            }
            Poll::Ready(Ok(super::Fetched { page, next_url })) => {
                let hash = fingerprint(&page);
                if hash.is_some() && hash == this.last_page {
                    this.stop();
                    let at = match (R::STYLE, &url) {
                        (PageStyle::Offset, _) => format!("at offset {}", request.position()),
                        (PageStyle::Page, _) => format!("number {}", request.position()),
                        (PageStyle::Link, Some(url)) => format!("at {url}"),
                        _ => format!("after {} pages", this.pages_seen),
                    };
                    let message = format!("the page {at} is the same as the page before it: the server is not moving on");
                    return Poll::Ready(Some(Err(paging_error::<R>(message))));
                }
                this.last_page = hash;
                match this.after(request, &page, url, next_url) {
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
        let upcoming = self.in_flight.as_ref().map(|(r, _, _)| r).or(self.next.as_ref());
        f.debug_struct("Pages")
            .field("operation", &R::operation().name)
            .field("style", &R::STYLE)
            .field("position", &upcoming.map(R::position))
            .field("size", &upcoming.map(R::size))
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
    /// A walk from `request`'s page on.
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
