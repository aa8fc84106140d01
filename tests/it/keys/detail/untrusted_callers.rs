//! What callers send (user agents, forwarded addresses) is shown as text that cannot change
//! the page.
use super::{detail, me_with};
use crate::common::*;
use axum::http::StatusCode;

/// What a caller writes is shown as text that cannot turn the page around: a user agent with a
/// direction override, and a forwarded "address" that is not an address at all.
#[tokio::test]
async fn callers_cannot_write_into_the_page() {
    let app = TestApp::with_config(keyward::server::config::Config {
        trust_forwarded_for: true,
        ..Default::default()
    })
    .await;
    let cookie = app.register("callers@example.com").await;
    let created = app.create_key(&cookie, "Callers").await;
    let key = str_of(&created["fullKey"]);
    let agent = "Mozilla/5.0 (evil) \u{202E}fdp.exe";
    for (ip, ua) in [
        ("<img src=x onerror=alert(1)>", agent),
        ("2001:DB8::1", "curl/8"),
    ] {
        let resp = app.send(me_with(key, Some(ip), Some(ua))).await;
        assert_eq!(resp.status, StatusCode::OK, "{}", resp.text);
    }
    app.state
        .verifier
        .usage()
        .flush(&app.db)
        .await
        .expect("flush");
    let record = detail(&app, Some(&cookie), str_of(&created["id"])).await;
    let clients = record.json["recentClients"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let ips: Vec<&str> = clients.iter().map(|c| str_of(&c["ip"])).collect();
    assert!(
        ips.contains(&"127.0.0.1"),
        "an address that does not parse is not believed: {ips:?}"
    );
    assert!(
        ips.contains(&"2001:db8::1"),
        "addresses are stored normalised: {ips:?}"
    );
    assert!(!record.text.contains("onerror"));
    let agents: Vec<&str> = clients.iter().map(|c| str_of(&c["userAgent"])).collect();
    assert!(
        agents.contains(&"Mozilla/5.0 (evil) \u{FFFD}fdp.exe"),
        "{agents:?}"
    );
    let page = app
        .get(
            &format!("/settings/api-keys/{}", str_of(&created["id"])),
            Some(&cookie),
        )
        .await;
    assert!(
        !page.text.contains('\u{202E}'),
        "a direction override reached the page"
    );
}
