//! Text and binary responses of a declared media type (`ResponseFormat::TextAs`,
//! `ResponseFormat::Binary`, from a spec's `content_type` and `format: binary`): the `Accept`
//! each call sends, bytes handed over unchanged by `Client::execute_bytes`, and that binary
//! calls take the same path as every other call (sessions, retries, error decoding, the
//! response size limit).

mod runtime_support;

use livevox_generated::runtime as rt;
use runtime_support::*;

use rt::{AuthNeed as A, BodyKind as B, Method as M, ResponseFormat as R};

const fn raw_op(name: &'static str, path: &'static str, auth: rt::AuthNeed, response: rt::ResponseFormat) -> rt::Operation {
    rt::Operation {
        name,
        method: M::Get,
        path,
        auth,
        idempotent: true,
        body: B::None,
        response,
        pagination: None,
        rate_limit: None,
        deprecated: false,
        agent_allowed: true,
    }
}

static RECORDING: rt::Operation = raw_op("test.recording", "/any/{case}", A::None, R::Binary { accept: "audio/mpeg" });
static CSV: rt::Operation = raw_op("test.csv", "/any/{case}", A::None, R::TextAs { accept: "text/csv" });
static LV_RECORDING: rt::Operation =
    raw_op("compliance.get_recording", "/compliance/recording/{id}", A::Session, R::Binary { accept: "audio/mpeg" });
/// A hand-written operation whose media type cannot be a header value.
static BAD_ACCEPT: rt::Operation = raw_op("test.bad_accept", "/any/{case}", A::None, R::Binary { accept: "audio/mpeg\r\nX-Evil: 1" });

/// An MP3 frame header and bytes that are not UTF-8 (0xFF, a lone continuation byte, an
/// overlong form), which text decoding would replace.
const AUDIO: &[u8] = &[0xFF, 0xFB, 0x90, 0x44, 0x00, 0x80, 0xC0, 0xAF, 0xFE, 0x0D, 0x0A, 0x00];

fn request(op: &'static rt::Operation, case: &str) -> rt::Request {
    let mut req = rt::Request::new(op);
    req.path("case", case);
    req
}

#[tokio::test]
async fn binary_bodies_arrive_byte_for_byte_asking_for_their_media_type() {
    let server = serve(|_| async { respond(200, "audio/mpeg", AUDIO.to_vec()) }).await;
    let client = open_client(&server);
    let bytes = client.execute_bytes(request(&RECORDING, "audio")).await.unwrap();
    assert_eq!(&bytes[..], AUDIO, "not a byte changed");
    let r = &server.requests()[0];
    assert_eq!(r.header("accept"), Some("audio/mpeg"));
    assert_eq!(r.headers.get_all("accept").iter().count(), 1, "the media type replaces the API's Accept");

    // Decoding into a type is refused with a pointer to `execute_bytes`, never lossy text.
    let err = client.execute::<String>(request(&RECORDING, "audio")).await.unwrap_err();
    assert!(matches!(err, rt::Error::Decode(_)) && err.to_string().contains("execute_bytes"), "{err}");
}

#[tokio::test]
async fn each_format_sends_its_accept() {
    let server = serve(|r| async move {
        match r.path.as_str() {
            "/any/csv" => respond(200, "text/csv; charset=utf-8", "id,name\r\n1,Ana\r\n"),
            "/any/text" => respond(200, "text/plain", "pong"),
            _ => json(200, serde_json::json!({})),
        }
    })
    .await;
    let client = open_client(&server);
    let csv: String = client.execute(request(&CSV, "csv")).await.unwrap();
    assert_eq!(csv, "id,name\r\n1,Ana\r\n");
    let text: String = client.execute(request(&ANY_TEXT, "text")).await.unwrap();
    assert_eq!(text, "pong");
    let _: serde_json::Value = any(&client, "json").await.unwrap();
    // `execute_bytes` on a text operation hands over the text's bytes, undecoded.
    let raw = client.execute_bytes(request(&CSV, "csv")).await.unwrap();
    assert_eq!(&raw[..], b"id,name\r\n1,Ana\r\n");

    let accepts: Vec<(String, Option<String>)> =
        server.requests().iter().map(|r| (r.path.clone(), r.header("accept").map(str::to_owned))).collect();
    let expected = [("/any/csv", "text/csv"), ("/any/text", "text/plain"), ("/any/json", "application/json"), ("/any/csv", "text/csv")];
    let expected: Vec<(String, Option<String>)> = expected.iter().map(|(p, a)| ((*p).to_owned(), Some((*a).to_owned()))).collect();
    assert_eq!(accepts, expected);
    for r in server.requests() {
        assert_eq!(r.headers.get_all("accept").iter().count(), 1, "{}", r.path);
    }
}

#[tokio::test]
async fn a_binary_call_logs_in_and_is_replayed_after_an_expired_session() {
    let (fake, server) = fake_livevox().await;
    let client = lv_client(&server);
    let mut req = rt::Request::new(&LV_RECORDING);
    req.path("id", "9F3A2C71");
    // The fake answers every session call with the same JSON; here it stands for audio.
    let first = client.execute_bytes(req).await.unwrap();
    assert!(!first.is_empty());
    fake.expire_all();
    let mut req = rt::Request::new(&LV_RECORDING);
    req.path("id", "9F3A2C71");
    let second = client.execute_bytes(req).await.unwrap();
    assert_eq!(first, second);
    assert_eq!(fake.login_count(), 2, "logged in, then again after the session expired");
    let calls = server.requests_to("/compliance/recording/9F3A2C71");
    assert_eq!(calls.len(), 3, "the refused call was replayed once");
    for r in &calls {
        assert!(r.header("lv-session").is_some());
        assert_eq!(r.header("accept"), Some("audio/mpeg"));
    }
}

#[tokio::test]
async fn binary_calls_are_retried_and_their_errors_decoded() {
    let failures = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = failures.clone();
    let server = serve(move |r| {
        let seen = seen.clone();
        async move {
            match r.path.as_str() {
                "/any/flaky" if seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 => {
                    json(503, serde_json::json!({"code": 503, "message": "try again"}))
                }
                "/any/flaky" => respond(200, "audio/mpeg", AUDIO.to_vec()),
                _ => json(404, serde_json::json!({"code": 404, "message": "Recording not found"})),
            }
        }
    })
    .await;
    let client = open_builder(&server)
        .retry(rt::RetryConfig::default().jitter(rt::Jitter::None).initial_backoff(std::time::Duration::from_millis(1)))
        .build()
        .unwrap()
        .0;
    let bytes = client.execute_bytes(request(&RECORDING, "flaky")).await.unwrap();
    assert_eq!(&bytes[..], AUDIO);
    assert_eq!(server.requests_to("/any/flaky").len(), 2, "a 503 is retried for a binary GET too");

    let err = client.execute_bytes(request(&RECORDING, "gone")).await.unwrap_err();
    match &err {
        rt::Error::NotFound(e) => assert_eq!(e.message(), Some("Recording not found")),
        other => panic!("expected NotFound, got {other:?}"),
    }
}

#[tokio::test]
async fn binary_bodies_respect_the_response_size_limit() {
    let server = serve(|_| async { respond(200, "audio/mpeg", vec![0xFF_u8; 4096]) }).await;
    let client = open_builder(&server).no_retries().max_response_bytes(1024).build().unwrap().0;
    let err = client.execute_bytes(request(&RECORDING, "big")).await.unwrap_err();
    assert!(matches!(err, rt::Error::Decode(_)) && err.to_string().contains("1024-byte limit"), "{err}");
    let fits = open_builder(&server).no_retries().max_response_bytes(4096).build().unwrap().0;
    assert_eq!(fits.execute_bytes(request(&RECORDING, "big")).await.unwrap().len(), 4096);
}

/// A chunked (unannounced) body of `parts`, each sent as a chunk of its own.
fn chunked(parts: &'static [&'static [u8]]) -> axum::response::Response {
    let chunks = futures_util::stream::iter(parts.iter().map(|p| Ok::<_, std::convert::Infallible>(bytes::Bytes::from_static(p))));
    respond(200, "audio/mpeg", axum::body::Body::from_stream(chunks))
}

/// The body is read chunk by chunk (the client keeps a one-chunk body as it came, and copies
/// the chunks of a longer one): every chunk arrives whole and in order, a body of exactly the
/// limit is read, and one byte past it, in whichever chunk, is refused, announced or not.
#[tokio::test]
async fn bodies_of_many_chunks_are_read_whole_up_to_the_size_limit() {
    const PARTS: &[&[u8]] = &[b"ab", b"", b"cdef", b"g", b"hij"];
    let server = serve(|r| async move {
        match r.path.as_str() {
            "/any/many" => chunked(PARTS),
            "/any/one" => chunked(&[b"abcdefghij"]),
            "/any/none" => chunked(&[]),
            _ => respond(200, "audio/mpeg", b"abcdefghij".to_vec()),
        }
    })
    .await;
    for (case, limit, expected) in [
        ("many", 64, Some(&b"abcdefghij"[..])),
        ("many", 10, Some(&b"abcdefghij"[..])),
        ("many", 9, None),
        ("many", 6, None),
        ("many", 2, None),
        ("many", 1, None),
        ("one", 10, Some(&b"abcdefghij"[..])),
        ("one", 9, None),
        ("none", 1, Some(&b""[..])),
        ("announced", 10, Some(&b"abcdefghij"[..])),
        ("announced", 9, None),
    ] {
        let client = open_builder(&server).no_retries().max_response_bytes(limit).build().unwrap().0;
        let got = client.execute_bytes(request(&RECORDING, case)).await;
        match (expected, got) {
            (Some(expected), Ok(bytes)) => assert_eq!(&bytes[..], expected, "{case} under {limit}"),
            (None, Err(err)) => assert!(matches!(err, rt::Error::Decode(_)) && err.to_string().contains(&format!("{limit}-byte limit")), "{case} under {limit}: {err}"),
            (expected, got) => panic!("{case} under {limit}: expected {expected:?}, got {got:?}"),
        }
    }
}

#[tokio::test]
async fn a_media_type_that_cannot_be_a_header_fails_before_sending() {
    let server = serve(|_| async { respond(200, "audio/mpeg", AUDIO.to_vec()) }).await;
    let client = open_client(&server);
    let err = client.execute_bytes(request(&BAD_ACCEPT, "x")).await.unwrap_err();
    assert!(matches!(err, rt::Error::InvalidRequest { .. }), "{err}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn execute_with_meta_hands_back_status_and_headers_beside_the_body() {
    let server = serve(|_| async {
        let mut response = json(201, serde_json::json!({"id": 7}));
        response.headers_mut().insert("location", "/items/7".parse().unwrap());
        response.headers_mut().append("link", "<https://x.example/a?page=2>; rel=\"next\"".parse().unwrap());
        response
    })
    .await;
    let client = open_client(&server);
    let (body, meta): (serde_json::Value, rt::ResponseMeta) = client.execute_with_meta(request(&ANY, "made")).await.unwrap();
    assert_eq!(body, serde_json::json!({"id": 7}));
    assert_eq!(meta.status().as_u16(), 201);
    assert_eq!(meta.header("location"), Some("/items/7"));
    assert_eq!(meta.header("link"), Some("<https://x.example/a?page=2>; rel=\"next\""));
    // An operation that expects no body still reports its status and headers.
    let ((), meta) = client.execute_with_meta(request(&ANY_NONE, "none")).await.unwrap();
    assert_eq!(meta.header("location"), Some("/items/7"));
}
