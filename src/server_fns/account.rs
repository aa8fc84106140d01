//! The Security page's content, loaded on the server for its render (not a server function:
//! the page never runs in the browser).
use crate::api::account::{SecurityEventPage, SessionList};
use crate::api::AppError;
use crate::server::cookies;
use crate::server::fn_context::{request_headers, state};
use crate::server::services::{security_log, sessions};

/// Everything the Security page shows.
pub struct SecurityOverview {
    pub sessions: SessionList,
    pub log: SecurityEventPage,
}

/// The signed-in account's sessions and a page of its log (`before`: a cursor from the page's
/// "Older entries" link).
pub async fn security_overview(before: Option<String>) -> Result<SecurityOverview, AppError> {
    let state = state();
    let current = cookies::session_from_headers(&state, &request_headers().await?)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let user_id = current.user.id;
    let sessions = sessions::list(&state.db, user_id, &current.session.token_hash).await?;
    let log = security_log::page(&state.db, user_id, before.as_deref()).await?;
    Ok(SecurityOverview { sessions, log })
}
