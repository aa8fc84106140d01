//! Refuses an oversized body before any handler runs, with the same JSON 413 for the REST API
//! and the server functions. A declared `Content-Length` is checked at once; a body without
//! one (chunked) is read here up to the limit, because the server functions read bodies
//! themselves and would report a cut-off body as a malformed one (400).
use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::api::AppError;

pub const BODY_LIMIT_BYTES: usize = 64 * 1024;

pub async fn reject_oversized_bodies(request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > BODY_LIMIT_BYTES as u64) {
        return AppError::PayloadTooLarge.into_response();
    }
    let bodiless = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if declared.is_some() || bodiless {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    match to_bytes(body, BODY_LIMIT_BYTES).await {
        Ok(bytes) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Err(err) if is_length_limit(&err) => AppError::PayloadTooLarge.into_response(),
        Err(_) => AppError::bad_request("The request body could not be read").into_response(),
    }
}

fn is_length_limit(err: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = source {
        if e.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = e.source();
    }
    false
}
