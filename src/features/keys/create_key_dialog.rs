//! The "Create API Key" modal: loads the restriction options, runs the form, then reveals the new
//! secret once. However it closes, the secret is dropped from memory and the form starts over.
use leptos::prelude::*;

use super::create_key_form::{Cancel, CreateKeyForm};
use super::reveal_key::{RevealDone, RevealKey};
use crate::api::forms::{KeyFormInput, RestrictionsInput};
use crate::api::{AppError, CreatedApiKey, KeyRestrictions, RestrictionOptions};
use crate::components::icons::Spinner;
use crate::components::modal::Modal;
use crate::contexts::toasts::use_toasts;
use crate::server_fns::keys::load_restriction_options;

/// A new key's form: empty, with the operator's default rate limit.
pub fn blank_form(options: &RestrictionOptions) -> KeyFormInput {
    KeyFormInput {
        restrictions: RestrictionsInput::of(&KeyRestrictions {
            scopes: None,
            rate_limit: options.default_rate_limit,
            allowed_ips: None,
        }),
        ..KeyFormInput::default()
    }
}

/// "Create API Key": asks for a name, an expiry and the key's restrictions, then shows the new
/// key exactly once.
#[component]
pub fn CreateKeyDialog(open: RwSignal<bool>, on_changed: Callback<()>) -> impl IntoView {
    let toasts = use_toasts();
    let pending = RwSignal::new(false);
    let created = RwSignal::new(None::<CreatedApiKey>);
    // A fresh form each time the dialog opens: nothing typed survives a close.
    let generation = RwSignal::new(0u32);
    // The catalog and the operator's bounds, fetched as the dialog first opens.
    let options = RwSignal::new(None::<Result<RestrictionOptions, AppError>>);
    leptos::task::spawn_local(async move {
        options.set(Some(load_restriction_options().await));
    });
    let on_created = Callback::new(move |key: CreatedApiKey| {
        created.set(Some(key));
        toasts.success("API key created!");
        on_changed.run(());
    });
    // However the dialog closes, the secret is dropped from memory and the form reset.
    let on_closed = Callback::new(move |_| {
        created.set(None);
        generation.update(|g| *g += 1);
        on_changed.run(());
    });
    let close = Callback::new(move |_| open.set(false));

    view! {
        <Modal open labelled_by="create-key-title" busy=pending on_closed>
            {move || match created.get() {
                Some(key) => view! {
                    <RevealKey
                        title_id="create-key-title"
                        title="API Key Created!"
                        description="Copy this key now. You won't be able to see it again."
                        full_key=key.full_key
                        done=RevealDone::Button(close)
                    />
                }.into_any(),
                None => {
                    generation.track();
                    view! {
                        <h2 id="create-key-title" class="modal-title">"Create API Key"</h2>
                        <p class="muted">"Give your API key a name to help you identify it later."</p>
                        {move || match options.get() {
                            None => view! { <p class="muted" aria-busy="true"><Spinner />" Loading…"</p> }.into_any(),
                            Some(Err(err)) => view! { <p class="form-error" role="alert">{format!("Could not load the form: {err}")}</p> }.into_any(),
                            Some(Ok(options)) => view! {
                                <CreateKeyForm
                                    input=blank_form(&options)
                                    error=None
                                    options
                                    on_created
                                    pending
                                    cancel=Cancel::Button(close)
                                />
                            }.into_any(),
                        }}
                    }.into_any()
                }
            }}
        </Modal>
    }
}
