//! A real nginx with Keyward's shipped forward-auth snippets (deploy/nginx) in front of an
//! upstream that records what reached it.
use crate::common::*;
use axum::http::HeaderMap;
use serde_json::json;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Child;
use std::process::Command;
use std::process::Stdio;
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::sync::Mutex;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::net::TcpStream;

pub(super) async fn start_upstream() -> (SocketAddr, Upstream) {
    let seen = Upstream::default();
    let state = seen.clone();
    let app = axum::Router::new().fallback(move |headers: HeaderMap| {
        let state = state.clone();
        async move {
            state.calls.fetch_add(1, Ordering::SeqCst);
            *state.last_headers.lock().unwrap() = headers;
            axum::Json(json!({ "upstream": "reached" }))
        }
    });
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind upstream");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (addr, seen)
}

pub(super) async fn start_nginx(keyward: SocketAddr, upstream: SocketAddr) -> Nginx {
    let deploy = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("deploy/nginx");
    let dir = std::env::temp_dir().join(format!("keyward-nginx-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("nginx dir");
    let port = free_port();
    let config = format!(
        r#"
daemon off;
master_process off;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    upstream keyward {{ server {keyward}; keepalive 8; }}
    upstream my_api {{ server {upstream}; }}
    server {{
        listen 127.0.0.1:{port};
        include {deploy}/keyward-forward-auth.conf;
        location / {{
            include {deploy}/keyward-protect.conf;
            proxy_pass http://my_api;
        }}
    }}
}}
"#,
        dir = dir.display(),
        deploy = deploy.display(),
    );
    let conf = dir.join("nginx.conf");
    std::fs::write(&conf, config).expect("write nginx.conf");
    let child = Command::new(nginx_binary())
        .arg("-p")
        .arg(&dir)
        .arg("-c")
        .arg(&conf)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start nginx");
    let nginx = Nginx {
        child,
        port,
        _dir: TempDir(dir.clone()),
    };
    for _ in 0..100 {
        if TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return nginx;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let log = std::fs::read_to_string(dir.join("error.log")).unwrap_or_default();
    panic!("nginx did not start on port {port}: {log}");
}

/// What the upstream saw: how often it was called and the headers of the last call.
#[derive(Clone, Default)]
pub(super) struct Upstream {
    pub(super) calls: Arc<AtomicUsize>,
    pub(super) last_headers: Arc<Mutex<HeaderMap>>,
}

/// nginx in the foreground with a config of its own; killed when dropped.
pub(super) struct Nginx {
    child: Child,
    pub(super) port: u16,
    _dir: TempDir,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A directory of the test's own, removed when dropped.
pub(super) struct TempDir(pub(super) PathBuf);

impl TempDir {
    pub(super) fn new(what: &str) -> TempDir {
        let dir =
            std::env::temp_dir().join(format!("keyward-{what}-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn nginx_binary() -> PathBuf {
    ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .expect("nginx is not installed: scripts/test.sh installs Debian's nginx (apt-get install nginx)")
}
