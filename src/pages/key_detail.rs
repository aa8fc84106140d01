//! The route of one key's page; the page itself is `features::keys::key_page`.
use leptos::prelude::*;

use crate::components::lazy::chunk_unavailable;
use crate::components::title::PageTitle;
use crate::features::keys::key_page;

/// Settings → API Keys → one key: what it is, how much it was used over 30 days, every
/// secret it has had, and who calls it. Rendered on the server, so it reads without the WASM.
///
/// All of it, its data included, is a WASM chunk of its own in a split build: only a visit
/// to a key's page pays for it, not every visit to the app. A page the server rendered with
/// it has the chunk loaded before hydration (`crate::chunks::load_rendered_chunks`); a link to
/// a key fetches it on intent. If it cannot be fetched, the page says so in place.
#[component]
pub fn KeyDetailPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    leptos::prefetch_lazy_fn_on_server("key_page");
    Suspend::new(async {
        key_page::key_page().await.unwrap_or_else(|err| {
            // The page's own title is in the chunk that could not be fetched.
            view! {
                <PageTitle text="API key unavailable · Keyward" />
                {chunk_unavailable(err)}
            }
            .into_any()
        })
    })
}
