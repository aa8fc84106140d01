//! Usage counts are exact across instances, once flushed and after a graceful shutdown.
use super::{detail, me_with, today_count};
use crate::common::*;
use axum::http::StatusCode;
use keyward::server::config::Config;

#[tokio::test]
async fn counts_are_exact_across_instances_after_the_flush_and_a_graceful_shutdown() {
    let a = TestApp::new().await;
    let (b, b_state) = a.second_instance(Config::default()).await;
    let cookie = a.register("counts@example.com").await;
    let created = a.create_key(&cookie, "Counted").await;
    let (id, key) = (
        str_of(&created["id"]).to_owned(),
        str_of(&created["fullKey"]).to_owned(),
    );
    for _ in 0..7 {
        assert_eq!(
            a.send(me_with(&key, None, None)).await.status,
            StatusCode::OK
        );
    }
    for _ in 0..5 {
        assert_eq!(
            send_to(b.clone(), me_with(&key, None, None)).await.status,
            StatusCode::OK
        );
    }
    a.state
        .verifier
        .usage()
        .flush(&a.db)
        .await
        .expect("flush A");
    b_state
        .verifier
        .usage()
        .flush(&b_state.db)
        .await
        .expect("flush B");
    assert_eq!(today_count(&detail(&a, Some(&cookie), &id).await.json), 12);

    // A real server: uses pending at shutdown are written by the shutdown itself.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(keyward::site::lifecycle::serve_until(
        listener,
        b_state.clone(),
        async {
            let _ = stopped.await;
        },
    ));
    for _ in 0..4 {
        let status = http_status(addr, "/api/v1/me", &key).await;
        assert_eq!(status, 200);
    }
    assert!(
        b_state.verifier.usage().pending_len() > 0,
        "uses wait for a flush"
    );
    stop.send(()).expect("running");
    server.await.expect("task").expect("clean shutdown");
    assert_eq!(today_count(&detail(&a, Some(&cookie), &id).await.json), 16);
}
