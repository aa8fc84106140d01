//! Assembles the HTTP application: REST routes, Leptos pages and server functions, static
//! files, and the middleware around them; and runs it with graceful shutdown.
use std::sync::OnceLock;
use std::time::Duration;

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

use super::docs_page;
use super::middleware::{
    body_limit, canonical_path, cross_site, headers, server_fn_status, settings_guard,
};
use super::rest;
use super::services::{login_throttle, sign_up_throttle};
use super::session;
use super::state::AppState;
use crate::app::{shell, App};

pub const BODY_LIMIT_BYTES: usize = 64 * 1024;

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
    let routes = page_routes();
    let context_state = state.clone();
    let fallback_state = state.clone();
    let options = state.leptos_options.clone();
    // The WASM, JS and CSS, sent as the `.br` files compressed once at build time
    // (scripts/build-release.sh) when the browser takes brotli.
    let pkg =
        ServeDir::new(std::path::Path::new(&state.config.site_root).join("pkg")).precompressed_br();
    Router::new()
        .merge(rest::routes())
        .route("/docs/api", axum::routing::get(docs_page::api_reference))
        .nest_service("/pkg", pkg)
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
        .with_state(state)
}

/// Background upkeep: flush key usage and purge expired sessions and throttle rows, until
/// `stop` fires. It stops between tasks, never inside one: aborting it mid-flush would drop
/// the batch that flush had taken out of memory.
pub fn spawn_maintenance(
    state: &AppState,
    mut stop: tokio::sync::oneshot::Receiver<()>,
) -> tokio::task::JoinHandle<()> {
    let state = state.clone();
    tokio::spawn(async move {
        let mut flush = tokio::time::interval(Duration::from_secs(
            state.config.last_used_flush_secs.max(1),
        ));
        let mut purge = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tokio::select! {
                _ = &mut stop => break,
                _ = flush.tick() => {
                    if let Err(err) = state.usage.flush(&state.db).await {
                        tracing::warn!(error = %err, "could not flush key usage; will retry");
                    }
                }
                _ = purge.tick() => {
                    if let Err(err) = session::purge_expired(&state.db).await {
                        tracing::warn!(error = %err, "could not purge expired sessions");
                    }
                    let limits = login_throttle::Limits::from_config(&state.config);
                    if let Err(err) = login_throttle::purge_expired(&state.db, limits).await {
                        tracing::warn!(error = %err, "could not purge old sign-in failures");
                    }
                    let limits = sign_up_throttle::SignUpLimits::from_config(&state.config);
                    if let Err(err) = sign_up_throttle::purge_expired(&state.db, limits).await {
                        tracing::warn!(error = %err, "could not purge old registration attempts");
                    }
                }
            }
        }
    })
}

/// Serves until SIGTERM or Ctrl-C, then drains requests and writes pending key usage.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    serve_until(listener, state, shutdown_signal()).await
}

/// Serves until `shutdown` completes; in-flight requests finish, then pending key usage
/// is written so none is lost.
pub async fn serve_until(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (stop_maintenance, stopped) = tokio::sync::oneshot::channel();
    let maintenance = spawn_maintenance(&state, stopped);
    let app = router(state.clone()).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let result = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    // Let a flush in progress finish (its batch is out of memory until it lands), then
    // write whatever is still pending.
    let _ = stop_maintenance.send(());
    if let Err(err) = maintenance.await {
        tracing::error!(error = %err, "the maintenance task failed");
    }
    match state.usage.flush(&state.db).await {
        Ok(n) => tracing::info!(written = n, "flushed key usage"),
        Err(err) => tracing::error!(
            error = %err,
            pending = state.usage.pending_len(),
            "could not flush key usage at shutdown"
        ),
    }
    result
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
