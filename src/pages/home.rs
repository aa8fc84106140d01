//! The landing page: one line on what Keyward is for, then "Manage API keys" for a signed-in
//! visitor, or the ways to sign up and sign in for everyone else.
use leptos::prelude::*;

use crate::components::title::PageTitle;
use crate::contexts::current_user::{use_current_user, CurrentUser};

/// Landing page: what Keyward is, and the way in.
#[component]
pub fn HomePage() -> impl IntoView {
    let CurrentUser(user) = use_current_user();
    view! {
        <PageTitle text="Keyward" />
        <section class="hero">
            <h1>"Keyward"</h1>
            <p class="muted">"Create and manage the API keys your tools — Zapier, scripts, CI jobs — use to call this app."</p>
            <Transition fallback=|| ()>
                {move || user.get().map(|u| match u {
                    Ok(Some(_)) => view! { <a class="btn primary" href="/settings/api-keys">"Manage API keys"</a> }.into_any(),
                    _ => view! {
                        <div class="hero-actions">
                            <a class="btn primary" href="/register">"Create account"</a>
                            <a class="btn" href="/login">"Sign in"</a>
                        </div>
                    }.into_any(),
                })}
            </Transition>
        </section>
    }
}
