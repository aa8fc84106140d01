//! An icon button that copies text to the clipboard, confirming with a toast and a brief check
//! mark, and saying so (with a manual fallback) when the browser refuses.
use leptos::html;
use leptos::prelude::*;

use crate::browser::{copy_to_clipboard, sleep_ms};
use crate::components::icons::{CheckIcon, CopyIcon};
use crate::contexts::toasts::use_toasts;

/// Copies `text` to the clipboard; its icon turns into a check for two seconds.
#[component]
pub fn CopyButton(
    #[prop(into)] text: String,
    /// What the button copies, for its accessible name and tooltip ("Copy key").
    label: &'static str,
    #[prop(optional)] node_ref: NodeRef<html::Button>,
) -> impl IntoView {
    let toasts = use_toasts();
    let copied = RwSignal::new(false);
    let text = StoredValue::new(text);
    let copy = move |_| {
        leptos::task::spawn_local(async move {
            let value = text.get_value();
            match copy_to_clipboard(&value).await {
                Ok(()) => {
                    copied.set(true);
                    toasts.success("Copied to clipboard");
                    sleep_ms(2000).await;
                    copied.set(false);
                }
                Err(()) => toasts.error("Could not copy; select the text and copy it manually"),
            }
        });
    };
    view! {
        <button type="button" class="btn icon-btn" aria-label=label title=label node_ref=node_ref on:click=copy>
            <Show when=move || copied.get() fallback=|| view! { <CopyIcon /> }>
                <CheckIcon />
            </Show>
        </button>
    }
}
