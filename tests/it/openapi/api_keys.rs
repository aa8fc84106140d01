//! The api-keys endpoints against the document: list, create, one key's detail, methods it
//! does not allow, regenerate, and the hourly allowance of key changes.
use super::drift::Drift;
use super::{check_body_guards, cross_site, json_post, KEY};
use crate::common::*;
use axum::body::Body;
use axum::http::StatusCode;
use serde_json::json;

/// Returns the created key's id, its full key and its path.
pub(super) async fn phase(
    drift: &mut Drift,
    app: &TestApp,
    cookie: &str,
    other_cookie: &str,
) -> (String, String, String) {
    let send = |req| send_to(app.router.clone(), req);

    drift.check(
        "get",
        KEYS,
        &send(request("GET", KEYS, &[("cookie", cookie)], Body::empty())).await,
    );
    drift.check(
        "get",
        KEYS,
        &send(request("GET", KEYS, &[], Body::empty())).await,
    );
    drift.check(
        "get",
        KEYS,
        &send(request(
            "GET",
            &format!("{KEYS}?limit=0"),
            &[("cookie", cookie)],
            Body::empty(),
        ))
        .await,
    );
    let created = send(json_post(
        KEYS,
        &json!({ "name": "Documented", "expiresAt": null }),
        Some(cookie),
    ))
    .await;
    drift.check("post", KEYS, &created);
    let expiring = send(json_post(
        KEYS,
        &json!({ "name": "Expiring", "expiresAt": (chrono::Utc::now() + chrono::Duration::days(30)).to_rfc3339() }),
        Some(cookie),
    ))
    .await;
    drift.check("post", KEYS, &expiring);
    drift.check(
        "post",
        KEYS,
        &send(json_post(KEYS, &json!({ "name": "" }), Some(cookie))).await,
    );
    drift.check(
        "post",
        KEYS,
        &send(json_post(KEYS, &json!({ "name": "x" }), None)).await,
    );
    check_body_guards(drift, app, KEYS, cookie).await;
    let id = str_of(&created.json["id"]).to_owned();
    let key = str_of(&created.json["fullKey"]).to_owned();
    let this_key = format!("{KEYS}/{id}");

    // A use, so the detail has usage and a client to describe.
    assert_eq!(app.me(&key).await.status, StatusCode::OK);
    drift.check(
        "get",
        KEY,
        &send(request(
            "GET",
            &this_key,
            &[("cookie", cookie)],
            Body::empty(),
        ))
        .await,
    );
    drift.check(
        "get",
        KEY,
        &send(request("GET", &this_key, &[], Body::empty())).await,
    );
    drift.check(
        "get",
        KEY,
        &send(request(
            "GET",
            &this_key,
            &[("cookie", other_cookie)],
            Body::empty(),
        ))
        .await,
    );
    drift.check(
        "post",
        KEY,
        &send(cross_site("POST", &this_key, cookie)).await,
    );
    drift.check(
        "post",
        KEY,
        &send(request("POST", &this_key, &[], Body::empty())).await,
    );
    drift.check(
        "post",
        KEY,
        &send(request(
            "POST",
            &format!("{KEYS}/not-an-id"),
            &[("cookie", cookie)],
            Body::empty(),
        ))
        .await,
    );
    for method in ["DELETE", "PUT", "PATCH"] {
        let lower = method.to_ascii_lowercase();
        drift.check(
            &lower,
            KEY,
            &send(request(
                method,
                &this_key,
                &[("cookie", cookie)],
                Body::empty(),
            ))
            .await,
        );
        drift.check(
            &lower,
            KEY,
            &send(cross_site(method, &this_key, cookie)).await,
        );
    }
    (id, key, this_key)
}

/// Regenerates the key at `this_key` and spends the last of the hour's key changes; returns
/// the regenerate's answer.
pub(super) async fn regenerate_phase(
    drift: &mut Drift,
    app: &TestApp,
    cookie: &str,
    this_key: &str,
) -> TestResponse {
    let send = |req| send_to(app.router.clone(), req);

    let regenerated = send(request(
        "POST",
        this_key,
        &[("cookie", cookie)],
        Body::empty(),
    ))
    .await;
    drift.check("post", KEY, &regenerated);
    drift.check(
        "post",
        KEY,
        &send(request(
            "POST",
            this_key,
            &[("cookie", cookie)],
            Body::empty(),
        ))
        .await,
    );
    // Five key changes this hour (two creates, two restriction changes, one regenerate) were
    // the allowance.
    let over = send(json_post(
        KEYS,
        &json!({ "name": "One too many" }),
        Some(cookie),
    ))
    .await;
    assert_eq!(over.status, StatusCode::TOO_MANY_REQUESTS, "{}", over.text);
    drift.check("post", KEYS, &over);
    let over = send(json_request(
        "PATCH",
        this_key,
        &json!({ "scopes": ["read"] }),
        Some(cookie),
    ))
    .await;
    assert_eq!(over.status, StatusCode::TOO_MANY_REQUESTS, "{}", over.text);
    drift.check("patch", KEY, &over);
    let new_key_path = format!("{KEYS}/{}", str_of(&regenerated.json["id"]));
    drift.check(
        "post",
        KEY,
        &send(request(
            "POST",
            &new_key_path,
            &[("cookie", cookie)],
            Body::empty(),
        ))
        .await,
    );
    regenerated
}
