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
/// would not match what is on screen. The server names each chunk its first render used in a
/// `<link rel="preload">` (that is what starts the download early); a view whose chunk is
/// named there is loaded before hydration begins. Pages without such views hydrate at once.
#[cfg(feature = "hydrate")]
pub async fn load_rendered_chunks() {
    if rendered_with("auth_form") {
        auth_form::load_auth_form().await;
    }
    if rendered_with("key_detail_view") {
        key_detail::load_key_detail().await;
    }
}

/// Whether the page preloads the chunk of the `#[lazy]` function `name` (the split build names
/// it `split_<name>_<hash>.<content hash>.wasm`).
#[cfg(feature = "hydrate")]
fn rendered_with(name: &str) -> bool {
    let selector = format!("link[rel=preload][href*=\"/split_{name}_\"]");
    matches!(
        leptos::prelude::document().query_selector(&selector),
        Ok(Some(_))
    )
}
