//! Auto-pagination: streams of pages and of items over any offset/count operation. Generated
//! request builders of paginated operations implement [`Paginated`]; the walking logic (and its
//! end rules, memory bound and item cap) lives here once.
//!
//! INTERFACE (fixed by the generator): the trait below. `Pages` and `Items` are implemented by
//! the pagination work (issue 5).

use super::{Error, Operation};

/// A request builder of a paginated operation, as generated code implements it.
pub trait Paginated: Clone + Send + Sync + 'static {
    /// One page of the response.
    type Page: Send + 'static;
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

/// A stream of pages. INTERFACE STUB: the Stream impl comes with the pagination work.
pub struct Pages<R: Paginated> {
    request: Option<R>,
}

impl<R: Paginated> Pages<R> {
    pub fn new(request: R) -> Self {
        Pages { request: Some(request) }
    }
}

/// A stream of items. INTERFACE STUB: the Stream impl comes with the pagination work.
pub struct Items<R: Paginated> {
    pages: Pages<R>,
}

impl<R: Paginated> Items<R> {
    pub fn new(request: R) -> Self {
        Items { pages: Pages::new(request) }
    }
}
