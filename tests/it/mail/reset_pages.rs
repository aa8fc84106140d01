//! The forgotten-password pages without JavaScript: plain forms, a redirect after each
//! success, the page again with the message after a refusal, cross-site posts refused.
use super::*;

const SAME_SITE: &str = "http://localhost:3000";

fn form_post(path: &str, body: &str, origin: &str) -> axum::http::Request<Body> {
    request(
        "POST",
        path,
        &[
            ("content-type", "application/x-www-form-urlencoded"),
            ("origin", origin),
            ("host", "localhost:3000"),
        ],
        Body::from(body.to_owned()),
    )
}

#[tokio::test]
async fn the_reset_pages_work_without_javascript() {
    let sink = SmtpSink::start();
    let app = TestApp::with_config(mail_config(&sink)).await;
    app.register("pages@example.com").await;

    let login = app.get("/login", None).await;
    assert!(
        login.text.contains(r#"href="/forgot-password""#),
        "the sign-in page links to it"
    );
    let page = app.get("/forgot-password", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.text.contains("<script"), "the page loads no script");
    assert!(
        page.text.contains(r#"action="/forgot-password""#),
        "{}",
        page.text
    );

    let invalid = app
        .send(form_post("/forgot-password", "email=nope", SAME_SITE))
        .await;
    assert_eq!(invalid.status, StatusCode::BAD_REQUEST);
    assert!(
        invalid.text.contains(r#"value="nope""#),
        "what was typed stays"
    );
    assert_eq!(invalid.header("cache-control"), Some("no-store"));

    let cross = app
        .send(form_post(
            "/forgot-password",
            "email=pages%40example.com",
            "https://evil.example",
        ))
        .await;
    assert_eq!(cross.status, StatusCode::FORBIDDEN);

    let sent = app
        .send(form_post(
            "/forgot-password",
            "email=pages%40example.com",
            SAME_SITE,
        ))
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.text);
    assert_eq!(sent.header("location"), Some("/forgot-password?sent=1"));
    let after = app.get("/forgot-password?sent=1", None).await;
    assert!(after.text.contains("If an account exists for that email"));

    let token = token_of(&deliver(&app.state, &sink, 1).await[0]);
    let reset_page = app
        .get(&format!("/reset-password?token={token}"), None)
        .await;
    assert_eq!(reset_page.status, StatusCode::OK);
    assert!(!reset_page.text.contains("<script"));
    assert!(
        reset_page.text.contains(&format!(r#"value="{token}""#)),
        "the token rides in the form"
    );

    let short = app
        .send(form_post(
            "/reset-password",
            &format!("token={token}&new_password=short"),
            SAME_SITE,
        ))
        .await;
    assert_eq!(short.status, StatusCode::BAD_REQUEST);
    assert!(short.text.contains("12"), "{}", short.text);
    assert!(
        short.text.contains(&format!(r#"value="{token}""#)),
        "the token is kept"
    );

    let done = app
        .send(form_post(
            "/reset-password",
            &format!("token={token}&new_password=a+longer+and+newer+passphrase"),
            SAME_SITE,
        ))
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text);
    assert_eq!(done.header("location"), Some("/reset-password?done=1"));
    let signed_in = app
        .post_json(
            LOGIN,
            &json!({ "email": "pages@example.com", "password": NEW_PASSWORD }),
            None,
        )
        .await;
    assert_eq!(signed_in.status, StatusCode::OK);

    let used = app
        .send(form_post(
            "/reset-password",
            &format!("token={token}&new_password=yet+another+passphrase"),
            SAME_SITE,
        ))
        .await;
    assert_eq!(used.status, StatusCode::BAD_REQUEST);
    assert!(used
        .text
        .contains("This reset link is invalid or has expired"));
}

#[tokio::test]
async fn without_smtp_the_page_says_ask_your_administrator() {
    let app = TestApp::new().await;
    let page = app.get("/forgot-password", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Email is not configured on this server"));
    assert!(!page.text.contains(r#"action="/forgot-password""#));
    let posted = app
        .send(form_post(
            "/forgot-password",
            "email=a%40example.com",
            SAME_SITE,
        ))
        .await;
    assert_eq!(posted.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(posted
        .text
        .contains("Email is not configured on this server"));
}
