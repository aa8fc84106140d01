//! Everything that runs only on the server: configuration, the database, the service layer
//! where the rules live, and the HTTP adapters (REST handlers, middleware) around it.
pub mod config;
pub mod connections;
pub mod db;
pub mod docs_page;
pub mod entities;
pub mod error;
pub mod fn_context;
pub mod forwarded;
pub mod hashing;
pub mod keys;
pub mod lifecycle;
pub mod middleware;
pub mod rest;
pub mod router;
pub mod services;
pub mod session;
pub mod state;
pub mod time;
