//! The real server binary as a separate process: an instance with a process of its own
//! (its own clock offset, its own start-up), the way a second server would run.
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use super::wire::free_port;

pub struct ServerProcess {
    child: Child,
    pub addr: SocketAddr,
    log: PathBuf,
}

fn command(database_url: &str, port: u16, env: &[(&str, &str)], log: &PathBuf) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_keyward"));
    let file = std::fs::File::create(log).expect("log file");
    command
        .env("DATABASE_URL", database_url)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        // The defaults, not the repository's Leptos.toml.
        .env("KEYWARD_CONFIG", "/nonexistent/keyward-test.toml")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(file.try_clone().expect("log"))
        .stderr(file);
    for (name, value) in env {
        command.env(name, value);
    }
    command
}

impl ServerProcess {
    /// Starts the binary on `database_url` and waits until it answers `/healthz`.
    pub async fn start(database_url: &str, env: &[(&str, &str)]) -> ServerProcess {
        let port = free_port();
        let log =
            std::env::temp_dir().join(format!("keyward_srv_{}.log", uuid::Uuid::new_v4().simple()));
        let child = command(database_url, port, env, &log)
            .spawn()
            .expect("start the server binary");
        let mut server = ServerProcess {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            log,
        };
        for _ in 0..300 {
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!("the server exited with {status}:\n{}", server.output());
            }
            if tokio::net::TcpStream::connect(server.addr).await.is_ok() {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the server did not start listening:\n{}", server.output());
    }

    /// Ends the process at once (SIGKILL): no shutdown, no last flush, as a crash would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// What the process wrote so far.
    pub fn output(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}

/// Runs the binary on `database_url`, expecting start-up to fail: its exit status is not
/// success within 30 s, and what it printed comes back.
pub async fn start_failure(database_url: &str, env: &[(&str, &str)]) -> String {
    let log =
        std::env::temp_dir().join(format!("keyward_srv_{}.log", uuid::Uuid::new_v4().simple()));
    let mut child = command(database_url, free_port(), env, &log)
        .spawn()
        .expect("start the server binary");
    for _ in 0..300 {
        if let Ok(Some(status)) = child.try_wait() {
            let output = std::fs::read_to_string(&log).unwrap_or_default();
            let _ = std::fs::remove_file(&log);
            assert!(!status.success(), "start-up succeeded:\n{output}");
            return output;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = child.kill();
    let output = std::fs::read_to_string(&log).unwrap_or_default();
    panic!("the server kept running instead of refusing to start:\n{output}");
}
