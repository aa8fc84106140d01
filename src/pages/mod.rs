pub mod api_keys;
pub mod auth_form;
pub mod home;
pub mod key_detail;
pub mod login;
pub mod not_found;
pub mod register;
pub mod settings;
