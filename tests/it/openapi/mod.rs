//! The OpenAPI document cannot drift from the server, and the reference page.
//!
//! One test drives every documented endpoint in phases, one file each, in the order the
//! server's state needs them: the document itself, auth, api-keys, v1, restrictions, regenerate and the
//! hourly allowance, the account, the password reset, operations and sign-out, the database gone, and what was left unanswered.
use crate::common::*;
use axum::body::Body;
use axum::http::Request;
use keyward::server::config::Config;
use serde_json::json;
use serde_json::Value;

mod account;
mod api_keys;
mod auth;
mod coverage;
mod document;
mod drift;
mod operations;
mod outage;
mod password_reset;
mod reference_page;
mod restrictions;
mod routes;
mod v1;

use drift::Drift;

/// One key, as the document writes its path.
pub(super) const KEY: &str = "/api/api-keys/{id}";

pub(super) fn creds(email: &str, password: &str) -> Value {
    json!({ "email": email, "password": password })
}

pub(super) fn json_post(path: &str, body: &Value, cookie: Option<&str>) -> Request<Body> {
    json_request("POST", path, body, cookie)
}

pub(super) fn with_headers(
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Body,
) -> Request<Body> {
    request(method, path, headers, body)
}

pub(super) fn cross_site(method: &str, path: &str, cookie: &str) -> Request<Body> {
    request(
        method,
        path,
        &[
            ("cookie", cookie),
            ("origin", "https://evil.example"),
            ("host", "localhost:3000"),
            ("content-type", "application/json"),
        ],
        Body::from("{}"),
    )
}

/// The answers every JSON POST route documents before it reads the body: 403 from another
/// site, 413 over 64 KiB, 415 when the body is not JSON. The cookie is sent with the last so
/// that a signed-in route gets as far as reading the body.
async fn check_body_guards(drift: &mut Drift, app: &TestApp, path: &str, cookie: &str) {
    let send = |req| send_to(app.router.clone(), req);
    drift.check("post", path, &send(cross_site("POST", path, cookie)).await);
    drift.check("post", path, &send(oversized(path)).await);
    drift.check(
        "post",
        path,
        &send(with_headers(
            "POST",
            path,
            &[("content-type", "text/plain"), ("cookie", cookie)],
            Body::from("x"),
        ))
        .await,
    );
}

pub(super) fn bearer(key: &str) -> String {
    format!("Bearer {key}")
}

fn oversized(path: &str) -> Request<Body> {
    let body = format!("{{\"pad\":\"{}\"}}", "x".repeat(70_000));
    let length = body.len().to_string();
    request(
        "POST",
        path,
        &[
            ("content-type", "application/json"),
            ("content-length", length.as_str()),
        ],
        Body::from(body),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_document_is_valid_and_matches_every_answer_the_server_gives() {
    let config = Config {
        sign_up_max_per_ip: 4,
        key_changes_per_hour: 5,
        ..Config::default()
    };
    let app = TestApp::with_config(config).await;

    let (served, doc) = document::served_and_valid(&app).await;
    let mut drift = Drift::new(doc.clone());
    let (cookie, other_cookie) = auth::phase(&mut drift, &app).await;
    let (id, key, this_key) = api_keys::phase(&mut drift, &app, &cookie, &other_cookie).await;
    // v1 before the regenerate below replaces the key.
    v1::phase(&mut drift, &app, &key).await;
    restrictions::phase(&mut drift, &app, &cookie, &other_cookie, &this_key, &key).await;
    let regenerated = api_keys::regenerate_phase(&mut drift, &app, &cookie, &this_key).await;
    account::phase(&mut drift, &app, &cookie, &other_cookie).await;
    password_reset::phase(&mut drift, &app, &cookie).await;
    operations::phase(&mut drift, &app, &served, &cookie).await;
    outage::phase(&mut drift, &app, &this_key, &regenerated).await;
    coverage::phase(&drift, &app, &doc, &id, &cookie).await;
}
