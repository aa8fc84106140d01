//! The routes of the create and regenerate pages; the pages themselves are
//! `features::keys::form_pages`, in the key page's WASM chunk.
use std::future::Future;

use leptos::prelude::*;

use crate::api::AppError;
use crate::components::lazy::chunk_unavailable;
use crate::components::title::PageTitle;
use crate::features::keys::form_pages;

/// A page whose code is in the key page's chunk, loaded before hydration on a page the server
/// rendered with it (`crate::chunks`); if the chunk cannot be fetched, the page says so.
fn in_key_chunk<F>(load: F) -> impl IntoView
where
    F: Future<Output = Result<AnyView, AppError>> + Send + 'static,
{
    #[cfg(feature = "ssr")]
    leptos::prefetch_lazy_fn_on_server("key_page");
    Suspend::new(async move {
        load.await.unwrap_or_else(|err| {
            view! {
                <PageTitle text="Page unavailable · Keyward" />
                {chunk_unavailable(err)}
            }
            .into_any()
        })
    })
}

/// Settings → API Keys → Create Key, without the dialog.
#[component]
pub fn NewKeyRoute() -> impl IntoView {
    in_key_chunk(form_pages::new_key_page())
}

/// Settings → API Keys → a key → Regenerate, without the dialog.
#[component]
pub fn RegenerateKeyRoute() -> impl IntoView {
    in_key_chunk(form_pages::regenerate_key_page())
}
