//! How an `AppError` becomes an HTTP response, and how database failures become `AppError`s.
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use sea_orm::{DbErr, RuntimeErr, SqlErr};

use crate::api::AppError;

/// Every JSON error answer: `{"error": "<message>"}`.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// What went wrong, in words a person can act on.
    #[schema(example = "Name is required")]
    pub error: String,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (
            status,
            Json(ErrorBody {
                error: self.to_string(),
            }),
        )
            .into_response();
        add_error_headers(&self, response.headers_mut());
        response
    }
}

/// The headers an error answer carries besides its status and body: `Retry-After` on every
/// 429 and 503, the Bearer challenge on key failures. REST answers and server functions (see
/// `middleware::server_fn_status`) both go through here.
pub fn add_error_headers(error: &AppError, headers: &mut HeaderMap) {
    if let Some(secs) = error.retry_after_secs() {
        headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    if error.is_api_key_challenge() {
        headers.insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"keyward\""),
        );
    }
    match error {
        // RFC 6750: the key is valid, but not for this.
        AppError::InsufficientScope(_) => {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"keyward\", error=\"insufficient_scope\""),
            );
        }
        AppError::RateLimited {
            retry_after_secs,
            limit,
            window_secs,
        } => add_rate_limit_fields(headers, *limit, *window_secs, 0, *retry_after_secs),
        _ => {}
    }
}

/// The IETF RateLimit fields (draft-ietf-httpapi-ratelimit-headers-11): the key's policy, and
/// where it stands in the current window.
pub fn add_rate_limit_fields(
    headers: &mut HeaderMap,
    limit: u32,
    window_secs: u32,
    remaining: u32,
    reset_secs: u64,
) {
    let policy = format!("\"key\";q={limit};w={window_secs}");
    let state = format!("\"key\";r={remaining};t={reset_secs}");
    for (name, value) in [("ratelimit-policy", policy), ("ratelimit", state)] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(axum::http::HeaderName::from_static(name), value);
        }
    }
}

/// Whether a database error means "the database cannot answer right now" (answer 503 with
/// `Retry-After`, and let the pool reconnect) rather than a bug in a query.
pub fn is_unavailable(err: &DbErr) -> bool {
    match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            use sea_orm::sqlx::Error as E;
            match e.as_ref() {
                E::Io(_)
                | E::PoolTimedOut
                | E::PoolClosed
                | E::Tls(_)
                | E::Protocol(_)
                | E::WorkerCrashed => true,
                other => other
                    .as_database_error()
                    .and_then(|d| d.code())
                    .is_some_and(|code| is_outage_sqlstate(&code) || is_sqlite_busy(&code)),
            }
        }
        _ => false,
    }
}

/// SQLSTATEs that mean "try again later" to the caller, whichever path met them:
/// - 08 connection exceptions;
/// - 28 invalid authorization (the role's password was changed, a `hostssl`-only role over
///   plain TCP);
/// - 3D000 the database does not exist (dropped, or not yet restored);
/// - 40 a transaction rolled back by a serialization failure or deadlock;
/// - 53 insufficient resources (too many clients, out of memory, disk full);
/// - 57 operator intervention (shutdown, restart, a query cancelled by an administrator);
/// - 58 system errors (I/O).
pub fn is_outage_sqlstate(code: &str) -> bool {
    ["08", "28", "40", "53", "57", "58"]
        .iter()
        .any(|class| code.starts_with(class))
        || code == "3D000"
}

/// SQLite's "database is busy/locked" result codes (primary and extended): another writer
/// holds the file longer than the busy timeout.
fn is_sqlite_busy(code: &str) -> bool {
    matches!(code, "5" | "6" | "261" | "262" | "517" | "773")
}

pub fn is_unique_violation(err: &DbErr) -> bool {
    matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

impl From<DbErr> for AppError {
    fn from(err: DbErr) -> Self {
        if is_unavailable(&err) {
            tracing::warn!(error = %err, "database unavailable");
            AppError::Unavailable
        } else {
            tracing::error!(error = %err, "database error");
            AppError::Internal
        }
    }
}
