//! Which WASM chunks a server-rendered page needs before it can hydrate (the chunk-loading
//! rules live in `components::lazy`; the split points beside the views they load).
#[cfg(feature = "hydrate")]
use crate::components::lazy::rendered;
#[cfg(feature = "hydrate")]
use crate::features::{
    auth::auth_form,
    keys::{form_pages, key_page},
};

/// Loads the WASM chunks of the lazily loaded views that the server rendered into this page.
///
/// Hydration walks the server's HTML synchronously, so a view whose code is still on its way
/// would not match what is on screen (the view would be built a second time beside it). The
/// sign-in form marks its first element with `data-lazy-view` (`auth_form::LAZY_VIEW`); a key's
/// page is known by its path. Their chunks are loaded before hydration begins, and other pages
/// hydrate at once.
///
/// The server's `<link rel="preload">` for a chunk is not the signal: it is only emitted for
/// views rendered before the `<head>` is sent, which a view waiting on its data (the key page)
/// may miss.
#[cfg(feature = "hydrate")]
pub async fn load_rendered_chunks() -> Result<(), leptos::wasm_split::SplitLoaderError> {
    if rendered(auth_form::LAZY_VIEW) {
        auth_form::load_auth_form().await?;
    }
    let path = leptos::prelude::window()
        .location()
        .pathname()
        .unwrap_or_default();
    if key_page::is_key_page(&path) {
        key_page::load_key_page().await?;
        form_pages::load_form_page(&path).await?;
    }
    Ok(())
}
