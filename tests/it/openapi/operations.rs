//! Operations and signing out against the document: liveness, readiness, the document itself,
//! then the session ends.
use super::cross_site;
use super::drift::Drift;
use crate::common::*;
use axum::body::Body;

/// `served` is the document's own answer; `cookie` is signed out at the end.
pub(super) async fn phase(drift: &mut Drift, app: &TestApp, served: &TestResponse, cookie: &str) {
    let send = |req| send_to(app.router.clone(), req);

    drift.check(
        "get",
        "/healthz",
        &send(request("GET", "/healthz", &[], Body::empty())).await,
    );
    drift.check(
        "get",
        "/readyz",
        &send(request("GET", "/readyz", &[], Body::empty())).await,
    );
    drift.check("get", "/api/openapi.json", served);

    // Signing out last: the session ends.
    drift.check(
        "post",
        LOGOUT,
        &send(cross_site("POST", LOGOUT, cookie)).await,
    );
    drift.check(
        "post",
        LOGOUT,
        &send(request(
            "POST",
            LOGOUT,
            &[("cookie", cookie)],
            Body::empty(),
        ))
        .await,
    );
}
