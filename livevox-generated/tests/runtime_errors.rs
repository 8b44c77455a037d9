//! Error decoding against servers that answer every way a server can: JSON and XML error
//! bodies, empty, garbage, binary, 10 MB and endless bodies, Retry-After, bodies that do not
//! match the output type, timeouts, refused connections and raw TCP that is not quite HTTP.
//! None of it may panic; each case must land in the variant a caller would match on.

mod runtime_support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use livevox_generated::runtime as rt;
use runtime_support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const TEN_MB: usize = 10 * 1024 * 1024;

fn retry_date(secs: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::seconds(secs)).format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

async fn error_server() -> Server {
    serve(|r| async move {
        let case = r.path.trim_start_matches("/any/").to_owned();
        match case.as_str() {
            "json-num" => json(404, serde_json::json!({"code": 1, "message": "DNC entry not found"})),
            "json-str" => json(409, serde_json::json!({"code": "E409", "message": "Contact already exists!"})),
            "json-202-style" => json(400, serde_json::json!({"code": 202, "message": "Contact already exists!", "extra": [1]})),
            // The shape of the error example on LiveVox's general-features page: a list.
            "json-list" => json(
                400,
                serde_json::json!([{"code": 400, "message": "Invalid phone"}, {"code": 401, "message": "Invalid account"}]),
            ),
            "xml" => respond(
                400,
                "application/xml",
                r#"<?xml version="1.0" encoding="UTF-8"?><ErrorResponse code="1200" message="Invalid dncType &quot;X&quot;"/>"#,
            ),
            "empty" => respond(500, "application/json", ""),
            // The shape of the LiveVox docs' example: looks like JSON, is not.
            "garbage" => respond(400, "application/json", "{code: 400, message: Invalid request}"),
            "binary" => respond(502, "application/octet-stream", vec![0xff, 0xfe, 0x00, 0x41, 0xc3, 0x28, 0x1b, 0x5b]),
            "html" => respond(502, "text/html", "<html><body><h1>502 Bad Gateway</h1></body></html>"),
            "huge" => respond(500, "text/plain", vec![b'x'; TEN_MB]),
            "huge-json-error" => {
                let body = format!("{{\"code\": 7, \"message\": \"{}\"}}", "m".repeat(TEN_MB));
                respond(500, "application/json", body)
            }
            "huge-ok" => respond(200, "application/json", format!("[{}]", vec!["1"; TEN_MB / 2].join(","))),
            "rate-secs" => axum::response::Response::builder()
                .status(429)
                .header("retry-after", "7")
                .body(axum::body::Body::from(r#"{"code": 429, "message": "Slow down"}"#))
                .unwrap(),
            "rate-date" => axum::response::Response::builder()
                .status(429)
                .header("retry-after", retry_date(120))
                .body(axum::body::Body::empty())
                .unwrap(),
            "rate-bogus" => {
                axum::response::Response::builder().status(429).header("retry-after", "later").body(axum::body::Body::empty()).unwrap()
            }
            "unavailable" => {
                axum::response::Response::builder().status(503).header("retry-after", "3").body(axum::body::Body::empty()).unwrap()
            }
            "redirect" => axum::response::Response::builder()
                .status(302)
                .header("location", "http://example.com/elsewhere")
                .body(axum::body::Body::empty())
                .unwrap(),
            "bad-field" => json(200, serde_json::json!({"id": "1", "phone": 5551234})),
            "nested" => json(200, serde_json::json!({"items": [{"id": "1", "phone": "a"}, {"id": 2, "phone": "b"}]})),
            "trailing" => respond(200, "application/json", r#"{"id": "1", "phone": "2"} and more"#),
            "slow" => {
                tokio::time::sleep(Duration::from_secs(5)).await;
                json(200, serde_json::json!({}))
            }
            other => match other.parse::<u16>() {
                Ok(status) => json(status, serde_json::json!({"code": status, "message": format!("status {status}")})),
                Err(_) => json(500, serde_json::json!({"message": "unknown case"})),
            },
        }
    })
    .await
}

#[tokio::test]
async fn json_error_bodies_give_code_and_message() {
    let server = error_server().await;
    let client = open_client(&server);

    let err = any::<Dnc>(&client, "json-num").await.unwrap_err();
    assert!(matches!(err, rt::Error::NotFound(_)), "{err:?}");
    assert_eq!(err.status(), Some(http::StatusCode::NOT_FOUND));
    assert_eq!(err.api_code(), Some(1));
    assert_eq!(err.api_message(), Some("DNC entry not found"));
    assert_eq!(err.operation(), Some("test.any"));
    assert_eq!(err.api_error().unwrap().body_excerpt(), None, "no excerpt when the body was understood");
    assert_eq!(err.to_string(), "not found: test.any (GET /any/{case}) returned HTTP 404 Not Found, code 1: DNC entry not found");

    let err = any::<Dnc>(&client, "json-str").await.unwrap_err();
    assert!(matches!(err, rt::Error::Conflict(_)), "{err:?}");
    assert_eq!(err.api_code_str(), Some("E409"));
    assert_eq!(err.api_code(), None, "a non-numeric code has no number");
    assert_eq!(err.api_message(), Some("Contact already exists!"));

    let err = any::<Dnc>(&client, "json-202-style").await.unwrap_err();
    assert!(matches!(err, rt::Error::ClientError(_)), "{err:?}");
    assert_eq!(err.api_code(), Some(202));
}

#[tokio::test]
async fn a_json_list_of_errors_gives_the_first_and_keeps_every_entry() {
    let server = error_server().await;
    let client = open_client(&server);
    let err = any::<Dnc>(&client, "json-list").await.unwrap_err();
    assert!(matches!(err, rt::Error::ClientError(_)), "{err:?}");
    assert_eq!((err.api_code(), err.api_message()), (Some(400), Some("Invalid phone")));
    let entries = err.api_error().unwrap().entries();
    let seen: Vec<(Option<i64>, Option<&str>)> = entries.iter().map(|e| (e.code_number(), e.message())).collect();
    assert_eq!(seen, [(Some(400), Some("Invalid phone")), (Some(401), Some("Invalid account"))]);
    assert_eq!(err.api_error().unwrap().body_excerpt(), None);
    assert!(err.to_string().ends_with("code 400: Invalid phone (and 1 more error)"), "{err}");
}

#[tokio::test]
async fn xml_error_bodies_give_code_and_message() {
    let server = error_server().await;
    let client = rt::ClientBuilder::<LvClient>::new().base_url(server.url()).allow_plain_http_for_loopback_tests().build().unwrap().0;
    let err = any::<Dnc>(&client, "xml").await.unwrap_err();
    assert!(matches!(err, rt::Error::ClientError(_)), "{err:?}");
    assert_eq!(err.status(), Some(http::StatusCode::BAD_REQUEST));
    assert_eq!(err.api_code(), Some(1200));
    assert_eq!(err.api_message(), Some("Invalid dncType \"X\""));
}

#[tokio::test]
async fn empty_garbage_binary_and_html_bodies_keep_a_safe_excerpt() {
    let server = error_server().await;
    let client = open_client(&server);

    let err = any::<Dnc>(&client, "empty").await.unwrap_err();
    assert!(matches!(err, rt::Error::ServerError(_)), "{err:?}");
    assert_eq!((err.api_code(), err.api_message()), (None, None));
    assert_eq!(err.api_error().unwrap().body_excerpt(), Some(""));
    assert!(err.to_string().ends_with("with an empty body"), "{err}");

    let err = any::<Dnc>(&client, "garbage").await.unwrap_err();
    assert!(matches!(err, rt::Error::ClientError(_)), "{err:?}");
    assert_eq!(err.api_code(), None);
    assert_eq!(err.api_error().unwrap().body_excerpt(), Some("{code: 400, message: Invalid request}"));

    let err = any::<Dnc>(&client, "binary").await.unwrap_err();
    assert!(matches!(err, rt::Error::ServerError(_)), "{err:?}");
    let excerpt = err.api_error().unwrap().body_excerpt().unwrap();
    assert!(excerpt.contains('A') && excerpt.contains('\u{FFFD}'), "{excerpt:?}");
    assert!(!excerpt.chars().any(|c| c.is_control() && c != '\n' && c != '\t'), "control characters are neutralised: {excerpt:?}");
    assert!(err.is_retryable(), "502 is transient");

    let err = any::<Dnc>(&client, "html").await.unwrap_err();
    assert_eq!(err.api_error().unwrap().body_excerpt(), Some("<html><body><h1>502 Bad Gateway</h1></body></html>"));
}

#[tokio::test]
async fn a_ten_megabyte_error_body_is_capped() {
    let server = error_server().await;
    let client = open_client(&server);
    let err = any::<Dnc>(&client, "huge").await.unwrap_err();
    assert!(matches!(err, rt::Error::ServerError(_)), "{err:?}");
    let excerpt = err.api_error().unwrap().body_excerpt().unwrap();
    assert!(excerpt.len() <= rt::MAX_EXCERPT + '…'.len_utf8(), "{} bytes kept", excerpt.len());
    assert!(excerpt.ends_with('…'), "the cut is marked");
    assert!(err.to_string().len() < 2 * rt::MAX_EXCERPT, "Display stays short");

    // A well-formed error whose message is 10 MB: the JSON is cut at 64 KiB, so it does not
    // parse, and the excerpt is what remains.
    let err = any::<Dnc>(&client, "huge-json-error").await.unwrap_err();
    assert!(matches!(err, rt::Error::ServerError(_)), "{err:?}");
    assert!(err.api_error().unwrap().body_excerpt().unwrap().len() <= rt::MAX_EXCERPT + 3);
}

#[tokio::test]
async fn a_success_body_over_the_limit_fails_cleanly() {
    let server = error_server().await;
    let client = open_builder(&server)
        .max_response_bytes(1024 * 1024)
        .build()
        .unwrap()
        .0;
    let err = any::<Vec<u8>>(&client, "huge-ok").await.unwrap_err();
    match &err {
        rt::Error::Decode(d) => {
            assert!(d.message().contains("1048576-byte limit"), "{}", d.message());
            assert_eq!(d.status(), Some(http::StatusCode::OK));
        }
        other => panic!("expected Decode, got {other:?}"),
    }
    // With the default limit the same body decodes.
    let ok: Vec<u8> = any(&open_client(&server), "huge-ok").await.unwrap();
    assert_eq!(ok.len(), TEN_MB / 2);
}

#[tokio::test]
async fn rate_limits_carry_retry_after_in_seconds_or_as_a_date() {
    let server = error_server().await;
    let client = open_client(&server);

    let err = any::<Dnc>(&client, "rate-secs").await.unwrap_err();
    match &err {
        rt::Error::RateLimited { retry_after, error } => {
            assert_eq!(*retry_after, Some(Duration::from_secs(7)));
            assert_eq!(error.message(), Some("Slow down"));
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
    assert_eq!(err.retry_after(), Some(Duration::from_secs(7)));
    assert!(err.is_retryable());
    assert!(err.to_string().contains("retry after 7s"), "{err}");

    let err = any::<Dnc>(&client, "rate-date").await.unwrap_err();
    let wait = err.retry_after().expect("an HTTP date is understood");
    assert!((Duration::from_secs(110)..=Duration::from_secs(121)).contains(&wait), "{wait:?}");

    let err = any::<Dnc>(&client, "rate-bogus").await.unwrap_err();
    assert!(matches!(err, rt::Error::RateLimited { retry_after: None, .. }), "{err:?}");

    let err = any::<Dnc>(&client, "unavailable").await.unwrap_err();
    assert!(matches!(err, rt::Error::ServerError(_)), "{err:?}");
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3)));
    assert!(err.is_retryable());
}

#[tokio::test]
async fn statuses_land_in_their_variants() {
    let server = error_server().await;
    let client = open_client(&server);
    for (status, check) in [
        (400u16, (|e: &rt::Error| matches!(e, rt::Error::ClientError(_))) as Check),
        (401, |e| matches!(e, rt::Error::Unauthorized(_))),
        (403, |e| matches!(e, rt::Error::Forbidden(_))),
        (404, |e| matches!(e, rt::Error::NotFound(_))),
        (405, |e| matches!(e, rt::Error::ClientError(_))),
        (409, |e| matches!(e, rt::Error::Conflict(_))),
        (418, |e| matches!(e, rt::Error::ClientError(_))),
        (429, |e| matches!(e, rt::Error::RateLimited { .. })),
        (500, |e| matches!(e, rt::Error::ServerError(_)) && e.is_retryable()),
        (502, |e| matches!(e, rt::Error::ServerError(_)) && e.is_retryable()),
        (504, |e| matches!(e, rt::Error::ServerError(_)) && e.is_retryable()),
    ] {
        let err = any::<Dnc>(&client, &status.to_string()).await.unwrap_err();
        assert!(check(&err), "{status}: {err:?}");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(err.api_code(), Some(i64::from(status)));
        assert_eq!(err.api_message(), Some(format!("status {status}").as_str()));
    }
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let server = error_server().await;
    let client = open_client(&server);
    let err = any::<Dnc>(&client, "redirect").await.unwrap_err();
    assert!(matches!(err, rt::Error::UnexpectedStatus(_)), "{err:?}");
    assert_eq!(err.status(), Some(http::StatusCode::FOUND));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn decode_errors_name_the_operation_the_field_path_and_the_body() {
    let server = error_server().await;
    let client = open_client(&server);

    let err = any::<Dnc>(&client, "bad-field").await.unwrap_err();
    match &err {
        rt::Error::Decode(d) => {
            assert_eq!(d.operation(), "test.any");
            assert_eq!(d.field_path(), "phone");
            assert!(d.message().contains("invalid type: integer"), "{}", d.message());
            assert!(d.body_excerpt().unwrap().contains("5551234"));
        }
        other => panic!("expected Decode, got {other:?}"),
    }
    let text = err.to_string();
    assert!(text.contains("test.any") && text.contains("`phone`") && text.contains("5551234"), "{text}");

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Page {
        items: Vec<Dnc>,
    }
    let err = any::<Page>(&client, "nested").await.unwrap_err();
    assert!(matches!(&err, rt::Error::Decode(d) if d.field_path() == "items[1].id"), "{err}");

    let err = any::<Dnc>(&client, "trailing").await.unwrap_err();
    assert!(matches!(&err, rt::Error::Decode(d) if d.message().contains("trailing")), "{err}");
}

#[tokio::test]
async fn timeouts_are_distinguishable_from_connect_failures() {
    let server = error_server().await;
    let client = open_builder(&server)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap()
        .0;
    let started = Instant::now();
    let err = any::<Dnc>(&client, "slow").await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(matches!(err, rt::Error::Timeout { operation: "test.any", .. }), "{err:?}");
    assert!(err.is_timeout() && !err.is_connect() && err.is_retryable());
    assert_eq!(err.status(), None);

    // A port nobody listens on.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let closed = open_builder_at(format!("http://127.0.0.1:{port}"))
        .build()
        .unwrap()
        .0;
    let err = any::<Dnc>(&closed, "x").await.unwrap_err();
    assert!(matches!(err, rt::Error::Connect { .. }), "{err:?}");
    assert!(err.is_connect() && !err.is_timeout() && err.is_retryable());
    assert!(std::error::Error::source(&err).is_some(), "the reqwest error is kept as the source");
    assert!(err.to_string().contains("could not connect"), "{err}");
}

/// A raw TCP server that reads one request per connection and answers with `reply`, then
/// closes, for responses axum would never produce.
async fn raw_server(reply: &'static [u8]) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = socket.read(&mut buf).await;
                let _ = socket.write_all(reply).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    format!("http://{addr}")
}

/// A client for the one-shot raw servers below: they answer once, so no retries.
fn client_at(url: String) -> rt::Client {
    open_builder_at(url)
        .no_retries()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
        .0
}

/// What a test expects of an error.
type Check = fn(&rt::Error) -> bool;

#[tokio::test]
async fn broken_http_never_panics() {
    let cases: [(&'static [u8], Check); 8] = [
        (b"", |e| matches!(e, rt::Error::Transport { .. })),
        (b"this is not http at all\r\n\r\n", |e| matches!(e, rt::Error::Transport { .. })),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"id\":", |e| matches!(e, rt::Error::Transport { .. })),
        (b"HTTP/1.1 500 Oops\r\nContent-Length: 1000\r\n\r\nshort", |e| {
            matches!(e, rt::Error::ServerError(a) if a.body_excerpt() == Some("short…"))
        }),
        (b"HTTP/1.1 999 Odd\r\nContent-Length: 0\r\n\r\n", |e| matches!(e, rt::Error::UnexpectedStatus(_))),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nxx\r\n", |e| matches!(e, rt::Error::Transport { .. })),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnull", |e| matches!(e, rt::Error::Decode(_))),
        (b"HTTP/1.1 401 No\r\nRetry-After: \xff\xfe\r\nContent-Length: 3\r\n\r\n\xc3\x28<", |e| {
            matches!(e, rt::Error::Unauthorized(a) if a.retry_after().is_none())
        }),
    ];
    for (reply, check) in cases {
        let client = client_at(raw_server(reply).await);
        let err = any::<Dnc>(&client, "x").await.unwrap_err();
        assert!(check(&err), "{:?}: {err:?}", String::from_utf8_lossy(reply));
        // Display and Debug of whatever came back are fine too.
        assert!(!err.to_string().is_empty() && !format!("{err:?}").is_empty());
    }
}

#[tokio::test]
async fn an_endless_error_body_is_not_read_to_the_end() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let written = Arc::new(AtomicUsize::new(0));
    let counter = written.clone();
    tokio::spawn(async move {
        let Ok((mut socket, _)) = listener.accept().await else { return };
        let mut buf = [0u8; 4096];
        let _ = socket.read(&mut buf).await;
        // No length: the body runs until the connection closes, which we never do.
        let _ = socket.write_all(b"HTTP/1.1 500 Endless\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n").await;
        let chunk = vec![b'z'; 16 * 1024];
        while socket.write_all(&chunk).await.is_ok() {
            counter.fetch_add(chunk.len(), Ordering::SeqCst);
        }
    });
    let client = client_at(format!("http://{addr}"));
    let started = Instant::now();
    let err = tokio::time::timeout(Duration::from_secs(10), any::<Dnc>(&client, "x")).await.expect("the client gave up reading");
    let err = err.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(3), "it stopped at the cap, not at the timeout");
    assert!(matches!(err, rt::Error::ServerError(_)), "{err:?}");
    assert!(err.api_error().unwrap().body_excerpt().unwrap().starts_with("zzzz"));
    // The server could push only as much as the socket buffers took before the client hung up.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let sent = written.load(Ordering::SeqCst);
    // (About 4 MB fits in loopback socket buffers; a reader without a cap would take gigabytes
    // before its 5 s timeout.)
    assert!(sent < 16 * 1024 * 1024, "{sent} bytes were pushed: the body was read without a cap");
}

#[tokio::test]
async fn a_202_with_an_error_body_is_a_partial_success_error_and_a_202_with_output_is_success() {
    // LiveVox's own example: a duplicate contact create answers 202 with an error body.
    let server = serve(|req| async move {
        if req.path.ends_with("/dup") {
            json(202, serde_json::json!({"code": 202, "message": "Contact already exists!"}))
        } else {
            json(202, serde_json::json!({"id": "7", "phone": "5550001111"}))
        }
    })
    .await;
    let client = open_client(&server);

    let err = any::<Dnc>(&client, "dup").await.unwrap_err();
    assert!(matches!(err, rt::Error::PartialSuccess(_)), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(202));
    assert_eq!(err.api_code(), Some(202));
    assert_eq!(err.api_message(), Some("Contact already exists!"));
    assert_eq!(err.kind(), "partial_success");
    assert!(!err.is_retryable(), "the server answered; sending it again does not help");

    let ok = any::<Dnc>(&client, "fine").await.expect("a 202 carrying the output decodes");
    assert_eq!(ok, Dnc { id: "7".into(), phone: "5550001111".into() });
}
