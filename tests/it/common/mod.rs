//! Shared harness for the HTTP integration tests.
//!
//! Every test gets its own fresh database (PostgreSQL by default, SQLite when
//! `KEYWARD_TEST_BACKEND=sqlite`), the complete router with all its middleware, and small
//! helpers to send requests and read the JSON answers. Each test binary uses a subset of
//! these helpers, hence the `dead_code` allowance.
#![allow(dead_code)]

pub mod cluster;
pub mod server_process;
pub mod wire;

pub use wire::{free_port, http, http_status, Relay};

// What nearly every test module names.
pub use axum::body::Body;
pub use axum::http::StatusCode;
pub use serde_json::{json, Value};

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use axum::http::{header, HeaderMap, Request};
use axum::Router;
use chrono::{DateTime, FixedOffset};
use http_body_util::BodyExt;
use keyward::server::config::Config;
use keyward::server::entities::{api_keys, sessions, users};
use keyward::server::state::AppState;
use sea_orm::{
    ColumnTrait, ConnectionTrait, Database, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter,
};
use tower::ServiceExt;
use uuid::Uuid;

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

enum Backend {
    Postgres,
    Sqlite,
}

fn backend() -> Backend {
    let value = std::env::var("KEYWARD_TEST_BACKEND").unwrap_or_default();
    match value.trim().to_ascii_lowercase().as_str() {
        "" | "postgres" | "postgresql" => Backend::Postgres,
        "sqlite" => Backend::Sqlite,
        other => panic!("KEYWARD_TEST_BACKEND must be `postgres` or `sqlite`, not {other:?}"),
    }
}

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| default.to_owned())
}

/// Creates a fresh, empty PostgreSQL database for one test and returns its URL.
pub async fn create_postgres_database() -> String {
    let base = env_or("KEYWARD_TEST_PG_URL", DEFAULT_PG_URL);
    let base = base.trim_end_matches('/').to_owned();
    let run = env_or("KEYWARD_TEST_RUN", "local");
    let mut name = format!("keyward_t_{run}_{}", Uuid::new_v4().simple());
    // PostgreSQL silently truncates identifiers to 63 bytes; do it ourselves so the URL
    // names the database that was actually created.
    name.truncate(63);

    let admin_url = format!("{base}/postgres");
    let admin = Database::connect(admin_url.as_str())
        .await
        .unwrap_or_else(|err| panic!("cannot connect to PostgreSQL at {admin_url}: {err}"));
    let sql = format!("CREATE DATABASE \"{name}\"");
    let mut attempt = 0;
    loop {
        attempt += 1;
        match admin.execute_unprepared(&sql).await {
            Ok(_) => break,
            // Concurrent CREATE DATABASE can briefly conflict on the template; retry.
            Err(err) if attempt < 5 => {
                eprintln!("CREATE DATABASE {name} failed (attempt {attempt}): {err}; retrying");
                tokio::time::sleep(Duration::from_millis(200 * attempt)).await;
            }
            Err(err) => panic!("cannot create test database {name}: {err}"),
        }
    }
    let _ = admin.close().await;
    format!("{base}/{name}")
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

    /// Registers `email` with [`PASSWORD`] and returns the `Cookie` header value
    /// (`keyward_session=<token>`) of the new session.
    pub async fn register(&self, email: &str) -> String {
        let resp = self
            .post_json(
                "/api/auth/register",
                &json!({ "email": email, "password": PASSWORD }),
                None,
            )
            .await;
        assert_eq!(
            resp.status,
            StatusCode::CREATED,
            "registering {email} failed: {}",
            resp.text
        );
        resp.session_cookie()
            .unwrap_or_else(|| panic!("registration set no session cookie: {:?}", resp.headers))
    }

    /// Signs in with [`PASSWORD`], asserts 200 and returns the new session's cookie.
    pub async fn login(&self, email: &str) -> String {
        let resp = self
            .post_json(
                "/api/auth/login",
                &json!({ "email": email, "password": PASSWORD }),
                None,
            )
            .await;
        assert_eq!(resp.status, StatusCode::OK, "login failed: {}", resp.text);
        resp.session_cookie()
            .unwrap_or_else(|| panic!("login set no session cookie: {:?}", resp.headers))
    }

    /// Creates a key, asserts 200 and returns the JSON answer (with `fullKey`).
    pub async fn create_key(&self, cookie: &str, name: &str) -> Value {
        let resp = self
            .post_json("/api/api-keys", &json!({ "name": name }), Some(cookie))
            .await;
        assert_eq!(
            resp.status,
            StatusCode::OK,
            "creating key {name:?} failed: {}",
            resp.text
        );
        resp.json
    }

    pub async fn regenerate(&self, cookie: Option<&str>, id: &str) -> TestResponse {
        self.post_empty(&format!("/api/api-keys/{id}"), cookie)
            .await
    }

    /// `GET /api/api-keys`, asserting 200; returns the `keys` array.
    pub async fn list_keys(&self, cookie: &str) -> Vec<Value> {
        let resp = self.get("/api/api-keys", Some(cookie)).await;
        assert_eq!(
            resp.status,
            StatusCode::OK,
            "listing keys failed: {}",
            resp.text
        );
        resp.json["keys"]
            .as_array()
            .unwrap_or_else(|| panic!("no `keys` array in {}", resp.text))
            .clone()
    }

    /// `GET /api/v1/me` with `Authorization: Bearer <key>`.
    pub async fn me(&self, key: &str) -> TestResponse {
        let bearer = format!("Bearer {key}");
        self.send(request(
            "GET",
            "/api/v1/me",
            &[("authorization", bearer.as_str())],
            Body::empty(),
        ))
        .await
    }

    pub async fn user_by_email(&self, email: &str) -> users::Model {
        users::Entity::find()
            .filter(users::Column::Email.eq(email))
            .one(&self.db)
            .await
            .expect("query users")
            .unwrap_or_else(|| panic!("no user row with email {email:?}"))
    }

    pub async fn user_id(&self, email: &str) -> Uuid {
        self.user_by_email(email).await.id
    }

    pub async fn count_users(&self) -> u64 {
        users::Entity::find()
            .count(&self.db)
            .await
            .expect("count users")
    }

    pub async fn sessions_of(&self, user_id: Uuid) -> Vec<sessions::Model> {
        sessions::Entity::find()
            .filter(sessions::Column::UserId.eq(user_id))
            .all(&self.db)
            .await
            .expect("query sessions")
    }

    pub async fn key_row(&self, id: &str) -> api_keys::Model {
        let id = Uuid::parse_str(id).unwrap_or_else(|err| panic!("{id:?} is not a uuid: {err}"));
        api_keys::Entity::find_by_id(id)
            .one(&self.db)
            .await
            .expect("query api_keys")
            .unwrap_or_else(|| panic!("no api_keys row with id {id}"))
    }

    /// Every row (live or replaced) of `user_id`'s keys.
    pub async fn key_rows_of(&self, user_id: Uuid) -> Vec<api_keys::Model> {
        api_keys::Entity::find()
            .filter(api_keys::Column::UserId.eq(user_id))
            .all(&self.db)
            .await
            .expect("query api_keys")
    }

    pub async fn all_key_rows(&self) -> Vec<api_keys::Model> {
        api_keys::Entity::find()
            .all(&self.db)
            .await
            .expect("query api_keys")
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

/// What came back from the router, body already read.
#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    /// The body parsed as JSON, or `Null` when it is empty or not JSON.
    pub json: Value,
    pub text: String,
    /// The body as sent (server functions answer in a binary codec).
    pub body: axum::body::Bytes,
}

impl TestResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The whole `Set-Cookie` header that sets `keyward_session`, if any.
    pub fn session_set_cookie(&self) -> Option<&str> {
        let prefix = format!("{SESSION_COOKIE}=");
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with(&prefix))
    }

    /// `keyward_session=<token>`, ready for a `Cookie` header.
    pub fn session_cookie(&self) -> Option<String> {
        self.session_set_cookie()
            .map(|c| c.split(';').next().unwrap_or_default().trim().to_owned())
    }

    pub fn content_type(&self) -> &str {
        self.header("content-type").unwrap_or_default()
    }
}

/// Sends one request through a router clone; usable from spawned tasks.
pub async fn send_to(router: Router, request: Request<Body>) -> TestResponse {
    let response = router
        .oneshot(request)
        .await
        .unwrap_or_else(|never| match never {});
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("read the response body")
        .to_bytes();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let json = serde_json::from_slice::<Value>(&bytes).unwrap_or(Value::Null);
    TestResponse {
        status,
        headers,
        json,
        text,
        body: bytes,
    }
}

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

impl TestApp {
    pub fn is_postgres(&self) -> bool {
        self.url.starts_with("postgres")
    }
}

/// The peer address every in-process request comes from, as a real server would record it.
pub const TEST_PEER: ([u8; 4], u16) = ([127, 0, 0, 1], 40_000);

pub fn request(method: &str, path: &str, headers: &[(&str, &str)], body: Body) -> Request<Body> {
    let mut builder = Request::builder().method(method).uri(path);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder
        .extension(axum::extract::ConnectInfo(SocketAddr::from(TEST_PEER)))
        .body(body)
        .expect("a valid request")
}

/// A request with a JSON body and `Content-Type: application/json`.
pub fn json_request(method: &str, path: &str, body: &Value, cookie: Option<&str>) -> Request<Body> {
    let mut headers = vec![("content-type", "application/json")];
    if let Some(cookie) = cookie {
        headers.push(("cookie", cookie));
    }
    request(method, path, &headers, Body::from(body.to_string()))
}

/// Asserts the exact error answer `{"error": message}` with `status`.
#[track_caller]
pub fn assert_error(resp: &TestResponse, status: StatusCode, message: &str) {
    assert_eq!(
        resp.status, status,
        "unexpected status; body: {}",
        resp.text
    );
    assert_eq!(
        resp.json,
        json!({ "error": message }),
        "unexpected error body: {}",
        resp.text
    );
}

/// Asserts `status` and an `{"error": "<some message>"}` body with a non-empty message.
#[track_caller]
pub fn assert_error_status(resp: &TestResponse, status: StatusCode) {
    assert_eq!(
        resp.status, status,
        "unexpected status; body: {}",
        resp.text
    );
    let object = resp
        .json
        .as_object()
        .unwrap_or_else(|| panic!("error body is not a JSON object: {:?}", resp.text));
    assert_eq!(
        object.len(),
        1,
        "error body has extra fields: {}",
        resp.text
    );
    let message = object
        .get("error")
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("error body has no string `error`: {}", resp.text));
    assert!(
        !message.trim().is_empty(),
        "empty error message: {}",
        resp.text
    );
}

/// Asserts that `value` is a JSON object with exactly these field names.
#[track_caller]
pub fn assert_fields(value: &Value, expected: &[&str]) {
    let object = value
        .as_object()
        .unwrap_or_else(|| panic!("not a JSON object: {value}"));
    let mut actual: Vec<&str> = object.keys().map(String::as_str).collect();
    actual.sort_unstable();
    let mut expected = expected.to_vec();
    expected.sort_unstable();
    assert_eq!(actual, expected, "unexpected fields in {value}");
}

/// The string at `value`, which must be a JSON string.
#[track_caller]
pub fn str_of(value: &Value) -> &str {
    value
        .as_str()
        .unwrap_or_else(|| panic!("expected a JSON string, got {value}"))
}

/// Parses a JSON string holding a UUID.
#[track_caller]
pub fn uuid_of(value: &Value) -> Uuid {
    let text = str_of(value);
    Uuid::parse_str(text).unwrap_or_else(|err| panic!("{text:?} is not a UUID: {err}"))
}

/// Parses a JSON string holding an RFC 3339 timestamp.
#[track_caller]
pub fn rfc3339_of(value: &Value) -> DateTime<FixedOffset> {
    let text = str_of(value);
    DateTime::parse_from_rfc3339(text)
        .unwrap_or_else(|err| panic!("{text:?} is not an RFC 3339 timestamp: {err}"))
}

/// `pk_live_` followed by exactly 38 base62 characters.
#[track_caller]
pub fn assert_key_format(key: &str) {
    let rest = key
        .strip_prefix("pk_live_")
        .unwrap_or_else(|| panic!("key {key:?} does not start with pk_live_"));
    assert_eq!(rest.len(), 38, "key {key:?} has the wrong length");
    assert!(
        rest.bytes().all(|b| b.is_ascii_alphanumeric()),
        "key {key:?} has non-base62 characters"
    );
}

pub fn is_lower_hex_64(text: &str) -> bool {
    text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The token part of a `name=value` cookie.
pub fn cookie_value(cookie: &str) -> &str {
    cookie.split_once('=').map_or("", |(_, value)| value)
}

/// The attributes of a `Set-Cookie` header after `name=value`, lower-cased and trimmed
/// (`httponly`, `samesite=lax`, `path=/`, `max-age=0`, ...).
pub fn cookie_attributes(set_cookie: &str) -> Vec<String> {
    set_cookie
        .split(';')
        .skip(1)
        .map(|a| a.trim().to_ascii_lowercase())
        .filter(|a| !a.is_empty())
        .collect()
}

/// The `name` of each key in a list answer, in order.
pub fn names(keys: &[Value]) -> Vec<String> {
    keys.iter().map(|k| str_of(&k["name"]).to_owned()).collect()
}

/// `key` with the character at `index` replaced by a different base62 character.
pub fn flip_char(key: &str, index: usize) -> String {
    let mut bytes = key.as_bytes().to_vec();
    bytes[index] = if bytes[index] == b'a' { b'b' } else { b'a' };
    String::from_utf8(bytes).expect("keys are ASCII")
}
