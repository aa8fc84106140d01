//! The Security page without JavaScript: served with no script at all, its forms posted as a
//! browser posts them, each success a redirect back (a reload posts nothing), each refusal
//! the page again with the message; cross-site posts refused.
use super::*;

const PAGE: &str = "/settings/security";

fn form_post(path: &str, cookie: &str, body: &str, origin: &str) -> axum::http::Request<Body> {
    request(
        "POST",
        path,
        &[
            ("content-type", "application/x-www-form-urlencoded"),
            ("cookie", cookie),
            ("origin", origin),
            ("host", "localhost:3000"),
        ],
        Body::from(body.to_owned()),
    )
}

const SAME_SITE: &str = "http://localhost:3000";

#[tokio::test]
async fn the_security_page_works_without_javascript() {
    let app = TestApp::new().await;
    let mine = app.register("page@example.com").await;
    let laptop = sign_in_from(&app, "page@example.com", "Laptop/1.0").await;

    let page = app.get(PAGE, Some(&mine)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(!page.text.contains("<script"), "the page loads no script");
    for needle in [
        r#"action="/settings/security/password""#,
        r#"action="/settings/security/sessions/revoke-others""#,
        "/end\"",
        "Laptop/1.0",
        "This session",
        "Security log",
        "Signed in",
    ] {
        assert!(page.text.contains(needle), "no {needle:?} in {}", page.text);
    }
    let signed_out = app.get(PAGE, None).await;
    assert_eq!(signed_out.status, StatusCode::SEE_OTHER);

    // A wrong current password: the page again, with the message, and nothing changed.
    let wrong = app
        .send(form_post(
            "/settings/security/password",
            &mine,
            "current_password=nope&new_password=a+longer+and+newer+passphrase",
            SAME_SITE,
        ))
        .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST, "{}", wrong.text);
    assert!(wrong.text.contains("The current password is not correct"));
    assert!(!wrong.text.contains("<script"));
    assert_eq!(wrong.header("cache-control"), Some("no-store"));
    assert_eq!(app.get(SESSION, Some(&laptop)).await.status, StatusCode::OK);

    // From another site: refused, nothing ends.
    let listed = app.get(SESSIONS, Some(&mine)).await;
    let laptop_id = listed.json["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["current"] == false)
        .map(|s| str_of(&s["id"]).to_owned())
        .unwrap();
    let end = format!("/settings/security/sessions/{laptop_id}/end");
    let evil = app
        .send(form_post(&end, &mine, "", "https://evil.example"))
        .await;
    assert_eq!(evil.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get(SESSION, Some(&laptop)).await.status, StatusCode::OK);

    let ended = app.send(form_post(&end, &mine, "", SAME_SITE)).await;
    assert_eq!(ended.status, StatusCode::SEE_OTHER, "{}", ended.text);
    assert_eq!(
        ended.header("location"),
        Some("/settings/security?done=session")
    );
    assert_eq!(
        app.get(SESSION, Some(&laptop)).await.status,
        StatusCode::UNAUTHORIZED
    );
    let after = app
        .get("/settings/security?done=session", Some(&mine))
        .await;
    assert!(after.text.contains("Session signed out."));
    // Twice (a second tab): the page says so.
    let twice = app.send(form_post(&end, &mine, "", SAME_SITE)).await;
    assert_eq!(twice.status, StatusCode::NOT_FOUND);
    assert!(twice.text.contains("Session not found"));

    let phone = app.login("page@example.com").await;
    let others = app
        .send(form_post(
            "/settings/security/sessions/revoke-others",
            &mine,
            "",
            SAME_SITE,
        ))
        .await;
    assert_eq!(others.status, StatusCode::SEE_OTHER);
    assert_eq!(
        others.header("location"),
        Some("/settings/security?done=others")
    );
    assert_eq!(
        app.get(SESSION, Some(&phone)).await.status,
        StatusCode::UNAUTHORIZED
    );

    let changed = app
        .send(form_post(
            "/settings/security/password",
            &mine,
            "current_password=correct+horse+battery+staple&new_password=a+longer+and+newer+passphrase",
            SAME_SITE,
        ))
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.text);
    assert_eq!(
        changed.header("location"),
        Some("/settings/security?done=password")
    );
    assert_eq!(app.get(SESSION, Some(&mine)).await.status, StatusCode::OK);
    let log = app.get(PAGE, Some(&mine)).await;
    assert!(log.text.contains("Password changed"), "{}", log.text);
}

#[tokio::test]
async fn ending_this_session_from_its_own_page_signs_out() {
    let app = TestApp::new().await;
    let mine = app.register("self-end@example.com").await;
    let listed = app.get(SESSIONS, Some(&mine)).await;
    let id = str_of(&listed.json["sessions"][0]["id"]).to_owned();
    let ended = app
        .send(form_post(
            &format!("/settings/security/sessions/{id}/end"),
            &mine,
            "",
            SAME_SITE,
        ))
        .await;
    assert_eq!(ended.status, StatusCode::SEE_OTHER);
    assert_eq!(ended.header("location"), Some("/login"));
    assert!(ended
        .session_set_cookie()
        .is_some_and(|c| c.contains("Max-Age=0")));
    assert_eq!(
        app.get(SESSION, Some(&mine)).await.status,
        StatusCode::UNAUTHORIZED
    );
}
