//! Accounts in the UI: the sign-in and registration form, and the site header with the
//! session's state.
pub mod auth_form;
pub mod site_header;
