//! The service layer: where the rules live. REST handlers and server functions are thin
//! adapters over these functions, so the two paths cannot drift apart.
pub mod accounts;
pub mod api_keys;
pub mod key_epochs;
pub mod key_lookup;
pub mod login_throttle;
pub mod sign_up_throttle;
