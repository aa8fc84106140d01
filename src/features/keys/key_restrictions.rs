//! A key's restrictions on its page: what they are, a form to change them (effective on every
//! instance at once), and every change made, from what to what.
use codee::binary::PostcardCodec;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use super::restrictions_form::{describe_rate_limit, RestrictionsFields, RestrictionsForm};
use crate::api::forms::{FormOutcome, RestrictionsInput};
use crate::api::{KeyRestrictions, RestrictionChange};
use crate::components::icons::Spinner;
use crate::components::timestamp::LocalDate;
use crate::contexts::toasts::use_toasts;
use crate::server_fns::keys::{load_restriction_options, update_restrictions};

fn permissions_text(r: &KeyRestrictions) -> String {
    match r.scopes.as_deref() {
        None => "Full access".into(),
        Some([only]) if only == "read" => "Read only".into(),
        Some(scopes) => scopes.join(", "),
    }
}

fn rate_limit_text(r: &KeyRestrictions) -> String {
    r.rate_limit
        .map_or_else(|| "No limit".into(), describe_rate_limit)
}

fn addresses_text(r: &KeyRestrictions) -> String {
    r.allowed_ips
        .as_ref()
        .map_or_else(|| "Any address".into(), |ips| ips.join(", "))
}

/// "Permissions: Full access → Read only; Rate limit: No limit → 100 requests per minute".
fn describe_change(change: &RestrictionChange) -> Vec<String> {
    let (before, after) = (&change.before, &change.after);
    let mut parts = Vec::new();
    for (label, text) in [
        (
            "Permissions",
            permissions_text as fn(&KeyRestrictions) -> String,
        ),
        ("Rate limit", rate_limit_text),
        ("Allowed IPs", addresses_text),
    ] {
        let (from, to) = (text(before), text(after));
        if from != to {
            parts.push(format!("{label}: {from} → {to}"));
        }
    }
    parts
}

/// Where a key's restrictions form posts.
pub fn restrictions_action(id: &str) -> String {
    format!("/settings/api-keys/{id}/restrictions")
}

/// The key's restrictions, a form to change them (inside a `<details>`, so it opens and posts
/// without the WASM; once hydrated the WASM sends it and refreshes the page in place), and
/// every change made.
#[component]
pub fn KeyRestrictionsCard(
    key_id: String,
    current: KeyRestrictions,
    changes: Vec<RestrictionChange>,
    on_changed: Callback<()>,
) -> impl IntoView {
    let toasts = use_toasts();
    let (input, error) = match use_context::<FormOutcome>() {
        Some(FormOutcome::RestrictionsRefused { error, input }) => (input, Some(error)),
        _ => (RestrictionsInput::of(&current), None),
    };
    let editing = RwSignal::new(error.is_some());
    let pending = RwSignal::new(false);
    let error = RwSignal::new(error);
    let options = Resource::<_, PostcardCodec>::new_with_options(
        || (),
        |_| load_restriction_options(),
        false,
    );
    let form = RestrictionsForm::new(&input);
    let action = restrictions_action(&key_id);

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let chosen = match options.get_untracked() {
            Some(Ok(options)) => form.read(&options),
            _ => Err("The form is still loading; try again in a moment".into()),
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
        let id = key_id.clone();
        leptos::task::spawn_local(async move {
            let result = update_restrictions(id, chosen).await;
            pending.set(false);
            match result {
                Ok(_) => {
                    editing.set(false);
                    toasts.success("Restrictions saved. They apply everywhere now.");
                    on_changed.run(());
                }
                Err(err) => error.set(Some(err.to_string())),
            }
        });
    };

    let history = if changes.is_empty() {
        view! { <p class="muted">"Not changed since the key was created."</p> }.into_any()
    } else {
        let rows = changes
            .into_iter()
            .map(|change| {
                let parts = describe_change(&change)
                    .into_iter()
                    .map(|part| view! { <li>{part}</li> })
                    .collect_view();
                view! {
                    <li>
                        <LocalDate iso=change.changed_at />
                        <ul class="change-parts">{parts}</ul>
                    </li>
                }
            })
            .collect_view();
        view! { <ol class="changes">{rows}</ol> }.into_any()
    };

    view! {
        <section class="card" aria-labelledby="restrictions-title">
            <h2 id="restrictions-title" class="card-title">"Restrictions"</h2>
            <dl class="facts">
                <dt>"Permissions"</dt>
                <dd>{permissions_text(&current)}</dd>
                <dt>"Rate limit"</dt>
                <dd>{rate_limit_text(&current)}</dd>
                <dt>"Allowed IPs"</dt>
                <dd>{addresses_text(&current)}</dd>
            </dl>
            <details
                class="edit-restrictions"
                open=move || editing.get()
                prop:open=move || editing.get()
                on:toggle=move |ev| editing.set(event_target::<leptos::web_sys::HtmlDetailsElement>(&ev).open())
            >
                <summary class="btn small">"Edit restrictions"</summary>
                <form method="post" action=action on:submit=submit novalidate>
                    <Transition fallback=|| view! { <p class="muted" aria-busy="true"><Spinner />" Loading…"</p> }>
                        {move || options.get().map(|loaded| match loaded {
                            Ok(options) => view! { <RestrictionsFields form options disabled=pending id="edit" /> }.into_any(),
                            Err(err) => view! { <p class="form-error">{format!("Could not load the form: {err}")}</p> }.into_any(),
                        })}
                    </Transition>
                    <p class="notice">"Changes take effect immediately: every request from the moment you save is judged by the new rules."</p>
                    <p class="form-error" role="alert">{move || error.get()}</p>
                    <div class="modal-actions">
                        <button type="submit" class="btn primary" disabled=move || pending.get()>
                            <Show when=move || pending.get()><Spinner /></Show>
                            "Save restrictions"
                        </button>
                    </div>
                </form>
            </details>
            <h3 class="card-subtitle">"Changes"</h3>
            {history}
        </section>
    }
}
