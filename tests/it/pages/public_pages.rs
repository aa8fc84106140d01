//! Public pages and unknown paths, and the headers every page carries (a nonce CSP, hardening).
use crate::common::*;
use axum::http::StatusCode;

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
