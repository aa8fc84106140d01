//! A key's record: every version, 30 days of usage, recent clients.
use crate::common::*;
use axum::body::Body;
use serde_json::Value;

mod counts;
mod lineage;
mod query_cost;
mod untrusted_callers;

pub(super) async fn detail(app: &TestApp, cookie: Option<&str>, id: &str) -> TestResponse {
    app.get(&format!("{KEYS}/{id}"), cookie).await
}

pub(super) fn me_with(
    key: &str,
    ip: Option<&str>,
    user_agent: Option<&str>,
) -> axum::http::Request<Body> {
    let bearer = format!("Bearer {key}");
    let mut headers = vec![("authorization", bearer.as_str())];
    if let Some(ip) = ip {
        headers.push(("x-forwarded-for", ip));
    }
    if let Some(ua) = user_agent {
        headers.push(("user-agent", ua));
    }
    request("GET", "/api/v1/me", &headers, Body::empty())
}

pub(super) fn today_count(detail: &Value) -> i64 {
    let usage = detail["usage"].as_array().expect("usage");
    usage.last().expect("30 days")["count"]
        .as_i64()
        .expect("count")
}
