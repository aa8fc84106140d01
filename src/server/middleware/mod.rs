//! Cross-cutting request handling: canonical paths, cross-site refusal, the settings guard,
//! security headers.
pub mod body_limit;
pub mod canonical_path;
pub mod cross_site;
pub mod headers;
pub mod server_fn_status;
pub mod settings_guard;
