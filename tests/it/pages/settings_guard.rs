//! The settings pages: signed-out visitors are sent to sign in, whatever the spelling of the
//! path; a signed-in user gets the page.
use crate::common::*;
use axum::http::StatusCode;

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
