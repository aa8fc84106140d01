//! Timestamps rendered as UTC dates on the server, then localized once the WASM runs (the
//! server does not know the reader's locale or time zone).
use leptos::prelude::*;

use crate::browser::{local_date, local_date_time, relative_time, server_date};

/// A date in the user's locale, with the exact time on hover.
#[component]
pub fn LocalDate(iso: String) -> impl IntoView {
    let text = RwSignal::new(server_date(&iso));
    let title = RwSignal::new(iso.clone());
    let source = iso.clone();
    Effect::new(move |_| {
        text.set(local_date(&source));
        title.set(local_date_time(&source));
    });
    view! { <time datetime=iso title=move || title.get()>{move || text.get()}</time> }
}

/// "2 minutes ago" (exact time on hover), or "Never".
#[component]
pub fn LastUsed(iso: Option<String>) -> impl IntoView {
    match iso {
        None => view! { <span class="muted">"Never"</span> }.into_any(),
        Some(iso) => {
            let text = RwSignal::new(server_date(&iso));
            let title = RwSignal::new(iso.clone());
            let source = iso.clone();
            Effect::new(move |_| {
                text.set(relative_time(&source));
                title.set(local_date_time(&source));
            });
            view! { <time datetime=iso title=move || title.get()>{move || text.get()}</time> }
                .into_any()
        }
    }
}
