//! Keyward: a self-hosted API key manager.
//!
//! `api` and the UI modules compile for both the server and the WASM client; everything
//! under `server` (database, password hashing, HTTP adapters) exists only with `ssr`.
#![recursion_limit = "256"]

// One build is either the server or the browser's WASM: parts of `api` (the deferred calls)
// and the UI take a different shape on each side, and a build with both would mix them.
#[cfg(all(feature = "ssr", feature = "hydrate"))]
compile_error!("the `ssr` and `hydrate` features are exclusive: build the server and the WASM separately (cargo leptos does)");

pub mod api;
pub mod app;
mod browser;
mod chunks;
mod components;
mod contexts;
mod features;
mod pages;
pub mod server_fns;

#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod site;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // Readable panic messages in the console cost the release WASM 0.4 to 1 kB brotli
    // (bench/results/2026-11-28-first-load-levers.md); debug builds keep them.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    wasm_bindgen_futures::spawn_local(async {
        match chunks::load_rendered_chunks().await {
            Ok(()) => leptos::mount::hydrate_body(app::App),
            // Hydrating without a view's code would build it a second time beside the
            // server's. The server's page stays: it reads, and its forms post without the WASM.
            Err(_) => components::lazy::report_unhydrated_page(),
        }
    });
}
