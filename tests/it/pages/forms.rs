//! The key pages' forms, posted as a browser without JavaScript posts them: create with the
//! one-time reveal, errors with the values typed, regenerate, restrictions; cross-site posts
//! refused; a replaced key's page leading to the current one.
use crate::common::*;
use axum::http::StatusCode;
use serde_json::json;

const NEW: &str = "/settings/api-keys/new";

/// A same-origin form post, as a browser sends it.
fn form_post(path: &str, cookie: &str, body: &str) -> axum::http::Request<Body> {
    request(
        "POST",
        path,
        &[
            ("content-type", "application/x-www-form-urlencoded"),
            ("cookie", cookie),
            ("origin", "http://localhost:3000"),
            ("host", "localhost:3000"),
            ("sec-fetch-site", "same-origin"),
        ],
        Body::from(body.to_owned()),
    )
}

/// The key in a reveal page's read-only field.
fn revealed_key(html: &str) -> String {
    let start = html.find("value=\"pk_live_").expect("a key in a field") + "value=\"".len();
    html[start..start + 46].to_owned()
}

#[tokio::test]
async fn create_reveals_once_without_javascript_and_refuses_with_what_was_typed() {
    let app = TestApp::new().await;
    let cookie = app.register("forms@example.com").await;

    let page = app.get(NEW, Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page
        .text
        .contains(r#"<form method="post" action="/settings/api-keys/new""#));
    assert!(page.text.contains(r#"name="name""#) && page.text.contains(r#"name="access""#));

    let created = app
        .send(form_post(
            NEW,
            &cookie,
            "name=Zapier&expiry=never&access=read&requests=100&per_seconds=60&allowed_ips=",
        ))
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.text);
    assert_eq!(created.header("cache-control"), Some("no-store"));
    assert!(
        !created.text.contains("<script"),
        "the answer runs no script"
    );
    assert!(created.text.contains("API Key Created!"));
    let key = revealed_key(&created.text);
    assert_key_format(&key);
    assert!(created.header("location").is_none());
    assert_eq!(app.me(&key).await.status, StatusCode::OK);
    let listed = app.list_keys(&cookie).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["scopes"], json!(["read"]));
    // Never again: the list and the create page show no secret.
    for path in ["/settings/api-keys", NEW] {
        let again = app.get(path, Some(&cookie)).await;
        assert!(
            !again.text.contains(&key[..20]),
            "{path} shows the key again"
        );
    }

    // A duplicate: the same message as the JSON API, with the values typed.
    let duplicate = app
        .send(form_post(
            NEW,
            &cookie,
            "name=Zapier&expiry=30&access=full&allowed_ips=10.0.0.0%2F8",
        ))
        .await;
    assert_eq!(
        duplicate.status,
        StatusCode::BAD_REQUEST,
        "{}",
        duplicate.text
    );
    assert!(
        duplicate
            .text
            .contains("An API key with this name already exists"),
        "{}",
        duplicate.text
    );
    assert!(duplicate.text.contains(r#"value="Zapier""#));
    assert!(duplicate.text.contains("10.0.0.0/8"));
    assert_eq!(duplicate.header("cache-control"), Some("no-store"));
    for (body, message) in [
        ("name=&expiry=never&access=full", "Name is required"),
        (
            "name=Bad+IPs&expiry=never&access=full&allowed_ips=10.0.0.1%2F99",
            "Allowed IPs",
        ),
        (
            "name=No+scopes&expiry=never&access=custom",
            "Choose at least one permission, or Full access",
        ),
        (
            "name=Past&expiry=custom&expiry_date=2001-01-01&access=full",
            "Choose a day after today",
        ),
    ] {
        let refused = app.send(form_post(NEW, &cookie, body)).await;
        assert_eq!(
            refused.status,
            StatusCode::BAD_REQUEST,
            "{body}: {}",
            refused.text
        );
        assert!(
            refused.text.contains(message),
            "{body}: no {message:?} in {}",
            refused.text
        );
    }
    assert_eq!(app.list_keys(&cookie).await.len(), 1);
}

#[tokio::test]
async fn form_posts_from_another_site_or_signed_out_change_nothing() {
    let app = TestApp::new().await;
    let cookie = app.register("forms-csrf@example.com").await;
    let evil = request(
        "POST",
        NEW,
        &[
            ("content-type", "application/x-www-form-urlencoded"),
            ("cookie", cookie.as_str()),
            ("origin", "https://evil.example"),
            ("host", "localhost:3000"),
        ],
        Body::from("name=Evil&expiry=never&access=full"),
    );
    let refused = app.send(evil).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text);
    let signed_out = app
        .send(form_post(
            NEW,
            "keyward_session=garbage",
            "name=Anon&expiry=never&access=full",
        ))
        .await;
    assert_eq!(signed_out.status, StatusCode::SEE_OTHER);
    assert!(app.list_keys(&cookie).await.is_empty());
}

#[tokio::test]
async fn regenerate_and_restrictions_work_without_javascript() {
    let app = TestApp::new().await;
    let cookie = app.register("forms-regen@example.com").await;
    let created = app.create_key(&cookie, "Rotate").await;
    let (id, old_key) = (
        str_of(&created["id"]).to_owned(),
        str_of(&created["fullKey"]).to_owned(),
    );
    assert_eq!(app.me(&old_key).await.status, StatusCode::OK);

    let confirm = app
        .get(
            &format!("/settings/api-keys/{id}/regenerate"),
            Some(&cookie),
        )
        .await;
    assert_eq!(confirm.status, StatusCode::OK, "{}", confirm.text);
    assert!(confirm.text.contains("will stop working immediately"));
    assert!(confirm.text.contains("Rotate"));

    let answer = app
        .send(form_post(
            &format!("/settings/api-keys/{id}/regenerate"),
            &cookie,
            "",
        ))
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    assert_eq!(answer.header("cache-control"), Some("no-store"));
    assert!(answer.text.contains("Key Regenerated!"));
    let new_key = revealed_key(&answer.text);
    assert_eq!(app.me(&old_key).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.me(&new_key).await.status, StatusCode::OK);
    // "Last used" covers every version: the new one was used, and so was the old.
    let listed = app.list_keys(&cookie).await;
    assert!(listed[0]["lastUsedAt"].is_string());
    let new_id = str_of(&listed[0]["id"]).to_owned();

    // Again on the replaced id: nothing to regenerate.
    let again = app
        .send(form_post(
            &format!("/settings/api-keys/{id}/regenerate"),
            &cookie,
            "",
        ))
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "{}", again.text);
    // The replaced version's page leads people to the current one; the JSON API says 404.
    for suffix in ["", "/regenerate"] {
        let old_page = app
            .get(&format!("/settings/api-keys/{id}{suffix}"), Some(&cookie))
            .await;
        assert_eq!(old_page.status, StatusCode::SEE_OTHER, "{suffix}");
        assert_eq!(
            old_page.header("location").map(str::to_owned),
            Some(format!("/settings/api-keys/{new_id}{suffix}"))
        );
    }
    assert_eq!(
        app.get(&format!("/api/api-keys/{id}"), Some(&cookie))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Restrictions: a good change redirects back to the key's page; a bad one comes back with
    // the values typed and the reason.
    let action = format!("/settings/api-keys/{new_id}/restrictions");
    let saved = app
        .send(form_post(
            &action,
            &cookie,
            "access=read&limited=on&requests=5&per_seconds=3600&allowed_ips=",
        ))
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text);
    assert_eq!(
        saved.header("location").map(str::to_owned),
        Some(format!("/settings/api-keys/{new_id}"))
    );
    let listed = app.list_keys(&cookie).await;
    assert_eq!(listed[0]["scopes"], json!(["read"]));
    assert_eq!(
        listed[0]["rateLimit"],
        json!({ "requests": 5, "perSeconds": 3600 })
    );
    let refused = app
        .send(form_post(
            &action,
            &cookie,
            "access=full&allowed_ips=not-an-address",
        ))
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.text);
    assert!(refused.text.contains("Allowed IPs"), "{}", refused.text);
    assert!(refused.text.contains("not-an-address"));
    assert_eq!(app.list_keys(&cookie).await[0]["scopes"], json!(["read"]));
}
