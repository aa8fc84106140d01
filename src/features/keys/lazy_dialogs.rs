//! The create and regenerate dialogs, fetched the first time they are wanted rather than
//! with the page. In a split build (`cargo leptos build --split`) they, everything only they
//! reach (the reveal view, the copy button, the create and regenerate calls) and the deferred
//! server calls (`server_fns::deferred`) form one WASM chunk, `key_actions`: one chunk rather than
//! one per dialog, because each split module brings its own set of shared chunks, and a
//! dialog that needed more files than the browser's six connections to a host took a whole
//! extra round trip to open (bench/results/2026-11-28-first-load-levers.md). The page asks for
//! the chunk when the user shows intent (pointer over, focus or touch on the button), so it is
//! usually there by the time of the click; a click that beats it waits for it and is never
//! dropped.
//!
//! A chunk that cannot be fetched (offline, or a deploy replaced it) is reported in a toast
//! and the dialog stays closed; the next click tries again. (leptos's `#[lazy]` would panic,
//! which aborts the whole WASM.) In a normal build these are plain async functions.
use leptos::prelude::*;

use super::create_key_dialog::CreateKeyDialog;
use super::create_key_form::CREATE_ACTION;
use super::regenerate_dialog::RegenerateDialog;
use super::regenerate_form::regenerate_action;
use crate::api::validation::display_name;
use crate::api::{ApiKeySummary, AppError};
use crate::components::icons::{PlusIcon, RefreshIcon};
use crate::components::lazy::mount_when_opened;
use leptos::ev::MouseEvent;

#[leptos::wasm_split::wasm_split(
    key_actions,
    wasm_split_path = ::leptos::wasm_split,
    fallible,
    preload(preload_key_actions)
)]
fn create_key_dialog(open: RwSignal<bool>, on_changed: Callback<()>) -> Result<AnyView, AppError> {
    Ok(view! { <CreateKeyDialog open on_changed /> }.into_any())
}

#[leptos::wasm_split::wasm_split(key_actions, wasm_split_path = ::leptos::wasm_split, fallible)]
fn regenerate_key_dialog(
    open: RwSignal<bool>,
    target: RwSignal<Option<ApiKeySummary>>,
    on_changed: Callback<()>,
    on_replaced: Option<Callback<String>>,
) -> Result<AnyView, AppError> {
    Ok(view! { <RegenerateDialog open target on_changed on_replaced /> }.into_any())
}

/// Starts fetching the dialogs' chunk; call on intent. A failure is left for the click to
/// report: it tries again.
pub fn preload_dialogs() {
    leptos::task::spawn_local(async {
        let _ = preload_key_actions().await;
    });
}

/// "Create API Key", loaded on first use.
#[component]
pub fn LazyCreateKeyDialog(open: RwSignal<bool>, on_changed: Callback<()>) -> impl IntoView {
    mount_when_opened(open, move || create_key_dialog(open, on_changed))
}

/// "Create Key": a link to the create page, so it works from the moment it is painted;
/// once the WASM is there a click opens the dialog instead (no page load), and reaching for
/// it fetches the dialog's code.
#[component]
pub fn CreateKeyLink(open: RwSignal<bool>) -> impl IntoView {
    view! {
        <a
            href=CREATE_ACTION
            class="btn primary"
            on:pointerenter=move |_| preload_dialogs()
            on:focus=move |_| preload_dialogs()
            on:touchstart=move |_| preload_dialogs()
            on:click=move |ev: MouseEvent| {
                if plain_click(&ev) {
                    ev.prevent_default();
                    open.set(true);
                }
            }
        >
            <PlusIcon />
            "Create Key"
        </a>
    }
}

/// "Regenerate" for `key`: a link to its confirmation page, which works before and without the
/// WASM; once the WASM is there a click opens the dialog instead.
#[component]
pub fn RegenerateButton(
    key: ApiKeySummary,
    on_regenerate: Callback<ApiKeySummary>,
    #[prop(into)] class: String,
) -> impl IntoView {
    let label = format!("Regenerate {}", display_name(&key.name));
    view! {
        <a
            href=regenerate_action(&key.id)
            class=class
            aria-label=label
            on:pointerenter=move |_| preload_dialogs()
            on:focus=move |_| preload_dialogs()
            on:touchstart=move |_| preload_dialogs()
            on:click=move |ev: MouseEvent| {
                if plain_click(&ev) {
                    ev.prevent_default();
                    on_regenerate.run(key.clone());
                }
            }
        >
            <RefreshIcon />
            "Regenerate"
        </a>
    }
}

/// A click that means "here": not one that opens a new tab or window, which keeps the link's
/// own behaviour.
fn plain_click(ev: &MouseEvent) -> bool {
    ev.button() == 0 && !(ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key())
}

/// "Regenerate API Key", loaded on first use. `on_replaced`: see `RegenerateDialog`.
#[component]
pub fn LazyRegenerateDialog(
    open: RwSignal<bool>,
    target: RwSignal<Option<ApiKeySummary>>,
    on_changed: Callback<()>,
    #[prop(optional)] on_replaced: Option<Callback<String>>,
) -> impl IntoView {
    mount_when_opened(open, move || {
        regenerate_key_dialog(open, target, on_changed, on_replaced)
    })
}
