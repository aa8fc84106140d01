//! What crosses the wire between the browser and the server: DTOs, the error type, the
//! validation rules the client repeats for instant feedback, and the `#[server]` functions.
pub mod auth_fns;
pub mod deferred;
pub mod error;
pub mod key_fns;
pub mod net;
pub mod types;
pub mod validation;

pub use error::AppError;
pub use types::*;
