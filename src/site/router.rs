//! Assembles the HTTP application: REST routes, Leptos pages and server functions, static
//! files, and the middleware around them. (`lifecycle` runs it.)
use std::sync::OnceLock;

use axum::extract::{DefaultBodyLimit, Request};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::Router;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::ServeDir;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use super::scriptless::without_scripts;
use crate::app::{reference_shell, shell, App};
use crate::server::middleware::body_limit::{self, BODY_LIMIT_BYTES};
use crate::server::middleware::{
    canonical_path, cross_site, headers, key_versions, request_id, server_fn_status, settings_guard,
};
use crate::server::rest;
use crate::server::state::AppState;

/// Pages rendered on the server only, with `reference_shell` (no script): they read, and their
/// forms post, without the WASM, which they never load.
const SERVER_ONLY_PAGES: [&str; 4] = [
    "/docs/api",
    "/settings/security",
    "/forgot-password",
    "/reset-password",
];

/// The app's page routes, found once per process by rendering `App` with resource loading
/// suppressed. That suppression is a process-wide flag in leptos: two routers built at the
/// same moment (parallel tests, several instances in one process) could clear it under each
/// other, and a resource would then run with no request context. Once is also enough.
fn page_routes() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The complete router, ready to serve or to drive in tests with `oneshot`.
pub fn router(state: AppState) -> Router {
    // `/docs/api` and `/settings/security` are pages of the app rendered with a shell of their
    // own (no script), so they are routed apart from the others.
    let (reference_route, routes): (Vec<_>, Vec<_>) = page_routes()
        .into_iter()
        .partition(|route| SERVER_ONLY_PAGES.contains(&route.path()));
    let reference = {
        let state = state.clone();
        let options = state.leptos_options.clone();
        let render = leptos_axum::render_route_with_context::<AppState, _>(
            reference_route,
            move || provide_context(state.clone()),
            move || reference_shell(options.clone()),
        );
        move |app_state: axum::extract::State<AppState>, request: Request| {
            let render = render.clone();
            async move { without_scripts(render(app_state, request).await).await }
        }
    };
    let context_state = state.clone();
    let fallback_state = state.clone();
    let options = state.leptos_options.clone();
    // The WASM, JS and CSS, sent as the `.br` files compressed once at build time
    // (scripts/build-release.sh) when the browser takes brotli.
    let pkg =
        ServeDir::new(std::path::Path::new(&state.config.site_root).join("pkg")).precompressed_br();
    let mut app = Router::new()
        .merge(rest::routes())
        .merge(super::forms::routes());
    for page in SERVER_ONLY_PAGES {
        app = app.route(page, axum::routing::get(reference.clone()));
    }
    app.nest_service("/pkg", pkg)
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(context_state.clone()),
            move || shell(options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(
            move || provide_context(fallback_state.clone()),
            shell,
        ))
        .layer(from_fn_with_state(state.clone(), key_versions::follow_regenerated_keys))
        .layer(from_fn_with_state(state.clone(), settings_guard::require_session_for_settings))
        .layer(from_fn(canonical_path::redirect_to_canonical_path))
        .layer(from_fn(server_fn_status::server_fn_error_status))
        .layer(from_fn_with_state(state.clone(), cross_site::refuse_cross_site))
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        .layer(from_fn(body_limit::reject_oversized_bodies))
        .layer(from_fn(headers::security_headers))
        // Only bodies worth it: compressing a 100-byte JSON answer costs more CPU (brotli
        // allocates and clears large tables) than it saves on the wire.
        .layer(CompressionLayer::new().compress_when(
            SizeAbove::new(1024)
                .and(NotForContentType::GRPC)
                .and(NotForContentType::IMAGES)
                .and(NotForContentType::SSE),
        ))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            // Method, path (no query string), status, latency and request id; never headers,
            // so no cookie, key or Authorization value reaches the log.
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request| {
                    let id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
                    tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id = %id)
                })
                .on_request(())
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(from_fn(request_id::drop_unsafe_request_id))
        .with_state(state)
}
