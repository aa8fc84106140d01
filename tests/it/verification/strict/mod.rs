//! Strict verification: a replaced key is refused everywhere the moment its regenerate returns,
//! and a key's new restrictions apply everywhere the moment their change returns.
use crate::common::*;
use axum::body::Body;

mod cache;
mod epochs;
mod other_instance;
mod restrictions;

pub(super) fn me_request(key: &str) -> axum::http::Request<Body> {
    let bearer = format!("Bearer {key}");
    request(
        "GET",
        "/api/v1/me",
        &[("authorization", bearer.as_str())],
        Body::empty(),
    )
}
