//! TLS to PostgreSQL: the key lookup's own connections honour `DATABASE_URL` exactly as the
//! pool does. A private server with `ssl = on`, a certificate authority made by the test and a
//! role that may only connect over TLS; a relay in front of it records every byte, so the
//! tests can look for secrets on the wire.
use crate::common::cluster::{Cluster, TLS_ONLY_ROLE};
use crate::common::server_process::start_failure;
use crate::common::wire::contains_bytes;
use crate::common::*;
use keyward::server::config::Config;
use keyward::server::keys::hash_key;

/// Registers a user, creates a key, uses it twice; returns the key and the user's email.
async fn use_a_key(app: &TestApp, email: &str) -> String {
    let cookie = app.register(email).await;
    let key = str_of(&app.create_key(&cookie, "Over TLS").await["fullKey"]).to_owned();
    for _ in 0..3 {
        let me = app.me(&key).await;
        assert_eq!(me.status, StatusCode::OK, "{}", me.text);
        assert_eq!(me.json["user"]["email"], email);
    }
    key
}

/// What the wire must never show in clear: the key's hash (the lookup's parameter) and the
/// owner's email (in its answer).
fn assert_nothing_readable(relay: &Relay, key: &str, email: &str) {
    let wire = relay.recorded();
    assert!(!wire.is_empty(), "the relay saw the traffic");
    assert!(
        !contains_bytes(&wire, hash_key(key).as_bytes()),
        "a key hash crossed the wire in clear"
    );
    assert!(
        !contains_bytes(&wire, email.as_bytes()),
        "an email crossed the wire in clear"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn require_works_for_a_tls_only_role_with_the_cache_and_nothing_in_clear() {
    if !postgres_pass("require_works_for_a_tls_only_role_with_the_cache_and_nothing_in_clear") {
        return;
    }
    let cluster = tokio::task::spawn_blocking(|| Cluster::start(100))
        .await
        .unwrap();
    let relay = Relay::start(cluster.addr()).await;
    let url = cluster.url_via(relay.addr.port(), TLS_ONLY_ROLE, "sslmode=require");
    let app = TestApp::on_url(&url, Config::default()).await;
    let key = use_a_key(&app, "require@example.com").await;
    assert!(
        app.state.verifier.cache_hits() > 0,
        "the fast path and its cache served the key (no fall back to the pool)"
    );
    assert_nothing_readable(&relay, &key, "require@example.com");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_prefer_encrypts_when_the_server_offers_tls() {
    if !postgres_pass("the_default_prefer_encrypts_when_the_server_offers_tls") {
        return;
    }
    let cluster = tokio::task::spawn_blocking(|| Cluster::start(100))
        .await
        .unwrap();
    let relay = Relay::start(cluster.addr()).await;
    // No sslmode at all: prefer. The TLS-only role works (the lookup connections used to try
    // without TLS and answered 500), and nothing crosses in clear.
    let app = TestApp::on_url(
        &cluster.url_via(relay.addr.port(), TLS_ONLY_ROLE, ""),
        Config::default(),
    )
    .await;
    let key = use_a_key(&app, "prefer@example.com").await;
    assert_nothing_readable(&relay, &key, "prefer@example.com");

    // The control: with TLS switched off, the same capture does show the email, so the
    // assertions above are not blind.
    let plain_relay = Relay::start(cluster.addr()).await;
    let plain = TestApp::on_url(
        &cluster.url_via(plain_relay.addr.port(), "postgres", "sslmode=disable"),
        Config::default(),
    )
    .await;
    plain_relay.forget();
    let cookie = plain.login("prefer@example.com").await;
    let _ = plain.list_keys(&cookie).await;
    assert_eq!(plain.me(&key).await.status, StatusCode::OK);
    assert!(contains_bytes(
        &plain_relay.recorded(),
        b"prefer@example.com"
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_full_checks_the_certificate_against_the_given_root() {
    if !postgres_pass("verify_full_checks_the_certificate_against_the_given_root") {
        return;
    }
    let cluster = tokio::task::spawn_blocking(|| Cluster::start(100))
        .await
        .unwrap();
    let right = format!(
        "sslmode=verify-full&sslrootcert={}",
        cluster.ca_cert.display()
    );
    let app = TestApp::on_url(&cluster.url(TLS_ONLY_ROLE, &right), Config::default()).await;
    use_a_key(&app, "verified@example.com").await;
    assert!(app.state.verifier.cache_hits() > 0);

    // Another authority's root: the server refuses to start, and says why.
    let wrong = format!(
        "sslmode=verify-full&sslrootcert={}",
        cluster.wrong_ca_cert.display()
    );
    let output = start_failure(&cluster.url(TLS_ONLY_ROLE, &wrong), &[]).await;
    assert!(
        output.contains("cannot open the PostgreSQL database")
            && (output.contains("certificate") || output.contains("UnknownIssuer")),
        "start-up should name the certificate problem:\n{output}"
    );
    // verify-ca with the right root but another host name is fine (chain only) ...
    let by_name = format!(
        "sslmode=verify-ca&sslrootcert={}",
        cluster.ca_cert.display()
    );
    let url = cluster
        .url(TLS_ONLY_ROLE, &by_name)
        .replace("127.0.0.1", "localhost");
    TestApp::on_url(&url, Config::default()).await;
    // ... and a root file that does not exist is named.
    let missing = "sslmode=verify-full&sslrootcert=/nonexistent/root.crt";
    let output = start_failure(&cluster.url(TLS_ONLY_ROLE, missing), &[]).await;
    assert!(output.contains("/nonexistent/root.crt"), "{output}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tls_only_role_without_tls_fails_at_start_up_not_with_500s() {
    if !postgres_pass("a_tls_only_role_without_tls_fails_at_start_up_not_with_500s") {
        return;
    }
    let cluster = tokio::task::spawn_blocking(|| Cluster::start(100))
        .await
        .unwrap();
    let output = start_failure(&cluster.url(TLS_ONLY_ROLE, "sslmode=disable"), &[]).await;
    assert!(
        output.contains("pg_hba.conf") || output.contains("28000"),
        "start-up should say the server refused the connection:\n{output}"
    );
}
