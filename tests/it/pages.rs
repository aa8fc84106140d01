//! Pages and server functions: the settings guard, statuses, headers, static files.
use crate::common::*;
use axum::body::Body;
use axum::http::Request;
use axum::http::StatusCode;
use keyward::server::config::Config;

/// A POST with an arbitrary body and content type.
fn raw_post(path: &str, content_type: &str, body: String) -> Request<Body> {
    crate::common::request(
        "POST",
        path,
        &[("content-type", content_type)],
        Body::from(body),
    )
}

#[tokio::test]
async fn odd_spellings_of_settings_paths_cannot_skip_the_guard() {
    let app = TestApp::new().await;
    for path in [
        "/./settings/api-keys",
        "//settings/api-keys",
        "/x/../settings/api-keys",
        "/%73ettings/api-keys",
        "/settings/./api-keys",
    ] {
        let resp = app.get(path, None).await;
        assert_eq!(
            resp.status,
            StatusCode::PERMANENT_REDIRECT,
            "GET {path}: {}",
            resp.text
        );
        assert_eq!(
            resp.header("location"),
            Some("/settings/api-keys"),
            "GET {path}"
        );
        let followed = app.get("/settings/api-keys", None).await;
        assert_eq!(followed.status, StatusCode::SEE_OTHER);
    }
    let query = app.get("/./login?callbackUrl=/settings", None).await;
    assert_eq!(
        query.header("location"),
        Some("/login?callbackUrl=/settings")
    );
}

#[tokio::test]
async fn settings_pages_redirect_signed_out_visitors() {
    let app = TestApp::new().await;
    for (path, target) in [
        ("/settings", "/login?callbackUrl=/settings"),
        (
            "/settings/api-keys",
            "/login?callbackUrl=/settings/api-keys",
        ),
    ] {
        for cookie in [None, Some("keyward_session=garbage")] {
            let resp = app.get(path, cookie).await;
            assert_eq!(
                resp.status,
                StatusCode::SEE_OTHER,
                "GET {path} with cookie {cookie:?}: {}",
                resp.text
            );
            assert_eq!(resp.header("location"), Some(target), "GET {path}");
        }
    }
}

#[tokio::test]
async fn settings_pages_render_for_a_signed_in_user() {
    let app = TestApp::new().await;
    let cookie = app.register("judy@example.com").await;
    for path in ["/settings", "/settings/api-keys"] {
        let resp = app.get(path, Some(cookie.as_str())).await;
        assert_eq!(resp.status, StatusCode::OK, "GET {path}: {}", resp.text);
        assert!(
            resp.content_type().starts_with("text/html"),
            "GET {path} answered {:?}",
            resp.content_type()
        );
        assert!(
            resp.text.contains("<html"),
            "GET {path} is not an HTML page"
        );
    }
}

#[tokio::test]
async fn public_pages_and_unknown_paths() {
    let app = TestApp::new().await;
    let login = app.get("/login", None).await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.text);
    assert!(
        login.content_type().starts_with("text/html"),
        "GET /login answered {:?}",
        login.content_type()
    );
    assert!(login.text.contains("<html"));

    let missing = app.get("/no-such-page", None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND, "{}", missing.text);
}

/// The UI's server functions share the REST rules: a form-encoded sign-in works and sets
/// the cookie, a wrong password is a 401 with the same message, an oversized body is
/// refused, and a cross-site post is refused before any work.
#[tokio::test]
async fn server_functions_follow_the_same_rules() {
    let app = TestApp::new().await;
    app.register("fn@example.com").await;
    let form = |password: &str| {
        format!(
            "email=fn%40example.com&password={}",
            password.replace(' ', "+")
        )
    };

    let ok = app
        .send(raw_post(
            "/api/fn/login",
            "application/x-www-form-urlencoded",
            form(PASSWORD),
        ))
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    assert!(
        ok.session_cookie().is_some(),
        "server-function sign-in sets the session cookie"
    );

    let wrong = app
        .send(raw_post(
            "/api/fn/login",
            "application/x-www-form-urlencoded",
            form("wrong password here"),
        ))
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    // Server functions answer with the error type itself (in the server functions' codec),
    // which the UI turns into the message.
    let error = <keyward::api::AppError as leptos::server_fn::error::FromServerFnError>::de(
        wrong.body.clone(),
    );
    assert_eq!(error, keyward::api::AppError::InvalidCredentials);
    assert_eq!(error.to_string(), INVALID_CREDENTIALS);

    let huge = format!("{}&pad={}", form(PASSWORD), "x".repeat(70_000));
    // As a real client sends it, with Content-Length: refused before the function runs.
    let mut declared = raw_post(
        "/api/fn/login",
        "application/x-www-form-urlencoded",
        huge.clone(),
    );
    declared
        .headers_mut()
        .insert("content-length", huge.len().into());
    let too_big = app.send(declared).await;
    assert_eq!(
        too_big.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        too_big.text
    );
    // Streamed without a length: cut off while reading, still a client error, never a 500.
    let streamed = app
        .send(raw_post(
            "/api/fn/login",
            "application/x-www-form-urlencoded",
            huge,
        ))
        .await;
    assert!(
        streamed.status.is_client_error(),
        "{} {}",
        streamed.status,
        streamed.text
    );
    assert!(streamed.session_cookie().is_none());

    let mut cross = raw_post(
        "/api/fn/login",
        "application/x-www-form-urlencoded",
        form(PASSWORD),
    );
    cross
        .headers_mut()
        .insert("origin", "https://evil.example".parse().unwrap());
    cross
        .headers_mut()
        .insert("host", "localhost:3000".parse().unwrap());
    assert_eq!(app.send(cross).await.status, StatusCode::FORBIDDEN);

    let unauthenticated = app
        .send(raw_post(
            "/api/fn/list_keys",
            "application/x-www-form-urlencoded",
            String::new(),
        ))
        .await;
    assert_eq!(
        unauthenticated.status,
        StatusCode::UNAUTHORIZED,
        "{}",
        unauthenticated.text
    );
}

#[tokio::test]
async fn pages_carry_a_nonce_csp_and_hardening_headers() {
    let app = TestApp::new().await;
    let first = app.get("/login", None).await;
    assert_eq!(first.status, StatusCode::OK);
    let csp = first
        .header("content-security-policy")
        .expect("pages carry a CSP")
        .to_owned();
    for part in [
        "script-src 'self' 'nonce-",
        "'wasm-unsafe-eval'",
        "frame-ancestors 'none'",
        "object-src 'none'",
    ] {
        assert!(csp.contains(part), "CSP {csp:?} lacks {part:?}");
    }
    assert!(
        !csp.contains("'unsafe-inline'"),
        "CSP must not allow inline scripts: {csp}"
    );
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|s| s.split('\'').next())
        .expect("a nonce");
    assert!(
        first.text.contains(&format!("nonce=\"{nonce}\"")),
        "the hydration script carries the header's nonce"
    );
    assert_eq!(first.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(first.header("referrer-policy"), Some("same-origin"));
    assert_eq!(first.header("cache-control"), Some("no-store"));

    let second = app.get("/login", None).await;
    let csp2 = second.header("content-security-policy").unwrap_or_default();
    assert_ne!(csp, csp2, "every response gets a fresh nonce");
}

/// Static files: content-hashed names are cached for good, the brotli file compressed at
/// build time is sent as is to browsers that take brotli, and a missing file is never cached.
#[tokio::test]
async fn hashed_static_files_are_immutable_and_sent_precompressed() {
    let site = std::env::temp_dir().join(format!("keyward-site-{}", uuid::Uuid::new_v4().simple()));
    let pkg = site.join("pkg");
    std::fs::create_dir_all(&pkg).expect("site dir");
    let hashed = "keyward.Ab3dEf6hIj9lMn2pQr5tUv.wasm";
    std::fs::write(pkg.join(hashed), b"\0asm raw bytes").expect("wasm");
    std::fs::write(pkg.join(format!("{hashed}.br")), b"pretend brotli").expect("br");
    std::fs::write(pkg.join("keyward.css"), b"body{}").expect("css");
    let config = Config {
        site_root: site.display().to_string(),
        ..Config::default()
    };
    let app = TestApp::with_config(config).await;
    let get = |path: String, encoding: &'static str| {
        request(
            "GET",
            &path,
            &[("accept-encoding", encoding)],
            Body::empty(),
        )
    };

    let br = app.send(get(format!("/pkg/{hashed}"), "gzip, br")).await;
    assert_eq!(br.status, StatusCode::OK);
    assert_eq!(br.header("content-encoding"), Some("br"));
    assert_eq!(&br.body[..], b"pretend brotli");
    assert!(
        br.header("vary")
            .is_some_and(|v| v.to_ascii_lowercase().contains("accept-encoding")),
        "a shared cache must keep the brotli and plain answers apart: {:?}",
        br.headers
    );
    assert_eq!(
        br.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );

    let plain = app.send(get(format!("/pkg/{hashed}"), "identity")).await;
    assert_eq!(plain.status, StatusCode::OK);
    assert_eq!(plain.header("content-encoding"), None);
    assert!(plain
        .header("vary")
        .is_some_and(|v| v.to_ascii_lowercase().contains("accept-encoding")));
    assert_eq!(&plain.body[..], b"\0asm raw bytes");

    // Unhashed names (development builds) are revalidated; missing files are not kept.
    let css = app.send(get("/pkg/keyward.css".into(), "identity")).await;
    assert_eq!(css.header("cache-control"), Some("no-cache"));
    let missing = app
        .send(get("/pkg/keyward.Zz3dEf6hIj9lMn2pQr5tUv.wasm".into(), "br"))
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_ne!(
        missing.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    let _ = std::fs::remove_dir_all(&site);
}
