//! The create and regenerate pages: where "Create Key" and "Regenerate" lead before the WASM
//! has arrived (or without it), each a real form the server handles (`server::forms`). A post
//! comes back as this same page, rendered by the server with the outcome: the new secret
//! shown once, or the form again with what was typed and what to fix. Once hydrated, the page
//! takes its form over and reveals the key in place. They share the key page's WASM chunk.
use codee::binary::PostcardCodec;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::create_key_dialog::blank_form;
use super::create_key_form::{Cancel, CreateKeyForm};
use super::regenerate_form::RegenerateForm;
use super::reveal_key::{RevealDone, RevealKey};
use crate::api::forms::FormOutcome;
use crate::api::validation::display_name;
use crate::api::{AppError, CreatedApiKey};
use crate::components::icons::Spinner;
use crate::components::not_found::NotFound;
use crate::components::title::PageTitle;
use crate::server_fns::keys::{key_summary, load_restriction_options};

const KEYS: &str = "/settings/api-keys";

// Each split function has a loader of its own, even in a chunk another has loaded: a page
// rendered with one of these awaits its own (`load_form_page`) before hydrating.
#[leptos::wasm_split::wasm_split(
    key_page,
    wasm_split_path = ::leptos::wasm_split,
    fallible,
    preload(preload_new_key_page)
)]
pub fn new_key_page() -> Result<AnyView, AppError> {
    Ok(view! { <NewKeyPage /> }.into_any())
}

#[leptos::wasm_split::wasm_split(
    key_page,
    wasm_split_path = ::leptos::wasm_split,
    fallible,
    preload(preload_regenerate_key_page)
)]
pub fn regenerate_key_page() -> Result<AnyView, AppError> {
    Ok(view! { <RegenerateKeyPage /> }.into_any())
}

/// Loads the code of the create or regenerate page at `path`, if it is one (see
/// `crate::chunks`).
#[cfg(feature = "hydrate")]
pub async fn load_form_page(path: &str) -> Result<(), leptos::wasm_split::SplitLoaderError> {
    let path = path.trim_end_matches('/');
    if path == "/settings/api-keys/new" {
        preload_new_key_page().await
    } else if path.ends_with("/regenerate") {
        preload_regenerate_key_page().await
    } else {
        Ok(())
    }
}

/// The secret, on a page of its own, once.
fn revealed(key: CreatedApiKey, title: &'static str, description: &'static str) -> AnyView {
    view! {
        <PageTitle text=format!("{title} · Keyward") />
        <section class="card narrow" aria-labelledby="reveal-title">
            <RevealKey title_id="reveal-title" title description full_key=key.full_key done=RevealDone::Link(KEYS) />
        </section>
    }
    .into_any()
}

#[component]
fn NewKeyPage() -> impl IntoView {
    let outcome = use_context::<FormOutcome>();
    let created = RwSignal::new(match &outcome {
        Some(FormOutcome::Revealed(key)) => Some(key.clone()),
        _ => None,
    });
    let (input, error) = match outcome {
        Some(FormOutcome::CreateRefused { error, input }) => (Some(input), Some(error)),
        _ => (None, None),
    };
    let options = Resource::<_, PostcardCodec>::new_with_options(
        || (),
        |_| load_restriction_options(),
        false,
    );
    let pending = RwSignal::new(false);
    let on_created = Callback::new(move |key: CreatedApiKey| created.set(Some(key)));
    view! {
        {move || match created.get() {
            Some(key) => revealed(key, "API Key Created!", "Copy this key now. You won't be able to see it again."),
            None => {
                let (input, error) = (input.clone(), error.clone());
                view! {
                    <PageTitle text="Create API Key · Keyward" />
                    <a class="back" href=KEYS>"← API Keys"</a>
                    <section class="card narrow" aria-labelledby="create-key-title">
                        <h1 id="create-key-title" class="modal-title">"Create API Key"</h1>
                        <p class="muted">"Give your API key a name to help you identify it later."</p>
                        <Transition fallback=|| view! { <p class="muted" aria-busy="true"><Spinner />" Loading…"</p> }>
                            {move || options.get().map(|loaded| match loaded {
                                Ok(options) => view! {
                                    <CreateKeyForm
                                        input=input.clone().unwrap_or_else(|| blank_form(&options))
                                        error=error.clone()
                                        options
                                        on_created
                                        pending
                                        cancel=Cancel::Link(KEYS)
                                    />
                                }.into_any(),
                                Err(err) => view! { <p class="form-error" role="alert">{format!("Could not load the form: {err}")}</p> }.into_any(),
                            })}
                        </Transition>
                    </section>
                }.into_any()
            }
        }}
    }
}

#[component]
fn RegenerateKeyPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let outcome = use_context::<FormOutcome>();
    let regenerated = RwSignal::new(match &outcome {
        Some(FormOutcome::Revealed(key)) => Some(key.clone()),
        _ => None,
    });
    let error = match outcome {
        Some(FormOutcome::RegenerateRefused { error }) => Some(error),
        _ => None,
    };
    let key = Resource::<_, PostcardCodec>::new_with_options(id, key_summary, false);
    let pending = RwSignal::new(false);
    let on_regenerated = Callback::new(move |key: CreatedApiKey| regenerated.set(Some(key)));
    let on_failed = Callback::new(|_: String| {});
    view! {
        {move || match regenerated.get() {
            Some(key) => revealed(key, "Key Regenerated!", "Copy this new key now. The old key is no longer valid."),
            None => {
                let error = error.clone();
                view! {
                    <Transition fallback=|| view! { <p class="muted" aria-busy="true"><Spinner />" Loading…"</p> }>
                        {move || key.get().map(|loaded| match loaded {
                            Ok(key) => view! {
                                <PageTitle text="Regenerate API Key · Keyward" />
                                <a class="back" href=format!("{KEYS}/{}", key.id)>"← "{display_name(&key.name)}</a>
                                <section class="card narrow" aria-labelledby="regenerate-key-title">
                                    <h1 id="regenerate-key-title" class="modal-title">"Regenerate API Key"</h1>
                                    <RegenerateForm
                                        key_id=key.id
                                        key_name=key.name
                                        error=error.clone()
                                        on_regenerated
                                        on_failed
                                        pending
                                        cancel=Cancel::Link(KEYS)
                                    />
                                </section>
                            }.into_any(),
                            Err(AppError::KeyNotFound) => view! { <NotFound /> }.into_any(),
                            Err(err) => view! { <p class="form-error" role="alert">{format!("Could not load this key: {err}")}</p> }.into_any(),
                        })}
                    </Transition>
                }.into_any()
            }
        }}
    }
}
