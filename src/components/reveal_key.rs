use leptos::html;
use leptos::prelude::*;

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
    view! {
        <h2 id=title_id class="modal-title">{title}</h2>
        <p class="muted">{description}</p>
        <div class="key-reveal">
            <code class="full-key">{full_key.clone()}</code>
            <CopyButton text=full_key node_ref=copy_ref />
        </div>
        <p class="warning">
            "Store this key securely. It provides full access to your account via the API."
        </p>
        <div class="modal-actions">
            <button type="button" class="btn primary" on:click=move |_| on_done.run(())>"Done"</button>
        </div>
    }
}
