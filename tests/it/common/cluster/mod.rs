//! A private PostgreSQL server for one test, started by the test: TLS with a certificate
//! authority made for it, its own `pg_hba.conf`, and a process the test may stop, start or
//! starve of connections without touching the machine's shared server.
use std::path::{Path, PathBuf};
use std::process::Command;

use super::wire::free_port;

mod certificates;
mod process;

use process::{is_root, postgres_bin, run, run_ok};

pub struct Cluster {
    pub port: u16,
    dir: PathBuf,
    bin: PathBuf,
    /// The authority that signed the server's certificate (CN localhost, IP 127.0.0.1).
    pub ca_cert: PathBuf,
    /// Another authority, which signed nothing the server holds.
    pub wrong_ca_cert: PathBuf,
}

/// A role that may only connect over TLS (`hostssl` only), with this password.
pub const TLS_ONLY_ROLE: &str = "tlsonly";

/// A role that connects with a password over TLS or plain TCP.
pub const PASSWORD_ROLE: &str = "app";
pub const ROLE_PASSWORD: &str = "correct-horse";

impl Cluster {
    /// Starts a server with `max_connections`; blocks for the few seconds initdb takes.
    pub fn start(max_connections: u32) -> Cluster {
        let dir =
            std::env::temp_dir().join(format!("keyward_pg_{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).expect("cluster dir");
        // The certificates, made for this test.
        certificates::make(&dir);
        let bin = postgres_bin();
        if is_root() {
            let status = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&dir)
                .status();
            assert!(
                status.is_ok_and(|s| s.success()),
                "chown the cluster dir to postgres"
            );
        }
        std::fs::set_permissions(
            dir.join("server.key"),
            std::os::unix::fs::PermissionsExt::from_mode(0o600),
        )
        .expect("key mode");
        let data = dir.join("data");
        let data_arg = data.to_str().expect("utf-8 path");
        run_ok(
            &bin.join("initdb"),
            &[
                "-D",
                data_arg,
                "-U",
                "postgres",
                "--auth=trust",
                "--no-sync",
                "-E",
                "UTF8",
            ],
        );
        let port = free_port();
        let conf = format!(
            "\nport = {port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{dir}'\n\
             max_connections = {max_connections}\nsuperuser_reserved_connections = 3\n\
             ssl = on\nssl_cert_file = '{dir}/server.crt'\nssl_key_file = '{dir}/server.key'\n\
             fsync = off\nfull_page_writes = off\nsynchronous_commit = off\n",
            dir = dir.display()
        );
        append(&data.join("postgresql.conf"), &conf);
        std::fs::write(
            data.join("pg_hba.conf"),
            format!(
                "local all all trust\n\
                 hostssl all {TLS_ONLY_ROLE} 127.0.0.1/32 scram-sha-256\n\
                 host all {TLS_ONLY_ROLE} 127.0.0.1/32 reject\n\
                 host all {PASSWORD_ROLE} 127.0.0.1/32 scram-sha-256\n\
                 host all all 127.0.0.1/32 trust\n"
            ),
        )
        .expect("pg_hba.conf");
        let cluster = Cluster {
            port,
            ca_cert: dir.join("ca.crt"),
            wrong_ca_cert: dir.join("wrong-ca.crt"),
            dir,
            bin,
        };
        cluster.start_server();
        for sql in [
            format!("CREATE ROLE {TLS_ONLY_ROLE} LOGIN PASSWORD '{ROLE_PASSWORD}'"),
            format!("CREATE ROLE {PASSWORD_ROLE} LOGIN PASSWORD '{ROLE_PASSWORD}'"),
            format!("CREATE DATABASE keyward OWNER {PASSWORD_ROLE}"),
            format!("GRANT ALL ON DATABASE keyward TO {TLS_ONLY_ROLE}"),
        ] {
            cluster.psql(&sql);
        }
        // The schema belongs to the owner; let the TLS-only role use it too.
        cluster.psql_in(
            "keyward",
            &format!("GRANT ALL ON SCHEMA public TO {TLS_ONLY_ROLE}, {PASSWORD_ROLE}"),
        );
        cluster
    }

    /// `postgres://user:password@127.0.0.1:<port>/keyward?<params>` (empty `params`: none).
    pub fn url(&self, user: &str, params: &str) -> String {
        self.url_via(self.port, user, params)
    }

    /// The same database reached through another port (a relay in front of this server).
    pub fn url_via(&self, port: u16, user: &str, params: &str) -> String {
        let credentials = if user == "postgres" {
            user.to_owned()
        } else {
            format!("{user}:{ROLE_PASSWORD}")
        };
        let query = if params.is_empty() {
            String::new()
        } else {
            format!("?{params}")
        };
        format!("postgres://{credentials}@127.0.0.1:{port}/keyward{query}")
    }

    pub fn addr(&self) -> std::net::SocketAddr {
        std::net::SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    fn pg_ctl(&self, args: &[&str]) {
        let data = self.dir.join("data");
        let log = self.dir.join("server.log");
        let mut all = vec!["-D", data.to_str().unwrap(), "-l", log.to_str().unwrap()];
        all.extend_from_slice(args);
        run_ok(&self.bin.join("pg_ctl"), &all);
    }

    fn start_server(&self) {
        self.pg_ctl(&["-w", "-t", "30", "start"]);
    }

    /// Stops the server (fast shutdown: sessions are ended, as an operator's restart would).
    pub fn stop(&self) {
        self.pg_ctl(&["-w", "-m", "fast", "stop"]);
    }

    pub fn restart(&self) {
        self.start_server();
    }

    /// Runs SQL as the superuser in the `postgres` database.
    pub fn psql(&self, sql: &str) {
        self.psql_in("postgres", sql);
    }

    pub fn psql_in(&self, database: &str, sql: &str) {
        let port = self.port.to_string();
        run_ok(
            &self.bin.join("psql"),
            &[
                "-X",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                self.dir.to_str().unwrap(),
                "-p",
                &port,
                "-U",
                "postgres",
                "-d",
                database,
                "-c",
                sql,
            ],
        );
    }
}

fn append(path: &Path, text: &str) {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .expect("open for append");
    file.write_all(text.as_bytes()).expect("append");
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.dir.join("data");
        let _ = run(
            &self.bin.join("pg_ctl"),
            &[
                "-D",
                data.to_str().unwrap_or_default(),
                "-m",
                "immediate",
                "stop",
            ],
        );
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
