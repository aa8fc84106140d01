//! The "Regenerate API Key" modal: confirm, then show the new secret once. A page about the old
//! key id moves to the new one only after the dialog closes, never while the secret is on screen.
use leptos::prelude::*;

use super::create_key_form::Cancel;
use super::regenerate_form::RegenerateForm;
use super::reveal_key::{RevealDone, RevealKey};
use crate::api::{ApiKeySummary, CreatedApiKey};
use crate::components::modal::Modal;
use crate::contexts::toasts::use_toasts;

/// "Regenerate API Key": confirms, replaces the secret, shows the new key exactly once.
#[component]
pub fn RegenerateDialog(
    open: RwSignal<bool>,
    target: RwSignal<Option<ApiKeySummary>>,
    on_changed: Callback<()>,
    /// Runs with the new key's id once the dialog has closed after a regenerate (a page
    /// about the old id moves to the new one then, not while the secret is on screen).
    on_replaced: Option<Callback<String>>,
) -> impl IntoView {
    let toasts = use_toasts();
    let pending = RwSignal::new(false);
    let regenerated = RwSignal::new(None::<CreatedApiKey>);
    let on_regenerated = Callback::new(move |key: CreatedApiKey| {
        regenerated.set(Some(key));
        toasts.success("API key regenerated!");
        on_changed.run(());
    });
    // Either way the list may have changed (e.g. another tab regenerated it first).
    let on_failed = Callback::new(move |message: String| {
        toasts.error(message);
        on_changed.run(());
    });
    let on_closed = Callback::new(move |_| {
        let replaced_by = regenerated.get_untracked().map(|key| key.id);
        regenerated.set(None);
        target.set(None);
        on_changed.run(());
        if let (Some(on_replaced), Some(id)) = (on_replaced, replaced_by) {
            on_replaced.run(id);
        }
    });
    let close = Callback::new(move |_| open.set(false));

    view! {
        <Modal open labelled_by="regenerate-key-title" busy=pending on_closed>
            {move || match (regenerated.get(), target.get()) {
                (Some(key), _) => view! {
                    <RevealKey
                        title_id="regenerate-key-title"
                        title="Key Regenerated!"
                        description="Copy this new key now. The old key is no longer valid."
                        full_key=key.full_key
                        done=RevealDone::Button(close)
                    />
                }.into_any(),
                (None, Some(key)) => view! {
                    <h2 id="regenerate-key-title" class="modal-title">"Regenerate API Key"</h2>
                    <RegenerateForm
                        key_id=key.id
                        key_name=key.name
                        error=None
                        on_regenerated
                        on_failed
                        pending
                        cancel=Cancel::Button(close)
                    />
                }.into_any(),
                (None, None) => view! { <h2 id="regenerate-key-title" class="modal-title">"Regenerate API Key"</h2> }.into_any(),
            }}
        </Modal>
    }
}
