use leptos::prelude::*;

use super::reveal_key::RevealKey;
use crate::api::validation::display_name;
use crate::api::{ApiKeySummary, CreatedApiKey};
use crate::components::icons::Spinner;
use crate::components::modal::Modal;
use crate::contexts::toasts::use_toasts;
use crate::server_fns::keys::regenerate_key;

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
    let error = RwSignal::new(None::<String>);
    let regenerated = RwSignal::new(None::<CreatedApiKey>);

    let confirm = move |_| {
        let Some(key) = target.get_untracked() else {
            return;
        };
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let result = regenerate_key(key.id).await;
            pending.set(false);
            match result {
                Ok(new_key) => {
                    regenerated.set(Some(new_key));
                    toasts.success("API key regenerated!");
                }
                Err(err) => {
                    error.set(Some(err.to_string()));
                    toasts.error(err.to_string());
                }
            }
            // Either way the list may have changed (e.g. another tab regenerated it first).
            on_changed.run(());
        });
    };
    let on_closed = Callback::new(move |_| {
        let replaced_by = regenerated.get_untracked().map(|key| key.id);
        regenerated.set(None);
        error.set(None);
        target.set(None);
        on_changed.run(());
        if let (Some(on_replaced), Some(id)) = (on_replaced, replaced_by) {
            on_replaced.run(id);
        }
    });
    let key_name = move || {
        target
            .get()
            .map(|k| display_name(&k.name))
            .unwrap_or_default()
    };

    view! {
        <Modal open labelled_by="regenerate-key-title" busy=pending on_closed>
            {move || match regenerated.get() {
                Some(key) => view! {
                    <RevealKey
                        title_id="regenerate-key-title"
                        title="Key Regenerated!"
                        description="Copy this new key now. The old key is no longer valid."
                        full_key=key.full_key
                        on_done=Callback::new(move |_| open.set(false))
                    />
                }.into_any(),
                None => view! {
                    <h2 id="regenerate-key-title" class="modal-title">"Regenerate API Key"</h2>
                    <p class="muted">
                        "Are you sure you want to regenerate \"" {key_name} "\"? The current key will stop working immediately."
                    </p>
                    <p class="form-error" role="alert">{move || error.get()}</p>
                    <div class="modal-actions">
                        <button type="button" class="btn" on:click=move |_| open.set(false) disabled=move || pending.get()>
                            "Cancel"
                        </button>
                        <button type="button" class="btn danger" on:click=confirm disabled=move || pending.get()>
                            <Show when=move || pending.get()><Spinner /></Show>
                            "Regenerate"
                        </button>
                    </div>
                }.into_any(),
            }}
        </Modal>
    }
}
