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
}

/// Whether a database error means "the database is unreachable" (answer 503 and let the
/// pool reconnect) rather than a bug.
pub fn is_unavailable(err: &DbErr) -> bool {
    match err {
        DbErr::ConnectionAcquire(_) => true,
        DbErr::Conn(RuntimeErr::SqlxError(e))
        | DbErr::Exec(RuntimeErr::SqlxError(e))
        | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            use sea_orm::sqlx::Error as E;
            matches!(
                e.as_ref(),
                E::Io(_)
                    | E::PoolTimedOut
                    | E::PoolClosed
                    | E::Tls(_)
                    | E::Protocol(_)
                    | E::WorkerCrashed
            ) || is_admin_shutdown(e.as_ref())
        }
        DbErr::Conn(_) => true,
        _ => false,
    }
}

/// PostgreSQL answers in-flight queries with SQLSTATE 57P01 (admin_shutdown) or 57P03
/// (cannot_connect_now) while it stops or starts.
fn is_admin_shutdown(e: &sea_orm::sqlx::Error) -> bool {
    e.as_database_error()
        .and_then(|d| d.code())
        .is_some_and(|code| code.starts_with("57P") || code.starts_with("08"))
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
