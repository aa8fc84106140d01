//! A key keeps its identity through regenerate: a page about a replaced version (a bookmark,
//! a link in an old message) redirects people to the key's current version. The JSON API
//! keeps answering 404 for a replaced id, as documented.
use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use uuid::Uuid;

use crate::server::cookies;
use crate::server::services::api_keys;
use crate::server::state::AppState;

/// `/settings/api-keys/<id>` or `/settings/api-keys/<id>/regenerate`: the id and the rest.
fn key_page(path: &str) -> Option<(Uuid, &str)> {
    let rest = path.strip_prefix("/settings/api-keys/")?;
    let (id, tail) = rest.split_once('/').unwrap_or((rest, ""));
    let tail = tail.trim_end_matches('/');
    if !tail.is_empty() && tail != "regenerate" {
        return None;
    }
    Uuid::parse_str(id).ok().map(|id| (id, tail))
}

pub async fn follow_regenerated_keys(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD) {
        if let Some((id, tail)) = key_page(request.uri().path()) {
            let user = match cookies::user_from_headers(&state, request.headers()).await {
                Ok(user) => user,
                Err(err) => return err.into_response(),
            };
            if let Some(user) = user {
                match api_keys::current_version(&state.db, user.id, id).await {
                    Ok(Some(current)) if current != id => {
                        let suffix = if tail.is_empty() {
                            String::new()
                        } else {
                            format!("/{tail}")
                        };
                        return Redirect::to(&format!("/settings/api-keys/{current}{suffix}"))
                            .into_response();
                    }
                    Ok(_) => {}
                    Err(err) => return err.into_response(),
                }
            }
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::key_page;

    #[test]
    fn only_key_pages_are_followed() {
        let id = "0196a0e0-0000-7000-8000-000000000000";
        assert!(key_page(&format!("/settings/api-keys/{id}")).is_some());
        assert_eq!(
            key_page(&format!("/settings/api-keys/{id}/regenerate")).map(|(_, t)| t),
            Some("regenerate")
        );
        assert!(key_page(&format!("/settings/api-keys/{id}/restrictions")).is_none());
        assert!(key_page("/settings/api-keys/new").is_none());
        assert!(key_page("/settings/api-keys").is_none());
    }
}
