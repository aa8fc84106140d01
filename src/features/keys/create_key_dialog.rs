use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use super::restrictions_form::{RestrictionsFields, RestrictionsForm};
use super::reveal_key::RevealKey;
use crate::api::validation::validate_key_name;
use crate::api::{AppError, CreatedApiKey, KeyRestrictions, RestrictionOptions};
use crate::browser::{iso_end_of_local_day, iso_in_days, local_date_in_days};
use crate::components::icons::Spinner;
use crate::components::modal::Modal;
use crate::contexts::toasts::use_toasts;
use crate::server_fns::keys::{create_key, load_restriction_options};

/// A new key's restrictions before the operator's default is known: none.
fn unrestricted(rate_limit: Option<crate::api::RateLimit>) -> KeyRestrictions {
    KeyRestrictions {
        scopes: None,
        rate_limit,
        allowed_ips: None,
    }
}

/// "Create API Key": asks for a name, an expiry and the key's restrictions, then shows the new
/// key exactly once.
#[component]
pub fn CreateKeyDialog(open: RwSignal<bool>, on_changed: Callback<()>) -> impl IntoView {
    let toasts = use_toasts();
    let name = RwSignal::new(String::new());
    let expiry = RwSignal::new(String::from("never"));
    let expiry_date = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let created = RwSignal::new(None::<CreatedApiKey>);
    let restrictions = RestrictionsForm::new(&unrestricted(None));
    // The catalog and the operator's bounds, fetched as the dialog first opens.
    let options = RwSignal::new(None::<Result<RestrictionOptions, AppError>>);
    leptos::task::spawn_local(async move {
        let loaded = load_restriction_options().await;
        if let Ok(loaded) = &loaded {
            restrictions.reset(&unrestricted(loaded.default_rate_limit));
        }
        options.set(Some(loaded));
    });

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        // Set synchronously, so a double click cannot send two requests.
        if pending.get_untracked() {
            return;
        }
        let valid = match validate_key_name(&name.get_untracked()) {
            Ok(valid) => valid,
            Err(message) => {
                error.set(Some(message.into()));
                return;
            }
        };
        let expires_at = match expiry.get_untracked().as_str() {
            "never" => None,
            "custom" => match iso_end_of_local_day(&expiry_date.get_untracked()) {
                Some(at) => Some(at),
                None => {
                    error.set(Some("Choose the date the key should stop working".into()));
                    return;
                }
            },
            days => days.parse().ok().map(iso_in_days),
        };
        let chosen = match options.get_untracked() {
            Some(Ok(options)) => restrictions.read(&options),
            Some(Err(err)) => Err(format!("Could not load the permissions: {err}")),
            None => Err("The permissions are still loading; try again in a moment".into()),
        };
        let chosen = match chosen {
            Ok(chosen) => chosen,
            Err(message) => {
                error.set(Some(message));
                return;
            }
        };
        error.set(None);
        pending.set(true);
        leptos::task::spawn_local(async move {
            let expires_at =
                expires_at.unwrap_or_else(|| crate::server_fns::keys::NEVER.to_owned());
            let result = create_key(valid, expires_at, chosen).await;
            pending.set(false);
            match result {
                Ok(key) => {
                    created.set(Some(key));
                    toasts.success("API key created!");
                    on_changed.run(());
                }
                Err(err) => error.set(Some(err.to_string())),
            }
        });
    };
    // However the dialog closes, the secret is dropped from memory and the form reset.
    let on_closed = Callback::new(move |_| {
        created.set(None);
        name.set(String::new());
        expiry.set("never".into());
        expiry_date.set(String::new());
        let default = options
            .with_untracked(|o| o.as_ref().and_then(|o| o.as_ref().ok()?.default_rate_limit));
        restrictions.reset(&unrestricted(default));
        error.set(None);
        on_changed.run(());
    });

    view! {
        <Modal open labelled_by="create-key-title" busy=pending on_closed>
            {move || match created.get() {
                Some(key) => view! {
                    <RevealKey
                        title_id="create-key-title"
                        title="API Key Created!"
                        description="Copy this key now. You won't be able to see it again."
                        full_key=key.full_key
                        on_done=Callback::new(move |_| open.set(false))
                    />
                }.into_any(),
                None => view! {
                    <h2 id="create-key-title" class="modal-title">"Create API Key"</h2>
                    <p class="muted">"Give your API key a name to help you identify it later."</p>
                    <form on:submit=submit novalidate>
                        <label for="key-name">"Name"</label>
                        <input
                            id="key-name"
                            name="name"
                            type="text"
                            autocomplete="off"
                            autofocus
                            placeholder="e.g., Zapier, Scripts, Testing"
                            aria-invalid=move || error.get().is_some().to_string()
                            aria-describedby="key-name-error"
                            prop:value=move || name.get()
                            on:input=move |ev| name.set(event_target_value(&ev))
                            disabled=move || pending.get()
                        />
                        <label for="key-expiry">"Expiration"</label>
                        <select
                            id="key-expiry"
                            name="expiry"
                            prop:value=move || expiry.get()
                            on:change=move |ev| expiry.set(event_target_value(&ev))
                            disabled=move || pending.get()
                        >
                            <option value="never">"No expiration"</option>
                            <option value="7">"7 days"</option>
                            <option value="30">"30 days"</option>
                            <option value="60">"60 days"</option>
                            <option value="90">"90 days"</option>
                            <option value="custom">"Custom date…"</option>
                        </select>
                        <Show when=move || expiry.get() == "custom">
                            <label for="key-expiry-date">"Expires at the end of"</label>
                            <input
                                id="key-expiry-date"
                                name="expiry_date"
                                type="date"
                                min=local_date_in_days(1)
                                max=local_date_in_days(365)
                                prop:value=move || expiry_date.get()
                                on:input=move |ev| expiry_date.set(event_target_value(&ev))
                                disabled=move || pending.get()
                            />
                        </Show>
                        {move || match options.get() {
                            None => view! { <p class="muted" aria-busy="true"><Spinner />" Loading permissions…"</p> }.into_any(),
                            Some(Err(err)) => view! { <p class="form-error">{format!("Could not load the permissions: {err}")}</p> }.into_any(),
                            Some(Ok(options)) => view! {
                                <RestrictionsFields form=restrictions options disabled=pending id="create" />
                            }.into_any(),
                        }}
                        <p id="key-name-error" class="form-error" role="alert">{move || error.get()}</p>
                        <div class="modal-actions">
                            <button type="button" class="btn" on:click=move |_| open.set(false) disabled=move || pending.get()>
                                "Cancel"
                            </button>
                            <button type="submit" class="btn primary" disabled=move || pending.get()>
                                <Show when=move || pending.get()><Spinner /></Show>
                                "Create Key"
                            </button>
                        </div>
                    </form>
                }.into_any(),
            }}
        </Modal>
    }
}
