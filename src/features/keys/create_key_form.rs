//! The create form, one for the dialog and for the create page: a real form posting to
//! `/settings/api-keys/new` (`server::forms`), so it works before and without the WASM. Once
//! the WASM is there it takes the submit over: the values are checked in the browser by the
//! server's rules and sent with the create call, and the new key goes to `on_created`. Either
//! way the same values, the same checks, the same messages.
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use super::restrictions_form::{RestrictionsFields, RestrictionsForm};
use crate::api::forms::KeyFormInput;
use crate::api::validation::validate_key_name;
use crate::api::{CreatedApiKey, RestrictionOptions};
use crate::browser::{iso_end_of_local_day, iso_in_days, local_date_in_days};
use crate::components::icons::Spinner;
use crate::server_fns::keys::{create_key, NEVER};

pub const CREATE_ACTION: &str = "/settings/api-keys/new";

/// How the form is left without creating: a button (the dialog) or a link (the page).
#[derive(Clone)]
pub enum Cancel {
    Button(Callback<()>),
    Link(&'static str),
}

#[component]
pub fn CreateKeyForm(
    /// What the fields show first: empty, or what a refused post had.
    input: KeyFormInput,
    /// Why a post was refused, if one was.
    error: Option<String>,
    options: RestrictionOptions,
    on_created: Callback<CreatedApiKey>,
    pending: RwSignal<bool>,
    cancel: Cancel,
) -> impl IntoView {
    let name = RwSignal::new(input.name.clone());
    let expiry = RwSignal::new(if input.expiry.is_empty() {
        NEVER.to_owned()
    } else {
        input.expiry.clone()
    });
    let expiry_date = RwSignal::new(input.expiry_date.clone());
    let error = RwSignal::new(error);
    let restrictions = RestrictionsForm::new(&input.restrictions);
    let checked_options = options.clone();
    // `autofocus` serves the page as the server sent it; a form that arrives in an open
    // dialog (after its options) is focused here.
    let name_ref = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(input) = name_ref.get() {
            let _ = input.focus();
        }
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
            "never" => NEVER.to_owned(),
            "custom" => match iso_end_of_local_day(&expiry_date.get_untracked()) {
                Some(at) => at,
                None => {
                    error.set(Some("Choose the date the key should stop working".into()));
                    return;
                }
            },
            days => days.parse().map(iso_in_days).unwrap_or_default(),
        };
        let chosen = match restrictions.read(&checked_options) {
            Ok(chosen) => chosen,
            Err(message) => {
                error.set(Some(message));
                return;
            }
        };
        error.set(None);
        pending.set(true);
        leptos::task::spawn_local(async move {
            let result = create_key(valid, expires_at, chosen).await;
            pending.set(false);
            match result {
                Ok(key) => on_created.run(key),
                Err(err) => error.set(Some(err.to_string())),
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
    let expiries = [
        ("never", "No expiration"),
        ("7", "7 days"),
        ("30", "30 days"),
        ("60", "60 days"),
        ("90", "90 days"),
        ("custom", "Custom date…"),
    ]
    .into_iter()
    .map(|(value, label)| {
        view! { <option value=value selected=move || expiry.get() == value>{label}</option> }
    })
    .collect_view();

    view! {
        <form method="post" action=CREATE_ACTION on:submit=submit novalidate>
            <label for="key-name">"Name"</label>
            <input
                node_ref=name_ref
                id="key-name"
                name="name"
                type="text"
                autocomplete="off"
                autofocus
                required
                maxlength="400"
                placeholder="e.g., Zapier, Scripts, Testing"
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby="key-name-error"
                value=move || name.get()
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
                {expiries}
            </select>
            <div class="expiry-date">
                <label for="key-expiry-date">"Expires at the end of"</label>
                <input
                    id="key-expiry-date"
                    name="expiry_date"
                    type="date"
                    min=local_date_in_days(1)
                    max=local_date_in_days(365)
                    value=move || expiry_date.get()
                    prop:value=move || expiry_date.get()
                    on:input=move |ev| expiry_date.set(event_target_value(&ev))
                    disabled=move || pending.get()
                />
            </div>
            <RestrictionsFields form=restrictions options disabled=pending id="create" />
            <p id="key-name-error" class="form-error" role="alert">{move || error.get()}</p>
            <div class="modal-actions">
                {cancel}
                <button type="submit" class="btn primary" disabled=move || pending.get()>
                    <Show when=move || pending.get()><Spinner /></Show>
                    "Create Key"
                </button>
            </div>
        </form>
    }
}
