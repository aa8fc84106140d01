//! Verifying presented keys: the external API, strictness, query plans, usage counting.
mod api;
mod expiry;
mod plans;
mod rate_limits;
mod strict;
mod tls;
mod usage;
