pub mod api_keys;
pub mod auth_form;
pub mod home;
pub mod key_detail;
pub mod login;
pub mod not_found;
pub mod register;
pub mod settings;

/// Loads the WASM chunks of the lazily loaded views that the server rendered into this page.
///
/// Hydration walks the server's HTML synchronously, so a view whose code is still on its way
/// would not match what is on screen (the view would be built a second time beside it). Each
/// such view marks its first element with `data-lazy-view` (its module's `LAZY_VIEW`); a
/// marked view has its chunk loaded before hydration begins, and pages without one hydrate at
/// once.
///
/// The server's `<link rel="preload">` for a chunk is not the signal: it is only emitted for
/// views rendered before the `<head>` is sent, which a view waiting on its data (the key page)
/// may miss.
#[cfg(feature = "hydrate")]
pub async fn load_rendered_chunks() {
    if rendered(auth_form::LAZY_VIEW) {
        auth_form::load_auth_form().await;
    }
    if rendered(key_detail::LAZY_VIEW) {
        key_detail::load_key_detail().await;
    }
}

#[cfg(feature = "hydrate")]
fn rendered(lazy_view: &str) -> bool {
    let selector = format!("[data-lazy-view=\"{lazy_view}\"]");
    matches!(
        leptos::prelude::document().query_selector(&selector),
        Ok(Some(_))
    )
}
