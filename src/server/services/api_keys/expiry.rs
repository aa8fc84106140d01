//! A requested expiry: when a key stops working.
use chrono::{DateTime, Duration, Utc};

use crate::api::AppError;

/// How far ahead a key may be set to expire.
pub const MAX_EXPIRY_DAYS: i64 = 366;
pub const EXPIRY_FORMAT: &str =
    "expiresAt must be an RFC 3339 timestamp such as \"2027-01-31T00:00:00Z\", or null for a key that never expires";

/// Reads a requested expiry: `None` means the key never expires; otherwise an RFC 3339 time
/// that is in the future and at most 366 days ahead.
pub fn parse_expiry(
    raw: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, AppError> {
    let Some(raw) = raw else {
        return Ok(None);
    };
    let at = DateTime::parse_from_rfc3339(raw.trim())
        .map_err(|_| AppError::bad_request(EXPIRY_FORMAT))?
        .with_timezone(&Utc);
    if at <= now {
        return Err(AppError::bad_request(
            "expiresAt must be in the future; leave it out for a key that never expires",
        ));
    }
    if at > now + Duration::days(MAX_EXPIRY_DAYS) {
        return Err(AppError::bad_request(format!(
            "expiresAt can be at most {MAX_EXPIRY_DAYS} days from now"
        )));
    }
    // Stored as the database keeps it, so what create returns equals what a read returns.
    Ok(Some(crate::server::time::truncate(at)))
}
