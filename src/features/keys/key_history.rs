//! A key's history: every secret it has had, its most recent callers, and what the security
//! log says about it.
use leptos::prelude::*;

use crate::api::account::SecurityEventDto;
use crate::api::validation::visible_text;
use crate::api::{KeyVersion, RecentClient};
use crate::components::timestamp::{LastUsed, LocalDate};

/// Every secret this key has had, the live one first.
#[component]
pub fn Versions(versions: Vec<KeyVersion>) -> impl IntoView {
    let rows = versions
        .into_iter()
        .map(|version| {
            let replaced = match version.replaced_at {
                Some(at) => view! { <LocalDate iso=at /> }.into_any(),
                None => view! { <strong>"Current"</strong> }.into_any(),
            };
            view! {
                <tr>
                    <td><code class="masked">{version.masked_key}</code></td>
                    <td><LocalDate iso=version.created_at /></td>
                    <td>{replaced}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="versions-title">
            <h2 id="versions-title" class="card-title">"Versions"</h2>
            <p class="muted">"Each regenerate replaces the secret; replaced secrets stop working at once and are kept here for the record."</p>
            <table class="plain">
                <thead><tr><th scope="col">"Key"</th><th scope="col">"Created"</th><th scope="col">"Replaced"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}

/// The last distinct callers (address and user agent) of any version of this key.
#[component]
pub fn RecentClients(clients: Vec<RecentClient>) -> impl IntoView {
    let body = if clients.is_empty() {
        view! { <p class="muted">"No calls yet."</p> }.into_any()
    } else {
        let rows = clients
            .into_iter()
            .map(|client| {
                // Stored before user agents were cleaned on the way in, a row may still hold a
                // direction override; shown neutralised either way.
                let agent = if client.user_agent.is_empty() {
                    "(none sent)".to_owned()
                } else {
                    visible_text(&client.user_agent)
                };
                view! {
                    <tr>
                        <td data-label="Address"><code>{client.ip}</code></td>
                        <td data-label="User agent">{agent}</td>
                        <td data-label="Last seen"><LastUsed iso=Some(client.last_seen_at) /></td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="plain clients">
                <thead><tr><th scope="col">"Address"</th><th scope="col">"User agent"</th><th scope="col">"Last seen"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <section class="card" aria-labelledby="clients-title">
            <h2 id="clients-title" class="card-title">"Recent clients"</h2>
            {body}
        </section>
    }
}

/// Who created, regenerated or restricted this key, when and from where.
#[component]
pub fn KeyEvents(events: Vec<SecurityEventDto>) -> impl IntoView {
    let body = if events.is_empty() {
        view! { <p class="muted">"Nothing recorded yet."</p> }.into_any()
    } else {
        let rows = events
            .into_iter()
            .map(|event| {
                let address = event.ip.unwrap_or_else(|| "—".to_owned());
                view! {
                    <tr>
                        <td data-label="What">{event.kind.describe()}</td>
                        <td data-label="When"><LastUsed iso=Some(event.occurred_at) /></td>
                        <td data-label="Address"><code>{address}</code></td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="plain clients">
                <thead><tr><th scope="col">"What"</th><th scope="col">"When"</th><th scope="col">"Address"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <section class="card" aria-labelledby="events-title">
            <h2 id="events-title" class="card-title">"Security log"</h2>
            {body}
        </section>
    }
}
