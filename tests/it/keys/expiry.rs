//! Expiry: optional, in the future, refused when past, kept by regenerate.
use crate::common::*;
use axum::body::Body;
use axum::http::StatusCode;
use chrono::DateTime;
use chrono::Duration;
use chrono::SecondsFormat;
use chrono::Utc;
use keyward::server::config::Config;
use sea_orm::ActiveModelTrait;
use sea_orm::IntoActiveModel;
use sea_orm::Set;
use serde_json::json;
use serde_json::Value;

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

async fn create_raw(app: &TestApp, cookie: &str, body: Value) -> TestResponse {
    app.post_json(KEYS, &body, Some(cookie)).await
}

fn me_with(key: &str, ip: Option<&str>, user_agent: Option<&str>) -> axum::http::Request<Body> {
    let bearer = format!("Bearer {key}");
    let mut headers = vec![("authorization", bearer.as_str())];
    if let Some(ip) = ip {
        headers.push(("x-forwarded-for", ip));
    }
    if let Some(ua) = user_agent {
        headers.push(("user-agent", ua));
    }
    request("GET", "/api/v1/me", &headers, Body::empty())
}

/// Makes a one-day key a day and a second old, as time passing would.
async fn age_past_expiry(app: &TestApp, id: &str) {
    let mut row = app.key_row(id).await.into_active_model();
    row.created_at = Set(Utc::now() - Duration::days(1) - Duration::seconds(1));
    row.expires_at = Set(Some(Utc::now() - Duration::seconds(1)));
    row.update(&app.db).await.expect("age the key");
}

#[tokio::test]
async fn expiry_is_optional_in_the_future_and_at_most_366_days_ahead() {
    let app = TestApp::new().await;
    let cookie = app.register("expiry@example.com").await;

    let never = create_raw(&app, &cookie, json!({ "name": "Never" })).await;
    assert_eq!(never.status, StatusCode::OK);
    assert_eq!(never.json["expiresAt"], Value::Null);
    let null = create_raw(&app, &cookie, json!({ "name": "Null", "expiresAt": null })).await;
    assert_eq!(null.json["expiresAt"], Value::Null);

    let in_a_week = Utc::now() + Duration::days(7);
    let week = create_raw(
        &app,
        &cookie,
        json!({ "name": "Week", "expiresAt": rfc3339(in_a_week) }),
    )
    .await;
    assert_eq!(week.status, StatusCode::OK, "{}", week.text);
    let stored = rfc3339_of(&week.json["expiresAt"]);
    assert!((stored.timestamp_millis() - in_a_week.timestamp_millis()).abs() <= 1);
    let almost_a_year = Utc::now() + Duration::days(366) - Duration::minutes(1);
    let year = create_raw(
        &app,
        &cookie,
        json!({ "name": "Year", "expiresAt": rfc3339(almost_a_year) }),
    )
    .await;
    assert_eq!(year.status, StatusCode::OK, "{}", year.text);

    let now = rfc3339(Utc::now());
    let past = rfc3339(Utc::now() - Duration::minutes(1));
    let too_far = rfc3339(Utc::now() + Duration::days(367));
    for bad in [
        json!(past),
        json!(now),
        json!(too_far),
        json!("tomorrow"),
        json!("2027-13-01T00:00:00Z"),
        json!(1_900_000_000),
        json!({ "days": 7 }),
        json!(["2027-01-01T00:00:00Z"]),
        json!(true),
    ] {
        let resp = create_raw(&app, &cookie, json!({ "name": "Bad", "expiresAt": bad })).await;
        assert_error_status(&resp, StatusCode::BAD_REQUEST);
        assert!(
            str_of(&resp.json["error"]).contains("expiresAt"),
            "{bad}: {}",
            resp.text
        );
    }
    let listed = app.list_keys(&cookie).await;
    assert_eq!(
        names(&listed),
        ["Year", "Week", "Null", "Never"],
        "no bad request created a key"
    );
    for key in &listed {
        assert!(key.as_object().unwrap().contains_key("expiresAt"), "{key}");
    }
}

#[tokio::test]
async fn an_expired_key_is_refused_everywhere_with_the_reason_and_stays_listed() {
    let app = TestApp::new().await;
    let (b, _) = app.second_instance(Config::default()).await;
    let cookie = app.register("expired@example.com").await;
    let created = create_raw(
        &app,
        &cookie,
        json!({
            "name": "Short", "expiresAt": rfc3339(Utc::now() + Duration::days(1)),
        }),
    )
    .await;
    let (id, key) = (
        str_of(&created.json["id"]).to_owned(),
        str_of(&created.json["fullKey"]).to_owned(),
    );
    assert_eq!(
        send_to(b.clone(), me_with(&key, None, None)).await.status,
        StatusCode::OK
    );

    age_past_expiry(&app, &id).await;
    for router in [app.router.clone(), b.clone()] {
        let resp = send_to(router, me_with(&key, None, None)).await;
        assert_error(&resp, StatusCode::UNAUTHORIZED, "API key expired");
        assert!(resp
            .header("www-authenticate")
            .unwrap_or_default()
            .starts_with("Bearer"));
    }
    let listed = app.list_keys(&cookie).await;
    assert_eq!(
        names(&listed),
        ["Short"],
        "an expired key stays in the list"
    );
    assert!(rfc3339_of(&listed[0]["expiresAt"]) < Utc::now());

    // It can be regenerated; the new secret works, for a new day.
    let regenerated = app.regenerate(Some(&cookie), &id).await;
    assert_eq!(regenerated.status, StatusCode::OK, "{}", regenerated.text);
    assert!(rfc3339_of(&regenerated.json["expiresAt"]) > Utc::now() + Duration::hours(23));
    let fresh = str_of(&regenerated.json["fullKey"]).to_owned();
    assert_eq!(
        send_to(b, me_with(&fresh, None, None)).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn regenerate_keeps_the_lifetime() {
    let app = TestApp::new().await;
    let cookie = app.register("lifetime@example.com").await;
    let ninety = create_raw(
        &app,
        &cookie,
        json!({
            "name": "Ninety", "expiresAt": rfc3339(Utc::now() + Duration::days(90)),
        }),
    )
    .await;
    let never = app.create_key(&cookie, "Forever").await;

    // Make the 90-day key 30 days old: its successor must still get a full 90 days.
    let id = str_of(&ninety.json["id"]).to_owned();
    let row = app.key_row(&id).await;
    let lifetime = row.expires_at.unwrap() - row.created_at;
    let mut aged = row.into_active_model();
    aged.created_at = Set(Utc::now() - Duration::days(30));
    aged.expires_at = Set(Some(Utc::now() - Duration::days(30) + lifetime));
    aged.update(&app.db).await.expect("age the key");

    let before = Utc::now();
    let regenerated = app.regenerate(Some(&cookie), &id).await;
    let after = Utc::now();
    let expires = rfc3339_of(&regenerated.json["expiresAt"]).with_timezone(&Utc);
    assert!(
        expires >= before + lifetime - Duration::milliseconds(1) && expires <= after + lifetime,
        "{expires}"
    );

    let kept = app.regenerate(Some(&cookie), str_of(&never["id"])).await;
    assert_eq!(
        kept.json["expiresAt"],
        Value::Null,
        "a key that never expired still does not"
    );
}

/// The browser's call spells "never" out; an empty expiry is a mistake, as on the JSON API,
/// never a key that lives forever.
#[tokio::test]
async fn an_empty_expiry_is_refused_on_every_path() {
    let app = TestApp::new().await;
    let cookie = app.register("empty-expiry@example.com").await;
    let rest = create_raw(&app, &cookie, json!({ "name": "Rest", "expiresAt": "" })).await;
    assert_error_status(&rest, StatusCode::BAD_REQUEST);
    // The browser's call, encoded as the WASM encodes it.
    let call = |body: Vec<u8>| {
        request(
            "POST",
            "/api/fn/create_key",
            &[
                ("content-type", "application/x-postcard"),
                ("cookie", cookie.as_str()),
            ],
            Body::from(body),
        )
    };
    let form = |expiry: &str| {
        call(
            postcard::to_allocvec(&keyward::server_fns::keys::CreateKey {
                name: "Form".into(),
                expires_at: expiry.into(),
                restrictions: keyward::api::KeyRestrictions {
                    scopes: None,
                    rate_limit: None,
                    allowed_ips: None,
                },
            })
            .expect("encode"),
        )
    };
    let empty = app.send(form("")).await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST, "{}", empty.text);
    // The name alone: the call is cut short, not a key without an expiry.
    let missing = app
        .send(call(postcard::to_allocvec("Form").expect("encode")))
        .await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST, "{}", missing.text);
    assert!(app.list_keys(&cookie).await.is_empty());
    let never = app.send(form("never")).await;
    assert_eq!(never.status, StatusCode::OK, "{}", never.text);
    assert_eq!(app.list_keys(&cookie).await[0]["expiresAt"], Value::Null);
}
