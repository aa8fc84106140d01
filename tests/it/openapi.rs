//! The OpenAPI document cannot drift from the server, and the reference page.
use crate::common::*;
use axum::body::Body;
use axum::http::Request;
use axum::http::StatusCode;
use axum::Router;
use keyward::server::config::Config;
use keyward::server::state::AppState;
use serde_json::json;
use serde_json::Value;
use std::collections::BTreeMap;
use std::collections::BTreeSet;
use std::io::Write;
use std::process::Command;
use std::process::Stdio;

/// The document, its declared (method, path, status) triples, and what the test has seen.
struct Drift {
    doc: Value,
    schemas: boon::Schemas,
    compiler: boon::Compiler,
    declared: BTreeSet<(String, String, u16)>,
    answered: BTreeSet<(String, String, u16)>,
}

impl Drift {
    fn new(doc: Value) -> Drift {
        let mut declared = BTreeSet::new();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for (method, operation) in item.as_object().expect("path item") {
                for status in operation["responses"]
                    .as_object()
                    .expect("responses")
                    .keys()
                {
                    declared.insert((
                        method.clone(),
                        path.clone(),
                        status.parse().expect("numeric status"),
                    ));
                }
            }
        }
        // In the test only: an object schema allows no property it does not declare, so a
        // field the document forgot fails too.
        let mut strict = doc.clone();
        if let Some(schemas) = strict["components"]["schemas"].as_object_mut() {
            for schema in schemas.values_mut() {
                if schema.get("properties").is_some() {
                    schema["additionalProperties"] = json!(false);
                }
            }
        }
        let mut compiler = boon::Compiler::new();
        compiler.enable_format_assertions();
        compiler
            .add_resource(DOC_URL, strict)
            .expect("the document loads as a JSON resource");
        Drift {
            doc,
            schemas: boon::Schemas::new(),
            compiler,
            declared,
            answered: BTreeSet::new(),
        }
    }

    /// Records an answer to `method path` (the documented template), checking its status is
    /// declared and its body matches that status's schema.
    #[track_caller]
    fn check(&mut self, method: &str, path: &str, resp: &TestResponse) {
        let status = resp.status.as_u16();
        let response = &self.doc["paths"][path][method]["responses"][status.to_string()];
        assert!(
            response.is_object(),
            "{method} {path} answered {status}, which the document does not declare: {}",
            resp.text
        );
        let content = &response["content"];
        if content.is_null() {
            assert!(
                resp.text.is_empty(),
                "{method} {path} {status} has no documented body but sent {}",
                resp.text
            );
        } else if content["application/json"].get("schema").is_some() {
            let pointer = format!(
                "/paths/{}/{method}/responses/{status}/content/application~1json/schema",
                path.replace('~', "~0").replace('/', "~1")
            );
            let index = self
                .compiler
                .compile(&format!("{DOC_URL}#{pointer}"), &mut self.schemas)
                .unwrap_or_else(|err| panic!("schema of {method} {path} {status}: {err}"));
            assert_ne!(
                resp.json,
                Value::Null,
                "{method} {path} {status} is not JSON: {}",
                resp.text
            );
            if let Err(err) = self.schemas.validate(&resp.json, index) {
                panic!("{method} {path} {status}: the body does not match its schema: {err:#}\nbody: {}", resp.json);
            }
        }
        if content.get("application/json").is_some() {
            assert_ne!(
                resp.json,
                Value::Null,
                "{method} {path} {status} is not JSON: {}",
                resp.text
            );
        }
        self.answered
            .insert((method.to_owned(), path.to_owned(), status));
    }
}

fn json_post(path: &str, body: &Value, cookie: Option<&str>) -> Request<Body> {
    json_request("POST", path, body, cookie)
}

fn with_headers(method: &str, path: &str, headers: &[(&str, &str)], body: Body) -> Request<Body> {
    request(method, path, headers, body)
}

fn cross_site(method: &str, path: &str, cookie: &str) -> Request<Body> {
    request(
        method,
        path,
        &[
            ("cookie", cookie),
            ("origin", "https://evil.example"),
            ("host", "localhost:3000"),
            ("content-type", "application/json"),
        ],
        Body::from("{}"),
    )
}

/// The answers every JSON POST route documents before it reads the body: 403 from another
/// site, 413 over 64 KiB, 415 when the body is not JSON. The cookie is sent with the last so
/// that a signed-in route gets as far as reading the body.
async fn check_body_guards(drift: &mut Drift, app: &TestApp, path: &str, cookie: &str) {
    let send = |req| send_to(app.router.clone(), req);
    drift.check("post", path, &send(cross_site("POST", path, cookie)).await);
    drift.check("post", path, &send(oversized(path)).await);
    drift.check(
        "post",
        path,
        &send(with_headers(
            "POST",
            path,
            &[("content-type", "text/plain"), ("cookie", cookie)],
            Body::from("x"),
        ))
        .await,
    );
}

fn bearer(key: &str) -> String {
    format!("Bearer {key}")
}

/// An instance whose database is gone: the pool is closed and the key lookup's own
/// connections point nowhere, on either backend.
async fn outage_instance(app: &TestApp) -> Router {
    let db = keyward::server::db::connect(&app.url, 10)
        .await
        .expect("pool");
    db.clone().close().await.expect("close the pool");
    let url = if app.url.starts_with("postgres") {
        "postgres://postgres@127.0.0.1:1/gone".to_owned()
    } else {
        app.url.clone()
    };
    let config = Config {
        database_url: url,
        ..Config::default()
    };
    keyward::site::router::router(AppState::new(config, db).expect("app state"))
}

/// The PyPI validator, with the OpenAPI 3.1 meta-schema it ships (no network).
fn validate_with_openapi_spec_validator(document: &str) {
    let mut child = Command::new("python3")
        .args(["-m", "openapi_spec_validator", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs (scripts/bootstrap.sh --test installs openapi-spec-validator)");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(document.as_bytes())
        .expect("write the document");
    let output = child.wait_with_output().expect("validator finishes");
    assert!(
        output.status.success(),
        "openapi-spec-validator rejects the document:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

const DOC_URL: &str = "https://keyward.invalid/openapi.json";

fn oversized(path: &str) -> Request<Body> {
    let body = format!("{{\"pad\":\"{}\"}}", "x".repeat(70_000));
    let length = body.len().to_string();
    request(
        "POST",
        path,
        &[
            ("content-type", "application/json"),
            ("content-length", length.as_str()),
        ],
        Body::from(body),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_document_is_valid_and_matches_every_answer_the_server_gives() {
    let config = Config {
        sign_up_max_per_ip: 4,
        key_changes_per_hour: 3,
        ..Config::default()
    };
    let app = TestApp::with_config(config).await;

    // --- the document ----------------------------------------------------------------
    let served = app.get("/api/openapi.json", None).await;
    assert_eq!(served.status, StatusCode::OK);
    assert!(served.content_type().starts_with("application/json"));
    assert!(served
        .header("cache-control")
        .unwrap_or_default()
        .starts_with("public"));
    assert!(
        served.body.len() < 64 * 1024,
        "the document stays small: {} bytes",
        served.body.len()
    );
    let doc = served.json.clone();
    assert_eq!(doc["openapi"], "3.1.0");
    validate_with_openapi_spec_validator(&served.text);
    let schemes = doc["components"]["securitySchemes"]
        .as_object()
        .expect("security schemes");
    assert_eq!(schemes["session"]["in"], "cookie");
    assert_eq!(schemes["session"]["name"], "keyward_session");
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    assert_eq!(schemes["api_key"]["in"], "header");
    assert_eq!(schemes["api_key"]["name"], "X-API-Key");
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            for requirement in operation["security"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default()
            {
                for name in requirement.as_object().unwrap().keys() {
                    assert!(
                        schemes.contains_key(name),
                        "{method} {path} requires an undefined scheme {name}"
                    );
                }
            }
        }
    }
    let mut drift = Drift::new(doc.clone());
    let send = |req| send_to(app.router.clone(), req);

    // --- auth ------------------------------------------------------------------------
    const REGISTER: &str = "/api/auth/register";
    let creds = |email: &str, password: &str| json!({ "email": email, "password": password });
    let registered = send(json_post(
        REGISTER,
        &creds("owner@example.com", PASSWORD),
        None,
    ))
    .await;
    drift.check("post", REGISTER, &registered);
    let cookie = registered.session_cookie().expect("cookie");
    drift.check(
        "post",
        REGISTER,
        &send(json_post(REGISTER, &creds("no-at-sign", PASSWORD), None)).await,
    );
    drift.check(
        "post",
        REGISTER,
        &send(json_post(
            REGISTER,
            &creds("owner@example.com", PASSWORD),
            None,
        ))
        .await,
    );
    check_body_guards(&mut drift, &app, REGISTER, &cookie).await;
    let other = send(json_post(
        REGISTER,
        &creds("other@example.com", PASSWORD),
        None,
    ))
    .await;
    drift.check("post", REGISTER, &other);
    let other_cookie = other.session_cookie().expect("cookie");
    // The fourth registration from this address was the last one allowed.
    let mut limited = send(json_post(
        REGISTER,
        &creds("third@example.com", PASSWORD),
        None,
    ))
    .await;
    while limited.status == StatusCode::CREATED {
        drift.check("post", REGISTER, &limited);
        limited = send(json_post(
            REGISTER,
            &creds(
                &format!("n{}@example.com", uuid::Uuid::new_v4().simple()),
                PASSWORD,
            ),
            None,
        ))
        .await;
    }
    drift.check("post", REGISTER, &limited);

    const LOGIN: &str = "/api/auth/login";
    drift.check(
        "post",
        LOGIN,
        &send(json_post(
            LOGIN,
            &creds("owner@example.com", PASSWORD),
            None,
        ))
        .await,
    );
    drift.check(
        "post",
        LOGIN,
        &send(with_headers(
            "POST",
            LOGIN,
            &[("content-type", "application/json")],
            Body::from("{nope"),
        ))
        .await,
    );
    check_body_guards(&mut drift, &app, LOGIN, &cookie).await;
    for _ in 0..10 {
        drift.check(
            "post",
            LOGIN,
            &send(json_post(
                LOGIN,
                &creds("other@example.com", "wrong password!"),
                None,
            ))
            .await,
        );
    }
    drift.check(
        "post",
        LOGIN,
        &send(json_post(
            LOGIN,
            &creds("other@example.com", PASSWORD),
            None,
        ))
        .await,
    );

    const SESSION: &str = "/api/auth/session";
    drift.check(
        "get",
        SESSION,
        &send(request(
            "GET",
            SESSION,
            &[("cookie", cookie.as_str())],
            Body::empty(),
        ))
        .await,
    );
    drift.check(
        "get",
        SESSION,
        &send(request("GET", SESSION, &[], Body::empty())).await,
    );

    // --- api-keys --------------------------------------------------------------------
    const KEYS: &str = "/api/api-keys";
    const KEY: &str = "/api/api-keys/{id}";
    drift.check(
        "get",
        KEYS,
        &send(request(
            "GET",
            KEYS,
            &[("cookie", cookie.as_str())],
            Body::empty(),
        ))
        .await,
    );
    drift.check(
        "get",
        KEYS,
        &send(request("GET", KEYS, &[], Body::empty())).await,
    );
    drift.check(
        "get",
        KEYS,
        &send(request(
            "GET",
            &format!("{KEYS}?limit=0"),
            &[("cookie", cookie.as_str())],
            Body::empty(),
        ))
        .await,
    );
    let created = send(json_post(
        KEYS,
        &json!({ "name": "Documented", "expiresAt": null }),
        Some(&cookie),
    ))
    .await;
    drift.check("post", KEYS, &created);
    let expiring = send(json_post(
        KEYS,
        &json!({ "name": "Expiring", "expiresAt": (chrono::Utc::now() + chrono::Duration::days(30)).to_rfc3339() }),
        Some(&cookie),
    ))
    .await;
    drift.check("post", KEYS, &expiring);
    drift.check(
        "post",
        KEYS,
        &send(json_post(KEYS, &json!({ "name": "" }), Some(&cookie))).await,
    );
    drift.check(
        "post",
        KEYS,
        &send(json_post(KEYS, &json!({ "name": "x" }), None)).await,
    );
    check_body_guards(&mut drift, &app, KEYS, &cookie).await;
    let id = str_of(&created.json["id"]).to_owned();
    let key = str_of(&created.json["fullKey"]).to_owned();
    let this_key = format!("{KEYS}/{id}");

    // A use, so the detail has usage and a client to describe.
    assert_eq!(app.me(&key).await.status, StatusCode::OK);
    drift.check(
        "get",
        KEY,
        &send(request(
            "GET",
            &this_key,
            &[("cookie", cookie.as_str())],
            Body::empty(),
        ))
        .await,
    );
    drift.check(
        "get",
        KEY,
        &send(request("GET", &this_key, &[], Body::empty())).await,
    );
    drift.check(
        "get",
        KEY,
        &send(request(
            "GET",
            &this_key,
            &[("cookie", other_cookie.as_str())],
            Body::empty(),
        ))
        .await,
    );
    drift.check(
        "post",
        KEY,
        &send(cross_site("POST", &this_key, &cookie)).await,
    );
    drift.check(
        "post",
        KEY,
        &send(request("POST", &this_key, &[], Body::empty())).await,
    );
    drift.check(
        "post",
        KEY,
        &send(request(
            "POST",
            &format!("{KEYS}/not-an-id"),
            &[("cookie", cookie.as_str())],
            Body::empty(),
        ))
        .await,
    );
    for method in ["DELETE", "PUT", "PATCH"] {
        let lower = method.to_ascii_lowercase();
        drift.check(
            &lower,
            KEY,
            &send(request(
                method,
                &this_key,
                &[("cookie", cookie.as_str())],
                Body::empty(),
            ))
            .await,
        );
        drift.check(
            &lower,
            KEY,
            &send(cross_site(method, &this_key, &cookie)).await,
        );
    }

    // --- v1 (before the regenerate below replaces the key) -------------------------------
    for (path, ok) in [("/api/v1/me", "get"), ("/api/v1/authorize", "get")] {
        drift.check(
            ok,
            path,
            &send(request(
                "GET",
                path,
                &[("authorization", bearer(&key).as_str())],
                Body::empty(),
            ))
            .await,
        );
        drift.check(
            ok,
            path,
            &send(request(
                "GET",
                path,
                &[("x-api-key", key.as_str())],
                Body::empty(),
            ))
            .await,
        );
        drift.check(
            ok,
            path,
            &send(request("GET", path, &[], Body::empty())).await,
        );
        drift.check(
            ok,
            path,
            &send(request(
                "GET",
                path,
                &[("authorization", "Bearer pk_live_nope")],
                Body::empty(),
            ))
            .await,
        );
    }
    drift.check(
        "get",
        "/api/v1/authorize",
        &send(request(
            "GET",
            "/api/v1/authorize",
            &[
                ("authorization", bearer(&key).as_str()),
                ("x-keyward-user-id", "forged"),
            ],
            Body::empty(),
        ))
        .await,
    );

    let regenerated = send(request(
        "POST",
        &this_key,
        &[("cookie", cookie.as_str())],
        Body::empty(),
    ))
    .await;
    drift.check("post", KEY, &regenerated);
    drift.check(
        "post",
        KEY,
        &send(request(
            "POST",
            &this_key,
            &[("cookie", cookie.as_str())],
            Body::empty(),
        ))
        .await,
    );
    // Three key changes this hour (two creates, one regenerate) were the allowance.
    let over = send(json_post(
        KEYS,
        &json!({ "name": "One too many" }),
        Some(&cookie),
    ))
    .await;
    assert_eq!(over.status, StatusCode::TOO_MANY_REQUESTS, "{}", over.text);
    drift.check("post", KEYS, &over);
    let new_key_path = format!("{KEYS}/{}", str_of(&regenerated.json["id"]));
    drift.check(
        "post",
        KEY,
        &send(request(
            "POST",
            &new_key_path,
            &[("cookie", cookie.as_str())],
            Body::empty(),
        ))
        .await,
    );

    // --- operations ------------------------------------------------------------------
    drift.check(
        "get",
        "/healthz",
        &send(request("GET", "/healthz", &[], Body::empty())).await,
    );
    drift.check(
        "get",
        "/readyz",
        &send(request("GET", "/readyz", &[], Body::empty())).await,
    );
    drift.check("get", "/api/openapi.json", &served);

    // Signing out last: the session ends.
    const LOGOUT: &str = "/api/auth/logout";
    drift.check(
        "post",
        LOGOUT,
        &send(cross_site("POST", LOGOUT, &cookie)).await,
    );
    drift.check(
        "post",
        LOGOUT,
        &send(request(
            "POST",
            LOGOUT,
            &[("cookie", cookie.as_str())],
            Body::empty(),
        ))
        .await,
    );

    // --- the database gone: every operation that needs it says 503 ---------------------
    let down = outage_instance(&app).await;
    let fresh_key = str_of(&regenerated.json["fullKey"]).to_owned();
    let some_session = format!("keyward_session={}", "ab".repeat(32));
    let outage: Vec<(&str, &str, Request<Body>)> = vec![
        (
            "post",
            REGISTER,
            json_post(REGISTER, &creds("down@example.com", PASSWORD), None),
        ),
        (
            "post",
            LOGIN,
            json_post(LOGIN, &creds("down@example.com", PASSWORD), None),
        ),
        (
            "post",
            LOGOUT,
            request(
                "POST",
                LOGOUT,
                &[("cookie", some_session.as_str())],
                Body::empty(),
            ),
        ),
        (
            "get",
            SESSION,
            request(
                "GET",
                SESSION,
                &[("cookie", some_session.as_str())],
                Body::empty(),
            ),
        ),
        (
            "get",
            KEYS,
            request(
                "GET",
                KEYS,
                &[("cookie", some_session.as_str())],
                Body::empty(),
            ),
        ),
        (
            "post",
            KEYS,
            json_post(KEYS, &json!({ "name": "Down" }), Some(&some_session)),
        ),
        (
            "get",
            KEY,
            request(
                "GET",
                &this_key,
                &[("cookie", some_session.as_str())],
                Body::empty(),
            ),
        ),
        (
            "post",
            KEY,
            request(
                "POST",
                &this_key,
                &[("cookie", some_session.as_str())],
                Body::empty(),
            ),
        ),
        (
            "get",
            "/api/v1/me",
            request(
                "GET",
                "/api/v1/me",
                &[("authorization", bearer(&fresh_key).as_str())],
                Body::empty(),
            ),
        ),
        (
            "get",
            "/api/v1/authorize",
            request(
                "GET",
                "/api/v1/authorize",
                &[("authorization", bearer(&fresh_key).as_str())],
                Body::empty(),
            ),
        ),
        (
            "get",
            "/readyz",
            request("GET", "/readyz", &[], Body::empty()),
        ),
    ];
    for (method, path, req) in outage {
        let resp = send_to(down.clone(), req).await;
        assert_eq!(
            resp.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "{method} {path} without a database: {}",
            resp.text
        );
        assert!(
            resp.header("retry-after").is_some(),
            "{method} {path} 503 says when to retry"
        );
        drift.check(method, path, &resp);
    }

    // --- nothing declared went unanswered ----------------------------------------------
    let missing: Vec<_> = drift.declared.difference(&drift.answered).collect();
    assert!(
        missing.is_empty(),
        "documented but never answered: {missing:?}"
    );

    // --- and no method the document does not list is answered on its paths ------------
    let documented: BTreeMap<&str, Vec<&str>> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(path, item)| {
            (
                path.as_str(),
                item.as_object()
                    .unwrap()
                    .keys()
                    .map(String::as_str)
                    .collect(),
            )
        })
        .collect();
    for (path, methods) in documented {
        let concrete = path.replace("{id}", &id);
        for method in ["GET", "POST", "PUT", "PATCH", "DELETE"] {
            if methods.contains(&method.to_ascii_lowercase().as_str()) {
                continue;
            }
            let resp = send(request(
                method,
                &concrete,
                &[("cookie", cookie.as_str())],
                Body::empty(),
            ))
            .await;
            assert_eq!(
                resp.status,
                StatusCode::METHOD_NOT_ALLOWED,
                "undocumented {method} {path} answered {}",
                resp.status
            );
        }
    }
}

/// Routes are only added through `rest::api()` (documented by construction); the app's
/// other routes are the pages, the static files and the page fallback.
#[test]
fn no_route_bypasses_the_documented_list() {
    let rest = include_str!("../../src/server/rest/mod.rs");
    assert!(
        !rest.contains(".route("),
        "rest/mod.rs adds a route outside `routes!`"
    );
    let app = include_str!("../../src/site/router.rs");
    assert_eq!(
        app.matches(".route(").count(),
        app.matches(".route(\"/docs/api\"").count(),
        "router.rs adds a route outside rest::api() other than the /docs/api page"
    );
    assert_eq!(
        app.matches(".nest_service(").count(),
        1,
        "only /pkg is nested in router.rs"
    );
}

/// The text of `html` with the entities HTML writers use turned back into characters.
fn unescape(html: &str) -> String {
    html.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// `/docs/api`: every documented endpoint, for people, from the same document; no script.
#[tokio::test]
async fn the_reference_page_lists_every_endpoint_without_any_script() {
    let app = TestApp::new().await;
    let doc = app.get("/api/openapi.json", None).await.json;
    // A forged Host: the page is cached publicly, so nothing of the request may reach it.
    let page = app
        .send(request(
            "GET",
            "/docs/api",
            &[("host", "x'$(id)'")],
            Body::empty(),
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.text.contains("$(id)"),
        "the Host header reached the page"
    );
    assert!(page.content_type().starts_with("text/html"));
    let csp = page.header("content-security-policy").unwrap_or_default();
    assert!(
        csp.contains("default-src 'none'") && !csp.contains("script-src"),
        "{csp}"
    );
    assert!(
        !page.text.contains("<script"),
        "the reference page carries no script: {}",
        page.text
            .split("<script")
            .nth(1)
            .unwrap_or_default()
            .chars()
            .take(300)
            .collect::<String>()
    );
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let heading = format!("<code>{} {}</code>", method.to_uppercase(), path);
            assert!(
                page.text.contains(&heading),
                "{heading} is missing from /docs/api"
            );
        }
    }
    let text = unescape(&page.text);
    assert!(
        text.contains("curl -i \"$KEYWARD_URL/api/v1/me\""),
        "without a configured public URL, curl examples read it from a shell variable"
    );
    // A page of the app: its header, never cached publicly (the header shows who is signed
    // in), code that scrolls by keyboard, code spans written as code.
    assert!(
        page.text.contains("class=\"site-header\""),
        "the app's header"
    );
    assert_eq!(page.header("cache-control"), Some("no-store"));
    assert!(page.text.contains("<pre tabindex=\"0\""));
    assert!(
        !text.contains("`{\"error\""),
        "literal backticks are rendered as code"
    );
    assert!(page.text.contains("Authorization: Bearer pk_live_…"));
    assert!(page.text.contains("npx openapi-typescript"));

    // With `server.public_url`, the examples name it, whatever the request's Host says.
    let configured = TestApp::with_config(Config {
        public_url: Some("https://keys.example.com".into()),
        ..Config::default()
    })
    .await;
    let page = configured
        .send(request(
            "GET",
            "/docs/api",
            &[("host", "evil.example")],
            Body::empty(),
        ))
        .await;
    assert!(
        unescape(&page.text).contains("curl -i 'https://keys.example.com/api/v1/me'"),
        "curl examples use the configured address"
    );
    assert!(!page.text.contains("evil.example"));
}
