//! Sends signed-out visitors of `/settings…` to the sign-in page with a real 303, before any
//! HTML is rendered. (The pages also check on the client, for navigation after hydration.)
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use crate::server::cookies;
use crate::server::state::AppState;

pub async fn require_session_for_settings(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    let protected = path == "/settings" || path.starts_with("/settings/");
    if protected {
        let signed_in = match cookies::user_from_headers(&state, request.headers()).await {
            Ok(user) => user.is_some(),
            Err(err) => return err.into_response(),
        };
        if !signed_in {
            let target = path.trim_end_matches('/');
            return Redirect::to(&format!("/login?callbackUrl={target}")).into_response();
        }
    }
    next.run(request).await
}
