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

/// A query parameter of the request being rendered on the server, percent-decoded; `None` when
/// absent or empty. For the server-only pages, which read their outcome from the URL.
#[cfg(feature = "ssr")]
fn query_param(name: &str) -> Option<String> {
    use leptos::prelude::use_context;
    let parts = use_context::<axum::http::request::Parts>()?;
    let query = parts.uri.query()?;
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        let value = percent_encoding::percent_decode_str(value)
            .decode_utf8()
            .ok()?
            .into_owned();
        (key == name && !value.is_empty()).then_some(value)
    })
}
