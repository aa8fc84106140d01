//! Server functions answer every error with 500 unless the function set a status itself;
//! errors raised by the framework (undecodable arguments, a body cut at the size limit)
//! never reach our code. This gives each `AppError` answer its own status, so a bad
//! request is a 4xx whichever path produced it, with the same headers (`Retry-After`) as
//! the REST answer for the same error.
use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;

use leptos::server_fn::error::FromServerFnError;

use crate::api::AppError;
use crate::server::error::add_error_headers;

const ERROR_BODY_LIMIT: usize = 16 * 1024;

pub async fn server_fn_error_status(request: Request, next: Next) -> Response {
    let is_server_fn = request.uri().path().starts_with("/api/fn/");
    let response = next.run(request).await;
    if !is_server_fn || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, ERROR_BODY_LIMIT).await else {
        parts.status = StatusCode::INTERNAL_SERVER_ERROR;
        return Response::from_parts(parts, Body::empty());
    };
    // Decoded with the error's own codec; a body that is not one of our errors decodes to
    // `Internal` (the framework's own failure), whose status is the 500 it already has.
    let error = AppError::de(bytes.clone());
    parts.status =
        StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    add_error_headers(&error, &mut parts.headers);
    Response::from_parts(parts, Body::from(bytes))
}
