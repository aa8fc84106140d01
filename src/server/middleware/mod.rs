//! Cross-cutting request handling: cross-site refusal, the settings guard, security headers.
pub mod cross_site;
pub mod headers;
pub mod settings_guard;
