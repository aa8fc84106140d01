//! Connections that never finish their request headers (slowloris), or sit idle after a
//! request, are closed after a bound instead of holding a slot forever.
use std::time::{Duration, Instant};

use crate::common::*;
use keyward::server::config::Config;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Reads until the server closes the connection; how long that took.
async fn time_until_closed(stream: &mut TcpStream) -> Duration {
    let started = Instant::now();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout(Duration::from_secs(20), stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return started.elapsed(),
            Ok(Ok(_)) => continue,
            Err(_) => panic!("the connection was still open after 20 s"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_headers_and_idle_connections_are_closed() {
    let app = TestApp::with_config(Config {
        header_read_timeout_secs: 2,
        idle_timeout_secs: 4,
        ..Config::default()
    })
    .await;
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(keyward::site::lifecycle::serve_until(
        listener,
        app.state.clone(),
        async {
            let _ = stopped.await;
        },
    ));

    // Headers trickled one line at a time, never finished.
    let mut slow = TcpStream::connect(addr).await.expect("connect");
    slow.write_all(b"GET /healthz HTTP/1.1\r\n")
        .await
        .expect("send");
    slow.write_all(b"Host: keyward.test\r\n")
        .await
        .expect("send");
    let slowloris = time_until_closed(&mut slow).await;
    assert!(
        slowloris < Duration::from_secs(10),
        "closed after {slowloris:?}"
    );

    // A complete request on a keep-alive connection, then silence.
    let mut idle = TcpStream::connect(addr).await.expect("connect");
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: keyward.test\r\n\r\n")
        .await
        .expect("send");
    let mut first = [0u8; 512];
    let n = idle.read(&mut first).await.expect("answer");
    assert!(String::from_utf8_lossy(&first[..n]).starts_with("HTTP/1.1 200"));
    let kept = time_until_closed(&mut idle).await;
    assert!(
        kept < Duration::from_secs(10),
        "an idle connection was kept {kept:?}"
    );

    // A normal client is served as before.
    assert_eq!(http(addr, "GET", "/healthz", &[], None).await.status, 200);
    stop.send(()).expect("running");
    server.await.expect("task").expect("clean shutdown");
}
