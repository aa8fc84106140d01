//! Shared harness for the HTTP integration tests.
//!
//! Every test gets its own fresh database (PostgreSQL by default, SQLite when
//! `KEYWARD_TEST_BACKEND=sqlite`), the complete router with all its middleware, and small
//! helpers to send requests and read the JSON answers. Each test binary uses a subset of
//! these helpers, hence the `dead_code` allowance.
#![allow(dead_code)]

pub mod app;
pub mod assertions;
pub mod cluster;
pub mod database;
pub mod flows;
pub mod response;
pub mod rows;
pub mod server_process;
pub mod smtp;
pub mod wire;

pub use app::TestApp;
pub use assertions::*;
pub use database::create_postgres_database;
pub use response::*;
pub use wire::{free_port, http, http_status, HttpAnswer, Relay};

// What nearly every test module names.
pub use axum::body::Body;
pub use axum::http::StatusCode;
pub use serde_json::{json, Value};

pub const REGISTER: &str = "/api/auth/register";
pub const LOGIN: &str = "/api/auth/login";
pub const LOGOUT: &str = "/api/auth/logout";
pub const SESSION: &str = "/api/auth/session";
pub const KEYS: &str = "/api/api-keys";

/// The password every helper-registered account uses.
pub const PASSWORD: &str = "correct horse battery staple";
pub const SESSION_COOKIE: &str = "keyward_session";
pub const DEFAULT_PG_URL: &str = "postgres://postgres@127.0.0.1:5432";

pub const UNAUTHORIZED: &str = "Unauthorized";
pub const KEY_NOT_FOUND: &str = "API key not found";
pub const DUPLICATE_NAME: &str = "An API key with this name already exists";
pub const NAME_REQUIRED: &str = "Name is required";
pub const NAME_TOO_LONG: &str = "Name must be at most 100 characters";
pub const NAME_NOT_STRING: &str = "Name must be a string";
pub const MISSING_API_KEY: &str = "Missing API key";
pub const INVALID_API_KEY: &str = "Invalid API key";
pub const INVALID_CREDENTIALS: &str = "Invalid email or password";

/// Says in the test output that `test` did not run on this backend, and why. Written to the
/// process's stderr directly, which the test harness does not capture: a skipped test never
/// passes silently.
pub fn skip(test: &str, reason: &str) {
    use std::io::Write;
    let backend = std::env::var("KEYWARD_TEST_BACKEND").unwrap_or_else(|_| "postgres".into());
    let _ = writeln!(std::io::stderr(), "SKIPPED {test} on {backend}: {reason}");
}

/// Held by the tests that load the whole machine (several instances under load, thousands of
/// trials), so they do not run at the same time as each other: on two cores, two of them
/// together measure the machine, not the rule.
pub async fn heavy_test() -> tokio::sync::MutexGuard<'static, ()> {
    static HEAVY: std::sync::LazyLock<tokio::sync::Mutex<()>> =
        std::sync::LazyLock::new(|| tokio::sync::Mutex::new(()));
    HEAVY.lock().await
}

/// Whether this run is the PostgreSQL pass. Tests that bring a PostgreSQL server of their own
/// run in that pass only; in the SQLite pass they say so (`skip`).
pub fn postgres_pass(test: &str) -> bool {
    let postgres = !matches!(
        std::env::var("KEYWARD_TEST_BACKEND").as_deref(),
        Ok("sqlite")
    );
    if !postgres {
        skip(
            test,
            "it brings its own PostgreSQL server and runs in the PostgreSQL pass",
        );
    }
    postgres
}
