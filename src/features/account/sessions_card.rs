//! Where the account is signed in, each other session with a form that ends it.
use leptos::prelude::*;

use crate::api::account::SessionDto;
use crate::api::validation::visible_text;
use crate::components::timestamp::{LastUsed, LocalDate};

pub const REVOKE_OTHERS_ACTION: &str = "/settings/security/sessions/revoke-others";

/// The form action that ends session `id`.
pub fn end_action(id: &str) -> String {
    format!("/settings/security/sessions/{id}/end")
}

#[component]
pub fn SessionsCard(sessions: Vec<SessionDto>, error: Option<String>) -> impl IntoView {
    let others = sessions.iter().filter(|s| !s.current).count();
    let rows = sessions
        .into_iter()
        .map(|session| {
            let agent = session
                .user_agent
                .as_deref()
                .map_or_else(|| "Unknown browser".to_owned(), visible_text);
            let address = session.ip.unwrap_or_else(|| "unknown".to_owned());
            let action = if session.current {
                view! { <strong>"This session"</strong> }.into_any()
            } else {
                let label = format!("Sign out the session of {agent}");
                view! {
                    <form method="post" action=end_action(&session.id) class="inline">
                        <button type="submit" class="btn small" aria-label=label>"Sign out"</button>
                    </form>
                }
                .into_any()
            };
            view! {
                <tr>
                    <td data-label="Browser">{agent}</td>
                    <td data-label="Address"><code>{address}</code></td>
                    <td data-label="Signed in"><LocalDate iso=session.created_at /></td>
                    <td data-label="Last active"><LastUsed iso=Some(session.last_seen_at) /></td>
                    <td class="actions">{action}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="sessions-title">
            <h2 id="sessions-title" class="card-title">"Sessions"</h2>
            <p class="muted">"Everywhere your account is signed in. Signing a session out ends it at once, on every server."</p>
            <p class="form-error" role="alert">{error}</p>
            <div class="table-wrap">
                <table class="plain clients">
                    <thead>
                        <tr>
                            <th scope="col">"Browser"</th>
                            <th scope="col">"Address"</th>
                            <th scope="col">"Signed in"</th>
                            <th scope="col">"Last active"</th>
                            <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            {(others > 0).then(|| view! {
                <form method="post" action=REVOKE_OTHERS_ACTION>
                    <button type="submit" class="btn">"Sign out all other sessions"</button>
                </form>
            })}
        </section>
    }
}
