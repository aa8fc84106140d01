use leptos::html;
use leptos::prelude::*;

use crate::browser::page_origin;
use crate::components::copy_button::CopyButton;

/// The one-time display of a full key, after create or regenerate.
#[component]
pub fn RevealKey(
    #[prop(into)] title_id: String,
    title: &'static str,
    description: &'static str,
    full_key: String,
    on_done: Callback<()>,
) -> impl IntoView {
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
    view! {
        <h2 id=title_id class="modal-title">{title}</h2>
        <p class="muted">{description}</p>
        <div class="key-reveal">
            <code class="full-key">{full_key.clone()}</code>
            <CopyButton text=full_key label="Copy key" node_ref=copy_ref />
        </div>
        <p class="try-it-label">"Try it:"</p>
        <div class="key-reveal try-it">
            <code class="full-key">{try_it.clone()}</code>
            <CopyButton text=try_it label="Copy curl command" />
        </div>
        <p class="muted">
            "Every endpoint is described in the "
            <a href="/docs/api" rel="external" target="_blank">"API reference"</a>
            "."
        </p>
        <p class="warning">
            "Store this key securely. It provides full access to your account via the API."
        </p>
        <div class="modal-actions">
            <button type="button" class="btn primary" on:click=move |_| on_done.run(())>"Done"</button>
        </div>
    }
}
