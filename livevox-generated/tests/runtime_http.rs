//! What goes on the wire and how the client is configured: headers on every request, header
//! placeholders, bodies, path and query encoding, response formats, HTTPS enforcement,
//! environments, auth kinds, and a caller-supplied connection pool.

mod runtime_support;

use livevox_generated::runtime as rt;
use runtime_support::*;

#[tokio::test]
async fn every_request_carries_json_headers_and_the_user_agent() {
    let (_fake, server) = fake_livevox().await;
    let client = lv_client(&server);
    read_dnc(&client, "1").await.unwrap(); // login + GET
    let mut create = rt::Request::new(&CREATE_DNC);
    create.body(&serde_json::json!({"phone": "1"}));
    let _: Dnc = client.execute(create).await.unwrap();
    let mut delete = rt::Request::new(&DELETE_DNC);
    delete.path("id", "1");
    let () = client.execute(delete).await.unwrap();
    let mut password = rt::Request::new(&CHANGE_PASSWORD);
    password.body(&serde_json::json!({}));
    let () = client.execute(password).await.unwrap();
    let _: String = client.execute(rt::Request::new(&PING)).await.unwrap();

    let reqs = server.requests();
    assert_eq!(reqs.len(), 6);
    let ua = format!("livevox-generated/{}", env!("CARGO_PKG_VERSION"));
    for r in &reqs {
        assert_eq!(r.header("content-type"), Some("application/json"), "{} {}", r.method, r.path);
        // A text operation asks for text (`runtime_raw_responses.rs` has the other formats).
        let accept = if r.path == "/ping" { "text/plain" } else { "application/json" };
        assert_eq!(r.header("accept"), Some(accept), "{} {}", r.method, r.path);
        assert_eq!(r.headers.get_all("accept").iter().count(), 1, "no duplicated Accept");
        assert_eq!(r.header("user-agent"), Some(ua.as_str()), "{} {}", r.method, r.path);
        assert_eq!(r.headers.get_all("content-type").iter().count(), 1, "no duplicated Content-Type");
    }
}

#[tokio::test]
async fn the_user_agent_can_be_replaced() {
    let server = serve(|_| async { json(200, serde_json::json!({})) }).await;
    let client = open_builder(&server)
        .user_agent("acme-dialer/2.1")
        .build()
        .unwrap()
        .0;
    let _: serde_json::Value = any(&client, "ok").await.unwrap();
    assert_eq!(server.requests()[0].header("user-agent"), Some("acme-dialer/2.1"));
}

#[tokio::test]
async fn header_placeholders_are_filled_from_the_builder() {
    let server = serve(|_| async { json(200, serde_json::json!({})) }).await;
    let client = open_client(&server);
    let _: serde_json::Value = any(&client, "ok").await.unwrap();
    let r = &server.requests()[0];
    assert_eq!(r.header("x-agent"), Some("agent-42/east"));
    // Content-Type and Accept are sent even though this spec lists neither.
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("accept"), Some("application/json"));
    assert_eq!((r.header("lv-session"), r.header("lv-access")), (None, None), "AuthScheme::None sends no auth");
}

#[test]
fn a_placeholder_without_a_value_is_a_config_error_at_build() {
    let err = rt::ClientBuilder::<OpenClient>::new().header_param("agentId", "42").build().unwrap_err();
    match err {
        rt::Error::Config(m) => assert!(m.contains("X-Agent") && m.contains("${site}"), "{m}"),
        other => panic!("{other:?}"),
    }
    let err = rt::ClientBuilder::<OpenClient>::new().header_param("agentId", "4\r\n2").header_param("site", "x").build().unwrap_err();
    assert!(matches!(err, rt::Error::Config(_)), "a value with a line break cannot become a header");
}

#[tokio::test]
async fn a_request_missing_a_path_parameter_fails_before_sending() {
    let server = serve(|_| async { json(200, serde_json::json!({})) }).await;
    let client = open_client(&server);
    let err = client.execute::<serde_json::Value>(rt::Request::new(&ANY_POST)).await.unwrap_err();
    assert!(matches!(err, rt::Error::InvalidRequest { operation: "test.any_post", .. }), "{err}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn empty_json_body_goes_out_as_braces() {
    let server = serve(|_| async { json(200, serde_json::json!({"ok": true})) }).await;
    let client = open_client(&server);
    let mut req = rt::Request::new(&ANY_POST);
    req.path("case", "empty");
    let _: serde_json::Value = client.execute(req).await.unwrap();
    let mut req = rt::Request::new(&ANY_POST);
    req.path("case", "given");
    req.body(&serde_json::json!({"records": [{"phone1": "5551234"}]}));
    let _: serde_json::Value = client.execute(req).await.unwrap();

    let reqs = server.requests();
    assert_eq!(reqs[0].body.as_ref(), b"{}");
    assert_eq!(reqs[0].header("content-length"), Some("2"));
    assert_eq!(reqs[1].json(), serde_json::json!({"records": [{"phone1": "5551234"}]}));
}

#[tokio::test]
async fn path_values_are_one_encoded_segment_and_query_lists_repeat() {
    let server = serve(|_| async { json(200, serde_json::json!({"id": "x", "phone": "y"})) }).await;
    let client = open_client(&server);
    static GET: rt::Operation = rt::Operation { auth: rt::AuthNeed::None, ..READ_DNC };
    let mut req = rt::Request::new(&GET);
    req.path("id", "a/b c?");
    req.query("dncType", "PERMANENT");
    req.query("service", &vec![1i64, 2]);
    req.query("client", &None::<i64>);
    req.query("name", "J&J Co");
    let _: Dnc = client.execute(req).await.unwrap();
    let r = &server.requests()[0];
    assert_eq!(r.path, "/compliance/dnc/a%2Fb%20c%3F");
    assert_eq!(r.query.as_deref(), Some("dncType=PERMANENT&service=1&service=2&name=J%26J+Co"));
}

#[tokio::test]
async fn a_base_url_path_prefix_is_kept() {
    let server = serve(|_| async { json(200, serde_json::json!({})) }).await;
    let client = open_builder_at(format!("{}/proxy/livevox/", server.url()))
        .build()
        .unwrap()
        .0;
    let _: serde_json::Value = any(&client, "ok").await.unwrap();
    assert_eq!(server.requests()[0].path, "/proxy/livevox/any/ok");
}

#[tokio::test]
async fn text_and_empty_response_formats() {
    let server = serve(|r| async move {
        match r.path.as_str() {
            "/any/text" => respond(200, "text/csv", "a,b\n1,2\n"),
            "/any/junk" => respond(200, "application/json", "this is not json"),
            _ => respond(204, "application/json", ""),
        }
    })
    .await;
    let client = open_client(&server);
    let mut req = rt::Request::new(&ANY_TEXT);
    req.path("case", "text");
    let text: String = client.execute(req).await.unwrap();
    assert_eq!(text, "a,b\n1,2\n");
    let mut req = rt::Request::new(&ANY_NONE);
    req.path("case", "junk");
    let () = client.execute(req).await.unwrap();
    // A 204 where JSON was promised decodes into an Option as None.
    let nothing: Option<Dnc> = any(&client, "nothing").await.unwrap();
    assert_eq!(nothing, None);
    let err = any::<Dnc>(&client, "nothing").await.unwrap_err();
    assert!(matches!(err, rt::Error::Decode(_)), "{err}");
}

#[test]
fn plain_http_is_refused_unless_loopback_and_opted_in() {
    let refused = rt::ClientBuilder::<OpenClient>::new()
        .base_url("http://127.0.0.1:8080")
        .header_param("agentId", "1")
        .header_param("site", "x")
        .build()
        .unwrap_err();
    assert!(matches!(refused, rt::Error::Config(ref m) if m.contains("plain HTTP")), "{refused}");
    for url in ["http://api.livevox.com", "http://192.0.2.10", "http://[2001:db8::1]", "http://localhost.example.com"] {
        let err = rt::ClientBuilder::<OpenClient>::new()
            .base_url(url)
            .allow_plain_http_for_loopback_tests()
            .header_param("agentId", "1")
            .header_param("site", "x")
            .build()
            .unwrap_err();
        assert!(matches!(err, rt::Error::Config(ref m) if m.contains("loopback")), "{url}: {err}");
    }
    for url in ["http://localhost:1", "http://127.0.0.2", "http://[::1]:9"] {
        let client = rt::ClientBuilder::<OpenClient>::new()
            .base_url(url)
            .allow_plain_http_for_loopback_tests()
            .header_param("agentId", "1")
            .header_param("site", "x")
            .build();
        assert!(client.is_ok(), "{url}");
    }
}

#[test]
fn environments_and_defaults() {
    let na4 = rt::ClientBuilder::<LvClient>::new().environment(LvEnvironment::Na4).build().unwrap().0;
    assert_eq!(na4.base_url(), "https://api.na4.livevox.com/");
    let na3 = rt::ClientBuilder::<LvClient>::new().environment(LvEnvironment::Na3).build().unwrap().0;
    assert_eq!(na3.base_url(), "https://api.livevox.com/");
    assert_eq!(na3.api().name, "TestLiveVox");
    let custom = rt::ClientBuilder::<LvClient>::new().base_url("https://api.stg4.livevox.com").build().unwrap().0;
    assert_eq!(custom.base_url(), "https://api.stg4.livevox.com/");

    let none = rt::ClientBuilder::<LvClient>::new().build().unwrap_err();
    assert!(matches!(none, rt::Error::Config(ref m) if m.contains("NA3, NA4")), "{none}");

    let default = rt::ClientBuilder::<OpenClient>::new().header_param("agentId", "1").header_param("site", "x").build().unwrap().0;
    assert_eq!(default.base_url(), "https://dev.open.example.com/base");

    let bad = rt::ClientBuilder::<BadDefaultClient>::new().header_param("agentId", "1").header_param("site", "x").build().unwrap_err();
    assert!(matches!(bad, rt::Error::Config(ref m) if m.contains("NOPE")), "{bad}");
}

#[test]
fn missing_credentials_are_clear_config_errors() {
    // Each names the scheme and the builder method to call (runtime_auth.rs tests the schemes).
    let bearer = rt::ClientBuilder::<BearerClient>::new().header_param("agentId", "1").header_param("site", "x").build().unwrap_err();
    assert!(matches!(bearer, rt::Error::Config(ref m) if m.contains("BEARER") && m.contains("bearer_token")), "{bearer}");
    let basic = rt::ClientBuilder::<BasicClient>::new().header_param("agentId", "1").header_param("site", "x").build().unwrap_err();
    assert!(matches!(basic, rt::Error::Config(ref m) if m.contains("BASIC") && m.contains("basic_auth")), "{basic}");
    let oauth = rt::ClientBuilder::<OAuth2Client>::new().header_param("agentId", "1").header_param("site", "x").build().unwrap_err();
    assert!(matches!(oauth, rt::Error::Config(ref m) if m.contains("OAUTH2") && m.contains("oauth2_client_credentials")), "{oauth}");
    let creds_on_open = rt::ClientBuilder::<OpenClient>::new()
        .header_param("agentId", "1")
        .header_param("site", "x")
        .access_token("t")
        .build()
        .unwrap_err();
    assert!(matches!(creds_on_open, rt::Error::Config(_)));
}

#[tokio::test]
async fn a_caller_supplied_reqwest_client_is_used() {
    let server = serve(|_| async { json(200, serde_json::json!({})) }).await;
    let mut defaults = reqwest::header::HeaderMap::new();
    defaults.insert("x-pool", reqwest::header::HeaderValue::from_static("shared"));
    let pool = reqwest::Client::builder().default_headers(defaults).build().unwrap();
    let client = open_builder(&server)
        .http_client(pool.clone())
        .build()
        .unwrap()
        .0;
    let _: serde_json::Value = any(&client, "ok").await.unwrap();
    assert_eq!(server.requests()[0].header("x-pool"), Some("shared"));

    let err = rt::ClientBuilder::<OpenClient>::new()
        .header_param("agentId", "1")
        .header_param("site", "x")
        .http_client(pool)
        .connect_timeout(std::time::Duration::from_secs(1))
        .build()
        .unwrap_err();
    assert!(matches!(err, rt::Error::Config(ref m) if m.contains("connect_timeout")), "{err}");
}

#[test]
fn clients_are_cheap_clone_send_and_sync() {
    fn assert_traits<T: Clone + Send + Sync + 'static>() {}
    assert_traits::<rt::Client>();
    assert_traits::<rt::Error>();
    fn assert_send<T: Send>(_: &T) {}
    let client = rt::ClientBuilder::<LvClient>::new().environment(LvEnvironment::Na3).build().unwrap().0;
    // The futures generated code boxes must be Send.
    assert_send(&client.execute::<Dnc>(rt::Request::new(&READ_DNC)));
    assert_send(&client.login());
    assert_eq!(std::mem::size_of::<rt::Client>(), std::mem::size_of::<usize>(), "an Arc and nothing else");
}
