//! The header on every page: brand, API docs, and the account links. Sign-out is a real form post,
//! so it works before (or without) the WASM; with it, a failure shows as a toast instead.
use leptos::prelude::*;

use crate::browser::go_to;
use crate::components::icons::KeyIcon;
use crate::contexts::current_user::{use_current_user, CurrentUser};
use crate::contexts::toasts::use_toasts;
use crate::server_fns::deferred::sign_out as end_session;

/// Site header: brand, and either the signed-in email with "Sign out" or sign-in links.
#[component]
pub fn SiteHeader() -> impl IntoView {
    let CurrentUser(user) = use_current_user();
    let toasts = use_toasts();
    let signing_out = RwSignal::new(false);
    let sign_out = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if signing_out.get_untracked() {
            return;
        }
        signing_out.set(true);
        leptos::task::spawn_local(async move {
            match end_session().await {
                Ok(()) => go_to("/login"),
                Err(err) => {
                    signing_out.set(false);
                    toasts.error(err.to_string());
                }
            }
        });
    };
    view! {
        <header class="site-header">
            <a href="/" class="brand"><KeyIcon />" Keyward"</a>
            <nav class="account" aria-label="Account">
                // A full page load: the reference is served by the server, not by this app.
                <a href="/docs/api" rel="external">"API docs"</a>
                <Transition fallback=|| ()>
                    {move || user.get().map(|result| match result {
                        Ok(Some(user)) => view! {
                            <span class="email">{user.email}</span>
                            <a href="/settings">"Settings"</a>
                            // A real form: signing out works before (or without) the WASM too.
                            <form method="post" action="/api/fn/logout" class="inline" on:submit=sign_out>
                                <button type="submit" class="btn ghost" disabled=move || signing_out.get()>"Sign out"</button>
                            </form>
                        }.into_any(),
                        _ => view! {
                            <a href="/login">"Sign in"</a>
                            <a href="/register" class="btn primary small">"Create account"</a>
                        }.into_any(),
                    })}
                </Transition>
            </nav>
        </header>
    }
}
