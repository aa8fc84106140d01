//! The sign-in and registration form (one component: the two differ only in wording, the
//! server function they call, and registration's up-front checks).
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::validation::{check_email, safe_callback, validate_new_password};
use crate::api::AppError;
use crate::browser::go_to;
use crate::components::icons::Spinner;
use crate::server_fns::auth::{login, register};
use leptos::server_fn::error::ServerFnUrlError;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum AuthMode {
    SignIn,
    Register,
}

/// The form, in a WASM chunk of its own in a split build: the keys page, where most visits
/// land, does not carry the sign-in code. The server renders the form whole, so it also works
/// before (and without) the WASM; a page rendered with it has the chunk loaded before
/// hydration (`crate::chunks::load_rendered_chunks`).
#[leptos::wasm_split::wasm_split(
    auth_form,
    wasm_split_path = ::leptos::wasm_split,
    fallible,
    preload(preload_auth_form)
)]
fn auth_form(mode: AuthMode) -> Result<AnyView, AppError> {
    Ok(view! { <AuthForm mode /> }.into_any())
}

/// The form's `data-lazy-view` marker (see `crate::pages::load_rendered_chunks`).
pub const LAZY_VIEW: &str = "auth_form";

/// Loads the form's chunk; resolves at once once it is there.
#[cfg(feature = "hydrate")]
pub async fn load_auth_form() -> Result<(), leptos::wasm_split::SplitLoaderError> {
    preload_auth_form().await
}

/// The form for `mode`, loaded with its chunk; if that cannot be fetched, says so in place.
pub fn lazy_auth_form(mode: AuthMode) -> impl IntoView {
    #[cfg(feature = "ssr")]
    leptos::prefetch_lazy_fn_on_server("auth_form");
    Suspend::new(async move {
        auth_form(mode)
            .await
            .unwrap_or_else(crate::components::lazy::chunk_unavailable)
    })
}

#[component]
fn AuthForm(mode: AuthMode) -> impl IntoView {
    let query = use_query_map();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    // A form posted without the WASM comes back here with its error in `__err`; the server
    // and the browser decode it alike, so the message is part of the hydrated page.
    let posted_error = query
        .read_untracked()
        .get("__err")
        .map(|encoded| ServerFnUrlError::<AppError>::decode_err(&encoded).to_string());
    let error = RwSignal::new(posted_error);
    let target = safe_callback(query.read_untracked().get("callbackUrl").as_deref());
    let callback_field = target.clone();
    let pending = RwSignal::new(false);

    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let (e, p) = (email.get_untracked(), password.get_untracked());
        if mode == AuthMode::Register {
            if let Err(message) = check_email(&e).and_then(|_| validate_new_password(&p)) {
                error.set(Some(message.into()));
                return;
            }
        }
        let target = target.clone();
        error.set(None);
        pending.set(true);
        leptos::task::spawn_local(async move {
            let result = match mode {
                AuthMode::SignIn => login(e, p, Some(target.clone())).await,
                AuthMode::Register => register(e, p, Some(target.clone())).await,
            };
            match result {
                // A full load, so the header and every resource see the new session.
                Ok(_) => go_to(&target),
                Err(err) => {
                    pending.set(false);
                    error.set(Some(err.to_string()));
                }
            }
        });
    };

    let (heading, submit_label, action, password_autocomplete) = match mode {
        AuthMode::SignIn => ("Sign in", "Sign in", "/api/fn/login", "current-password"),
        AuthMode::Register => (
            "Create your account",
            "Create account",
            "/api/fn/register",
            "new-password",
        ),
    };
    view! {
        <section class="auth-card" data-lazy-view=LAZY_VIEW>
            <h1>{heading}</h1>
            // method/action keep the password out of the URL if the WASM has not loaded.
            <form method="post" action=action on:submit=submit novalidate>
                <input type="hidden" name="callback_url" value=callback_field />
                <label for="email">"Email"</label>
                <input
                    id="email"
                    name="email"
                    type="email"
                    autocomplete="email"
                    required
                    prop:value=move || email.get()
                    on:input=move |ev| email.set(event_target_value(&ev))
                />
                <label for="password">"Password"</label>
                <input
                    id="password"
                    name="password"
                    type="password"
                    autocomplete=password_autocomplete
                    required
                    aria-describedby="password-hint"
                    prop:value=move || password.get()
                    on:input=move |ev| password.set(event_target_value(&ev))
                />
                <p id="password-hint" class="hint">
                    {(mode == AuthMode::Register).then_some("12 to 128 characters. A passphrase is easiest.")}
                </p>
                <p class="form-error" role="alert">{move || error.get()}</p>
                <button type="submit" class="btn primary wide" disabled=move || pending.get()>
                    <Show when=move || pending.get()><Spinner /></Show>
                    {submit_label}
                </button>
            </form>
            {match mode {
                AuthMode::SignIn => view! {
                    <p class="muted switch"><a href="/forgot-password">"Forgot password?"</a></p>
                    <p class="muted switch">"New here? " <a href="/register">"Create an account"</a></p>
                }.into_any(),
                AuthMode::Register => view! {
                    <p class="muted switch">"Already have an account? " <a href="/login">"Sign in"</a></p>
                }.into_any(),
            }}
        </section>
    }
}
