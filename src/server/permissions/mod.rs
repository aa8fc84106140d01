//! Permissions: what a key with scopes may do. The operator declares a catalog of scopes, each
//! a set of `METHOD /path` rules (`Leptos.toml`, `[scopes."name"]`); `read` is always there
//! and allows GET, HEAD and OPTIONS anywhere. A key has either full access (no scopes) or a
//! non-empty list of scopes from the catalog, and forward auth judges the original request
//! the proxy names against them.
mod catalog;
pub mod path;
mod rules;

pub use catalog::{Catalog, ScopeConfig, READ_SCOPE};
pub use rules::Rule;

/// What forward auth learned from the proxy about the request it asks about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ForwardedRequest {
    /// A method and a path, from a trusted proxy.
    Named(OriginalRequest),
    /// Nothing (or nothing from a trusted proxy).
    Missing,
    /// Half of one: which header came without its partner.
    Incomplete(&'static str),
    /// nginx's headers and Traefik's/Caddy's both, saying different things.
    Conflicting,
}

/// The request a proxy asks about, as it named it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OriginalRequest {
    pub method: String,
    /// As sent: path and query, not yet normalised.
    pub uri: String,
}
