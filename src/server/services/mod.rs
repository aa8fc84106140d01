//! The service layer: where the rules live, and the only code that writes to the database.
//! REST handlers and server functions are thin adapters over these functions, so the two
//! paths cannot drift apart.
pub mod account;
pub mod accounts;
pub mod api_keys;
pub mod login_throttle;
pub mod mail;
pub mod password_reset;
pub mod passwords;
pub mod reminders;
pub mod reset_tokens;
pub mod security_log;
pub mod sessions;
pub mod sign_up_throttle;
pub mod throttle;
pub mod verification;
