//! One file per route: each page puts features together. Nothing imports a page but the router
//! (`app`).
pub mod api_keys;
pub mod api_reference;
pub mod home;
pub mod key_detail;
pub mod key_forms;
pub mod login;
pub mod password_reset;
pub mod register;
pub mod security;
pub mod settings;
