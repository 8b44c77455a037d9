//! Auto-pagination in the page-number, cursor and `Link`-header styles, over local servers that
//! implement each style on their own: the exact requests each walk sends, its end rules, the
//! caps, and the paging guard (a cursor or a next URL that goes nowhere, a next page on another
//! server).

mod runtime_support;

use std::sync::Arc;

use futures_util::StreamExt;
use livevox_generated::__rt::BoxFuture;
use livevox_generated::runtime as rt;
use runtime_support::*;

const fn list_op(name: &'static str, path: &'static str, pagination: rt::Pagination) -> rt::Operation {
    rt::Operation {
        name,
        method: rt::Method::Get,
        path,
        auth: rt::AuthNeed::None,
        idempotent: true,
        body: rt::BodyKind::None,
        response: rt::ResponseFormat::Json,
        pagination: Some(pagination),
        rate_limit: None,
        deprecated: false,
        agent_allowed: true,
    }
}

static BY_PAGE: rt::Operation = list_op(
    "test.by_page",
    "/numbered",
    rt::Pagination { offset_param: "page", count_param: "per_page", items_field: "", next_field: "", max_count: Some(100), end: rt::PageEnd::ShortPage },
);
static BY_CURSOR: rt::Operation = list_op(
    "test.by_cursor",
    "/cursored",
    rt::Pagination { offset_param: "", count_param: "", items_field: "items", next_field: "next_cursor", max_count: None, end: rt::PageEnd::NextAbsent },
);
static BY_LINK: rt::Operation = list_op(
    "test.by_link",
    "/linked",
    rt::Pagination { offset_param: "", count_param: "", items_field: "", next_field: "", max_count: None, end: rt::PageEnd::NextAbsent },
);

/// The items `from..to` of a list of `total`, as JSON.
fn records(from: usize, to: usize, total: usize) -> Vec<Record> {
    (from.min(total)..to.min(total)).map(|i| Record { id: i as u64, phone: format!("555{i:07}") }).collect()
}

fn query_of(req: &Recorded) -> std::collections::HashMap<String, String> {
    url::form_urlencoded::parse(req.query.as_deref().unwrap_or("").as_bytes()).into_owned().collect()
}

fn queries(server: &Server, path: &str) -> Vec<String> {
    server.requests_to(path).into_iter().map(|r| r.query.unwrap_or_default()).collect()
}

// ---------------------------------------------------------------- page numbers

/// A page-number builder: `page` from 1, `per_page`, the whole body is the array.
#[derive(Clone)]
struct NumberedList {
    client: rt::Client,
    page: i32,
    per_page: i32,
}

impl rt::Paginated for NumberedList {
    type Page = Vec<Record>;
    type Item = Record;
    const STYLE: rt::PageStyle = rt::PageStyle::Page;
    fn operation() -> &'static rt::Operation {
        &BY_PAGE
    }
    fn position(&self) -> i64 {
        i64::from(self.page)
    }
    fn size(&self) -> i64 {
        i64::from(self.per_page)
    }
    fn advance(&mut self, next: rt::Next) -> bool {
        next.set_position(&mut self.page)
    }
    fn fetch(self, _link: Option<rt::Url>) -> BoxFuture<Result<rt::Fetched<Vec<Record>>, rt::Error>> {
        Box::pin(async move {
            let mut req = rt::Request::new(&BY_PAGE);
            req.query("page", &self.page);
            req.query("per_page", &self.per_page);
            Ok(rt::Fetched { page: self.client.execute(req).await?, next_url: Ok(None) })
        })
    }
    fn item_count(page: &Vec<Record>) -> usize {
        page.len()
    }
    fn next_link(_: &Vec<Record>) -> Option<&str> {
        None
    }
    fn into_items(page: Vec<Record>) -> Vec<Record> {
        page
    }
}

/// Serves `total` records by 1-based page number; `stuck` answers page 1 whatever is asked.
async fn numbered_server(total: usize, stuck: bool) -> Server {
    serve(move |req| async move {
        let q = query_of(&req);
        let page: usize = q.get("page").and_then(|v| v.parse().ok()).unwrap_or(1);
        let per_page: usize = q.get("per_page").and_then(|v| v.parse().ok()).unwrap_or(30);
        let page = if stuck { 1 } else { page };
        let from = (page - 1) * per_page;
        json(200, serde_json::to_value(records(from, from + per_page, total)).unwrap())
    })
    .await
}

#[tokio::test]
async fn page_numbers_go_up_by_one_until_a_short_page() {
    let server = numbered_server(5, false).await;
    let client = open_client(&server);
    let list = NumberedList { client, page: 1, per_page: 2 };
    let ids: Vec<u64> = rt::Items::new(list.clone()).map(|r| r.unwrap().id).collect().await;
    assert_eq!(ids, [0, 1, 2, 3, 4]);
    assert_eq!(queries(&server, "/numbered"), ["page=1&per_page=2", "page=2&per_page=2", "page=3&per_page=2"]);

    // A full last page: one more request, answered empty, ends the walk.
    let server = numbered_server(4, false).await;
    let list = NumberedList { client: open_client(&server), ..list };
    assert_eq!(rt::Pages::new(list).map(|p| p.unwrap().len()).collect::<Vec<_>>().await, [2, 2, 0]);
    assert_eq!(queries(&server, "/numbered").len(), 3);
}

#[tokio::test]
async fn page_number_walks_obey_caps_and_the_guard() {
    let server = numbered_server(100, false).await;
    let list = NumberedList { client: open_client(&server), page: 3, per_page: 10 };
    let ids: Vec<u64> = rt::Items::new(list.clone()).limit(15).map(|r| r.unwrap().id).collect().await;
    assert_eq!(ids, (20..35).collect::<Vec<u64>>(), "starts at the request's page");
    assert_eq!(queries(&server, "/numbered"), ["page=3&per_page=10", "page=4&per_page=10"]);
    assert_eq!(rt::Pages::new(list).max_pages(1).count().await, 1);

    // A server that ignores the page number.
    let server = numbered_server(100, true).await;
    let list = NumberedList { client: open_client(&server), page: 1, per_page: 10 };
    let results: Vec<_> = rt::Pages::new(list).collect().await;
    assert_eq!(results.len(), 2);
    let err = results[1].as_ref().unwrap_err();
    assert!(matches!(err, rt::Error::Paging { .. }) && err.to_string().contains("page number 2 is the same"), "{err}");

    let refused = NumberedList { client: open_client(&server), page: 1, per_page: 101 };
    let first = rt::Pages::new(refused).next().await.unwrap().unwrap_err();
    assert!(first.to_string().contains("above the 100"), "{first}");
}

// ---------------------------------------------------------------- cursors

#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct CursorPage {
    items: Vec<Record>,
    #[serde(default)]
    next_cursor: Option<String>,
}

#[derive(Clone)]
struct CursorList {
    client: rt::Client,
    cursor: Option<String>,
}

impl rt::Paginated for CursorList {
    type Page = CursorPage;
    type Item = Record;
    const STYLE: rt::PageStyle = rt::PageStyle::Cursor;
    fn operation() -> &'static rt::Operation {
        &BY_CURSOR
    }
    fn position(&self) -> i64 {
        0
    }
    fn size(&self) -> i64 {
        0
    }
    fn advance(&mut self, next: rt::Next) -> bool {
        next.set_cursor(&mut self.cursor)
    }
    fn fetch(self, _link: Option<rt::Url>) -> BoxFuture<Result<rt::Fetched<CursorPage>, rt::Error>> {
        Box::pin(async move {
            let mut req = rt::Request::new(&BY_CURSOR);
            req.query("cursor", &self.cursor);
            Ok(rt::Fetched { page: self.client.execute(req).await?, next_url: Ok(None) })
        })
    }
    fn item_count(page: &CursorPage) -> usize {
        page.items.len()
    }
    fn next_link(page: &CursorPage) -> Option<&str> {
        page.next_cursor.as_deref()
    }
    fn into_items(page: CursorPage) -> Vec<Record> {
        page.items
    }
}

/// Serves `total` records three at a time behind opaque cursors it mints; the last page's
/// cursor is `last` (absent, null or empty). `stuck` hands back the cursor it was given.
async fn cursor_server(total: usize, last: serde_json::Value, stuck: bool) -> Server {
    serve(move |req| {
        let last = last.clone();
        async move {
            let q = query_of(&req);
            let at: usize = match q.get("cursor") {
                None => 0,
                Some(c) => match c.strip_prefix("opaque-").and_then(|n| n.parse::<usize>().ok()) {
                    Some(n) => n / 7,
                    None => return json(400, serde_json::json!({"code": 400, "message": "bad cursor"})),
                },
            };
            let mut body = serde_json::json!({ "items": records(at, at + 3, total) });
            if stuck && q.contains_key("cursor") {
                body["next_cursor"] = q["cursor"].clone().into();
            } else if at + 3 < total {
                body["next_cursor"] = format!("opaque-{}", (at + 3) * 7).into();
            } else if !last.is_null() || last == serde_json::json!("null") {
                body["next_cursor"] = last;
            }
            json(200, body)
        }
    })
    .await
}

#[tokio::test]
async fn cursors_go_back_as_given_until_the_cursor_is_absent_null_or_empty() {
    for last in [serde_json::Value::Null, serde_json::json!(""), serde_json::json!("  ")] {
        let server = cursor_server(7, last.clone(), false).await;
        let list = CursorList { client: open_client(&server), cursor: None };
        let ids: Vec<u64> = rt::Items::new(list).map(|r| r.unwrap().id).collect().await;
        assert_eq!(ids, (0..7).collect::<Vec<u64>>(), "last cursor {last}");
        assert_eq!(queries(&server, "/cursored"), ["", "cursor=opaque-21", "cursor=opaque-42"], "last cursor {last}");
    }
}

#[tokio::test]
async fn a_cursor_that_goes_nowhere_stops_the_walk() {
    let server = cursor_server(30, serde_json::Value::Null, true).await;
    let list = CursorList { client: open_client(&server), cursor: None };
    let results: Vec<_> = rt::Pages::new(list.clone()).collect().await;
    // Page 1 (cursor opaque-21), page 2 (sent opaque-21, got opaque-21 back): yielded, then the error.
    assert_eq!(results.len(), 3);
    let err = results[2].as_ref().unwrap_err();
    assert!(matches!(err, rt::Error::Paging { .. }) && err.to_string().contains("`opaque-21` is the one just sent"), "{err}");
    let capped: Vec<u64> = rt::Items::new(list).limit(4).map(|r| r.unwrap().id).collect().await;
    assert_eq!(capped, [0, 1, 2, 3]);
}

// ---------------------------------------------------------------- Link headers

#[derive(Clone)]
struct LinkedList {
    client: rt::Client,
    page: i32,
    per_page: i32,
}

/// As a generated builder: `prepare` fills the request; a `Link` walk sends it to the next URL.
impl rt::Call for LinkedList {
    type Output = Vec<Record>;
    type Decode = rt::Json;
    fn prepare(self) -> (rt::Client, rt::Request) {
        let mut req = rt::Request::new(&BY_LINK);
        req.query("page", &self.page);
        req.query("per_page", &self.per_page);
        (self.client, req)
    }
}

impl rt::Paginated for LinkedList {
    type Page = Vec<Record>;
    type Item = Record;
    const STYLE: rt::PageStyle = rt::PageStyle::Link;
    fn operation() -> &'static rt::Operation {
        &BY_LINK
    }
    fn position(&self) -> i64 {
        0
    }
    fn size(&self) -> i64 {
        0
    }
    fn advance(&mut self, _next: rt::Next) -> bool {
        false
    }
    fn fetch(self, link: Option<rt::Url>) -> BoxFuture<Result<rt::Fetched<Vec<Record>>, rt::Error>> {
        rt::fetch_linked(self, link)
    }
    fn item_count(page: &Vec<Record>) -> usize {
        page.len()
    }
    fn next_link(_: &Vec<Record>) -> Option<&str> {
        None
    }
    fn into_items(page: Vec<Record>) -> Vec<Record> {
        page
    }
}

/// How the `Link` server writes its next link.
#[derive(Clone, Copy, PartialEq)]
enum LinkForm {
    /// Absolute, with an opaque `after` token, next to `prev` and `last` links.
    Absolute,
    /// Relative (`/linked?...`), unquoted `rel`, in a second header line.
    Relative,
    /// On another server.
    Foreign,
    /// The URL just fetched.
    Loop,
}

async fn link_server(total: usize, form: LinkForm) -> Server {
    let own = Arc::new(std::sync::OnceLock::<String>::new());
    let server = serve({
        let own = own.clone();
        move |req| {
            let own = own.clone();
            async move {
                let q = query_of(&req);
                let per_page: usize = q.get("per_page").and_then(|v| v.parse().ok()).unwrap_or(2);
                let at: usize = match (q.get("after"), q.get("page")) {
                    (Some(after), _) => after.trim_start_matches('x').parse().unwrap_or(0),
                    (None, Some(page)) => (page.parse::<usize>().unwrap_or(1) - 1) * per_page,
                    (None, None) => 0,
                };
                let mut response = json(200, serde_json::to_value(records(at, at + per_page, total)).unwrap());
                let base = own.get().cloned().unwrap_or_default();
                let query = format!("after=x{}&per_page={per_page}&sig=a%2Fb", at + per_page);
                let headers = response.headers_mut();
                headers.append("link", format!(r#"<{base}/linked?page=1>; rel="first""#).parse().unwrap());
                if at + per_page < total {
                    let value = match form {
                        LinkForm::Absolute => format!(r#"<{base}/linked?page=1>; rel="prev", <{base}/linked?{query}>; title="a, b"; rel="next""#),
                        LinkForm::Relative => format!("</linked?{query}>; rel=next"),
                        LinkForm::Foreign => format!(r#"<https://elsewhere.example/linked?{query}>; rel="next""#),
                        LinkForm::Loop => format!(r#"<{base}/linked?{}>; rel="next""#, req.query.as_deref().unwrap_or("")),
                    };
                    headers.append("link", value.parse().unwrap());
                }
                response
            }
        }
    })
    .await;
    own.set(server.url()).unwrap();
    server
}

#[tokio::test]
async fn link_walks_follow_the_next_url_exactly_as_given() {
    for form in [LinkForm::Absolute, LinkForm::Relative] {
        let server = link_server(5, form).await;
        let list = LinkedList { client: open_client(&server), page: 1, per_page: 2 };
        let ids: Vec<u64> = rt::Items::new(list).map(|r| r.unwrap().id).collect().await;
        assert_eq!(ids, [0, 1, 2, 3, 4]);
        // The first request is the builder's; the others the links as given (query order and
        // encoding kept), not the builder's parameters with a new page number.
        assert_eq!(
            queries(&server, "/linked"),
            ["page=1&per_page=2", "after=x2&per_page=2&sig=a%2Fb", "after=x4&per_page=2&sig=a%2Fb"]
        );
    }
}

#[tokio::test]
async fn link_walks_obey_caps() {
    let server = link_server(50, LinkForm::Absolute).await;
    let list = LinkedList { client: open_client(&server), page: 1, per_page: 2 };
    assert_eq!(rt::Items::new(list.clone()).limit(3).count().await, 3);
    assert_eq!(queries(&server, "/linked").len(), 2, "no page past the one holding the 3rd item");
    assert_eq!(rt::Pages::new(list).max_pages(4).count().await, 4);
}

#[tokio::test]
async fn a_next_link_to_another_server_or_to_the_same_page_is_refused() {
    let server = link_server(5, LinkForm::Foreign).await;
    let list = LinkedList { client: open_client(&server), page: 1, per_page: 2 };
    let results: Vec<_> = rt::Pages::new(list).collect().await;
    assert_eq!(results.len(), 2, "the first page, then the error that refuses its next link");
    assert_eq!(results[0].as_ref().unwrap().len(), 2);
    let err = results[1].as_ref().unwrap_err();
    assert!(matches!(err, rt::Error::Paging { .. }) && err.to_string().contains("another server (https://elsewhere.example)"), "{err}");
    assert_eq!(queries(&server, "/linked").len(), 1);

    let server = link_server(5, LinkForm::Loop).await;
    let list = LinkedList { client: open_client(&server), page: 1, per_page: 2 };
    let results: Vec<_> = rt::Pages::new(list).collect().await;
    // Page 1 links to its own URL, which the walk has not fetched as a link yet: fetched once
    // more, the same page comes back and the guard ends the walk.
    assert_eq!(results.len(), 2);
    let err = results[1].as_ref().unwrap_err();
    assert!(matches!(err, rt::Error::Paging { .. }) && err.to_string().contains("is the same as the page before it"), "{err}");
    assert_eq!(queries(&server, "/linked"), ["page=1&per_page=2", "page=1&per_page=2"]);
}

#[tokio::test]
async fn a_next_link_to_the_page_just_fetched_stops_the_walk() {
    // Every answer is new, but every page names the same URL as the next one: the first page's
    // link is followed once, and the walk stops when that page links to itself.
    let own = Arc::new(std::sync::OnceLock::<String>::new());
    let served = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let server = serve({
        let own = own.clone();
        move |_| {
            let (own, served) = (own.clone(), served.clone());
            async move {
                let n = served.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let mut response = json(200, serde_json::to_value(records(n, n + 1, usize::MAX)).unwrap());
                let next = format!(r#"<{}/linked?fixed=1>; rel="next""#, own.get().cloned().unwrap_or_default());
                response.headers_mut().append("link", next.parse().unwrap());
                response
            }
        }
    })
    .await;
    own.set(server.url()).unwrap();
    let list = LinkedList { client: open_client(&server), page: 1, per_page: 2 };
    let results: Vec<_> = rt::Pages::new(list).collect().await;
    assert_eq!(results.len(), 3, "two pages, then the error");
    assert_eq!(results[1].as_ref().unwrap()[0].id, 1);
    let err = results[2].as_ref().unwrap_err();
    assert!(matches!(err, rt::Error::Paging { .. }) && err.to_string().contains("is the page just fetched"), "{err}");
    assert_eq!(queries(&server, "/linked"), ["page=1&per_page=2", "fixed=1"]);
}
