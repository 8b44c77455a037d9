//! Auto-pagination over a local paged list: the item stream yields every record once and in
//! order, the page stream ends by each of the spec's rules (and on an empty page), dropping a
//! stream stops the walk, caps hold, an error is yielded once and ends the walk, and a page
//! size the server cannot honour is refused before anything is sent.

mod runtime_support;

use futures_util::StreamExt;
use livevox_generated::runtime as rt;
use runtime_support::*;

fn record_requests(server: &Server) -> Vec<String> {
    server.requests_to("/records").into_iter().map(|r| r.query.unwrap_or_default()).collect()
}

#[tokio::test]
async fn the_item_stream_yields_100_000_records_once_each_and_in_order() {
    const TOTAL: u64 = 100_000;
    let server = paged_server(TOTAL as usize, NextStyle::AbsentOnLast, None).await;
    let client = open_client(&server);
    let mut items = ListRecords::<ByNext>::new(&client).count(1000).items();
    let mut expected = 0u64;
    while let Some(item) = items.next().await {
        let record = item.unwrap();
        // In order and each once: the n-th record yielded is record n.
        assert_eq!(record.id, expected, "record {expected} out of order");
        expected += 1;
    }
    assert_eq!(expected, TOTAL);
    assert!(items.next().await.is_none(), "a finished stream stays finished");
    let sent = record_requests(&server);
    assert_eq!(sent.len(), 100, "one request per page of 1000, no request past the last page");
    assert_eq!(sent[0], "offset=0&count=1000");
    assert_eq!(sent[99], "offset=99000&count=1000");
}

#[tokio::test]
async fn pages_end_where_next_is_absent_or_blank() {
    for style in [NextStyle::AbsentOnLast, NextStyle::BlankOnLast] {
        let server = paged_server(2500, style, None).await;
        let client = open_client(&server);
        let pages: Vec<RecordPage> = ListRecords::<ByNext>::new(&client).pages().map(Result::unwrap).collect().await;
        let sizes: Vec<usize> = pages.iter().map(|p| p.items.len()).collect();
        assert_eq!(sizes, [1000, 1000, 500], "{style:?}");
        assert_eq!(record_requests(&server), ["offset=0&count=1000", "offset=1000&count=1000", "offset=2000&count=1000"]);
    }
}

#[tokio::test]
async fn pages_end_on_a_short_page_under_the_short_page_rule() {
    let server = paged_server(2500, NextStyle::Never, None).await;
    let client = open_client(&server);
    let sizes: Vec<usize> = ListRecords::<ByShortPage>::new(&client).pages().map(|p| p.unwrap().items.len()).collect().await;
    assert_eq!(sizes, [1000, 1000, 500]);
    assert_eq!(record_requests(&server).len(), 3);

    // Either rule: the short page ends it even though this server links on from every page.
    let server = paged_server(2500, NextStyle::Always, None).await;
    let client = open_client(&server);
    let sizes: Vec<usize> = ListRecords::<ByEither>::new(&client).pages().map(|p| p.unwrap().items.len()).collect().await;
    assert_eq!(sizes, [1000, 1000, 500]);
}

#[tokio::test]
async fn an_empty_page_ends_the_walk_whatever_the_rule() {
    // 2000 records in full pages: the short-page rule only learns of the end from an empty page.
    let server = paged_server(2000, NextStyle::Never, None).await;
    let client = open_client(&server);
    let sizes: Vec<usize> = ListRecords::<ByShortPage>::new(&client).pages().map(|p| p.unwrap().items.len()).collect().await;
    assert_eq!(sizes, [1000, 1000, 0]);

    // A server that always sends `next`, even past the end: the empty page stops the walk.
    let server = paged_server(1500, NextStyle::Always, None).await;
    let client = open_client(&server);
    let mut pages = ListRecords::<ByNext>::new(&client).pages();
    let mut sizes = Vec::new();
    while let Some(page) = pages.next().await {
        sizes.push(page.unwrap().items.len());
        assert!(sizes.len() < 10, "the walk does not end");
    }
    assert_eq!(sizes, [1000, 500, 0]);
    assert_eq!(record_requests(&server).len(), 3);
}

#[tokio::test]
async fn dropping_a_stream_makes_no_further_request() {
    let server = paged_server(10_000, NextStyle::AbsentOnLast, None).await;
    let client = open_client(&server);
    let mut pages = ListRecords::<ByNext>::new(&client).pages();
    pages.next().await.unwrap().unwrap();
    pages.next().await.unwrap().unwrap();
    drop(pages);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(record_requests(&server).len(), 2, "nothing is fetched ahead or after the drop");

    let server = paged_server(10_000, NextStyle::AbsentOnLast, None).await;
    let client = open_client(&server);
    let taken: Vec<_> = ListRecords::<ByNext>::new(&client).items().take(1500).collect().await;
    assert_eq!(taken.len(), 1500);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(record_requests(&server).len(), 2, "the 1500th item is on page 2; page 3 is never asked for");
}

#[tokio::test]
async fn limit_caps_the_items_and_the_requests() {
    let server = paged_server(10_000, NextStyle::AbsentOnLast, None).await;
    let client = open_client(&server);
    let ids: Vec<u64> = ListRecords::<ByNext>::new(&client).items().limit(2500).map(|r| r.unwrap().id).collect().await;
    assert_eq!(ids, (0..2500).collect::<Vec<u64>>());
    assert_eq!(record_requests(&server).len(), 3);

    let server = paged_server(10_000, NextStyle::AbsentOnLast, None).await;
    let client = open_client(&server);
    let items = ListRecords::<ByNext>::new(&client).items().limit(1000);
    assert_eq!(items.count().await, 1000);
    assert_eq!(record_requests(&server).len(), 1, "a cap on a page boundary fetches no further page");

    let server = paged_server(10_000, NextStyle::AbsentOnLast, None).await;
    let client = open_client(&server);
    assert_eq!(ListRecords::<ByNext>::new(&client).items().limit(0).count().await, 0);
    assert!(record_requests(&server).is_empty());

    // A cap above the total changes nothing.
    let server = paged_server(1200, NextStyle::AbsentOnLast, None).await;
    let client = open_client(&server);
    assert_eq!(ListRecords::<ByNext>::new(&client).items().limit(5000).count().await, 1200);
}

#[tokio::test]
async fn page_streams_cap_pages_and_items() {
    let server = paged_server(10_000, NextStyle::AbsentOnLast, None).await;
    let client = open_client(&server);
    assert_eq!(ListRecords::<ByNext>::new(&client).pages().max_pages(3).count().await, 3);
    assert_eq!(record_requests(&server).len(), 3);

    let server = paged_server(10_000, NextStyle::AbsentOnLast, None).await;
    let client = open_client(&server);
    let sizes: Vec<usize> =
        ListRecords::<ByNext>::new(&client).pages().max_items(1500).map(|p| p.unwrap().items.len()).collect().await;
    assert_eq!(sizes, [1000, 1000], "pages are not cut; the one that passes the cap is the last");

    let server = paged_server(3000, NextStyle::AbsentOnLast, None).await;
    let client = open_client(&server);
    let items = ListRecords::<ByNext>::new(&client).pages().max_pages(2).items();
    assert_eq!(items.count().await, 2000);
}

#[tokio::test]
async fn an_error_mid_walk_is_yielded_once_and_ends_the_stream() {
    let server = paged_server(10_000, NextStyle::AbsentOnLast, Some(Fault { offset: 2000, status: 404 })).await;
    let client = open_client(&server);
    let mut items = ListRecords::<ByNext>::new(&client).items();
    for expected in 0..2000 {
        assert_eq!(items.next().await.unwrap().unwrap().id, expected);
    }
    let err = items.next().await.unwrap().unwrap_err();
    assert!(matches!(err, rt::Error::NotFound(_)), "{err:?}");
    assert!(items.next().await.is_none(), "the error ends the stream");
    assert!(items.next().await.is_none());
    assert_eq!(record_requests(&server).len(), 3);

    // Same for the page stream.
    let server = paged_server(10_000, NextStyle::AbsentOnLast, Some(Fault { offset: 1000, status: 400 })).await;
    let client = open_client(&server);
    let results: Vec<_> = ListRecords::<ByNext>::new(&client).pages().collect().await;
    assert_eq!(results.len(), 2);
    assert!(results[0].is_ok() && matches!(results[1], Err(rt::Error::ClientError(_))));
}

#[tokio::test]
async fn a_page_size_the_walk_cannot_use_is_refused_before_any_request() {
    let server = paged_server(10_000, NextStyle::AbsentOnLast, None).await;
    let client = open_client(&server);
    for (offset, count, needle) in [(0, 0, "at least 1"), (0, -5, "at least 1"), (0, 1001, "above the 1000"), (-1, 10, "offset")] {
        let results: Vec<_> = ListRecords::<ByNext>::new(&client).offset(offset).count(count).items().collect().await;
        assert_eq!(results.len(), 1, "one error, then the end");
        match &results[0] {
            Err(rt::Error::InvalidRequest { operation: "test.list_next", message }) => assert!(message.contains(needle), "{message}"),
            other => panic!("{other:?}"),
        }
    }
    assert!(record_requests(&server).is_empty());
}

#[tokio::test]
async fn the_walk_starts_at_the_requests_offset_and_size() {
    let server = paged_server(1000, NextStyle::AbsentOnLast, None).await;
    let client = open_client(&server);
    let ids: Vec<u64> = ListRecords::<ByNext>::new(&client).offset(700).count(100).items().map(|r| r.unwrap().id).collect().await;
    assert_eq!(ids, (700..1000).collect::<Vec<u64>>());
    assert_eq!(record_requests(&server), ["offset=700&count=100", "offset=800&count=100", "offset=900&count=100"]);
}

#[tokio::test]
async fn an_offset_the_parameter_type_cannot_hold_ends_the_walk_with_a_paging_error() {
    // New, full pages that always link on: only the int32 offset running out stops the walk.
    let server = paged_server(usize::MAX, NextStyle::Always, None).await;
    let client = open_client(&server);
    let results: Vec<_> = ListRecords::<ByNext>::new(&client).offset(i32::MAX - 1500).pages().collect().await;
    assert_eq!(results.len(), 3, "offset MAX-1500, MAX-500, then the error: MAX+500 does not fit in an int32");
    assert!(results[..2].iter().all(Result::is_ok));
    let err = results[2].as_ref().unwrap_err();
    assert!(matches!(err, rt::Error::Paging { operation: "test.list_next", .. }), "{err:?}");
    assert!(err.to_string().contains("does not fit"), "{err}");
    assert_eq!(server.requests_to("/records").len(), 2, "nothing is sent with a wrapped or clamped offset");
}

#[tokio::test]
async fn an_endless_server_repeating_its_page_stops_the_walk_with_a_paging_error() {
    // A server that ignores `offset`: the same full page with a `next` link, forever.
    let server = serve(|_| async { json(200, page_body(usize::MAX, 0, 1000, NextStyle::Always)) }).await;
    let client = open_client(&server);
    let mut items = ListRecords::<ByEither>::new(&client).items();
    let mut yielded = 0u64;
    let err = loop {
        match items.next().await {
            Some(Ok(_)) => yielded += 1,
            Some(Err(e)) => break e,
            None => panic!("the walk ended without an error after {yielded} items"),
        }
    };
    assert_eq!(yielded, 1000, "the first page is yielded, its repeat is not");
    assert!(matches!(&err, rt::Error::Paging { .. }), "{err:?}");
    assert_eq!(err.kind(), "paging");
    assert!(err.to_string().contains("same as the page before it"), "{err}");
    assert!(items.next().await.is_none(), "the error ends the stream");
    assert_eq!(server.requests_to("/records").len(), 2);
}

#[tokio::test]
async fn streams_are_send_and_report_progress() {
    fn assert_send<T: Send>(_: &T) {}
    let server = paged_server(2500, NextStyle::AbsentOnLast, None).await;
    let client = open_client(&server);
    let items = ListRecords::<ByNext>::new(&client).items();
    assert_send(&items);
    // Walk it on another task, as a caller streaming to a channel would.
    let (seen, pages) = tokio::spawn(async move {
        let mut items = items;
        let mut seen = 0;
        while let Some(item) = items.next().await {
            item.unwrap();
            seen += 1;
        }
        (seen, items.pages_seen())
    })
    .await
    .unwrap();
    assert_eq!((seen, pages), (2500, 3));
    let debug = format!("{:?}", ListRecords::<ByNext>::new(&client).pages());
    assert!(debug.contains("test.list_next") && debug.contains("style: Offset") && debug.contains("position: Some(0)"), "{debug}");
}
