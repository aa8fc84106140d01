//! Where toasts appear.
use leptos::prelude::*;

use crate::contexts::toasts::{use_toasts, ToastKind};

/// The live region where toasts appear; screen readers announce them politely.
#[component]
pub fn ToastRegion() -> impl IntoView {
    let toasts = use_toasts();
    view! {
        // Re-rendered whole rather than with a keyed <For>: there are only ever a few short
        // toasts, and the keyed diff would cost the WASM ~3 kB
        // (bench/results/2026-11-28-first-load-levers.md).
        <div class="toasts" role="status" aria-live="polite">
            {move || {
                toasts
                    .items
                    .get()
                    .into_iter()
                    .map(|toast| {
                        view! {
                            <div class="toast" class:toast-error=toast.kind == ToastKind::Error>
                                {toast.message}
                            </div>
                        }
                    })
                    .collect_view()
            }}
        </div>
    }
}
