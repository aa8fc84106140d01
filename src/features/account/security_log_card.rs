//! The account's security log, newest first, a page at a time (`?before=` links).
use leptos::prelude::*;

use crate::api::account::SecurityEventPage;
use crate::api::validation::visible_text;
use crate::components::timestamp::LastUsed;

#[component]
pub fn SecurityLogCard(page: SecurityEventPage, paged: bool) -> impl IntoView {
    let body = if page.events.is_empty() {
        view! { <p class="muted">"Nothing recorded yet."</p> }.into_any()
    } else {
        let rows = page
            .events
            .into_iter()
            .map(|event| {
                let key = match (event.key_name, event.key_id) {
                    (Some(name), Some(id)) => view! {
                        <a href=format!("/settings/api-keys/{id}")>{visible_text(&name)}</a>
                    }
                    .into_any(),
                    (Some(name), None) => visible_text(&name).into_any(),
                    _ => ().into_any(),
                };
                let agent = event.user_agent.as_deref().map(visible_text);
                view! {
                    <tr>
                        <td data-label="What">{event.kind.describe()} " " {key}</td>
                        <td data-label="When"><LastUsed iso=Some(event.occurred_at) /></td>
                        <td data-label="Address"><code>{event.ip.unwrap_or_else(|| "—".to_owned())}</code></td>
                        <td data-label="Browser">{agent.unwrap_or_else(|| "—".to_owned())}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <div class="table-wrap">
                <table class="plain clients">
                    <thead>
                        <tr>
                            <th scope="col">"What"</th>
                            <th scope="col">"When"</th>
                            <th scope="col">"Address"</th>
                            <th scope="col">"Browser"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    let older = page.next_before.map(|cursor| {
        view! { <a class="btn small" href=format!("/settings/security?before={cursor}#log-title")>"Older entries"</a> }
    });
    let newest = paged.then(|| {
        view! { <a class="btn small" href="/settings/security#log-title">"Newest entries"</a> }
    });
    view! {
        <section class="card" aria-labelledby="log-title">
            <h2 id="log-title" class="card-title">"Security log"</h2>
            <p class="muted">"Sign-ins, password changes, ended sessions and changes to your keys. Entries are never changed or removed."</p>
            {body}
            <div class="pager">{newest} {older}</div>
        </section>
    }
}
