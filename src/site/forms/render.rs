//! A posted form's answer: the page it came from, rendered by the server with the outcome in
//! context, in the scriptless document `/docs/api` uses (nothing to hydrate: the answer is
//! whole, and it never loads the WASM), never stored by a cache.
use axum::body::Body;
use axum::extract::Request;
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use leptos::prelude::provide_context;

use crate::api::forms::PageOrigin;
use crate::app::reference_shell;
use crate::server::forwarded::own_scheme;
use crate::server::state::AppState;
use crate::site::scriptless::without_scripts;

/// Renders the app's page at `page_path` (a route of `app`) for `request`'s user, with
/// `outcome` in context for the page to read, answering `status`.
pub async fn page_with_outcome<Outcome: Clone + Send + Sync + 'static>(
    state: &AppState,
    request: &Parts,
    page_path: &str,
    outcome: Outcome,
    status: StatusCode,
) -> Response {
    let origin = PageOrigin(origin_of(state, request));
    let context_state = state.clone();
    let options = state.leptos_options.clone();
    // Rendered whole before anything is sent, as these pages' routes are (`SsrMode::Async`).
    let render = leptos_axum::render_app_async_stream_with_context(
        move || {
            provide_context(context_state.clone());
            provide_context(outcome.clone());
            provide_context(origin.clone());
        },
        move || reference_shell(options.clone()),
    );
    // The page is rendered as if asked for with GET: the same headers (the session cookie),
    // the page's path, no body.
    let mut page = Request::builder()
        .method("GET")
        .uri(page_path)
        .body(Body::empty())
        .expect("a GET request for a page path");
    *page.headers_mut() = request.headers.clone();
    page.headers_mut().remove(header::CONTENT_LENGTH);
    page.headers_mut().remove(header::CONTENT_TYPE);
    *page.extensions_mut() = request.extensions.clone();
    let mut response = without_scripts(render(page).await).await;
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Where the answer is served from, for the examples it shows: the configured public URL,
/// else the scheme and `Host` of this request (the answer is private and never cached, so the
/// requester's own `Host` can only mislead the requester).
fn origin_of(state: &AppState, request: &Parts) -> String {
    if let Some(base) = state.config.public_base() {
        return base.to_owned();
    }
    let scheme = own_scheme(&state.config, &request.headers, &request.extensions);
    let host = request
        .headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    format!("{scheme}://{host}")
}
