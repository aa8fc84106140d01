//! Runtime settings. They come from `Leptos.toml` (path overridable with `KEYWARD_CONFIG`),
//! then environment variables override single values, so a release binary runs with neither
//! cargo-leptos nor `Cargo.toml` beside it.
use std::net::SocketAddr;
use std::path::Path;

use serde::Deserialize;

#[derive(Clone, Debug)]
pub struct Config {
    pub site_addr: SocketAddr,
    pub site_root: String,
    pub database_url: String,
    /// PostgreSQL connections reserved for API-key lookups (pipelined; see
    /// `services::key_lookup`).
    pub key_lookup_connections: usize,
    /// Remember verified keys between requests, strictly (PostgreSQL only; see
    /// `services::key_epochs`). Off: every verification is one lookup.
    pub key_lookup_cache: bool,
    pub session_lifetime_days: i64,
    /// Adds `Secure` to the session cookie; turn on whenever the app is served over TLS.
    pub secure_cookies: bool,
    /// How often pending last-used timestamps are written (seconds).
    pub last_used_flush_secs: u64,
    /// Sign-in throttling: failures allowed per email / per IP within the window.
    pub login_max_failures_per_email: u32,
    pub login_max_failures_per_ip: u32,
    pub login_window_secs: i64,
    /// Registration throttling: registrations allowed per client IP within the window.
    pub sign_up_max_per_ip: u32,
    pub sign_up_window_secs: i64,
    /// Trust `X-Forwarded-For` for the client IP (only behind a proxy you control).
    pub trust_forwarded_for: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            site_addr: SocketAddr::from(([127, 0, 0, 1], 3000)),
            site_root: "target/site".into(),
            database_url: "sqlite://data/keyward.db?mode=rwc".into(),
            key_lookup_connections: 2,
            key_lookup_cache: true,
            session_lifetime_days: 30,
            secure_cookies: false,
            last_used_flush_secs: 5,
            login_max_failures_per_email: 10,
            login_max_failures_per_ip: 50,
            login_window_secs: 15 * 60,
            sign_up_max_per_ip: 30,
            sign_up_window_secs: 3600,
            trust_forwarded_for: false,
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
    #[error("environment variable {name}={value:?} is not valid: {reason}")]
    Env {
        name: &'static str,
        value: String,
        reason: String,
    },
}

/// The shape of `Leptos.toml`. Every field is optional: a missing one keeps the default.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    #[serde(default)]
    server: ServerSection,
    #[serde(default)]
    database: DatabaseSection,
    #[serde(default)]
    sessions: SessionSection,
    #[serde(default)]
    api_keys: ApiKeySection,
    #[serde(default)]
    sign_in: SignInSection,
    #[serde(default)]
    sign_up: SignUpSection,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ServerSection {
    site_addr: Option<SocketAddr>,
    site_root: Option<String>,
    trust_forwarded_for: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct DatabaseSection {
    url: Option<String>,
    key_lookup_connections: Option<usize>,
    key_lookup_cache: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SessionSection {
    lifetime_days: Option<i64>,
    secure_cookie: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ApiKeySection {
    last_used_flush_secs: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SignInSection {
    max_failures_per_email: Option<u32>,
    max_failures_per_ip: Option<u32>,
    window_secs: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SignUpSection {
    max_per_ip: Option<u32>,
    window_secs: Option<i64>,
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
        Ok(config)
    }

    pub fn from_file(path: &str) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.into(),
            source,
        })?;
        Config::from_toml(&text).map_err(|source| ConfigError::Parse {
            path: path.into(),
            source: Box::new(source),
        })
    }

    fn from_toml(text: &str) -> Result<Config, toml::de::Error> {
        let file: FileConfig = toml::from_str(text)?;
        let mut c = Config::default();
        let s = file.server;
        c.site_addr = s.site_addr.unwrap_or(c.site_addr);
        c.site_root = s.site_root.unwrap_or(c.site_root);
        c.trust_forwarded_for = s.trust_forwarded_for.unwrap_or(c.trust_forwarded_for);
        c.database_url = file.database.url.unwrap_or(c.database_url);
        c.key_lookup_connections = file
            .database
            .key_lookup_connections
            .unwrap_or(c.key_lookup_connections);
        c.key_lookup_cache = file.database.key_lookup_cache.unwrap_or(c.key_lookup_cache);
        c.session_lifetime_days = file
            .sessions
            .lifetime_days
            .unwrap_or(c.session_lifetime_days);
        c.secure_cookies = file.sessions.secure_cookie.unwrap_or(c.secure_cookies);
        c.last_used_flush_secs = file
            .api_keys
            .last_used_flush_secs
            .unwrap_or(c.last_used_flush_secs);
        let si = file.sign_in;
        c.login_max_failures_per_email = si
            .max_failures_per_email
            .unwrap_or(c.login_max_failures_per_email);
        c.login_max_failures_per_ip = si
            .max_failures_per_ip
            .unwrap_or(c.login_max_failures_per_ip);
        c.login_window_secs = si.window_secs.unwrap_or(c.login_window_secs);
        c.sign_up_max_per_ip = file.sign_up.max_per_ip.unwrap_or(c.sign_up_max_per_ip);
        c.sign_up_window_secs = file.sign_up.window_secs.unwrap_or(c.sign_up_window_secs);
        Ok(c)
    }

    fn apply_env(&mut self, get: impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        fn parse<T: std::str::FromStr>(name: &'static str, value: String) -> Result<T, ConfigError>
        where
            T::Err: std::fmt::Display,
        {
            value.parse().map_err(|e: T::Err| ConfigError::Env {
                name,
                reason: e.to_string(),
                value,
            })
        }
        let non_empty = |name: &str| get(name).filter(|v| !v.trim().is_empty());
        if let Some(v) = non_empty("LEPTOS_SITE_ADDR") {
            self.site_addr = parse("LEPTOS_SITE_ADDR", v)?;
        }
        if let Some(v) = non_empty("LEPTOS_SITE_ROOT") {
            self.site_root = v;
        }
        if let Some(v) = non_empty("DATABASE_URL") {
            self.database_url = v;
        }
        if let Some(v) = non_empty("KEYWARD_KEY_LOOKUP_CONNECTIONS") {
            self.key_lookup_connections = parse("KEYWARD_KEY_LOOKUP_CONNECTIONS", v)?;
        }
        if let Some(v) = non_empty("KEYWARD_KEY_LOOKUP_CACHE") {
            self.key_lookup_cache = parse("KEYWARD_KEY_LOOKUP_CACHE", v)?;
        }
        if let Some(v) = non_empty("KEYWARD_SESSION_LIFETIME_DAYS") {
            self.session_lifetime_days = parse("KEYWARD_SESSION_LIFETIME_DAYS", v)?;
        }
        if let Some(v) = non_empty("KEYWARD_SECURE_COOKIES") {
            self.secure_cookies = parse("KEYWARD_SECURE_COOKIES", v)?;
        }
        if let Some(v) = non_empty("KEYWARD_LAST_USED_FLUSH_SECS") {
            self.last_used_flush_secs = parse("KEYWARD_LAST_USED_FLUSH_SECS", v)?;
        }
        if let Some(v) = non_empty("KEYWARD_SIGN_UP_MAX_PER_IP") {
            self.sign_up_max_per_ip = parse("KEYWARD_SIGN_UP_MAX_PER_IP", v)?;
        }
        if let Some(v) = non_empty("KEYWARD_TRUST_FORWARDED_FOR") {
            self.trust_forwarded_for = parse("KEYWARD_TRUST_FORWARDED_FOR", v)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_leptos_toml_parses() {
        let text = include_str!("../../Leptos.toml");
        let c = Config::from_toml(text).expect("Leptos.toml must parse");
        assert_eq!(c.site_addr.port(), 3000);
        assert_eq!(c.session_lifetime_days, 30);
    }

    #[test]
    fn unknown_keys_are_rejected() {
        assert!(Config::from_toml("[server]\nsite_adr = \"127.0.0.1:1\"").is_err());
    }

    #[test]
    fn env_overrides_file() {
        let mut c = Config::default();
        c.apply_env(|name| match name {
            "DATABASE_URL" => Some("postgres://x/y".into()),
            "LEPTOS_SITE_ADDR" => Some("0.0.0.0:8080".into()),
            "KEYWARD_SECURE_COOKIES" => Some("true".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(c.database_url, "postgres://x/y");
        assert_eq!(c.site_addr.port(), 8080);
        assert!(c.secure_cookies);
        let err = c.apply_env(|n| (n == "LEPTOS_SITE_ADDR").then(|| "nope".into()));
        assert!(matches!(
            err,
            Err(ConfigError::Env {
                name: "LEPTOS_SITE_ADDR",
                ..
            })
        ));
    }
}
