//! Nothing the document declares went unanswered, and no method it does not list is answered
//! on its paths.
use super::drift::Drift;
use crate::common::*;
use axum::body::Body;
use axum::http::StatusCode;
use serde_json::Value;
use std::collections::BTreeMap;

/// After every other phase: `id` is a key's id for the `{id}` paths, `cookie` a session.
pub(super) async fn phase(drift: &Drift, app: &TestApp, doc: &Value, id: &str, cookie: &str) {
    let send = |req| send_to(app.router.clone(), req);

    let missing: Vec<_> = drift.declared.difference(&drift.answered).collect();
    assert!(
        missing.is_empty(),
        "documented but never answered: {missing:?}"
    );

    // --- and no method the document does not list is answered on its paths ------------
    let documented: BTreeMap<&str, Vec<&str>> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(path, item)| {
            (
                path.as_str(),
                item.as_object()
                    .unwrap()
                    .keys()
                    .map(String::as_str)
                    .collect(),
            )
        })
        .collect();
    for (path, methods) in documented {
        let concrete = path.replace("{id}", id);
        for method in ["GET", "POST", "PUT", "PATCH", "DELETE"] {
            if methods.contains(&method.to_ascii_lowercase().as_str()) {
                continue;
            }
            let resp = send(request(
                method,
                &concrete,
                &[("cookie", cookie)],
                Body::empty(),
            ))
            .await;
            assert_eq!(
                resp.status,
                StatusCode::METHOD_NOT_ALLOWED,
                "undocumented {method} {path} answered {}",
                resp.status
            );
        }
    }
}
