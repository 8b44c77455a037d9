//! The `tracing` output of calls: one span per call naming the operation, method, path
//! template, status and latency, and never a secret, a filled path or a body. This is the only
//! test in its binary because it installs a global subscriber.

mod runtime_support;

use std::sync::atomic::Ordering;

use runtime_support::*;

fn assert_no_secret(what: &str, text: &str) {
    for secret in [TOKEN, PASSWORD, "sess-"] {
        assert!(!text.contains(secret), "{what} leaks {secret:?}:\n{text}");
    }
}

#[tokio::test]
async fn call_spans_name_the_operation_and_status_and_log_no_secrets() {
    // Global, and the only test in this binary (see `Captured::install_global`).
    let captured = Captured::install_global();

    let (fake, server) = fake_livevox().await;
    fake.echo_secrets.store(true, Ordering::SeqCst);
    let client = lv_client(&server);
    read_dnc(&client, "77").await.unwrap();
    fake.expire_all();
    read_dnc(&client, "78").await.unwrap(); // renewal
    fake.always_expired.store(true, Ordering::SeqCst);
    let _ = read_dnc(&client, "79").await.unwrap_err(); // an error echoing the session id

    let logs = captured.text();
    assert_no_secret("tracing output", &logs);
    assert!(logs.contains("livevox.call"), "{logs}");
    assert!(logs.contains("operation=\"compliance.read_dnc\""), "{logs}");
    assert!(logs.contains("method=\"GET\""), "{logs}");
    assert!(logs.contains("path=\"/compliance/dnc/{id}\""), "the template, not the filled path: {logs}");
    assert!(logs.contains("status=200") && logs.contains("status=401"), "{logs}");
    assert!(logs.contains("latency_ms="), "{logs}");
    assert!(logs.contains("attempts=1"), "the attempts are recorded on the call's span: {logs}");
    assert!(logs.contains("livevox.login"), "{logs}");
    assert!(logs.contains("logging in again"), "the renewal is visible: {logs}");
    assert!(!logs.contains("/compliance/dnc/77"), "no filled paths: {logs}");
    assert!(!logs.contains("5551234"), "no bodies: {logs}");
    assert!(logs.contains("error=\"unauthorized\""), "failures are logged by kind: {logs}");
    assert!(!logs.contains("is not valid"), "not with the error body's message: {logs}");
}

