//! The application under test: one router on a database of its own, and how a test sends
//! it requests.
use std::path::PathBuf;

use axum::http::Request;
use axum::Router;
use keyward::server::config::Config;
use keyward::server::state::AppState;
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use super::database::{backend, create_postgres_database, Backend};
use super::response::{json_request, request, send_to, TestResponse};
use super::{Body, Value};

/// With `KEYWARD_TEST_LOG=warn` (or any filter), the app's log goes to the test's output:
/// how to see why a test got a 500.
fn log_when_asked() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    if let Ok(filter) = std::env::var("KEYWARD_TEST_LOG") {
        ONCE.call_once(|| {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
                .with_test_writer()
                .try_init();
        });
    }
}

/// The application under test, with its own database.
pub struct TestApp {
    pub router: Router,
    pub db: DatabaseConnection,
    pub state: AppState,
    /// The database URL, to start a second instance on the same database.
    pub url: String,
    sqlite_file: Option<PathBuf>,
}

impl TestApp {
    pub async fn new() -> TestApp {
        TestApp::with_config(Config::default()).await
    }

    pub async fn with_config(mut config: Config) -> TestApp {
        log_when_asked();
        let (url, sqlite_file) = match backend() {
            Backend::Postgres => (create_postgres_database().await, None),
            Backend::Sqlite => {
                let path = std::env::temp_dir()
                    .join(format!("keyward_test_{}.db", Uuid::new_v4().simple()));
                (format!("sqlite://{}?mode=rwc", path.display()), Some(path))
            }
        };
        let db = keyward::server::db::connect(&url, 10)
            .await
            .unwrap_or_else(|err| panic!("cannot connect to and migrate {url}: {err}"));
        config.database_url = url.clone();
        let state = AppState::new(config, db.clone()).expect("app state");
        let router = keyward::site::router::router(state.clone());
        TestApp {
            router,
            db,
            state,
            url,
            sqlite_file,
        }
    }

    /// The app on a database of the test's own (a private cluster, a relay): nothing is
    /// created or dropped for it.
    pub async fn on_url(url: &str, mut config: Config) -> TestApp {
        log_when_asked();
        let db = keyward::server::db::connect(url, config.max_connections)
            .await
            .unwrap_or_else(|err| panic!("cannot connect to and migrate {url}: {err}"));
        config.database_url = url.to_owned();
        let state = AppState::new(config, db.clone()).expect("app state");
        state
            .verifier
            .connect()
            .await
            .expect("the key lookup connects");
        let router = keyward::site::router::router(state.clone());
        TestApp {
            router,
            db,
            state,
            url: url.to_owned(),
            sqlite_file: None,
        }
    }

    /// Another instance of the app on the same database, with its own pools and memory, as a
    /// second server process would have.
    pub async fn second_instance(&self, mut config: Config) -> (Router, AppState) {
        let db = keyward::server::db::connect(&self.url, 10)
            .await
            .expect("second instance's pool");
        config.database_url = self.url.clone();
        let state = AppState::new(config, db).expect("app state");
        (keyward::site::router::router(state.clone()), state)
    }

    pub async fn send(&self, request: Request<Body>) -> TestResponse {
        send_to(self.router.clone(), request).await
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> TestResponse {
        let headers: Vec<(&str, &str)> = cookie.map(|c| ("cookie", c)).into_iter().collect();
        self.send(request("GET", path, &headers, Body::empty()))
            .await
    }

    pub async fn post_json(&self, path: &str, body: &Value, cookie: Option<&str>) -> TestResponse {
        self.send(json_request("POST", path, body, cookie)).await
    }

    /// A POST with no body at all (regenerate, logout).
    pub async fn post_empty(&self, path: &str, cookie: Option<&str>) -> TestResponse {
        let headers: Vec<(&str, &str)> = cookie.map(|c| ("cookie", c)).into_iter().collect();
        self.send(request("POST", path, &headers, Body::empty()))
            .await
    }

    pub fn is_postgres(&self) -> bool {
        self.url.starts_with("postgres")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(path) = &self.sqlite_file {
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let mut file = path.clone().into_os_string();
                file.push(suffix);
                let _ = std::fs::remove_file(file);
            }
        }
    }
}
