//! Server entry point: logging, a tuned tokio runtime (worker count, 8 MiB stacks) on mimalloc,
//! then configuration, database, key verifier and listener, each failing with one clear line.
use std::process::ExitCode;

use keyward::server::services::{passwords, verification::Verifier};
use keyward::server::{config::Config, db, state::AppState};
use keyward::site::lifecycle;
use tracing_subscriber::EnvFilter;

// glibc malloc showed up as ~12% of the key-verification profile; mimalloc halves that.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    // KEYWARD_WORKER_THREADS overrides tokio's default of one worker per core, for machines
    // where the database or a proxy shares the cores.
    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    if let Some(threads) = std::env::var("KEYWARD_WORKER_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        runtime.worker_threads(threads);
    }
    // Rendering the deepest pages (a key's page, with its record) in a debug build (the
    // development loop) needs more stack than tokio's 2 MiB; 8 MiB is what a main thread gets.
    runtime.thread_stack_size(8 * 1024 * 1024);
    let runtime = match runtime.enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            tracing::error!("cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!("{message}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let config = Config::load().map_err(|e| format!("configuration: {e}"))?;
    // Test only: an instance whose clock is off, to show that limits do not depend on it.
    if let Some(secs) = std::env::var("KEYWARD_TEST_CLOCK_OFFSET_SECS")
        .ok()
        .and_then(|v| v.parse::<i64>().ok())
    {
        tracing::warn!(secs, "this instance's clock is shifted for a test");
        keyward::server::time::set_test_clock_offset(secs);
    }
    let backend = db::DatabaseKind::of(&config.database_url).name();
    // A setting the key lookup cannot honour as the pool does is named before anything
    // connects (the pool's own error for a missing certificate file names no file).
    Verifier::check_settings(&config).map_err(|e| format!("DATABASE_URL: {e}"))?;
    let db = db::connect(&config.database_url, config.max_connections)
        .await
        .map_err(|e| format!("cannot open the {backend} database: {e}"))?;
    tokio::task::spawn_blocking(passwords::warm_up)
        .await
        .map_err(|e| e.to_string())?;
    let listener = tokio::net::TcpListener::bind(config.site_addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.site_addr))?;
    let addr = config.site_addr;
    let state = AppState::new(config, db).map_err(|e| format!("key lookups: {e}"))?;
    state
        .verifier
        .connect()
        .await
        .map_err(|e| format!("key lookups cannot connect to the {backend} database: {e}"))?;
    tracing::info!(%addr, database = %backend, "Keyward listening on http://{addr}");
    lifecycle::serve(listener, state)
        .await
        .map_err(|e| e.to_string())
}
