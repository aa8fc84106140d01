//! Expiry reminders: 7 days before and on the day, once per key version however many
//! instances look, re-armed by a regenerate, shown on the key's page and in the log.
use chrono::{Duration as Days, Utc};
use keyward::server::entities::api_keys;
use sea_orm::{sea_query::Expr, ColumnTrait, EntityTrait, QueryFilter};

use super::*;

fn in_from_now(d: Days) -> String {
    (Utc::now() + d).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A pass of each instance at the same moment, `rounds` times.
async fn both_pass(a: &AppState, b: &AppState, rounds: usize) {
    for _ in 0..rounds {
        tokio::join!(mail_pass(a), mail_pass(b));
    }
}

#[tokio::test]
async fn each_reminder_goes_out_once_across_two_instances() {
    let sink = SmtpSink::start();
    let app = TestApp::with_config(mail_config(&sink)).await;
    let (_, second) = app.second_instance(mail_config(&sink)).await;
    let cookie = app.register("remind@example.com").await;
    // Six days left: the week's reminder is due at once. A key with a month left and one
    // that never expires get nothing.
    let soon = app
        .create_key_with(
            &cookie,
            json!({ "name": "Zapier <prod>", "expiresAt": in_from_now(Days::days(6)) }),
        )
        .await;
    app.create_key_with(
        &cookie,
        json!({ "name": "Later", "expiresAt": in_from_now(Days::days(30)) }),
    )
    .await;
    app.create_key(&cookie, "Forever").await;
    let id = str_of(&soon["id"]).to_owned();

    both_pass(&app.state, &second, 5).await;
    let mails = sink.mails();
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert_eq!(mails[0].to, vec!["remind@example.com".to_owned()]);
    assert_eq!(
        mails[0].subject,
        "Your API key \"Zapier <prod>\" expires in 7 days"
    );
    assert!(
        mails[0].text.contains(str_of(&soon["maskedKey"])),
        "{}",
        mails[0].text
    );
    assert!(mails[0]
        .text
        .contains(&format!("{PUBLIC_URL}/settings/api-keys/{id}")));
    assert!(
        mails[0].html.contains("Zapier &lt;prod&gt;"),
        "{}",
        mails[0].html
    );
    let detail = app.get(&format!("{KEYS}/{id}"), Some(&cookie)).await;
    assert!(
        detail.json["weekReminderSentAt"].is_string(),
        "{}",
        detail.text
    );
    assert_eq!(detail.json["dayReminderSentAt"], Value::Null);
    let page = app
        .get(&format!("/settings/api-keys/{id}"), Some(&cookie))
        .await;
    assert!(
        page.text.contains("Expiry reminder (7 days) sent"),
        "the key's page says so"
    );

    // Its day comes (two minutes left is on its day, or in the first hour of the next one,
    // whose reminder is due from the day before): the day's reminder, once.
    api_keys::Entity::update_many()
        .col_expr(
            api_keys::Column::ExpiresAt,
            Expr::value(Utc::now() + Days::minutes(2)),
        )
        .filter(api_keys::Column::Id.eq(uuid::Uuid::parse_str(&id).unwrap()))
        .exec(&app.db)
        .await
        .unwrap();
    both_pass(&app.state, &second, 5).await;
    let mails = sink.mails();
    assert_eq!(mails.len(), 2, "{mails:?}");
    assert_eq!(
        mails[1].subject,
        "Your API key \"Zapier <prod>\" expires today"
    );
    let events = app.get("/api/account/events", Some(&cookie)).await;
    let reminders = events.json["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "reminder_sent")
        .count();
    assert_eq!(reminders, 2, "{}", events.text);
}

#[tokio::test]
async fn a_regenerated_key_gets_reminders_of_its_own() {
    let sink = SmtpSink::start();
    let app = TestApp::with_config(mail_config(&sink)).await;
    let cookie = app.register("again@example.com").await;
    let key = app
        .create_key_with(
            &cookie,
            json!({ "name": "CI", "expiresAt": in_from_now(Days::days(5)) }),
        )
        .await;
    deliver(&app.state, &sink, 1).await;
    // The new version keeps the key's lifetime (5 days from now): due again, at once.
    let regenerated = app.regenerate(Some(&cookie), str_of(&key["id"])).await;
    assert_eq!(regenerated.status, StatusCode::OK, "{}", regenerated.text);
    let mails = deliver(&app.state, &sink, 2).await;
    assert_eq!(mails.len(), 2);
    assert!(mails[1]
        .text
        .contains(str_of(&regenerated.json["maskedKey"])));
    mail_pass(&app.state).await;
    assert_eq!(sink.mails().len(), 2, "one reminder per version");
}

#[tokio::test]
async fn without_smtp_reminders_stay_due_until_mail_is_configured() {
    let app = TestApp::new().await;
    let cookie = app.register("quiet@example.com").await;
    app.create_key_with(
        &cookie,
        json!({ "name": "CI", "expiresAt": in_from_now(Days::days(3)) }),
    )
    .await;
    assert_eq!(mail_pass(&app.state).await, 0);
    let row = api_keys::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        row.week_reminder_at, None,
        "nothing is taken, so nothing is lost"
    );

    let sink = SmtpSink::start();
    let (_, configured) = app.second_instance(mail_config(&sink)).await;
    let mails = deliver(&configured, &sink, 1).await;
    assert_eq!(mails[0].to, vec!["quiet@example.com".to_owned()]);
}
