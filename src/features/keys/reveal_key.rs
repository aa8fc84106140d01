//! The one and only display of a new key's secret, with a ready-to-paste curl command. Read-only
//! inputs keep both selectable without the WASM; copy buttons appear once it has loaded.
use leptos::html;
use leptos::prelude::*;

use crate::browser::page_origin;
use crate::components::copy_button::CopyButton;
use crate::contexts::hydration::use_hydrated;

/// How the reveal ends: a button (in a dialog) or a link (on a page of its own, which works
/// without the WASM).
#[derive(Clone)]
pub enum RevealDone {
    Button(Callback<()>),
    Link(&'static str),
}

/// The one-time display of a full key, after create or regenerate: selectable text in a
/// read-only field, and copy buttons once the WASM is there. It announces itself (an alert)
/// wherever it appears.
#[component]
pub fn RevealKey(
    #[prop(into)] title_id: String,
    title: &'static str,
    description: &'static str,
    full_key: String,
    done: RevealDone,
) -> impl IntoView {
    let hydrated = use_hydrated();
    let copy_ref = NodeRef::<html::Button>::new();
    // The form that had focus is gone; put focus where the next action is.
    Effect::new(move |_| {
        if let Some(button) = copy_ref.get() {
            let _ = button.focus();
        }
    });
    // A first call to try the key with, on this very server. It lives and goes with the key.
    let try_it = format!(
        "curl -H 'Authorization: Bearer {full_key}' {}/api/v1/me",
        page_origin()
    );
    let (key_for_copy, try_for_copy) = (full_key.clone(), try_it.clone());
    let done = match done {
        RevealDone::Button(on_done) => view! {
            <button type="button" class="btn primary" on:click=move |_| on_done.run(())>"Done"</button>
        }
        .into_any(),
        RevealDone::Link(href) => view! { <a class="btn primary" href=href>"Done"</a> }.into_any(),
    };
    view! {
        <div role="alert" class="reveal">
            <h2 id=title_id class="modal-title">{title}</h2>
            <p class="muted">{description}</p>
        </div>
        <div class="key-reveal">
            <input
                class="full-key"
                type="text"
                readonly
                aria-label="API key"
                spellcheck="false"
                autocomplete="off"
                value=full_key
            />
            <Show when=move || hydrated.get()>
                <CopyButton text=key_for_copy.clone() label="Copy key" node_ref=copy_ref />
            </Show>
        </div>
        <p class="try-it-label">"Try it:"</p>
        <div class="key-reveal try-it">
            <input
                class="full-key"
                type="text"
                readonly
                aria-label="Try it with curl"
                spellcheck="false"
                autocomplete="off"
                value=try_it
            />
            <Show when=move || hydrated.get()>
                <CopyButton text=try_for_copy.clone() label="Copy curl command" />
            </Show>
        </div>
        <p class="muted">
            "Every endpoint is described in the "
            <a href="/docs/api" rel="external" target="_blank">"API reference"</a>
            "."
        </p>
        <p class="warning">
            "Store this key securely. It provides full access to your account via the API."
        </p>
        <div class="modal-actions">{done}</div>
    }
}
