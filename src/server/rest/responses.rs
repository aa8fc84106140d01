//! The answers many operations share, declared once: each operation lists these types in its
//! `responses(...)` beside the answers of its own.
use utoipa::IntoResponses;

use crate::server::error::ErrorBody;

/// The database is unavailable.
#[derive(IntoResponses)]
#[response(
    status = 503,
    description = "The database is unavailable",
    headers(("Retry-After" = u64, description = "Seconds to wait before trying again"))
)]
#[allow(dead_code)]
pub struct Unavailable(ErrorBody);

/// A browser sent the request from another site.
#[derive(IntoResponses)]
#[response(status = 403, description = "Sent by a page on another site")]
#[allow(dead_code)]
pub struct CrossSite(ErrorBody);

/// No valid session cookie.
#[derive(IntoResponses)]
#[response(status = 401, description = "Not signed in")]
#[allow(dead_code)]
pub struct NotSignedIn(ErrorBody);

/// The body is over the limit.
#[derive(IntoResponses)]
#[response(status = 413, description = "Body larger than 64 KiB")]
#[allow(dead_code)]
pub struct TooLarge(ErrorBody);

/// The body is not JSON.
#[derive(IntoResponses)]
#[response(status = 415, description = "Body not sent as `application/json`")]
#[allow(dead_code)]
pub struct NotJson(ErrorBody);

/// More key changes than the hour allows.
#[derive(IntoResponses)]
#[response(
    status = 429,
    description = "More than 100 keys created or regenerated in the last hour (the operator sets the number)",
    headers(("Retry-After" = u64, description = "Seconds until a key can be changed again"))
)]
#[allow(dead_code)]
pub struct TooManyKeyChanges(ErrorBody);

/// The key's allowlist does not hold the caller's address.
#[derive(IntoResponses)]
#[response(
    status = 403,
    description = "The key may not be used from this address: `This key may not be used from 198.51.100.7`"
)]
#[allow(dead_code)]
pub struct AddressNotAllowed(ErrorBody);

/// The key's rate limit is used up.
#[derive(IntoResponses)]
#[response(
    status = 429,
    description = "`Rate limit exceeded`: the key's rate limit is used up for this window",
    headers(
        ("Retry-After" = u64, description = "Seconds until the window ends"),
        ("RateLimit-Policy" = String, description = "`\"key\";q=<requests>;w=<seconds>`"),
        ("RateLimit" = String, description = "`\"key\";r=0;t=<seconds to reset>`"),
    )
)]
#[allow(dead_code)]
pub struct RateLimited(ErrorBody);
