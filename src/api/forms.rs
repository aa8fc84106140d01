//! The key forms as people fill them in: the raw values of the create form and of the
//! restrictions, read by the same rules in the browser (before sending) and on the server (a
//! form posted without the WASM), and the outcome a posted form is rendered with.
use serde::{Deserialize, Serialize};

use super::restrictions::{check_allowed_ips, check_rate_limit};
use super::{CreatedApiKey, KeyRestrictions, RateLimit};

/// A rate limit's windows as the forms offer them, in seconds, with their names.
pub const WINDOWS: [(u32, &str); 4] = [
    (1, "second"),
    (60, "minute"),
    (3600, "hour"),
    (86_400, "day"),
];

/// The restriction controls' values, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestrictionsInput {
    /// `full`, `read` or `custom`.
    pub access: String,
    /// The scopes ticked (read only with `custom`).
    pub scopes: Vec<String>,
    pub limited: bool,
    pub requests: String,
    pub per_seconds: String,
    /// Addresses or networks, separated by line breaks, spaces or commas.
    pub allowed_ips: String,
}

impl RestrictionsInput {
    /// The controls showing `current`.
    pub fn of(current: &KeyRestrictions) -> RestrictionsInput {
        let (access, scopes) = match current.scopes.as_deref() {
            None => ("full", Vec::new()),
            Some([only]) if only == "read" => ("read", Vec::new()),
            Some(scopes) => ("custom", scopes.to_vec()),
        };
        let limit = current.rate_limit.unwrap_or(RateLimit {
            requests: 100,
            per_seconds: 60,
        });
        RestrictionsInput {
            access: access.to_owned(),
            scopes,
            limited: current.rate_limit.is_some(),
            requests: limit.requests.to_string(),
            per_seconds: limit.per_seconds.to_string(),
            allowed_ips: current
                .allowed_ips
                .as_deref()
                .unwrap_or_default()
                .join(", "),
        }
    }

    /// The restrictions these values state, or what to fix. (The scope names are checked
    /// against the catalog by the server.)
    pub fn read(&self, max_requests: u32) -> Result<KeyRestrictions, String> {
        let scopes = match self.access.as_str() {
            "full" | "" => None,
            "read" => Some(vec!["read".to_owned()]),
            "custom" if self.scopes.is_empty() => {
                return Err("Choose at least one permission, or Full access".into())
            }
            "custom" => Some(self.scopes.clone()),
            _ => return Err("Choose Full access, Read only or Custom".into()),
        };
        let rate_limit = if self.limited {
            let bounds = || format!("Requests must be a whole number from 1 to {max_requests}");
            let requests = self.requests.trim().parse::<u32>().map_err(|_| bounds())?;
            let per_seconds = self
                .per_seconds
                .trim()
                .parse::<u32>()
                .map_err(|_| "Choose how often the limit resets".to_owned())?;
            let limit = RateLimit {
                requests,
                per_seconds,
            };
            check_rate_limit(limit, max_requests).map_err(|message| {
                if message.starts_with("rateLimit.requests") {
                    bounds()
                } else {
                    "The limit resets at most once a day".to_owned()
                }
            })?;
            Some(limit)
        } else {
            None
        };
        let entries: Vec<String> = self
            .allowed_ips
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|entry| !entry.is_empty())
            .map(str::to_owned)
            .collect();
        let allowed_ips = if entries.is_empty() {
            None
        } else {
            Some(
                check_allowed_ips(&entries)
                    .map_err(|e| e.replacen("allowedIps", "Allowed IPs", 1))?,
            )
        };
        Ok(KeyRestrictions {
            scopes,
            rate_limit,
            allowed_ips,
        })
    }
}

/// The create form's values, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyFormInput {
    pub name: String,
    /// `never`, a number of days, or `custom` (then `expiry_date`, `YYYY-MM-DD`).
    pub expiry: String,
    pub expiry_date: String,
    pub restrictions: RestrictionsInput,
}

/// What a form posted without the WASM comes back with: the page is rendered again, showing
/// the new secret once, or the values typed with what to fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormOutcome {
    /// A key was created or regenerated: its secret, shown this once.
    Revealed(CreatedApiKey),
    /// The create form was refused.
    CreateRefused { error: String, input: KeyFormInput },
    /// A regenerate was refused (unknown key, too many changes).
    RegenerateRefused { error: String },
    /// The restrictions form was refused.
    RestrictionsRefused {
        error: String,
        input: RestrictionsInput,
    },
}

/// The origin a page rendered on the server is served from (`https://keys.example.com`), for
/// the examples it shows; in the browser the page's own location says it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageOrigin(pub String);

#[cfg(test)]
mod tests {
    use super::*;

    fn input(
        access: &str,
        scopes: &[&str],
        limited: bool,
        requests: &str,
        ips: &str,
    ) -> RestrictionsInput {
        RestrictionsInput {
            access: access.into(),
            scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
            limited,
            requests: requests.into(),
            per_seconds: "60".into(),
            allowed_ips: ips.into(),
        }
    }

    #[test]
    fn forms_read_by_the_same_rules_everywhere() {
        assert_eq!(
            input("full", &[], false, "", "").read(1000).unwrap().scopes,
            None
        );
        assert_eq!(
            input("read", &["orders:write"], false, "", "")
                .read(1000)
                .unwrap()
                .scopes,
            Some(vec!["read".to_owned()])
        );
        assert!(input("custom", &[], false, "", "").read(1000).is_err());
        let limited = input("full", &[], true, " 50 ", "203.0.113.0/24, 2001:DB8::/32\n")
            .read(1000)
            .unwrap();
        assert_eq!(
            limited.rate_limit,
            Some(RateLimit {
                requests: 50,
                per_seconds: 60
            })
        );
        assert_eq!(
            limited.allowed_ips,
            Some(vec![
                "203.0.113.0/24".to_owned(),
                "2001:db8::/32".to_owned()
            ])
        );
        assert_eq!(
            input("full", &[], true, "0", "").read(1000),
            Err("Requests must be a whole number from 1 to 1000".into())
        );
        assert!(input("full", &[], true, "abc", "").read(1000).is_err());
        assert!(input("full", &[], false, "", "10.0.0.1/99")
            .read(1000)
            .unwrap_err()
            .starts_with("Allowed IPs"));
        let round_trip = input("custom", &["a", "b"], true, "5", "10.0.0.0/8")
            .read(1000)
            .unwrap();
        assert_eq!(
            RestrictionsInput::of(&round_trip).read(1000),
            Ok(round_trip)
        );
    }
}
