//! Connection settings for the lookup connections, with exactly the meaning the sea-orm pool
//! gives the same `DATABASE_URL`.
//!
//! The URL is read by sqlx's own parser, the one the pool uses: so the same query parameters
//! (`sslmode`, `sslrootcert`, `sslcert`, `sslkey`, `host`, `port`, `user`, `password`,
//! `dbname`, `application_name`, `options`), the same libpq environment variables as defaults
//! (`PGHOST`, `PGPORT`, `PGUSER`, `PGPASSWORD`, `PGDATABASE`, `PGSSLMODE`, `PGSSLROOTCERT`,
//! `PGSSLCERT`, `PGSSLKEY`, `PGAPPNAME`, `PGOPTIONS`), the same `.pgpass`. Its result is copied
//! into tokio-postgres's settings, and TLS follows sqlx's rules mode by mode:
//!
//! | `sslmode` | TLS | certificate checked |
//! |---|---|---|
//! | `disable`, `allow` | never | — |
//! | `prefer` (default) | if the server offers it | no |
//! | `require` | always | no (as sqlx: even with `sslrootcert`) |
//! | `verify-ca` | always | chain, not the host name |
//! | `verify-full` | always | chain and host name |
//!
//! Trusted roots are Mozilla's (webpki-roots) plus `sslrootcert`, as sqlx has them. Nothing
//! falls back: a connection that cannot be made this way fails, and start-up with it.
use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::{ClientConfig, RootCertStore};

use super::pg_verifiers::{AcceptAnyCertificate, ChainOnly};
use sea_orm::sqlx::postgres::{PgConnectOptions, PgSslMode};
use sea_orm::sqlx::ConnectOptions;
use tokio_postgres::config::{ChannelBinding, SslMode};

/// What the lookup connections connect with.
#[derive(Clone)]
pub struct PgSettings {
    pub config: tokio_postgres::Config,
    tls: TlsPlan,
}

#[derive(Clone)]
struct TlsPlan {
    verify: Verify,
    root: Option<Pem>,
    client: Option<(Pem, Pem)>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Verify {
    Nothing,
    Chain,
    ChainAndHost,
}

/// PEM text, inline or in a file that is read at each connect (as sqlx does).
#[derive(Clone, Debug)]
enum Pem {
    Inline(Vec<u8>),
    File(std::path::PathBuf),
}

impl Pem {
    /// sqlx writes a certificate input back into its URL as `file: <path>` or the PEM itself.
    fn from_url_value(value: &str) -> Pem {
        match value.strip_prefix("file: ") {
            Some(path) => Pem::File(path.into()),
            None => Pem::Inline(value.as_bytes().to_vec()),
        }
    }

    fn read(&self) -> Result<Vec<u8>, SettingsError> {
        match self {
            Pem::Inline(pem) => Ok(pem.clone()),
            Pem::File(path) => std::fs::read(path)
                .map_err(|err| SettingsError(format!("cannot read {}: {err}", path.display()))),
        }
    }
}

/// A setting the lookup connections cannot honour as the pool does, named.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SettingsError(pub String);

impl PgSettings {
    /// The settings `url` stands for, together with the process environment.
    pub fn from_url(url: &str) -> Result<PgSettings, SettingsError> {
        let options: PgConnectOptions = url
            .parse()
            .map_err(|err| SettingsError(format!("DATABASE_URL: {err}")))?;
        // Password and certificates have no getters; sqlx's own rendering of its settings
        // carries them (the password percent-encoded, `.pgpass` included).
        let rendered = options.to_url_lossy();
        let mut config = tokio_postgres::Config::new();
        match options.get_socket() {
            Some(dir) => {
                config.host_path(dir);
            }
            None => {
                config.host(options.get_host());
            }
        }
        config.port(options.get_port()).user(options.get_username());
        // sqlx never binds SCRAM to the TLS channel; do the same so a server that insists on
        // it fails both ways alike.
        config.channel_binding(ChannelBinding::Disable);
        if let Some(database) = options.get_database() {
            config.dbname(database);
        }
        if let Some(name) = options.get_application_name() {
            config.application_name(name);
        }
        if let Some(opts) = options.get_options() {
            config.options(opts);
        }
        if let Some(encoded) = rendered.password() {
            let password = percent_encoding::percent_decode_str(encoded)
                .decode_utf8()
                .map_err(|_| SettingsError("DATABASE_URL: the password is not UTF-8".into()))?;
            config.password(password.as_bytes());
        }
        let verify = match options.get_ssl_mode() {
            PgSslMode::Disable | PgSslMode::Allow => {
                config.ssl_mode(SslMode::Disable);
                Verify::Nothing
            }
            PgSslMode::Prefer => {
                config.ssl_mode(SslMode::Prefer);
                Verify::Nothing
            }
            PgSslMode::Require => {
                config.ssl_mode(SslMode::Require);
                Verify::Nothing
            }
            PgSslMode::VerifyCa => {
                config.ssl_mode(SslMode::Require);
                Verify::Chain
            }
            PgSslMode::VerifyFull => {
                config.ssl_mode(SslMode::Require);
                Verify::ChainAndHost
            }
        };
        let param = |name: &str| {
            rendered
                .query_pairs()
                .filter(|(key, _)| key == name)
                .map(|(_, value)| Pem::from_url_value(&value))
                .last()
        };
        let client = match (param("sslcert"), param("sslkey")) {
            (Some(cert), Some(key)) => Some((cert, key)),
            (None, None) => None,
            (Some(_), None) => {
                return Err(SettingsError("sslcert is set but sslkey is not".into()))
            }
            (None, Some(_)) => {
                return Err(SettingsError("sslkey is set but sslcert is not".into()))
            }
        };
        let tls = TlsPlan {
            verify,
            root: param("sslrootcert"),
            client,
        };
        // Certificates that do not load fail now, at start-up, not on the first request.
        tls.client_config()?;
        Ok(PgSettings { config, tls })
    }

    /// A connector for one connection (certificate files are read again, as sqlx does).
    pub fn tls(&self) -> Result<tokio_postgres_rustls::MakeRustlsConnect, SettingsError> {
        Ok(tokio_postgres_rustls::MakeRustlsConnect::new(
            self.tls.client_config()?,
        ))
    }

    /// Whether TLS may be skipped (`disable`) or is at least tried.
    pub fn ssl_mode(&self) -> SslMode {
        self.config.get_ssl_mode()
    }
}

impl TlsPlan {
    fn client_config(&self) -> Result<ClientConfig, SettingsError> {
        let tls_error =
            |what: &str, err: &dyn std::fmt::Display| SettingsError(format!("{what}: {err}"));
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let builder = ClientConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| tls_error("TLS", &e))?;
        let builder = match self.verify {
            Verify::Nothing => builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(AcceptAnyCertificate(provider))),
            verify => {
                let mut roots =
                    RootCertStore::from_iter(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
                if let Some(root) = &self.root {
                    let pem = root
                        .read()
                        .map_err(|e| SettingsError(format!("sslrootcert: {e}")))?;
                    let mut added = 0;
                    for cert in CertificateDer::pem_slice_iter(&pem) {
                        let cert = cert.map_err(|e| tls_error("sslrootcert", &e))?;
                        roots.add(cert).map_err(|e| tls_error("sslrootcert", &e))?;
                        added += 1;
                    }
                    if added == 0 {
                        return Err(SettingsError("sslrootcert holds no PEM certificate".into()));
                    }
                }
                let verifier =
                    WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
                        .build()
                        .map_err(|e| tls_error("sslrootcert", &e))?;
                if verify == Verify::ChainAndHost {
                    builder
                        .dangerous()
                        .with_custom_certificate_verifier(verifier)
                } else {
                    builder
                        .dangerous()
                        .with_custom_certificate_verifier(Arc::new(ChainOnly(verifier)))
                }
            }
        };
        match &self.client {
            None => Ok(builder.with_no_client_auth()),
            Some((cert, key)) => {
                let certs = CertificateDer::pem_slice_iter(&cert.read()?)
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| tls_error("sslcert", &e))?;
                let key = PrivateKeyDer::from_pem_slice(&key.read()?)
                    .map_err(|e| tls_error("sslkey", &e))?;
                builder
                    .with_client_auth_cert(certs, key)
                    .map_err(|e| tls_error("sslcert/sslkey", &e))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_means_what_it_means_to_the_pool() {
        let s = PgSettings::from_url(
            "postgres://ada:p%40ss@db.example:6543/keys?sslmode=verify-full&application_name=kw",
        )
        .unwrap();
        assert_eq!(s.config.get_user(), Some("ada"));
        assert_eq!(s.config.get_password(), Some(&b"p@ss"[..]));
        assert_eq!(s.config.get_dbname(), Some("keys"));
        assert_eq!(s.config.get_ports(), &[6543]);
        assert_eq!(s.config.get_application_name(), Some("kw"));
        assert_eq!(s.ssl_mode(), SslMode::Require);
        assert_eq!(s.tls.verify, Verify::ChainAndHost);
        for (mode, ssl, verify) in [
            ("disable", SslMode::Disable, Verify::Nothing),
            ("prefer", SslMode::Prefer, Verify::Nothing),
            ("require", SslMode::Require, Verify::Nothing),
            ("verify-ca", SslMode::Require, Verify::Chain),
        ] {
            let s = PgSettings::from_url(&format!("postgres://h/d?sslmode={mode}")).unwrap();
            assert_eq!((s.ssl_mode(), s.tls.verify), (ssl, verify), "{mode}");
        }
    }

    #[test]
    fn what_cannot_be_honoured_is_refused_by_name() {
        let refused = |url: &str| PgSettings::from_url(url).err().expect("refused");
        let err = refused("postgres://h/d?sslmode=sometimes");
        assert!(err.0.contains("DATABASE_URL"), "{err}");
        let err = refused("postgres://h/d?sslcert=/tmp/c.pem");
        assert!(err.0.contains("sslkey"), "{err}");
        let err = refused("postgres://h/d?sslmode=verify-full&sslrootcert=/nonexistent/root.pem");
        assert!(err.0.contains("/nonexistent/root.pem"), "{err}");
    }
}
