//! The product's features, each in its own folder: the UI of one concern, put together from
//! the generic kit (`components`). Pages put features together; a feature never imports a page.
pub mod account;
pub mod auth;
pub mod keys;
