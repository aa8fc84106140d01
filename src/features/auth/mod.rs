//! Accounts in the UI: the sign-in and registration form, the forgotten-password forms, and
//! the site header with the session's state.
pub mod auth_form;
#[cfg(feature = "ssr")]
pub mod password_reset;
pub mod site_header;
