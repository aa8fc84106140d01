//! Auth against the document: registration (with its per-address limit), sign-in (with its
//! throttle), the session.
use super::drift::Drift;
use super::{check_body_guards, creds, json_post, with_headers};
use crate::common::*;
use axum::body::Body;
use axum::http::StatusCode;

/// Returns the cookies of two accounts, the owner's and another's.
pub(super) async fn phase(drift: &mut Drift, app: &TestApp) -> (String, String) {
    let send = |req| send_to(app.router.clone(), req);

    let registered = send(json_post(
        REGISTER,
        &creds("owner@example.com", PASSWORD),
        None,
    ))
    .await;
    drift.check("post", REGISTER, &registered);
    let cookie = registered.session_cookie().expect("cookie");
    drift.check(
        "post",
        REGISTER,
        &send(json_post(REGISTER, &creds("no-at-sign", PASSWORD), None)).await,
    );
    drift.check(
        "post",
        REGISTER,
        &send(json_post(
            REGISTER,
            &creds("owner@example.com", PASSWORD),
            None,
        ))
        .await,
    );
    check_body_guards(drift, app, REGISTER, &cookie).await;
    let other = send(json_post(
        REGISTER,
        &creds("other@example.com", PASSWORD),
        None,
    ))
    .await;
    drift.check("post", REGISTER, &other);
    let other_cookie = other.session_cookie().expect("cookie");
    // The fourth registration from this address was the last one allowed.
    let mut limited = send(json_post(
        REGISTER,
        &creds("third@example.com", PASSWORD),
        None,
    ))
    .await;
    while limited.status == StatusCode::CREATED {
        drift.check("post", REGISTER, &limited);
        limited = send(json_post(
            REGISTER,
            &creds(
                &format!("n{}@example.com", uuid::Uuid::new_v4().simple()),
                PASSWORD,
            ),
            None,
        ))
        .await;
    }
    drift.check("post", REGISTER, &limited);

    drift.check(
        "post",
        LOGIN,
        &send(json_post(
            LOGIN,
            &creds("owner@example.com", PASSWORD),
            None,
        ))
        .await,
    );
    drift.check(
        "post",
        LOGIN,
        &send(with_headers(
            "POST",
            LOGIN,
            &[("content-type", "application/json")],
            Body::from("{nope"),
        ))
        .await,
    );
    check_body_guards(drift, app, LOGIN, &cookie).await;
    for _ in 0..10 {
        drift.check(
            "post",
            LOGIN,
            &send(json_post(
                LOGIN,
                &creds("other@example.com", "wrong password!"),
                None,
            ))
            .await,
        );
    }
    drift.check(
        "post",
        LOGIN,
        &send(json_post(
            LOGIN,
            &creds("other@example.com", PASSWORD),
            None,
        ))
        .await,
    );

    drift.check(
        "get",
        SESSION,
        &send(request(
            "GET",
            SESSION,
            &[("cookie", cookie.as_str())],
            Body::empty(),
        ))
        .await,
    );
    drift.check(
        "get",
        SESSION,
        &send(request("GET", SESSION, &[], Body::empty())).await,
    );
    (cookie, other_cookie)
}
