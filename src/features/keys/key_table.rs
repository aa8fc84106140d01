use leptos::prelude::*;

use super::key_page::preload_key_detail;
use super::lazy_dialogs::RegenerateButton;
use crate::api::validation::display_name;
use crate::api::ApiKeySummary;
use crate::components::timestamp::{Expires, LastUsed, LocalDate};

/// The user's keys: name (linking to the key's page), masked key, dates, expiry, and a
/// Regenerate action per row.
#[component]
pub fn KeyTable(keys: Vec<ApiKeySummary>, on_regenerate: Callback<ApiKeySummary>) -> impl IntoView {
    let rows = keys
        .into_iter()
        .map(|key| {
            let name = display_name(&key.name);
            let for_click = key.clone();
            let href = format!("/settings/api-keys/{}", key.id);
            view! {
                <tr>
                    <td class="name" data-label="Name">
                        // The key's page is a chunk of its own: fetch it when the user
                        // reaches for it.
                        <a
                            href=href
                            on:pointerenter=move |_| preload_key_detail()
                            on:focus=move |_| preload_key_detail()
                            on:touchstart=move |_| preload_key_detail()
                        >
                            {name}
                        </a>
                    </td>
                    <td data-label="Key"><code class="masked">{key.masked_key}</code></td>
                    <td data-label="Created"><LocalDate iso=key.created_at /></td>
                    <td data-label="Last Used"><LastUsed iso=key.last_used_at /></td>
                    <td data-label="Expires"><Expires iso=key.expires_at /></td>
                    <td class="actions" data-label="Actions">
                        <RegenerateButton key=for_click on_regenerate class="btn small" />
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
