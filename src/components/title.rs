//! The document title.
//!
//! On the server, leptos_meta puts it into the `<head>`. In the browser a page sets
//! `document.title` when it mounts: leptos_meta's client half (its context, title stack and
//! effects) cost the WASM 2.5 kB more than this one effect does
//! (bench/results/2026-11-28-first-load-levers.md).
use leptos::prelude::*;

/// Titles the page. Every route sets one, so a navigation in the browser always replaces it.
#[component]
pub fn PageTitle(#[prop(into)] text: String) -> impl IntoView {
    // Both sides render `()` (an empty placeholder) into the body, so hydration matches; the
    // server's title itself goes to the <head>.
    #[cfg(feature = "ssr")]
    {
        (view! { <leptos_meta::Title text /> }, ())
    }
    #[cfg(not(feature = "ssr"))]
    {
        Effect::new(move |_| document().set_title(&text));
    }
}
