//! Every way the database can fail answers 503 with `Retry-After` ("try again later"), never
//! 500 and never a remembered 200, and the same process recovers when the database does. A
//! private PostgreSQL server lets the test change a password, stop the server and drop the
//! database.
use std::time::Duration;

use crate::common::cluster::{Cluster, PASSWORD_ROLE, ROLE_PASSWORD};
use crate::common::*;
use keyward::server::config::Config;

struct Probe<'a> {
    app: &'a TestApp,
    cookie: String,
    key: String,
}

impl Probe<'_> {
    /// A key check (remembered by the cache), a page of keys, a sign-in, a settings page.
    async fn answers(&self) -> Vec<(&'static str, TestResponse)> {
        let bearer = format!("Bearer {}", self.key);
        let mut answers = Vec::new();
        for (what, req) in [
            (
                "a key check",
                request(
                    "GET",
                    "/api/v1/me",
                    &[("authorization", bearer.as_str())],
                    Body::empty(),
                ),
            ),
            (
                "the key list",
                request(
                    "GET",
                    KEYS,
                    &[("cookie", self.cookie.as_str())],
                    Body::empty(),
                ),
            ),
            (
                "a sign-in",
                json_request(
                    "POST",
                    LOGIN,
                    &json!({ "email": "probe@example.com", "password": PASSWORD }),
                    None,
                ),
            ),
            (
                "the settings page",
                request(
                    "GET",
                    "/settings/api-keys",
                    &[("cookie", self.cookie.as_str())],
                    Body::empty(),
                ),
            ),
        ] {
            let answer = tokio::time::timeout(
                Duration::from_secs(15),
                send_to(self.app.router.clone(), req),
            )
            .await
            .unwrap_or_else(|_| panic!("{what} hung"));
            answers.push((what, answer));
        }
        answers
    }

    async fn assert_unavailable(&self, cause: &str) {
        for (what, answer) in self.answers().await {
            assert_eq!(
                answer.status,
                StatusCode::SERVICE_UNAVAILABLE,
                "{cause}: {what} answered {}: {}",
                answer.status,
                answer.text
            );
            assert!(
                answer.header("retry-after").is_some(),
                "{cause}: {what} without Retry-After"
            );
        }
    }

    async fn assert_recovers(&self, cause: &str) {
        for _ in 0..60 {
            if self
                .answers()
                .await
                .iter()
                .all(|(_, a)| a.status.is_success())
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        let now: Vec<_> = self
            .answers()
            .await
            .into_iter()
            .map(|(w, a)| (w, a.status))
            .collect();
        panic!("after {cause}, the instance did not recover: {now:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_database_failure_answers_503_and_the_instance_recovers() {
    let _heavy = heavy_test().await;
    if !postgres_pass("every_database_failure_answers_503_and_the_instance_recovers") {
        return;
    }
    let cluster = tokio::task::spawn_blocking(|| Cluster::start(100))
        .await
        .unwrap();
    let app = TestApp::on_url(
        &cluster.url(PASSWORD_ROLE, "sslmode=disable"),
        Config::default(),
    )
    .await;
    let cookie = app.register("probe@example.com").await;
    let key = str_of(&app.create_key(&cookie, "Probe").await["fullKey"]).to_owned();
    let probe = Probe {
        app: &app,
        cookie,
        key,
    };
    probe.assert_recovers("start-up").await;

    // The role's password changed (class 28 on every new connection), its sessions ended.
    cluster.psql(&format!(
        "ALTER ROLE {PASSWORD_ROLE} PASSWORD 'changed-by-the-operator'"
    ));
    cluster.psql(&format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{PASSWORD_ROLE}'"
    ));
    probe.assert_unavailable("a changed password").await;
    cluster.psql(&format!(
        "ALTER ROLE {PASSWORD_ROLE} PASSWORD '{ROLE_PASSWORD}'"
    ));
    probe.assert_recovers("the password put back").await;

    // The server shut down (connections refused), then started again.
    // (pg_ctl blocks this worker for a moment; the test runtime has another.)
    cluster.stop();
    assert!(
        tokio::net::TcpStream::connect(cluster.addr())
            .await
            .is_err(),
        "the server is down"
    );
    probe.assert_unavailable("a stopped server").await;
    cluster.restart();
    probe.assert_recovers("the server back").await;

    // The database dropped under the running instance (3D000 on reconnect).
    cluster.psql("DROP DATABASE keyward WITH (FORCE)");
    probe.assert_unavailable("a dropped database").await;
}
