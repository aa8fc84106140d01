//! `/docs/api`: every documented endpoint, for people, from the same document; no script,
//! and nothing of the request on a page that is the same for everyone.
use crate::common::*;
use axum::body::Body;
use axum::http::StatusCode;
use keyward::server::config::Config;

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
