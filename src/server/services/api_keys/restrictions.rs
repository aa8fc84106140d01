//! A key's restrictions: permissions (scopes from the catalog), a rate limit, the addresses it
//! may be used from. Checked when a key is created or changed, stored on the key (so every
//! version of it carries them and a change moves the key's verification epoch), and recorded
//! in the key's history on every change.
use std::sync::Arc;

use sea_orm::ActiveValue::Set;

use crate::api::net::IpNet;
use crate::api::restrictions::{check_allowed_ips, check_rate_limit};
use crate::api::{AppError, KeyRestrictions, RateLimit};
use crate::server::config::Config;
use crate::server::entities::api_keys;
use crate::server::permissions::Catalog;

/// What the rules for restrictions need: the scope catalog and the operator's bounds.
#[derive(Clone, Debug)]
pub struct RestrictionRules {
    pub catalog: Arc<Catalog>,
    /// The most `requests` a key's rate limit may allow.
    pub max_requests: u32,
    /// The rate limit a new key gets when its creator names none.
    pub default_rate_limit: Option<RateLimit>,
}

impl RestrictionRules {
    pub fn from_config(config: &Config, catalog: Arc<Catalog>) -> RestrictionRules {
        RestrictionRules {
            catalog,
            max_requests: config.max_rate_limit_requests,
            default_rate_limit: config.default_rate_limit,
        }
    }

    /// Checks requested restrictions and returns them in stored form (allowlists canonical).
    pub fn check(&self, requested: KeyRestrictions) -> Result<KeyRestrictions, AppError> {
        if let Some(scopes) = &requested.scopes {
            self.catalog.check_request(scopes)?;
        }
        if let Some(limit) = requested.rate_limit {
            check_rate_limit(limit, self.max_requests).map_err(AppError::bad_request)?;
        }
        let allowed_ips = match &requested.allowed_ips {
            Some(list) => Some(check_allowed_ips(list).map_err(AppError::bad_request)?),
            None => None,
        };
        Ok(KeyRestrictions {
            allowed_ips,
            ..requested
        })
    }
}

/// A change of restrictions: each field absent (`None`: unchanged), null (`Some(None)`:
/// lifted) or a value. For a new key, absent means the default.
#[derive(Clone, Debug, Default)]
pub struct RestrictionPatch {
    pub scopes: Option<Option<Vec<String>>>,
    pub rate_limit: Option<Option<RateLimit>>,
    pub allowed_ips: Option<Option<Vec<String>>>,
}

impl RestrictionPatch {
    pub fn is_empty(&self) -> bool {
        self.scopes.is_none() && self.rate_limit.is_none() && self.allowed_ips.is_none()
    }

    /// `current` with this change applied.
    pub fn apply(self, current: &KeyRestrictions) -> KeyRestrictions {
        KeyRestrictions {
            scopes: self.scopes.unwrap_or_else(|| current.scopes.clone()),
            rate_limit: self.rate_limit.unwrap_or(current.rate_limit),
            allowed_ips: self
                .allowed_ips
                .unwrap_or_else(|| current.allowed_ips.clone()),
        }
    }
}

/// The restrictions stored on a key row.
pub fn of_row(row: &api_keys::Model) -> KeyRestrictions {
    from_columns(
        row.scopes.as_deref(),
        row.rate_limit_requests,
        row.rate_limit_seconds,
        row.allowed_ips.as_deref(),
    )
}

/// The restrictions from their columns as stored. A value that does not parse restricts
/// everything: it grants no scope, allows no address.
pub fn from_columns(
    scopes: Option<&str>,
    rate_limit_requests: Option<i32>,
    rate_limit_seconds: Option<i32>,
    allowed_ips: Option<&str>,
) -> KeyRestrictions {
    let parse = |text: Option<&str>| {
        text.map(|t| serde_json::from_str::<Vec<String>>(t).unwrap_or_default())
    };
    KeyRestrictions {
        scopes: parse(scopes),
        rate_limit: match (rate_limit_requests, rate_limit_seconds) {
            (Some(requests), Some(per_seconds)) => Some(RateLimit {
                requests: requests.max(0) as u32,
                per_seconds: per_seconds.max(1) as u32,
            }),
            _ => None,
        },
        allowed_ips: parse(allowed_ips),
    }
}

/// Writes `restrictions` into a row about to be inserted or updated.
pub fn set_on(row: &mut api_keys::ActiveModel, restrictions: &KeyRestrictions) {
    let json = |list: &Option<Vec<String>>| {
        list.as_ref()
            .map(|l| serde_json::to_string(l).unwrap_or_else(|_| "[]".into()))
    };
    row.scopes = Set(json(&restrictions.scopes));
    row.rate_limit_requests = Set(restrictions
        .rate_limit
        .map(|l| l.requests.min(i32::MAX as u32) as i32));
    row.rate_limit_seconds = Set(restrictions
        .rate_limit
        .map(|l| l.per_seconds.min(i32::MAX as u32) as i32));
    row.allowed_ips = Set(json(&restrictions.allowed_ips));
}

/// The networks of an allowlist as stored (entries that do not parse are dropped: they match
/// nothing).
pub fn networks(allowed: &[String]) -> Vec<IpNet> {
    allowed.iter().filter_map(|n| n.parse().ok()).collect()
}

pub fn unrestricted() -> KeyRestrictions {
    KeyRestrictions {
        scopes: None,
        rate_limit: None,
        allowed_ips: None,
    }
}
