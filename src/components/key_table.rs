use leptos::prelude::*;

use crate::api::validation::display_name;
use crate::api::ApiKeySummary;
use crate::components::hydration::use_hydrated;
use crate::components::icons::RefreshIcon;
use crate::components::lazy_dialogs::preload_regenerate_dialog;
use crate::components::timestamp::{Expires, LastUsed, LocalDate};

/// The user's keys: name (linking to the key's page), masked key, dates, expiry, and a
/// Regenerate action per row.
#[component]
pub fn KeyTable(keys: Vec<ApiKeySummary>, on_regenerate: Callback<ApiKeySummary>) -> impl IntoView {
    let hydrated = use_hydrated();
    let rows = keys
        .into_iter()
        .map(|key| {
            let name = display_name(&key.name);
            let label = format!("Regenerate {name}");
            let for_click = key.clone();
            let href = format!("/settings/api-keys/{}", key.id);
            view! {
                <tr>
                    <td class="name" data-label="Name"><a href=href>{name}</a></td>
                    <td data-label="Key"><code class="masked">{key.masked_key}</code></td>
                    <td data-label="Created"><LocalDate iso=key.created_at /></td>
                    <td data-label="Last Used"><LastUsed iso=key.last_used_at /></td>
                    <td data-label="Expires"><Expires iso=key.expires_at /></td>
                    <td class="actions" data-label="Actions">
                        <button
                            type="button"
                            class="btn small"
                            aria-label=label
                            disabled=move || !hydrated.get()
                            on:pointerenter=move |_| preload_regenerate_dialog()
                            on:focus=move |_| preload_regenerate_dialog()
                            on:touchstart=move |_| preload_regenerate_dialog()
                            on:click=move |_| on_regenerate.run(for_click.clone())
                        >
                            <RefreshIcon />
                            "Regenerate"
                        </button>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="keys">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Key"</th>
                        <th scope="col">"Created"</th>
                        <th scope="col">"Last Used"</th>
                        <th scope="col">"Expires"</th>
                        <th scope="col" class="actions">"Actions"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
