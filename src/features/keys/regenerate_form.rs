//! The regenerate confirmation, one for the dialog and for the regenerate page: a real form
//! posting to `/settings/api-keys/{id}/regenerate` (`server::forms`), so only the confirming
//! POST changes anything and it works before and without the WASM. Once the WASM is there it
//! takes the submit over and the new key goes to `on_regenerated`.
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use super::create_key_form::Cancel;
use crate::api::validation::display_name;
use crate::api::CreatedApiKey;
use crate::components::icons::Spinner;
use crate::server_fns::keys::regenerate_key;

/// Where a key's regenerate form posts.
pub fn regenerate_action(id: &str) -> String {
    format!("/settings/api-keys/{id}/regenerate")
}

#[component]
pub fn RegenerateForm(
    key_id: String,
    key_name: String,
    /// Why a post was refused, if one was.
    error: Option<String>,
    on_regenerated: Callback<CreatedApiKey>,
    /// Runs when a regenerate fails (the list may have changed: another tab got there first).
    on_failed: Callback<String>,
    pending: RwSignal<bool>,
    cancel: Cancel,
) -> impl IntoView {
    let error = RwSignal::new(error);
    let action = regenerate_action(&key_id);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        error.set(None);
        let id = key_id.clone();
        leptos::task::spawn_local(async move {
            let result = regenerate_key(id).await;
            pending.set(false);
            match result {
                Ok(new_key) => on_regenerated.run(new_key),
                Err(err) => {
                    error.set(Some(err.to_string()));
                    on_failed.run(err.to_string());
                }
            }
        });
    };
    let cancel = match cancel {
        Cancel::Button(on_cancel) => view! {
            <button type="button" class="btn" on:click=move |_| on_cancel.run(()) disabled=move || pending.get()>
                "Cancel"
            </button>
        }
        .into_any(),
        Cancel::Link(href) => view! { <a class="btn" href=href>"Cancel"</a> }.into_any(),
    };
    view! {
        <form method="post" action=action on:submit=submit>
            <p class="muted">
                "Are you sure you want to regenerate \"" {display_name(&key_name)} "\"? The current key will stop working immediately."
            </p>
            <p class="form-error" role="alert">{move || error.get()}</p>
            <div class="modal-actions">
                {cancel}
                <button type="submit" class="btn danger" autofocus disabled=move || pending.get()>
                    <Show when=move || pending.get()><Spinner /></Show>
                    "Regenerate"
                </button>
            </div>
        </form>
    }
}
