//! The Code host sample's three paging styles end to end against the simulator, which pages
//! the seeded collections itself from the spec (`livevox-sim/src/paging.rs`, not the client's
//! code): `list_issues` by page number with a bare-array body and the next page in a `Link`
//! header, `search_issues` by plain page number with the items in a field, `list_events`
//! behind cursors the simulator mints. Each test checks the literal
//! requests the simulator saw, so a client that walks the wrong way (rebuilding the next page
//! number instead of following the link, or inventing a cursor) fails here.

use futures_util::StreamExt;
use livevox_sample_apis::code_host::{self, code_host_issues::Issue};
use livevox_sim::{RunningSimulator, Simulator};

fn sim(issues: usize, events: usize) -> RunningSimulator {
    Simulator::builder()
        .extra_spec_dir(livevox_sample_apis::SPEC_DIR)
        .seed("Issue", issues)
        .seed("Event", events)
        .start_blocking()
        .expect("the simulator starts with the sample APIs")
}

fn client(sim: &RunningSimulator) -> code_host::Client {
    code_host::Client::builder()
        .base_url(sim.base_url())
        .allow_plain_http_for_loopback_tests()
        .bearer_token(sim.api_credentials().bearer_token)
        .build()
        .expect("a Code host client")
}

/// Path and query of each request the simulator answered for `operation`.
fn wire(sim: &RunningSimulator, operation: &str) -> Vec<String> {
    sim.requests()
        .into_iter()
        .filter(|r| r.operation.as_deref() == Some(operation))
        .map(|r| {
            assert_eq!(r.status, 200, "{} {:?} answered {}", r.path, r.query, r.status);
            format!("{}?{}", r.path, r.query.unwrap_or_default())
        })
        .collect()
}

#[tokio::test]
async fn list_issues_walks_three_pages_following_the_link_header_as_given() {
    let sim = sim(5, 0);
    let client = client(&sim);
    let issues: Vec<Issue> = client.code_host_issues().list_issues("octo", "hello").page(1).per_page(2).items().map(Result::unwrap).collect().await;
    let titles: Vec<&str> = issues.iter().map(|i| i.title.as_str()).collect();
    assert_eq!(titles, ["title-1", "title-2", "title-3", "title-4", "title-5"]);
    // The first request is the builder's (`page` then `per_page`, as declared); the next two are
    // the simulator's `Link` URLs exactly as given (`per_page` first): a client that rebuilt
    // `page=2&per_page=2` would not match. The third page is short and has no rel="next".
    assert_eq!(
        wire(&sim, "code_host_issues.list_issues"),
        [
            "/repos/octo/hello/issues?page=1&per_page=2",
            "/repos/octo/hello/issues?per_page=2&page=2",
            "/repos/octo/hello/issues?per_page=2&page=3",
        ]
    );
    let link = sim.requests().into_iter().find(|r| r.query.as_deref() == Some("per_page=2&page=2"));
    assert!(link.is_some_and(|r| r.header("authorization").is_some()), "the followed link carries the client's authorization");
}

#[tokio::test]
async fn search_issues_counts_pages_one_two_three_and_ends_at_the_short_page() {
    let sim = sim(5, 0);
    let client = client(&sim);
    let found: Vec<Issue> = client.code_host_issues().search_issues("bug").page(1).per_page(2).items().map(Result::unwrap).collect().await;
    let titles: Vec<&str> = found.iter().map(|i| i.title.as_str()).collect();
    assert_eq!(titles, ["title-1", "title-2", "title-3", "title-4", "title-5"]);
    // The page number is counted by the client (no link to follow): 1, 2, 3, and the third
    // page holds one issue of the two asked for, so the walk ends there without a fourth call.
    assert_eq!(
        wire(&sim, "code_host_issues.search_issues"),
        ["/search/issues?q=bug&page=1&per_page=2", "/search/issues?q=bug&page=2&per_page=2", "/search/issues?q=bug&page=3&per_page=2"]
    );

    // Started further on, the walk counts on from there.
    sim.clear_requests();
    let rest = client.code_host_issues().search_issues("bug").page(2).per_page(2).items().count().await;
    assert_eq!(rest, 3);
    assert_eq!(wire(&sim, "code_host_issues.search_issues"), ["/search/issues?q=bug&page=2&per_page=2", "/search/issues?q=bug&page=3&per_page=2"]);
}

#[tokio::test]
async fn list_issues_stops_at_the_callers_caps() {
    let sim = sim(50, 0);
    let client = client(&sim);
    let issues = client.code_host_issues();

    let first_three: Vec<Issue> = issues.list_issues("octo", "hello").per_page(2).items().limit(3).map(Result::unwrap).collect().await;
    assert_eq!(first_three.len(), 3);
    // Without a page number, the first request leaves it to the server (page 1).
    assert_eq!(wire(&sim, "code_host_issues.list_issues"), ["/repos/octo/hello/issues?per_page=2", "/repos/octo/hello/issues?per_page=2&page=2"]);

    sim.clear_requests();
    let pages: Vec<Vec<Issue>> = issues.list_issues("octo", "hello").page(4).per_page(5).pages().max_pages(2).map(Result::unwrap).collect().await;
    let titles: Vec<&str> = pages.iter().flatten().map(|i| i.title.as_str()).collect();
    assert_eq!(titles.first().copied(), Some("title-16"), "starts at page 4 of 5 a page");
    assert_eq!(titles.len(), 10);
    assert_eq!(wire(&sim, "code_host_issues.list_issues"), ["/repos/octo/hello/issues?page=4&per_page=5", "/repos/octo/hello/issues?per_page=5&page=5"]);
}

#[tokio::test]
async fn list_events_sends_back_the_cursors_the_simulator_minted() {
    let sim = sim(0, 7);
    let client = client(&sim);
    let events = client.code_host_issues();
    let ids: Vec<String> = events.list_events("octo", "hello").limit(3).items().map(|e| e.unwrap().id).collect().await;
    assert_eq!(ids, ["id-1", "id-2", "id-3", "id-4", "id-5", "id-6", "id-7"]);
    let sent = wire(&sim, "code_host_issues.list_events");
    assert_eq!(sent.len(), 3, "{sent:?}");
    assert_eq!(sent[0], "/repos/octo/hello/events?limit=3");
    // The cursors are the simulator's own opaque tokens, each sent back as given.
    let cursors: Vec<String> = sim
        .requests()
        .into_iter()
        .filter_map(|r| r.query)
        .filter_map(|q| url::form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "cursor").map(|(_, v)| v.into_owned()))
        .collect();
    assert_eq!(cursors.len(), 2);
    assert!(cursors.iter().all(|c| c.starts_with("cur_")) && cursors[0] != cursors[1], "{cursors:?}");
    assert_eq!(sent[1], format!("/repos/octo/hello/events?cursor={}&limit=3", cursors[0]));

    // A cursor the simulator did not mint is refused: the walk reports the 400 and stops.
    sim.clear_requests();
    let mut forged = events.list_events("octo", "hello").cursor("cur_3_00000000").items();
    let err = forged.next().await.expect("an answer").expect_err("a forged cursor");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400), "{err}");
    assert!(forged.next().await.is_none());

    // The caller's caps stop the walk.
    sim.clear_requests();
    let pages = events.list_events("octo", "hello").limit(2).pages().max_pages(2).count().await;
    assert_eq!(pages, 2);
    assert_eq!(wire(&sim, "code_host_issues.list_events").len(), 2);
}

/// The OpenAPI export keeps the paging parameters ordinary and describes the styles in
/// `x-livevox-pagination`, with the `Link` header declared on the `link` operation's success.
#[test]
fn the_openapi_export_describes_both_styles() {
    use livevox_codegen::{generate_dir, openapi, Config};
    let spec = std::path::Path::new(livevox_sample_apis::SPEC_DIR);
    let generated = generate_dir(spec, "tests/sample-apis/spec", &Config::default()).expect("the sample APIs generate");
    let api = generated.ir.apis.iter().find(|a| a.module == "code_host").expect("the Code host API");
    let doc = openapi::document(api, "0.0.0-test");
    let issues = &doc["paths"]["/repos/{owner}/{repo}/issues"]["get"];
    let names: Vec<&str> = issues["parameters"].as_array().unwrap().iter().filter_map(|p| p["name"].as_str()).collect();
    assert_eq!(names, ["owner", "repo", "state", "page", "per_page"]);
    assert_eq!(issues["x-livevox-pagination"], serde_json::json!({ "style": "link", "page": "page", "size": "per_page", "firstPage": 1, "maxCount": null }));
    assert_eq!(issues["responses"]["200"]["headers"]["Link"]["schema"]["type"], "string");
    let events = &doc["paths"]["/repos/{owner}/{repo}/events"]["get"];
    assert_eq!(
        events["x-livevox-pagination"],
        serde_json::json!({ "style": "cursor", "cursor": "cursor", "cursorField": "next_cursor", "size": "limit", "items": "events", "maxCount": null })
    );
    assert!(events["responses"]["200"].get("headers").is_none(), "only the link style declares `Link`");
}
