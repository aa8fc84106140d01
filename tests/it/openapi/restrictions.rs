//! A key's restrictions against the document: the scope catalog, `PATCH` with each kind of
//! mistake, and the answers a restricted key gets from `/api/v1` (429 past its rate limit,
//! 403 from outside its allowlist). Two key changes of the hour's allowance.
use super::bearer;
use super::drift::Drift;
use super::{cross_site, KEY};
use crate::common::*;
use axum::body::Body;
use axum::http::StatusCode;
use serde_json::json;

/// Restricts the key at `this_key` (full key `key`), which `v1::phase` has finished with.
pub(super) async fn phase(
    drift: &mut Drift,
    app: &TestApp,
    cookie: &str,
    other_cookie: &str,
    this_key: &str,
    key: &str,
) {
    let send = |req| send_to(app.router.clone(), req);
    let patch = |path: &str, body: serde_json::Value, cookie: Option<&str>| {
        json_request("PATCH", path, &body, cookie)
    };

    let scopes = send(request(
        "GET",
        "/api/scopes",
        &[("cookie", cookie)],
        Body::empty(),
    ))
    .await;
    assert_eq!(scopes.json["scopes"][0]["name"], "read", "{}", scopes.text);
    drift.check("get", "/api/scopes", &scopes);
    drift.check(
        "get",
        "/api/scopes",
        &send(request("GET", "/api/scopes", &[], Body::empty())).await,
    );

    for (body, who) in [
        (json!({ "scopes": [] }), Some(cookie)),
        (json!({ "scopes": ["no-such-scope"] }), Some(cookie)),
        (
            json!({ "rateLimit": { "requests": 0, "perSeconds": 60 } }),
            Some(cookie),
        ),
        (json!({ "allowedIps": ["203.0.113.7/24"] }), Some(cookie)),
        (json!({ "name": "Renamed" }), Some(cookie)),
        (json!({}), Some(cookie)),
        (json!({ "scopes": ["read"] }), None),
        (json!({ "scopes": ["read"] }), Some(other_cookie)),
    ] {
        drift.check("patch", KEY, &send(patch(this_key, body, who)).await);
    }
    drift.check(
        "patch",
        KEY,
        &send(patch(
            &format!("{KEYS}/not-an-id"),
            json!({ "scopes": ["read"] }),
            Some(cookie),
        ))
        .await,
    );
    drift.check(
        "patch",
        KEY,
        &send(cross_site("PATCH", this_key, cookie)).await,
    );
    let padded = json!({ "allowedIps": ["x".repeat(70_000)] }).to_string();
    let length = padded.len().to_string();
    drift.check(
        "patch",
        KEY,
        &send(request(
            "PATCH",
            this_key,
            &[
                ("content-type", "application/json"),
                ("content-length", length.as_str()),
                ("cookie", cookie),
            ],
            Body::from(padded),
        ))
        .await,
    );

    // One use an hour: the first passes, the next are refused, on both endpoints.
    let limited = send(patch(
        this_key,
        json!({ "rateLimit": { "requests": 1, "perSeconds": 3600 } }),
        Some(cookie),
    ))
    .await;
    assert_eq!(limited.status, StatusCode::OK, "{}", limited.text);
    drift.check("patch", KEY, &limited);
    let auth = bearer(key);
    let ask = |path: &str| {
        request(
            "GET",
            path,
            &[("authorization", auth.as_str())],
            Body::empty(),
        )
    };
    let first = send(ask("/api/v1/me")).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    assert!(
        first
            .header("ratelimit")
            .is_some_and(|v| v.starts_with("\"key\";r=0;t=")),
        "{:?}",
        first.header("ratelimit")
    );
    assert_eq!(first.header("ratelimit-policy"), Some("\"key\";q=1;w=3600"));
    drift.check("get", "/api/v1/me", &first);
    for path in ["/api/v1/me", "/api/v1/authorize"] {
        let refused = send(ask(path)).await;
        assert_eq!(
            refused.status,
            StatusCode::TOO_MANY_REQUESTS,
            "{path}: {}",
            refused.text
        );
        drift.check("get", path, &refused);
    }

    // Only from a network this test's requests do not come from.
    let fenced = send(patch(
        this_key,
        json!({ "rateLimit": null, "allowedIps": ["192.0.2.0/24"] }),
        Some(cookie),
    ))
    .await;
    assert_eq!(fenced.status, StatusCode::OK, "{}", fenced.text);
    let outside = send(ask("/api/v1/me")).await;
    assert_eq!(outside.status, StatusCode::FORBIDDEN, "{}", outside.text);
    drift.check("get", "/api/v1/me", &outside);
}
