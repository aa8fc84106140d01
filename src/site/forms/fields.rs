//! A posted form's fields (`application/x-www-form-urlencoded`, names as the pages write them)
//! read into the values the pages and the browser use (`api::forms`).
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};

use crate::api::forms::{KeyFormInput, RestrictionsInput};
use crate::server::services::api_keys::MAX_EXPIRY_DAYS;

/// The form's name/value pairs, in order (a name may repeat: `scopes`).
pub type Pairs = Vec<(String, String)>;

pub fn first(pairs: &Pairs, name: &str) -> String {
    pairs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

pub fn restrictions(pairs: &Pairs) -> RestrictionsInput {
    RestrictionsInput {
        access: first(pairs, "access"),
        scopes: pairs
            .iter()
            .filter(|(n, _)| n == "scopes")
            .map(|(_, v)| v.clone())
            .collect(),
        limited: pairs.iter().any(|(n, v)| n == "limited" && !v.is_empty()),
        requests: first(pairs, "requests"),
        per_seconds: first(pairs, "per_seconds"),
        allowed_ips: first(pairs, "allowed_ips"),
    }
}

pub fn key_form(pairs: &Pairs) -> KeyFormInput {
    KeyFormInput {
        name: first(pairs, "name"),
        expiry: first(pairs, "expiry"),
        expiry_date: first(pairs, "expiry_date"),
        restrictions: restrictions(pairs),
    }
}

/// When a key from the form expires: never, in a number of days, or at the end of a chosen
/// day (UTC: without the WASM the reader's time zone is unknown).
pub fn expiry(input: &KeyFormInput, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, String> {
    let at = match input.expiry.trim() {
        "" | "never" => return Ok(None),
        "custom" => {
            let day = NaiveDate::parse_from_str(input.expiry_date.trim(), "%Y-%m-%d")
                .map_err(|_| "Choose the date the key should stop working".to_owned())?;
            let end = NaiveTime::from_hms_opt(23, 59, 59).unwrap_or_default();
            day.and_time(end).and_utc()
        }
        days => {
            let days: i64 = days
                .parse()
                .map_err(|_| "Choose when the key expires".to_owned())?;
            now + Duration::days(days)
        }
    };
    if at <= now {
        return Err("Choose a day after today".into());
    }
    if at > now + Duration::days(MAX_EXPIRY_DAYS) {
        return Err(format!(
            "A key can expire at most {MAX_EXPIRY_DAYS} days from now"
        ));
    }
    Ok(Some(at))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Pairs {
        list.iter()
            .map(|(n, v)| ((*n).into(), (*v).into()))
            .collect()
    }

    #[test]
    fn posted_fields_read_as_the_pages_wrote_them() {
        let form = key_form(&pairs(&[
            ("name", "Zapier"),
            ("expiry", "custom"),
            ("expiry_date", "2027-01-31"),
            ("access", "custom"),
            ("scopes", "orders:read"),
            ("scopes", "orders:write"),
            ("limited", "on"),
            ("requests", "50"),
            ("per_seconds", "60"),
            ("allowed_ips", "10.0.0.0/8"),
        ]));
        assert_eq!(
            form.restrictions.scopes,
            vec!["orders:read", "orders:write"]
        );
        assert!(form.restrictions.limited);
        let now = "2026-12-03T12:00:00Z".parse().unwrap();
        assert_eq!(
            expiry(&form, now).unwrap().map(|at| at.to_rfc3339()),
            Some("2027-01-31T23:59:59+00:00".to_owned())
        );
        let never = key_form(&pairs(&[("name", "x"), ("expiry", "never")]));
        assert_eq!(expiry(&never, now), Ok(None));
        assert!(!never.restrictions.limited);
        let past = KeyFormInput {
            expiry: "custom".into(),
            expiry_date: "2026-12-01".into(),
            ..never.clone()
        };
        assert!(expiry(&past, now).is_err());
        let far = KeyFormInput {
            expiry: "400".into(),
            ..never
        };
        assert!(expiry(&far, now).is_err());
    }
}
