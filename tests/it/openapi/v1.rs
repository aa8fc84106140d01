//! The v1 endpoints against the document: `/api/v1/me` and `/api/v1/authorize` with each
//! way of presenting a key, none, a wrong one, and a forged identity header.
use super::bearer;
use super::drift::Drift;
use crate::common::*;
use axum::body::Body;

/// Uses `key`, which must still be live.
pub(super) async fn phase(drift: &mut Drift, app: &TestApp, key: &str) {
    let send = |req| send_to(app.router.clone(), req);

    for (path, ok) in [("/api/v1/me", "get"), ("/api/v1/authorize", "get")] {
        drift.check(
            ok,
            path,
            &send(request(
                "GET",
                path,
                &[("authorization", bearer(key).as_str())],
                Body::empty(),
            ))
            .await,
        );
        drift.check(
            ok,
            path,
            &send(request("GET", path, &[("x-api-key", key)], Body::empty())).await,
        );
        drift.check(
            ok,
            path,
            &send(request("GET", path, &[], Body::empty())).await,
        );
        drift.check(
            ok,
            path,
            &send(request(
                "GET",
                path,
                &[("authorization", "Bearer pk_live_nope")],
                Body::empty(),
            ))
            .await,
        );
    }
    drift.check(
        "get",
        "/api/v1/authorize",
        &send(request(
            "GET",
            "/api/v1/authorize",
            &[
                ("authorization", bearer(key).as_str()),
                ("x-keyward-user-id", "forged"),
            ],
            Body::empty(),
        ))
        .await,
    );
}
