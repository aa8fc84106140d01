//! Environment variables that override single settings of the file.
use super::{
    check_email_from, check_public_url, check_smtp_url, parse_proxies, parse_rate_limit, Config,
    ConfigError,
};
use crate::api::restrictions::check_rate_limit;

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

fn check(
    name: &'static str,
    value: String,
    rule: impl FnOnce(&str) -> Result<(), String>,
) -> Result<String, ConfigError> {
    match rule(&value) {
        Ok(()) => Ok(value),
        Err(reason) => Err(ConfigError::Env {
            name,
            value,
            reason,
        }),
    }
}

impl Config {
    pub(super) fn apply_env(
        &mut self,
        get: impl Fn(&str) -> Option<String>,
    ) -> Result<(), ConfigError> {
        let non_empty = |name: &str| get(name).filter(|v| !v.trim().is_empty());
        if let Some(v) = non_empty("LEPTOS_SITE_ADDR") {
            self.site_addr = parse("LEPTOS_SITE_ADDR", v)?;
        }
        if let Some(v) = non_empty("LEPTOS_SITE_ROOT") {
            self.site_root = v;
        }
        if let Some(v) = non_empty("KEYWARD_PUBLIC_URL") {
            self.public_url = Some(check("KEYWARD_PUBLIC_URL", v, check_public_url)?);
        }
        if let Some(v) = non_empty("DATABASE_URL") {
            self.database_url = v;
        }
        if let Some(v) = non_empty("KEYWARD_DB_MAX_CONNECTIONS") {
            let n: u32 = parse("KEYWARD_DB_MAX_CONNECTIONS", v.clone())?;
            if n == 0 {
                return Err(ConfigError::Env {
                    name: "KEYWARD_DB_MAX_CONNECTIONS",
                    value: v,
                    reason: "it must be at least 1".into(),
                });
            }
            self.max_connections = n;
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
        if let Some(v) = non_empty("KEYWARD_KEY_CHANGES_PER_HOUR") {
            self.key_changes_per_hour = parse("KEYWARD_KEY_CHANGES_PER_HOUR", v)?;
        }
        if let Some(v) = non_empty("KEYWARD_MAX_RATE_LIMIT_REQUESTS") {
            self.max_rate_limit_requests = parse("KEYWARD_MAX_RATE_LIMIT_REQUESTS", v)?;
        }
        if let Some(v) = non_empty("KEYWARD_DEFAULT_RATE_LIMIT") {
            let limit = parse_rate_limit(&v)
                .and_then(|limit| match limit {
                    Some(l) => check_rate_limit(l, self.max_rate_limit_requests).map(|()| Some(l)),
                    None => Ok(None),
                })
                .map_err(|reason| ConfigError::Env {
                    name: "KEYWARD_DEFAULT_RATE_LIMIT",
                    value: v.clone(),
                    reason,
                })?;
            self.default_rate_limit = limit;
        }
        if let Some(v) = non_empty("KEYWARD_SIGN_UP_MAX_PER_IP") {
            self.sign_up_max_per_ip = parse("KEYWARD_SIGN_UP_MAX_PER_IP", v)?;
        }
        if let Some(v) = non_empty("KEYWARD_TRUST_FORWARDED_FOR") {
            self.trust_forwarded_for = parse("KEYWARD_TRUST_FORWARDED_FOR", v)?;
        }
        if let Some(v) = non_empty("KEYWARD_TRUSTED_PROXIES") {
            let list = v.split(',').map(str::to_owned);
            self.trusted_proxies = parse_proxies(list).map_err(|reason| ConfigError::Env {
                name: "KEYWARD_TRUSTED_PROXIES",
                value: v.clone(),
                reason,
            })?;
        }
        if let Some(v) = non_empty("KEYWARD_HEADER_READ_TIMEOUT_SECS") {
            self.header_read_timeout_secs = parse("KEYWARD_HEADER_READ_TIMEOUT_SECS", v)?;
        }
        if let Some(v) = non_empty("KEYWARD_IDLE_TIMEOUT_SECS") {
            self.idle_timeout_secs = parse("KEYWARD_IDLE_TIMEOUT_SECS", v)?;
        }
        if let Some(v) = non_empty("KEYWARD_SMTP_URL") {
            self.smtp_url = Some(check("KEYWARD_SMTP_URL", v, check_smtp_url)?);
        }
        if let Some(v) = non_empty("KEYWARD_EMAIL_FROM") {
            self.email_from = check("KEYWARD_EMAIL_FROM", v, check_email_from)?;
        }
        if let Some(v) = non_empty("KEYWARD_MAIL_POLL_MS") {
            self.mail_poll_ms = parse::<u64>("KEYWARD_MAIL_POLL_MS", v)?.max(50);
        }
        if let Some(v) = non_empty("KEYWARD_RESET_MAX_PER_EMAIL") {
            self.reset_max_per_email = parse("KEYWARD_RESET_MAX_PER_EMAIL", v)?;
        }
        if let Some(v) = non_empty("KEYWARD_RESET_MAX_PER_IP") {
            self.reset_max_per_ip = parse("KEYWARD_RESET_MAX_PER_IP", v)?;
        }
        Ok(())
    }
}
