//! Everything that runs only on the server and knows nothing of the UI: configuration, the
//! database, the service layer where the rules live, and the HTTP adapters around it (REST
//! handlers, middleware, cookies, the proxy's headers). `crate::site` puts it together with
//! the pages.
pub mod actor;
pub mod api_reference;
mod api_reference_samples;
pub mod config;
pub mod connections;
pub mod cookies;
pub mod crypto;
pub mod db;
pub mod entities;
pub mod error;
pub mod fn_context;
pub mod forwarded;
pub mod keys;
pub mod middleware;
pub mod permissions;
pub mod rest;
pub mod services;
pub mod state;
pub mod time;
