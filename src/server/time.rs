use chrono::{DateTime, SecondsFormat, Utc};

/// Timestamps on the wire: RFC 3339, UTC, millisecond precision.
pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Databases keep microseconds at best; truncating up front means what we return equals
/// what a later read returns.
pub fn now() -> DateTime<Utc> {
    truncate(Utc::now())
}

/// `t` at the microsecond precision the databases keep.
pub fn truncate(t: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::SubsecRound;
    t.trunc_subsecs(6)
}
