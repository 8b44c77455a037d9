//! The access token, the password and the session id never appear in `Debug`, `Display` or
//! log output: of the builder, the client, credentials, errors (even when a careless server
//! echoes them back in error bodies). Tracing output is checked in `runtime_tracing.rs`.

mod runtime_support;

use std::sync::atomic::Ordering;

use livevox_generated::runtime as rt;
use runtime_support::*;

/// Every secret the tests hand out or the fake server issues.
fn assert_no_secret(what: &str, text: &str) {
    for secret in [TOKEN, PASSWORD, "sess-", "given-session-0042"] {
        assert!(!text.contains(secret), "{what} leaks {secret:?}:\n{text}");
    }
}

#[tokio::test]
async fn debug_of_builder_client_and_credentials_is_redacted() {
    let (_fake, server) = fake_livevox().await;
    let builder = lv_builder(&server).session_id("given-session-0042");
    let text = format!("{builder:?}");
    assert_no_secret("builder Debug", &text);
    assert!(text.contains("[REDACTED]") && text.contains(USER_NAME), "still useful: {text}");

    let credentials = rt::Credentials::user(CLIENT_NAME, USER_NAME, PASSWORD);
    assert_no_secret("credentials Debug", &format!("{credentials:?}"));
    assert_no_secret("credentials pretty Debug", &format!("{credentials:#?}"));

    let client = lv_client(&server);
    client.login().await.unwrap();
    assert!(client.session_id().is_some());
    let text = format!("{client:?} {:#?}", client);
    assert_no_secret("client Debug", &text);
    assert!(text.contains("TestLiveVox") && text.contains("session_id: Some([REDACTED])"), "{text}");
    assert_no_secret("session id Debug", &format!("{:?}", client.session_id()));

    let wrapped = LvClient(client);
    assert_no_secret("generated client Debug", &format!("{wrapped:?}"));
}

#[tokio::test]
async fn errors_never_show_secrets_even_when_the_server_echoes_them() {
    let (fake, server) = fake_livevox().await;
    fake.echo_secrets.store(true, Ordering::SeqCst);

    // Login refused with the token and password echoed in the message.
    fake.refuse_logins.store(true, Ordering::SeqCst);
    let client = lv_client(&server);
    let err = read_dnc(&client, "1").await.unwrap_err();
    assert!(matches!(err.login_error(), Some(rt::Error::Unauthorized(_))), "{err:?}");
    assert_no_secret("login error Display", &err.to_string());
    assert_no_secret("login error Debug", &format!("{err:?}"));
    assert!(err.api_message().unwrap().contains("[REDACTED]"), "{:?}", err.api_message());

    // A session call refused with the session id echoed.
    fake.refuse_logins.store(false, Ordering::SeqCst);
    fake.always_expired.store(true, Ordering::SeqCst);
    let err = read_dnc(&client, "2").await.unwrap_err();
    assert!(matches!(err, rt::Error::Unauthorized(_)));
    assert_eq!(err.api_message(), Some("Session [REDACTED] is not valid"));
    assert_no_secret("session error", &format!("{err} {err:?}"));

    // A caller-supplied session, echoed back when it expires.
    fake.always_expired.store(false, Ordering::SeqCst);
    let relay = given_session_client(&server, "given-session-0042");
    let err = read_dnc(&relay, "3").await.unwrap_err();
    assert_no_secret("relay error", &format!("{err} {err:?}"));
}

#[tokio::test]
async fn decode_errors_scrub_the_session_from_excerpts() {
    // A server that puts the session id into a body that then fails to decode.
    let server = serve(|r| async move {
        if r.path == "/session/login" {
            return json(200, serde_json::json!({"sessionId": "sess-9-abcdef"}));
        }
        json(200, serde_json::json!({"id": 1, "phone": r.header("lv-session")}))
    })
    .await;
    let client = lv_client(&server);
    let err = read_dnc(&client, "1").await.unwrap_err();
    match &err {
        rt::Error::Decode(d) => assert!(d.body_excerpt().unwrap().contains("[REDACTED]"), "{:?}", d.body_excerpt()),
        other => panic!("expected Decode, got {other:?}"),
    }
    assert_no_secret("decode error", &format!("{err} {err:?}"));
}

#[tokio::test]
async fn a_secret_path_parameter_goes_on_the_wire_but_not_into_errors() {
    static LOGOUT: rt::Operation = rt::Operation {
        name: "session.logout",
        method: rt::Method::Delete,
        path: "/session/logout/{sessionId}",
        auth: rt::AuthNeed::None,
        idempotent: true,
        body: rt::BodyKind::None,
        response: rt::ResponseFormat::None,
        pagination: None,
        rate_limit: None,
        deprecated: false,
        agent_allowed: true,
    };
    // A server that echoes the path (and so the session id) in its 404.
    let server = serve(|r| async move { json(404, serde_json::json!({"code": 404, "message": format!("no session at {}", r.path)})) }).await;
    let client = given_session_client(&server, "given-session-0042");
    let mut req = rt::Request::new(&LOGOUT);
    let id = client.session_id().unwrap();
    req.path("sessionId", &id);
    assert_no_secret("request Debug", &format!("{req:?}"));
    let err = client.execute::<()>(req).await.unwrap_err();
    assert_eq!(server.requests()[0].path, "/session/logout/given-session-0042");
    assert!(matches!(err, rt::Error::NotFound(_)), "{err:?}");
    assert_eq!(err.api_message(), Some("no session at /session/logout/[REDACTED]"));
    assert_no_secret("logout error", &format!("{err} {err:?}"));
}
