//! What a key may do besides authenticate: its permissions (scopes), its rate limit and the
//! addresses it may be used from. Shared with the browser, which checks a form with the same
//! rules as the server.
use serde::{Deserialize, Serialize};

use super::net::IpNet;

/// At most this many entries in a key's allowlist.
pub const MAX_ALLOWED_IPS: usize = 50;
/// The longest window a rate limit may have: one day.
pub const MAX_WINDOW_SECS: u32 = 86_400;

/// `{"requests": 100, "perSeconds": 60}`: at most `requests` uses in each `perSeconds`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RateLimit {
    #[cfg_attr(feature = "ssr", schema(minimum = 1, example = 100))]
    pub requests: u32,
    #[cfg_attr(feature = "ssr", schema(minimum = 1, maximum = 86400, example = 60))]
    pub per_seconds: u32,
}

/// A scope of the operator's catalog (`GET /api/scopes`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ScopeDto {
    #[cfg_attr(feature = "ssr", schema(example = "orders:read"))]
    pub name: String,
    #[cfg_attr(feature = "ssr", schema(example = "Read orders"))]
    pub description: String,
    /// The requests it allows, as `METHOD /path` (`*`, `/*` one segment, `/**` any depth).
    #[cfg_attr(feature = "ssr", schema(example = json!(["GET /orders", "GET /orders/**"])))]
    pub allow: Vec<String>,
}

/// `GET /api/scopes`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ScopeList {
    pub scopes: Vec<ScopeDto>,
}

/// What the restrictions form offers (a server function's answer, not part of the REST API).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestrictionOptions {
    pub scopes: Vec<ScopeDto>,
    pub max_requests: u32,
    pub default_rate_limit: Option<RateLimit>,
}

/// Checks a rate limit against the bounds (the operator's maximum for `requests`).
pub fn check_rate_limit(limit: RateLimit, max_requests: u32) -> Result<(), String> {
    if limit.requests == 0 || limit.requests > max_requests {
        return Err(format!(
            "rateLimit.requests must be from 1 to {max_requests}"
        ));
    }
    if limit.per_seconds == 0 || limit.per_seconds > MAX_WINDOW_SECS {
        return Err(format!(
            "rateLimit.perSeconds must be from 1 to {MAX_WINDOW_SECS} (one day)"
        ));
    }
    Ok(())
}

/// Checks an allowlist and returns it in canonical form (`2001:DB8::/32` is `2001:db8::/32`,
/// one address is `/32` or `/128`): at least one and at most 50 networks, no repeats.
pub fn check_allowed_ips(list: &[String]) -> Result<Vec<String>, String> {
    if list.is_empty() {
        return Err(
            "allowedIps must list at least one address or network; send null for any address"
                .into(),
        );
    }
    if list.len() > MAX_ALLOWED_IPS {
        return Err(format!(
            "allowedIps can list at most {MAX_ALLOWED_IPS} networks"
        ));
    }
    let mut nets: Vec<String> = Vec::with_capacity(list.len());
    for entry in list {
        let net: IpNet = entry
            .parse()
            .map_err(|e: super::net::InvalidNet| format!("allowedIps: {e}"))?;
        let net = net.to_string();
        if nets.contains(&net) {
            return Err(format!("allowedIps lists {net} twice"));
        }
        nets.push(net);
    }
    Ok(nets)
}

/// How a key's permissions read in the table: "Full access", "Read only", "3 scopes".
pub fn describe_scopes(scopes: Option<&[String]>) -> String {
    match scopes {
        None => "Full access".to_owned(),
        Some([only]) if only == "read" => "Read only".to_owned(),
        Some([only]) => only.clone(),
        Some(many) => format!("{} scopes", many.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limits_and_allowlists_are_checked() {
        let limit = |requests, per_seconds| RateLimit {
            requests,
            per_seconds,
        };
        assert!(check_rate_limit(limit(100, 60), 1000).is_ok());
        assert!(check_rate_limit(limit(0, 60), 1000).is_err());
        assert!(check_rate_limit(limit(1001, 60), 1000).is_err());
        assert!(check_rate_limit(limit(1, 86_401), 1000).is_err());
        assert_eq!(
            check_allowed_ips(&[
                "203.0.113.0/24".into(),
                "2001:DB8::/32".into(),
                "198.51.100.7".into()
            ]),
            Ok(vec![
                "203.0.113.0/24".into(),
                "2001:db8::/32".into(),
                "198.51.100.7/32".into()
            ])
        );
        assert!(check_allowed_ips(&[]).is_err());
        assert!(check_allowed_ips(&["203.0.113.7/24".into()]).is_err());
        assert!(check_allowed_ips(&["10.0.0.0/8".into(), "10.0.0.0/8".into()]).is_err());
        assert!(check_allowed_ips(&vec!["10.0.0.1".to_owned(); 51]).is_err());
        assert_eq!(describe_scopes(None), "Full access");
        assert_eq!(describe_scopes(Some(&["read".into()])), "Read only");
        assert_eq!(
            describe_scopes(Some(&["a".into(), "b".into(), "c".into()])),
            "3 scopes"
        );
    }
}
