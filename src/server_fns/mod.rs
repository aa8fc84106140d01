//! The `#[server]` functions the UI calls, compiled on both sides (the browser gets the client
//! half). Thin adapters over `server::services`, like the REST handlers.
#[cfg(feature = "ssr")]
pub mod account;
pub mod auth;
pub mod deferred;
pub mod keys;
#[cfg(feature = "ssr")]
pub mod reference;
