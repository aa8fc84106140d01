//! Keyward listening on a real port, as a proxy in front of it needs, until the test is done.
use crate::common::*;
use std::net::SocketAddr;
use tokio::net::TcpListener;

pub(super) struct Listening {
    pub(super) addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
}

impl Listening {
    pub(super) async fn start(app: &TestApp) -> Listening {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind keyward");
        let addr = listener.local_addr().expect("addr");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(keyward::site::lifecycle::serve_until(
            listener,
            app.state.clone(),
            async {
                let _ = stopped.await;
            },
        ));
        Listening {
            addr,
            stop: Some(stop),
            server: Some(server),
        }
    }

    /// Stops serving, and asserts the shutdown was clean.
    pub(super) async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.expect("server task").expect("clean shutdown");
        }
    }
}
