//! The create and regenerate dialogs, fetched the first time they are wanted rather than
//! with the page. In a split build (`cargo leptos build --split`) each `#[lazy]` function
//! below and everything only it reaches (the dialog, the reveal view, the copy button, the
//! create and regenerate calls) lands in a WASM chunk of its own. The page asks for the chunk
//! when the user shows intent (pointer over, focus or touch on the button), so it is usually
//! there by the time of the click; a click that beats it waits for it (a few milliseconds on a
//! local network) and is never dropped. In a normal build these are plain async functions.
use leptos::prelude::*;
use leptos::{lazy, lazy_preload};

use crate::api::validation::display_name;
use crate::api::ApiKeySummary;
use crate::components::create_key_dialog::CreateKeyDialog;
use crate::components::hydration::use_hydrated;
use crate::components::icons::RefreshIcon;
use crate::components::regenerate_dialog::RegenerateDialog;

#[lazy]
fn create_key_dialog(open: RwSignal<bool>, on_changed: Callback<()>) -> AnyView {
    view! { <CreateKeyDialog open on_changed /> }.into_any()
}

#[lazy]
fn regenerate_key_dialog(
    open: RwSignal<bool>,
    target: RwSignal<Option<ApiKeySummary>>,
    on_changed: Callback<()>,
    on_replaced: Option<Callback<String>>,
) -> AnyView {
    view! { <RegenerateDialog open target on_changed on_replaced /> }.into_any()
}

/// Starts fetching the create dialog's chunk; call on intent.
pub fn preload_create_dialog() {
    let _ = lazy_preload!(create_key_dialog);
}

/// Starts fetching the regenerate dialog's chunk; call on intent.
pub fn preload_regenerate_dialog() {
    let _ = lazy_preload!(regenerate_key_dialog);
}

/// True from the first time `open` is, and from then on: the dialog is mounted when first
/// wanted and stays, so the native `<dialog>` closes (returning focus) the usual way.
fn wanted_once(open: RwSignal<bool>) -> Memo<bool> {
    Memo::new(move |was: Option<&bool>| was.copied().unwrap_or(false) || open.get())
}

/// "Create API Key", loaded on first use.
#[component]
pub fn LazyCreateKeyDialog(open: RwSignal<bool>, on_changed: Callback<()>) -> impl IntoView {
    let wanted = wanted_once(open);
    view! {
        <Show when=move || wanted.get()>
            {move || Suspend::new(create_key_dialog(open, on_changed))}
        </Show>
    }
}

/// The button that opens the regenerate dialog for `key`: disabled until the WASM has
/// taken over, and it fetches the dialog's code as soon as the user reaches for it.
#[component]
pub fn RegenerateButton(
    key: ApiKeySummary,
    on_regenerate: Callback<ApiKeySummary>,
    #[prop(into)] class: String,
) -> impl IntoView {
    let hydrated = use_hydrated();
    let label = format!("Regenerate {}", display_name(&key.name));
    view! {
        <button
            type="button"
            class=class
            aria-label=label
            disabled=move || !hydrated.get()
            on:pointerenter=move |_| preload_regenerate_dialog()
            on:focus=move |_| preload_regenerate_dialog()
            on:touchstart=move |_| preload_regenerate_dialog()
            on:click=move |_| on_regenerate.run(key.clone())
        >
            <RefreshIcon />
            "Regenerate"
        </button>
    }
}

/// "Regenerate API Key", loaded on first use. `on_replaced`: see `RegenerateDialog`.
#[component]
pub fn LazyRegenerateDialog(
    open: RwSignal<bool>,
    target: RwSignal<Option<ApiKeySummary>>,
    on_changed: Callback<()>,
    #[prop(optional)] on_replaced: Option<Callback<String>>,
) -> impl IntoView {
    let wanted = wanted_once(open);
    view! {
        <Show when=move || wanted.get()>
            {move || Suspend::new(regenerate_key_dialog(open, target, on_changed, on_replaced))}
        </Show>
    }
}
