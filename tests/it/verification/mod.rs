//! Verifying presented keys: the external API, strictness, query plans, usage counting.
mod api;
mod plans;
mod strict;
mod usage;
