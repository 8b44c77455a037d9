//! Session lifecycle against a fake LiveVox on loopback: lazy and explicit login, the auth
//! header each kind of operation sends, transparent renewal, single-flight under 100
//! concurrent callers, sessions supplied by the caller, and 403.

mod runtime_support;

use std::sync::atomic::Ordering;

use livevox_generated::runtime as rt;
use runtime_support::*;

#[tokio::test]
async fn login_is_lazy_and_sends_access_header_and_credentials() {
    let (fake, server) = fake_livevox().await;
    let client = lv_client(&server);
    assert!(server.requests().is_empty(), "building must not call the server");
    assert!(client.session_id().is_none());

    let dnc = read_dnc(&client, "12").await.unwrap();
    assert_eq!(dnc, Dnc { id: "12".into(), phone: "5551234".into() });

    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    let login = &reqs[0];
    assert_eq!((login.method.as_str(), login.path.as_str()), ("POST", "/session/login"));
    assert_eq!(login.header("lv-access"), Some(TOKEN));
    assert_eq!(login.header("lv-session"), None);
    assert_eq!(
        login.json(),
        serde_json::json!({"clientName": CLIENT_NAME, "userName": USER_NAME, "password": PASSWORD, "agent": false})
    );
    let call = &reqs[1];
    assert_eq!((call.method.as_str(), call.path.as_str()), ("GET", "/compliance/dnc/12"));
    assert_eq!(call.header("lv-session"), Some("sess-1-7f3e9a0b"));
    assert_eq!(call.header("lv-access"), None, "the token is sent on login only");
    assert_eq!(client.session_id().map(|s| s.expose().to_owned()).as_deref(), Some("sess-1-7f3e9a0b"));

    // Later calls reuse the session.
    read_dnc(&client, "13").await.unwrap();
    assert_eq!(fake.login_count(), 1);
}

#[tokio::test]
async fn agent_login_sends_agent_true_as_a_boolean() {
    let (_fake, server) = fake_livevox().await;
    let client = lv_builder(&server).credentials(rt::Credentials::agent(CLIENT_NAME, USER_NAME, PASSWORD)).build().unwrap().0;
    client.login().await.unwrap();
    let login = &server.requests_to("/session/login")[0];
    assert_eq!(login.json()["agent"], serde_json::Value::Bool(true));
}

#[tokio::test]
async fn explicit_login_logs_in_now_and_again_when_asked() {
    let (fake, server) = fake_livevox().await;
    let client = lv_client(&server);
    client.login().await.unwrap();
    assert_eq!(fake.login_count(), 1);
    assert_eq!(client.session_id().unwrap().expose(), "sess-1-7f3e9a0b");
    client.login().await.unwrap();
    assert_eq!(fake.login_count(), 2);
    assert_eq!(client.session_id().unwrap().expose(), "sess-2-7f3e9a0b");
    read_dnc(&client, "1").await.unwrap();
    assert_eq!(server.requests_to("/compliance/dnc/1")[0].header("lv-session"), Some("sess-2-7f3e9a0b"));
    assert_eq!(fake.login_count(), 2);
}

#[tokio::test]
async fn access_token_operations_send_the_token_and_no_session() {
    let (fake, server) = fake_livevox().await;
    let client = lv_client(&server);
    let mut req = rt::Request::new(&CHANGE_PASSWORD);
    req.body(&serde_json::json!({"clientName": CLIENT_NAME, "userName": USER_NAME, "password": PASSWORD, "newPassword": "n3w-Pass!"}));
    let () = client.execute(req).await.unwrap();
    assert_eq!(fake.login_count(), 0, "an access-token call needs no session");
    let sent = &server.requests_to("/session/password")[0];
    assert_eq!(sent.header("lv-access"), Some(TOKEN));
    assert_eq!(sent.header("lv-session"), None);
}

#[tokio::test]
async fn unauthenticated_operations_send_neither_header() {
    let (fake, server) = fake_livevox().await;
    let client = lv_client(&server);
    let text: String = client.execute(rt::Request::new(&PING)).await.unwrap();
    assert_eq!(text, "pong");
    let sent = &server.requests_to("/ping")[0];
    assert_eq!((sent.header("lv-access"), sent.header("lv-session")), (None, None));
    assert_eq!(fake.login_count(), 0);
}

#[tokio::test]
async fn an_expired_session_is_renewed_once_and_the_call_replayed() {
    let (fake, server) = fake_livevox().await;
    let client = lv_client(&server);
    read_dnc(&client, "1").await.unwrap();
    fake.expire_all();

    // A POST is replayed too, body and all: the 401 means the server did nothing with it.
    let mut req = rt::Request::new(&CREATE_DNC);
    req.body(&serde_json::json!({"phone": "5550001"}));
    let created: Dnc = client.execute(req).await.unwrap();
    assert_eq!(created, Dnc { id: "99".into(), phone: "5550001".into() });

    assert_eq!(fake.login_count(), 2);
    let posts = server.requests_to("/compliance/dnc");
    assert_eq!(posts.len(), 2, "the call is sent, refused, and replayed exactly once");
    assert_eq!(posts[0].header("lv-session"), Some("sess-1-7f3e9a0b"));
    assert_eq!(posts[1].header("lv-session"), Some("sess-2-7f3e9a0b"));
    assert_eq!(posts[0].body, posts[1].body);
    assert_eq!(client.session_id().unwrap().expose(), "sess-2-7f3e9a0b");
}

#[tokio::test]
async fn a_call_still_refused_after_renewal_fails_without_looping() {
    let (fake, server) = fake_livevox().await;
    let client = lv_client(&server);
    fake.always_expired.store(true, Ordering::SeqCst);
    let err = read_dnc(&client, "1").await.unwrap_err();
    assert!(matches!(err, rt::Error::Unauthorized(_)), "{err:?}");
    assert_eq!(err.operation(), Some("compliance.read_dnc"));
    assert_eq!(err.api_code(), Some(401));
    assert_eq!(err.api_message(), Some("Session is not valid"));
    assert_eq!(fake.login_count(), 2, "the first login, then one renewal");
    assert_eq!(server.requests_to("/compliance/dnc/1").len(), 2);
}

#[tokio::test]
async fn a_failed_relogin_surfaces_as_an_error_and_never_loops() {
    let (fake, server) = fake_livevox().await;
    let client = lv_client(&server);
    read_dnc(&client, "1").await.unwrap();
    fake.expire_all();
    fake.refuse_logins.store(true, Ordering::SeqCst);

    let err = read_dnc(&client, "2").await.unwrap_err();
    // The error names the call, and says that the automatic login in front of it failed.
    assert_eq!(err.operation(), Some("compliance.read_dnc"));
    let login = err.login_error().expect("a login error");
    assert!(matches!(login, rt::Error::Unauthorized(_)), "{err:?}");
    assert_eq!(login.operation(), Some(LOGIN_OPERATION));
    assert_eq!(err.api_message(), Some("Authorization error"), "the helpers look through to the login's error");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(fake.login_count(), 2);
    assert_eq!(server.requests_to("/compliance/dnc/2").len(), 1, "no replay after a failed login");
    assert!(client.session_id().is_none());

    // Once logins work again, the next call recovers by itself.
    fake.refuse_logins.store(false, Ordering::SeqCst);
    read_dnc(&client, "3").await.unwrap();
    assert_eq!(fake.login_count(), 3);
}

#[tokio::test]
async fn wrong_credentials_fail_the_first_call_with_the_server_code() {
    let (fake, server) = fake_livevox().await;
    let client = lv_builder(&server).credentials(rt::Credentials::user(CLIENT_NAME, USER_NAME, "wrong-password")).build().unwrap().0;
    let err = read_dnc(&client, "1").await.unwrap_err();
    assert!(matches!(err.login_error(), Some(rt::Error::Unauthorized(_))), "{err:?}");
    assert_eq!(err.api_code_str(), Some("1001"), "a string code is kept as sent");
    assert_eq!(err.api_code(), Some(1001));
    assert_eq!(fake.login_count(), 1);
    assert!(server.requests_to("/compliance/dnc/1").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundred_concurrent_first_calls_make_one_login() {
    let (fake, server) = fake_livevox().await;
    fake.login_delay_ms.store(200, Ordering::SeqCst);
    let client = lv_client(&server);
    let tasks: Vec<_> = (0..100)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move { read_dnc(&client, &i.to_string()).await })
        })
        .collect();
    for (i, task) in tasks.into_iter().enumerate() {
        assert_eq!(task.await.unwrap().unwrap().id, i.to_string());
    }
    assert_eq!(fake.login_count(), 1);
    let calls: Vec<_> = server.requests().into_iter().filter(|r| r.path.starts_with("/compliance/dnc/")).collect();
    assert_eq!(calls.len(), 100);
    assert!(calls.iter().all(|r| r.header("lv-session") == Some("sess-1-7f3e9a0b")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundred_concurrent_calls_on_an_expired_session_make_one_renewal() {
    let (fake, server) = fake_livevox().await;
    let client = lv_client(&server);
    client.login().await.unwrap();
    fake.expire_all();
    // Slow renewal, so the 401s of all callers arrive while it is in flight.
    fake.login_delay_ms.store(500, Ordering::SeqCst);
    let tasks: Vec<_> = (0..100)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move { read_dnc(&client, &i.to_string()).await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(fake.login_count(), 2, "one initial login and exactly one renewal");
    let calls: Vec<_> = server.requests().into_iter().filter(|r| r.path.starts_with("/compliance/dnc/")).collect();
    let refused = calls.iter().filter(|r| r.header("lv-session") == Some("sess-1-7f3e9a0b")).count();
    let renewed = calls.iter().filter(|r| r.header("lv-session") == Some("sess-2-7f3e9a0b")).count();
    assert_eq!(renewed, 100, "every call succeeded with the renewed session");
    assert_eq!(refused + renewed, calls.len());
    // Many callers really did hold the expired session at once; still only one renewal.
    assert!(refused >= 20, "only {refused} calls hit the expired session");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundred_concurrent_callers_share_one_failed_renewal() {
    let (fake, server) = fake_livevox().await;
    let client = lv_client(&server);
    client.login().await.unwrap();
    fake.expire_all();
    fake.refuse_logins.store(true, Ordering::SeqCst);
    fake.login_delay_ms.store(500, Ordering::SeqCst);
    let tasks: Vec<_> = (0..100)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move { read_dnc(&client, &i.to_string()).await })
        })
        .collect();
    for task in tasks {
        let err = task.await.unwrap().unwrap_err();
        assert!(matches!(err.login_error(), Some(rt::Error::Unauthorized(_))), "{err}");
    }
    // Callers whose 401 arrived while the failing renewal was in flight share its failure.
    // One that was slower than the whole renewal may try once itself; none tries twice.
    let logins = fake.login_count();
    assert!((2..=3).contains(&logins), "{logins} logins");
    let _ = server;
}

#[tokio::test]
async fn a_supplied_session_is_used_as_is_and_never_renewed() {
    let (fake, server) = fake_livevox().await;
    fake.add_session("given-session-0042");
    let client = given_session_client(&server, "given-session-0042");
    read_dnc(&client, "1").await.unwrap();
    assert_eq!(server.requests_to("/compliance/dnc/1")[0].header("lv-session"), Some("given-session-0042"));
    assert_eq!(client.session_id().unwrap().expose(), "given-session-0042", "readable for reuse");

    fake.expire_all();
    let err = read_dnc(&client, "2").await.unwrap_err();
    assert!(matches!(err, rt::Error::Unauthorized(_)), "{err:?}");
    assert_eq!(fake.login_count(), 0);
    assert_eq!(server.requests_to("/compliance/dnc/2").len(), 1, "no replay without a way to renew");
}

#[tokio::test]
async fn a_supplied_session_with_credentials_is_renewed() {
    let (fake, server) = fake_livevox().await;
    fake.add_session("given-session-0042");
    let client = lv_builder(&server).session_id("given-session-0042").build().unwrap().0;
    read_dnc(&client, "1").await.unwrap();
    assert_eq!(fake.login_count(), 0);
    fake.expire_all();
    read_dnc(&client, "2").await.unwrap();
    assert_eq!(fake.login_count(), 1);
    assert_eq!(client.session_id().unwrap().expose(), "sess-1-7f3e9a0b");
}

#[tokio::test]
async fn a_session_read_back_can_build_another_client() {
    let (fake, server) = fake_livevox().await;
    let first = lv_client(&server);
    first.login().await.unwrap();
    let id = first.session_id().unwrap();
    let second = rt::ClientBuilder::<LvClient>::new()
        .base_url(server.url())
        .allow_plain_http_for_loopback_tests()
        .session_id(id)
        .build()
        .unwrap()
        .0;
    read_dnc(&second, "5").await.unwrap();
    assert_eq!(fake.login_count(), 1);
}

#[tokio::test]
async fn agent_sessions_get_a_typed_forbidden_error() {
    let (_fake, server) = fake_livevox().await;
    let client = lv_builder(&server).credentials(rt::Credentials::agent(CLIENT_NAME, USER_NAME, PASSWORD)).build().unwrap().0;
    let err = client.execute::<serde_json::Value>(rt::Request::new(&ADMIN_ONLY)).await.unwrap_err();
    match &err {
        rt::Error::Forbidden(api) => {
            assert_eq!(api.status(), http::StatusCode::FORBIDDEN);
            assert_eq!(api.code_number(), Some(403));
            assert_eq!(api.message(), Some("Agent sessions may not call this method"));
            assert_eq!(api.operation(), "configuration.list_agents");
        }
        other => panic!("expected Forbidden, got {other:?}"),
    }
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn clones_share_the_session() {
    let (fake, server) = fake_livevox().await;
    let a = lv_client(&server);
    let b = a.clone();
    read_dnc(&a, "1").await.unwrap();
    read_dnc(&b, "2").await.unwrap();
    assert_eq!(fake.login_count(), 1);
    fake.expire_all();
    read_dnc(&b, "3").await.unwrap();
    assert_eq!(a.session_id().unwrap().expose(), "sess-2-7f3e9a0b", "a renewal through one clone serves all");
    read_dnc(&a, "4").await.unwrap();
    assert_eq!(fake.login_count(), 2);
}

#[tokio::test]
async fn clear_session_makes_the_next_call_log_in() {
    let (fake, server) = fake_livevox().await;
    let client = lv_client(&server);
    read_dnc(&client, "1").await.unwrap();
    client.clear_session();
    assert!(client.session_id().is_none());
    read_dnc(&client, "2").await.unwrap();
    assert_eq!(fake.login_count(), 2);
}

#[tokio::test]
async fn a_session_call_with_no_way_to_get_a_session_is_a_config_error() {
    let (_fake, server) = fake_livevox().await;
    let client =
        rt::ClientBuilder::<LvClient>::new().base_url(server.url()).allow_plain_http_for_loopback_tests().build().unwrap().0;
    let err = read_dnc(&client, "1").await.unwrap_err();
    assert!(matches!(err, rt::Error::Config(ref m) if m.contains("needs a session")), "{err}");
    let err = client.execute::<()>(rt::Request::new(&CHANGE_PASSWORD)).await.unwrap_err();
    assert!(matches!(err, rt::Error::Config(ref m) if m.contains("access token")), "{err}");
    let err = client.login().await.unwrap_err();
    assert!(matches!(err, rt::Error::Config(ref m) if m.contains("cannot log in")), "{err}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_login_response_without_a_session_id_is_a_decode_error() {
    let (fake, server) = fake_livevox().await;
    fake.login_without_session.store(true, Ordering::SeqCst);
    let client = lv_client(&server);
    let err = client.login().await.unwrap_err();
    match &err {
        rt::Error::Decode(d) => {
            assert_eq!(d.operation(), LOGIN_OPERATION);
            assert!(d.message().contains("sessionId"), "{}", d.message());
            assert_eq!(d.body_excerpt(), None, "login bodies are never excerpted");
        }
        other => panic!("expected Decode, got {other:?}"),
    }
}

#[test]
fn builder_refuses_inconsistent_auth_configuration() {
    let no_token = rt::ClientBuilder::<LvClient>::new()
        .environment(LvEnvironment::Na3)
        .credentials(rt::Credentials::user("a", "b", "c"))
        .build()
        .unwrap_err();
    assert!(matches!(no_token, rt::Error::Config(ref m) if m.contains("access token")), "{no_token}");
    let relay_with_credentials = rt::ClientBuilder::<RelayClient>::new()
        .environment(LvEnvironment::Na3)
        .access_token("t")
        .credentials(rt::Credentials::user("a", "b", "c"))
        .build()
        .unwrap_err();
    assert!(matches!(relay_with_credentials, rt::Error::Config(_)));
    let bad_session = rt::ClientBuilder::<LvClient>::new().environment(LvEnvironment::Na3).session_id("line\nbreak").build().unwrap_err();
    assert!(matches!(bad_session, rt::Error::Config(_)));
}
