//! Auto-pagination through the generated client: `list_dnc(..).items()` walks 100,000 entries
//! of a local server, and `search_dnc(..).items()` walks 100,000 entries seeded in the
//! simulator; each yields every entry exactly once and in order, one request per page, and
//! stops at the last page.

#![allow(deprecated)] // the legacy DNC operations are deprecated in the spec, on purpose

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::http::{HeaderMap, Uri};
use axum::response::IntoResponse;
use futures_util::StreamExt;
use serde_json::{json, Value};

use livevox_generated::compliance::{DncSearchCriteria, DncType};
use livevox_generated::{Client, Credentials};

mod support;

const TOTAL: i64 = 100_000;

/// The queries of the list requests the server saw.
type Log = Arc<Mutex<Vec<String>>>;

/// `/session/login` and a `/compliance/dnc` of `TOTAL` permanent entries (ids 0..TOTAL), paged
/// by `offset` and `count` with a `next` link on every page but the last, as LiveVox does.
async fn dnc_server() -> (String, Log) {
    let log: Log = Arc::default();
    let seen = log.clone();
    let app = axum::Router::new()
        .route("/session/login", axum::routing::post(|| async { axum::Json(json!({"sessionId": "sess-e2e", "clientId": 10})) }))
        .route(
            "/compliance/dnc",
            axum::routing::get(move |uri: Uri, headers: HeaderMap| {
                let seen = seen.clone();
                async move {
                    let query = uri.query().unwrap_or("").to_owned();
                    seen.lock().unwrap().push(query.clone());
                    if headers.get("lv-session").and_then(|v| v.to_str().ok()) != Some("sess-e2e") {
                        return (axum::http::StatusCode::UNAUTHORIZED, axum::Json(json!({"code": 401, "message": "no session"})))
                            .into_response();
                    }
                    let q: HashMap<String, String> = url_pairs(&query);
                    let offset: i64 = q.get("offset").and_then(|v| v.parse().ok()).unwrap_or(0);
                    let count: i64 = q.get("count").and_then(|v| v.parse().ok()).unwrap_or(1000);
                    let end = (offset + count).min(TOTAL);
                    let dnc: Vec<Value> = (offset..end)
                        .map(|i| json!({"id": i, "clientId": 10, "dncType": "PERMANENT", "phone": format!("555{i:07}")}))
                        .collect();
                    let mut body = json!({ "dnc": dnc });
                    if end < TOTAL {
                        body["next"] = json!(format!("/compliance/dnc?dncType=PERMANENT&offset={end}&count={count}"));
                    }
                    axum::Json(body).into_response()
                }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}"), log)
}

fn url_pairs(query: &str) -> HashMap<String, String> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

#[tokio::test]
async fn list_dnc_items_walks_100_000_entries_once_each_and_in_order() {
    let (base, log) = dnc_server().await;
    let client = Client::builder()
        .base_url(base)
        .allow_plain_http_for_loopback_tests()
        .access_token("token")
        .credentials(Credentials::user("ACME", "api.user", "secret"))
        .build()
        .unwrap();

    // The page size defaults to the operation's cap, 1000.
    let mut items = client.compliance().list_dnc(DncType::Permanent).items();
    let mut expected = 0i64;
    while let Some(entry) = items.next().await {
        let entry = entry.unwrap();
        assert_eq!(entry.id, expected, "entry {expected} out of order or missing");
        expected += 1;
    }
    assert_eq!(expected, TOTAL);

    let queries = log.lock().unwrap().clone();
    assert_eq!(queries.len(), 100, "one request per page, none past the page without `next`");
    for (page, query) in queries.iter().enumerate() {
        let q = url_pairs(query);
        assert_eq!(q.get("dncType").map(String::as_str), Some("PERMANENT"));
        assert_eq!(q.get("offset"), Some(&(page * 1000).to_string()));
        assert_eq!(q.get("count").map(String::as_str), Some("1000"));
    }

    // A cap stops the walk early, and a page size of our own is walked by.
    let capped: Vec<i64> = client.compliance().list_dnc(DncType::Permanent).count(250).items().limit(600).map(|e| e.unwrap().id).collect().await;
    assert_eq!(capped, (0..600).collect::<Vec<i64>>());
    assert_eq!(log.lock().unwrap().len(), 100 + 3);
}

#[tokio::test]
async fn search_dnc_items_walks_100_000_simulator_entries_once_each_and_in_order() {
    let sim = livevox_sim::Simulator::builder().seed_dnc(TOTAL as usize).start().await.unwrap();
    let user = sim.user();
    let client = support::sim_client(&sim, &user).build().unwrap();

    let mut items = client.compliance().search_dnc(DncSearchCriteria::new()).items();
    // The simulator numbers its entries from 1.
    let mut expected = 1i64;
    while let Some(entry) = items.next().await {
        assert_eq!(entry.unwrap().id, expected, "entry {expected} out of order or missing");
        expected += 1;
    }
    assert_eq!(expected - 1, TOTAL);
    let pages = sim.requests().iter().filter(|r| r.operation.as_deref() == Some("compliance.search_dnc")).count();
    assert_eq!(pages, 100);
}
