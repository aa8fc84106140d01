//! Requests as the router receives them, and what came back with its body already read.
use std::net::SocketAddr;

use axum::http::{header, HeaderMap, Request};
use axum::Router;
use http_body_util::BodyExt;
use tower::ServiceExt;

use super::{Body, StatusCode, Value, SESSION_COOKIE};

/// What came back from the router, body already read.
#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    /// The body parsed as JSON, or `Null` when it is empty or not JSON.
    pub json: Value,
    pub text: String,
    /// The body as sent (server functions answer in a binary codec).
    pub body: axum::body::Bytes,
}

impl TestResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The whole `Set-Cookie` header that sets `keyward_session`, if any.
    pub fn session_set_cookie(&self) -> Option<&str> {
        let prefix = format!("{SESSION_COOKIE}=");
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with(&prefix))
    }

    /// `keyward_session=<token>`, ready for a `Cookie` header.
    pub fn session_cookie(&self) -> Option<String> {
        self.session_set_cookie()
            .map(|c| c.split(';').next().unwrap_or_default().trim().to_owned())
    }

    pub fn content_type(&self) -> &str {
        self.header("content-type").unwrap_or_default()
    }
}

/// Sends one request through a router clone; usable from spawned tasks.
pub async fn send_to(router: Router, request: Request<Body>) -> TestResponse {
    let response = router
        .oneshot(request)
        .await
        .unwrap_or_else(|never| match never {});
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("read the response body")
        .to_bytes();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let json = serde_json::from_slice::<Value>(&bytes).unwrap_or(Value::Null);
    TestResponse {
        status,
        headers,
        json,
        text,
        body: bytes,
    }
}

/// The peer address every in-process request comes from, as a real server would record it.
pub const TEST_PEER: ([u8; 4], u16) = ([127, 0, 0, 1], 40_000);

pub fn request(method: &str, path: &str, headers: &[(&str, &str)], body: Body) -> Request<Body> {
    let mut builder = Request::builder().method(method).uri(path);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder
        .extension(axum::extract::ConnectInfo(SocketAddr::from(TEST_PEER)))
        .body(body)
        .expect("a valid request")
}

/// A request with a JSON body and `Content-Type: application/json`.
pub fn json_request(method: &str, path: &str, body: &Value, cookie: Option<&str>) -> Request<Body> {
    let mut headers = vec![("content-type", "application/json")];
    if let Some(cookie) = cookie {
        headers.push(("cookie", cookie));
    }
    request(method, path, &headers, Body::from(body.to_string()))
}
