//! What crosses the wire between the browser and the server: DTOs, the error type, and the
//! validation rules the client repeats for instant feedback. (The `#[server]` functions are
//! `server_fns`.)
pub mod account;
pub mod error;
pub mod forms;
pub mod net;
pub mod restrictions;
pub mod types;
pub mod validation;

pub use error::AppError;
pub use restrictions::{RateLimit, RestrictionOptions, ScopeDto, ScopeList};
pub use types::*;
