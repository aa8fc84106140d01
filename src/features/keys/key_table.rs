//! The keys list as a table, with a permissions summary per row. Everything, tooltips included,
//! is in the server-rendered HTML; reaching for a key's name preloads its page's WASM chunk.
use leptos::prelude::*;

use super::key_page::preload_key_detail;
use super::lazy_dialogs::RegenerateButton;
use crate::api::restrictions::describe_scopes;
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
            let full_name = name.clone();
            let for_click = key.clone();
            let key_for_permissions = key.clone();
            let href = format!("/settings/api-keys/{}", key.id);
            view! {
                <tr>
                    <td class="name" data-label="Name">
                        // The key's page is a chunk of its own: fetch it when the user
                        // reaches for it.
                        <a
                            href=href
                            title=full_name
                            on:pointerenter=move |_| preload_key_detail()
                            on:focus=move |_| preload_key_detail()
                            on:touchstart=move |_| preload_key_detail()
                        >
                            {name}
                        </a>
                    </td>
                    <td data-label="Key"><code class="masked">{key.masked_key}</code></td>
                    <td data-label="Permissions"><Permissions key=key_for_permissions /></td>
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
                        <th scope="col">"Permissions"</th>
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

/// "Full access", "Read only" or "3 scopes" (the scopes on hover or focus), and a mark for a
/// rate limit or an address list. The WASM is not needed: the details are in the HTML.
#[component]
fn Permissions(key: ApiKeySummary) -> impl IntoView {
    let summary = describe_scopes(key.scopes.as_deref());
    let listed = key
        .scopes
        .as_ref()
        .filter(|scopes| scopes.len() > 1)
        .map(|scopes| scopes.join(", "));
    let scopes = match listed {
        Some(list) => {
            let label = format!("{summary}: {list}");
            view! {
            <span class="has-tip" tabindex="0" aria-label=label>
                {summary}
                <span class="tip" role="tooltip" aria-hidden="true">{list}</span>
            </span>
            }
            .into_any()
        }
        None => view! { <span>{summary}</span> }.into_any(),
    };
    let limit = key.rate_limit.map(|l| {
        let title = format!(
            "At most {} requests per {} seconds",
            l.requests, l.per_seconds
        );
        view! { <span class="tag" title=title.clone() aria-label=title>"Rate-limited"</span> }
    });
    let fenced = key.allowed_ips.map(|ips| {
        let title = format!("Only from {}", ips.join(", "));
        view! { <span class="tag" title=title.clone() aria-label=title>"IP-restricted"</span> }
    });
    view! { <span class="permissions">{scopes}{limit}{fenced}</span> }
}
