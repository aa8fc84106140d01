//! Refuses a declared-oversize body before any handler runs, with the same JSON 413 for the
//! REST API and the server functions (which read bodies without axum's extractor limit).
//! Bodies without a Content-Length are still capped by `DefaultBodyLimit` while read.
use axum::extract::Request;
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::api::AppError;
use crate::server::app::BODY_LIMIT_BYTES;

pub async fn reject_oversized_bodies(request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > BODY_LIMIT_BYTES as u64) {
        return AppError::PayloadTooLarge.into_response();
    }
    next.run(request).await
}
