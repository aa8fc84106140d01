//! The API reference's content, for its page (server-rendered only: not a server function, as
//! the page never runs in the browser).
pub use crate::server::api_reference::{Operation, Reference};

/// This server's reference.
pub fn api_reference() -> Reference {
    crate::server::api_reference::reference(&crate::server::fn_context::state().config)
}
