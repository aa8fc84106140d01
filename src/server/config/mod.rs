//! Runtime settings. They come from `Leptos.toml` (path overridable with `KEYWARD_CONFIG`),
//! then environment variables override single values, so a release binary runs with neither
//! cargo-leptos nor `Cargo.toml` beside it.
mod env;
mod file;
mod mail;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use crate::api::net::IpNet;
use crate::api::RateLimit;
use crate::server::permissions::Catalog;
use mail::{check_email_from, check_mail, check_smtp_url};

#[derive(Clone, Debug)]
pub struct Config {
    pub site_addr: SocketAddr,
    pub site_root: String,
    /// Where people reach this server (`https://keys.example.com`), for links in mail and the
    /// copy-paste examples of the API reference. Never taken from a request's `Host`.
    pub public_url: Option<String>,
    pub database_url: String,
    /// The sea-orm pool's size per instance. Small by default, so that several instances and
    /// their lookup connections fit in PostgreSQL's default 100 connections (README).
    pub max_connections: u32,
    /// PostgreSQL connections reserved for API-key lookups (pipelined; see
    /// `services::verification::pg_pipeline`).
    pub key_lookup_connections: usize,
    /// Remember verified keys between requests, strictly (PostgreSQL only; see
    /// `services::verification::cache`). Off: every verification is one lookup.
    pub key_lookup_cache: bool,
    pub session_lifetime_days: i64,
    /// Adds `Secure` to the session cookie; turn on whenever the app is served over TLS.
    pub secure_cookies: bool,
    /// How often pending last-used timestamps are written (seconds).
    pub last_used_flush_secs: u64,
    /// Creates, regenerates and restriction changes allowed per user per hour, together.
    pub key_changes_per_hour: u32,
    /// The most requests a key's rate limit may allow in its window.
    pub max_rate_limit_requests: u32,
    /// The rate limit a new key gets when its creator names none.
    pub default_rate_limit: Option<RateLimit>,
    /// The permissions keys may be limited to: `read` and the operator's `[scopes."…"]`.
    pub scopes: Arc<Catalog>,
    /// Sign-in throttling: failures allowed per email / per IP within the window.
    pub login_max_failures_per_email: u32,
    pub login_max_failures_per_ip: u32,
    pub login_window_secs: i64,
    /// Registration throttling: registrations allowed per client IP within the window.
    pub sign_up_max_per_ip: u32,
    pub sign_up_window_secs: i64,
    /// Believe forwarded headers from every peer (only when every request comes through a
    /// proxy you control).
    pub trust_forwarded_for: bool,
    /// Peers whose forwarded headers are believed.
    pub trusted_proxies: Vec<IpNet>,
    /// A connection whose request headers are not complete after this long is closed.
    pub header_read_timeout_secs: u64,
    /// A keep-alive connection with no request for this long is closed.
    pub idle_timeout_secs: u64,
    /// Outgoing mail (`smtp://host:port`, `smtps://user:pass@host:465`). Without it, what needs
    /// mail (password reset, expiry reminders) says so instead of dropping anything.
    pub smtp_url: Option<String>,
    /// The sender of every mail, `Keyward <keys@example.com>`.
    pub email_from: String,
    /// How often each instance looks for mail to send and reminders that are due.
    pub mail_poll_ms: u64,
    /// Password reset requests allowed per email address / per client IP per hour.
    pub reset_max_per_email: u32,
    pub reset_max_per_ip: u32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            site_addr: SocketAddr::from(([127, 0, 0, 1], 3000)),
            site_root: "target/site".into(),
            public_url: None,
            database_url: "sqlite://data/keyward.db?mode=rwc".into(),
            max_connections: 10,
            key_lookup_connections: 2,
            key_lookup_cache: true,
            session_lifetime_days: 30,
            secure_cookies: false,
            last_used_flush_secs: 5,
            key_changes_per_hour: 100,
            max_rate_limit_requests: 1_000_000,
            default_rate_limit: None,
            scopes: Arc::new(Catalog::default()),
            login_max_failures_per_email: 10,
            login_max_failures_per_ip: 50,
            login_window_secs: 15 * 60,
            sign_up_max_per_ip: 30,
            sign_up_window_secs: 3600,
            trust_forwarded_for: false,
            trusted_proxies: Vec::new(),
            header_read_timeout_secs: 30,
            idle_timeout_secs: 75,
            smtp_url: None,
            email_from: "Keyward <keyward@localhost>".into(),
            mail_poll_ms: 10_000,
            reset_max_per_email: 5,
            reset_max_per_ip: 30,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not valid: {source}")]
    Parse {
        path: String,
        source: Box<toml::de::Error>,
    },
    #[error("{path}: {setting} is not valid: {reason}")]
    Value {
        path: String,
        setting: &'static str,
        reason: String,
    },
    #[error("environment variable {name}={value:?} is not valid: {reason}")]
    Env {
        name: &'static str,
        value: String,
        reason: String,
    },
}

impl Config {
    /// Loads `Leptos.toml` (or `$KEYWARD_CONFIG`) if present, then applies env overrides.
    pub fn load() -> Result<Config, ConfigError> {
        let path = std::env::var("KEYWARD_CONFIG").unwrap_or_else(|_| "Leptos.toml".into());
        let mut config = if Path::new(&path).exists() {
            Config::from_file(&path)?
        } else {
            Config::default()
        };
        config.apply_env(|name| std::env::var(name).ok())?;
        check_mail(&config).map_err(|reason| ConfigError::Value {
            path: path.clone(),
            setting: "email.smtp_url",
            reason,
        })?;
        Ok(config)
    }

    pub fn from_file(path: &str) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.into(),
            source,
        })?;
        file::parse(&text, path)
    }

    /// The public URL without a trailing slash, if one is configured.
    pub fn public_base(&self) -> Option<&str> {
        self.public_url
            .as_deref()
            .map(|url| url.trim_end_matches('/'))
    }
}

/// `https://host[:port][/path]` or `http://…`, nothing else: it ends up in mail and pages.
fn check_public_url(url: &str) -> Result<(), String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or("it must start with https:// or http://")?;
    let host = rest.split('/').next().unwrap_or_default();
    if host.is_empty()
        || url.contains(['?', '#', ' ', '"', '\'', '<', '>', '\\'])
        || url.chars().any(char::is_control)
    {
        return Err("it must be a plain URL such as https://keys.example.com".into());
    }
    Ok(())
}

/// `100/60`: 100 requests per 60 seconds; `none`: no default.
fn parse_rate_limit(text: &str) -> Result<Option<RateLimit>, String> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    let (requests, per_seconds) = text
        .split_once('/')
        .ok_or("write it as requests/seconds, such as 100/60, or none")?;
    let limit = RateLimit {
        requests: requests
            .trim()
            .parse()
            .map_err(|_| "requests must be a whole number")?,
        per_seconds: per_seconds
            .trim()
            .parse()
            .map_err(|_| "seconds must be a whole number")?,
    };
    Ok(Some(limit))
}

fn parse_proxies(list: impl IntoIterator<Item = String>) -> Result<Vec<IpNet>, String> {
    list.into_iter()
        .filter(|item| !item.trim().is_empty())
        .map(|item| item.parse::<IpNet>().map_err(|e| e.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_leptos_toml_parses() {
        let text = include_str!("../../../Leptos.toml");
        let c = file::parse(text, "Leptos.toml").expect("Leptos.toml must parse");
        assert_eq!(c.site_addr.port(), 3000);
        assert_eq!(c.session_lifetime_days, 30);
    }

    #[test]
    fn unknown_keys_are_rejected() {
        assert!(file::parse("[server]\nsite_adr = \"127.0.0.1:1\"", "x").is_err());
    }

    #[test]
    fn env_overrides_file() {
        let mut c = Config::default();
        c.apply_env(|name| match name {
            "DATABASE_URL" => Some("postgres://x/y".into()),
            "LEPTOS_SITE_ADDR" => Some("0.0.0.0:8080".into()),
            "KEYWARD_SECURE_COOKIES" => Some("true".into()),
            "KEYWARD_TRUSTED_PROXIES" => Some("10.0.0.0/8, 127.0.0.1".into()),
            "KEYWARD_DB_MAX_CONNECTIONS" => Some("4".into()),
            "KEYWARD_PUBLIC_URL" => Some("https://keys.example.com/".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(c.database_url, "postgres://x/y");
        assert_eq!(c.site_addr.port(), 8080);
        assert!(c.secure_cookies);
        assert_eq!(c.trusted_proxies.len(), 2);
        assert_eq!(c.max_connections, 4);
        assert_eq!(c.public_base(), Some("https://keys.example.com"));
        let err = c.apply_env(|n| (n == "LEPTOS_SITE_ADDR").then(|| "nope".into()));
        assert!(matches!(
            err,
            Err(ConfigError::Env {
                name: "LEPTOS_SITE_ADDR",
                ..
            })
        ));
        for (name, bad) in [
            ("KEYWARD_TRUSTED_PROXIES", "10.0.0.1/8"),
            ("KEYWARD_PUBLIC_URL", "keys.example.com"),
            ("KEYWARD_PUBLIC_URL", "https://x'$(id)'"),
            ("KEYWARD_DB_MAX_CONNECTIONS", "0"),
        ] {
            assert!(
                c.apply_env(|n| (n == name).then(|| bad.into())).is_err(),
                "{name}={bad}"
            );
        }
    }

    #[test]
    fn the_file_takes_the_new_settings() {
        let c = file::parse(
            "[server]\ntrusted_proxies = [\"127.0.0.1/32\"]\npublic_url = \"https://k.example\"\n\
             [database]\nmax_connections = 6\n[api_keys]\nmax_changes_per_hour = 7\n",
            "x",
        )
        .unwrap();
        assert_eq!(c.trusted_proxies.len(), 1);
        assert_eq!(c.max_connections, 6);
        assert_eq!(c.key_changes_per_hour, 7);
        assert!(file::parse("[server]\ntrusted_proxies = [\"nope\"]", "x").is_err());
    }
}
