//! `/healthz` and `/readyz` for load balancers and orchestrators: liveness never touches the
//! database; readiness is 503 unless the database answers within 3 seconds.
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use sea_orm::ConnectionTrait;
use serde::Serialize;

use crate::api::AppError;
use crate::server::error::ErrorBody;
use crate::server::state::AppState;

/// `{"status": "ok"}` or `{"status": "ready"}`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    status: &'static str,
}

/// Liveness: the process is up and serving.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "operations",
    responses((status = 200, description = "The process is up", body = Health)),
    security(()),
)]
pub async fn healthz() -> Json<Health> {
    Json(Health { status: "ok" })
}

/// Readiness: the database answers.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "operations",
    responses(
        (status = 200, description = "The database answers", body = Health),
        (status = 503, description = "The database does not answer", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait before trying again"))),
    ),
    security(()),
)]
pub async fn readyz(State(state): State<AppState>) -> Result<(StatusCode, Json<Health>), AppError> {
    let ping = tokio::time::timeout(
        std::time::Duration::from_secs(3),
        state.db.execute_unprepared("SELECT 1"),
    )
    .await;
    match ping {
        Ok(Ok(_)) => Ok((StatusCode::OK, Json(Health { status: "ready" }))),
        _ => Err(AppError::Unavailable),
    }
}
