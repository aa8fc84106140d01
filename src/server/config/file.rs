//! The shape of `Leptos.toml`. Every field is optional: a missing one keeps the default.
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;

use serde::Deserialize;

use super::{
    check_email_from, check_public_url, check_smtp_url, parse_proxies, Config, ConfigError,
};
use crate::api::restrictions::check_rate_limit;
use crate::api::RateLimit;
use crate::server::permissions::{Catalog, ScopeConfig};

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
    #[serde(default)]
    email: EmailSection,
    #[serde(default)]
    password_reset: PasswordResetSection,
    /// `[scopes."orders:read"]`: the permissions keys may be limited to.
    #[serde(default)]
    scopes: BTreeMap<String, ScopeSection>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScopeSection {
    #[serde(default)]
    description: String,
    #[serde(default)]
    allow: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ServerSection {
    site_addr: Option<SocketAddr>,
    site_root: Option<String>,
    public_url: Option<String>,
    trust_forwarded_for: Option<bool>,
    trusted_proxies: Option<Vec<String>>,
    header_read_timeout_secs: Option<u64>,
    idle_timeout_secs: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct DatabaseSection {
    url: Option<String>,
    max_connections: Option<u32>,
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
    max_changes_per_hour: Option<u32>,
    max_rate_limit_requests: Option<u32>,
    /// `{ requests = 100, per_seconds = 60 }`
    default_rate_limit: Option<RateLimitSection>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RateLimitSection {
    requests: u32,
    per_seconds: u32,
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

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct EmailSection {
    smtp_url: Option<String>,
    from: Option<String>,
    poll_interval_ms: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PasswordResetSection {
    max_per_email: Option<u32>,
    max_per_ip: Option<u32>,
}

/// `text` as the contents of the file at `path` (named in errors).
pub(super) fn parse(text: &str, path: &str) -> Result<Config, ConfigError> {
    let file: FileConfig = toml::from_str(text).map_err(|source| ConfigError::Parse {
        path: path.into(),
        source: Box::new(source),
    })?;
    let invalid = |setting: &'static str, reason: String| ConfigError::Value {
        path: path.into(),
        setting,
        reason,
    };
    let mut c = Config::default();
    let s = file.server;
    c.site_addr = s.site_addr.unwrap_or(c.site_addr);
    c.site_root = s.site_root.unwrap_or(c.site_root);
    if let Some(url) = s.public_url {
        check_public_url(&url).map_err(|reason| invalid("server.public_url", reason))?;
        c.public_url = Some(url);
    }
    c.trust_forwarded_for = s.trust_forwarded_for.unwrap_or(c.trust_forwarded_for);
    if let Some(list) = s.trusted_proxies {
        c.trusted_proxies =
            parse_proxies(list).map_err(|reason| invalid("server.trusted_proxies", reason))?;
    }
    c.header_read_timeout_secs = s
        .header_read_timeout_secs
        .unwrap_or(c.header_read_timeout_secs);
    c.idle_timeout_secs = s.idle_timeout_secs.unwrap_or(c.idle_timeout_secs);
    let d = file.database;
    c.database_url = d.url.unwrap_or(c.database_url);
    if let Some(n) = d.max_connections {
        if n == 0 {
            return Err(invalid(
                "database.max_connections",
                "it must be at least 1".into(),
            ));
        }
        c.max_connections = n;
    }
    c.key_lookup_connections = d.key_lookup_connections.unwrap_or(c.key_lookup_connections);
    c.key_lookup_cache = d.key_lookup_cache.unwrap_or(c.key_lookup_cache);
    c.session_lifetime_days = file
        .sessions
        .lifetime_days
        .unwrap_or(c.session_lifetime_days);
    c.secure_cookies = file.sessions.secure_cookie.unwrap_or(c.secure_cookies);
    c.last_used_flush_secs = file
        .api_keys
        .last_used_flush_secs
        .unwrap_or(c.last_used_flush_secs);
    c.key_changes_per_hour = file
        .api_keys
        .max_changes_per_hour
        .unwrap_or(c.key_changes_per_hour);
    c.max_rate_limit_requests = file
        .api_keys
        .max_rate_limit_requests
        .unwrap_or(c.max_rate_limit_requests);
    if let Some(limit) = file.api_keys.default_rate_limit {
        let limit = RateLimit {
            requests: limit.requests,
            per_seconds: limit.per_seconds,
        };
        check_rate_limit(limit, c.max_rate_limit_requests)
            .map_err(|reason| invalid("api_keys.default_rate_limit", reason))?;
        c.default_rate_limit = Some(limit);
    }
    let declared: Vec<ScopeConfig> = file
        .scopes
        .into_iter()
        .map(|(name, scope)| ScopeConfig {
            name,
            description: scope.description,
            allow: scope.allow,
        })
        .collect();
    c.scopes = Arc::new(Catalog::new(&declared).map_err(|reason| invalid("scopes", reason))?);
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
    let e = file.email;
    if let Some(url) = e.smtp_url.filter(|url| !url.trim().is_empty()) {
        check_smtp_url(&url).map_err(|reason| invalid("email.smtp_url", reason))?;
        c.smtp_url = Some(url);
    }
    if let Some(from) = e.from {
        check_email_from(&from).map_err(|reason| invalid("email.from", reason))?;
        c.email_from = from;
    }
    c.mail_poll_ms = e.poll_interval_ms.unwrap_or(c.mail_poll_ms).max(50);
    let r = file.password_reset;
    c.reset_max_per_email = r.max_per_email.unwrap_or(c.reset_max_per_email);
    c.reset_max_per_ip = r.max_per_ip.unwrap_or(c.reset_max_per_ip);
    Ok(c)
}
