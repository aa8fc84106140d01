//! A key's restrictions on its page: what they are, a form to change them (effective on every
//! instance at once), and every change made, from what to what.
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use super::restrictions_form::{describe_rate_limit, RestrictionsFields, RestrictionsForm};
use crate::api::{AppError, KeyRestrictions, RestrictionChange, RestrictionOptions};
use crate::components::icons::Spinner;
use crate::components::timestamp::LocalDate;
use crate::contexts::hydration::use_hydrated;
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

#[component]
pub fn KeyRestrictionsCard(
    key_id: String,
    current: KeyRestrictions,
    changes: Vec<RestrictionChange>,
    on_changed: Callback<()>,
) -> impl IntoView {
    let toasts = use_toasts();
    let hydrated = use_hydrated();
    let editing = RwSignal::new(false);
    let pending = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let options = RwSignal::new(None::<Result<RestrictionOptions, AppError>>);
    let form = RestrictionsForm::new(&current);
    let for_reset = current.clone();

    let start_editing = move |_| {
        form.reset(&for_reset);
        error.set(None);
        editing.set(true);
        if options.get_untracked().is_none_or(|o| o.is_err()) {
            options.set(None);
            leptos::task::spawn_local(async move {
                options.set(Some(load_restriction_options().await));
            });
        }
    };
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let chosen = match options.get_untracked() {
            Some(Ok(options)) => form.read(&options),
            _ => Err("The permissions are still loading; try again in a moment".into()),
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

    let summary = move || {
        view! {
            <dl class="facts">
                <dt>"Permissions"</dt>
                <dd>{permissions_text(&current)}</dd>
                <dt>"Rate limit"</dt>
                <dd>{rate_limit_text(&current)}</dd>
                <dt>"Allowed IPs"</dt>
                <dd>{addresses_text(&current)}</dd>
            </dl>
        }
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
            <div class="card-header">
                <h2 id="restrictions-title" class="card-title">"Restrictions"</h2>
                <Show when=move || !editing.get()>
                    <button type="button" class="btn small" on:click=start_editing.clone() disabled=move || !hydrated.get()>
                        "Edit"
                    </button>
                </Show>
            </div>
            <Show when=move || editing.get() fallback=summary>
                <form on:submit=submit.clone() novalidate>
                    {move || match options.get() {
                        None => view! { <p class="muted" aria-busy="true"><Spinner />" Loading permissions…"</p> }.into_any(),
                        Some(Err(err)) => view! { <p class="form-error">{format!("Could not load the permissions: {err}")}</p> }.into_any(),
                        Some(Ok(options)) => view! { <RestrictionsFields form options disabled=pending id="edit" /> }.into_any(),
                    }}
                    <p class="notice">"Changes take effect immediately: every request from the moment you save is judged by the new rules."</p>
                    <p class="form-error" role="alert">{move || error.get()}</p>
                    <div class="modal-actions">
                        <button type="button" class="btn" on:click=move |_| editing.set(false) disabled=move || pending.get()>"Cancel"</button>
                        <button type="submit" class="btn primary" disabled=move || pending.get()>
                            <Show when=move || pending.get()><Spinner /></Show>
                            "Save"
                        </button>
                    </div>
                </form>
            </Show>
            <h3 class="card-subtitle">"Changes"</h3>
            {history}
        </section>
    }
}
