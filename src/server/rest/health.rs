use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use sea_orm::ConnectionTrait;
use serde_json::{json, Value};

use crate::api::AppError;
use crate::server::state::AppState;

/// Liveness: the process is up and serving.
pub async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// Readiness: the database answers. 503 while it does not.
pub async fn readyz(State(state): State<AppState>) -> Result<(StatusCode, Json<Value>), AppError> {
    let ping = tokio::time::timeout(
        std::time::Duration::from_secs(3),
        state.db.execute_unprepared("SELECT 1"),
    )
    .await;
    match ping {
        Ok(Ok(_)) => Ok((StatusCode::OK, Json(json!({ "status": "ready" })))),
        _ => Err(AppError::Unavailable),
    }
}
