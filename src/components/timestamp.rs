//! Timestamps rendered as UTC dates on the server, then localized once the WASM runs (the
//! server does not know the reader's locale or time zone).
use leptos::prelude::*;

use crate::browser::{
    describe_expiry, local_date, local_date_time, now_ms, relative_time, server_date,
};

/// A `<time>` whose exact value shows on hover (its title) and on keyboard focus (CSS, from
/// the same text), so it is reachable without a mouse.
fn exact_time(iso: String, text: RwSignal<String>, title: RwSignal<String>) -> impl IntoView {
    view! {
        <time class="when" tabindex="0" datetime=iso title=move || title.get() data-exact=move || title.get()>
            {move || text.get()}
        </time>
    }
}

/// A date ("Dec 3, 2026"): UTC from the server, the reader's own day once the WASM runs; the
/// exact time on hover and focus.
#[component]
pub fn LocalDate(iso: String) -> impl IntoView {
    let text = RwSignal::new(server_date(&iso));
    let title = RwSignal::new(local_date_time(&iso));
    let source = iso.clone();
    Effect::new(move |_| {
        text.set(local_date(&source));
        title.set(local_date_time(&source));
    });
    exact_time(iso, text, title)
}

/// "2 minutes ago" (exact time on hover), or "Never".
#[component]
pub fn LastUsed(iso: Option<String>) -> impl IntoView {
    match iso {
        None => view! { <span class="muted">"Never"</span> }.into_any(),
        Some(iso) => {
            let text = RwSignal::new(server_date(&iso));
            let title = RwSignal::new(local_date_time(&iso));
            let source = iso.clone();
            Effect::new(move |_| {
                text.set(relative_time(&source));
                title.set(local_date_time(&source));
            });
            exact_time(iso, text, title).into_any()
        }
    }
}

/// "Never", "in 12 days" (exact time on hover), or a red "Expired" badge. One element whatever
/// the clock says, so the server's rendering and the browser's always hydrate alike.
#[component]
pub fn Expires(iso: Option<String>) -> impl IntoView {
    let (text, expired) = describe_expiry(iso.as_deref(), now_ms());
    let text = RwSignal::new(text);
    let expired = RwSignal::new(expired);
    let title = RwSignal::new(iso.as_deref().map(local_date_time).unwrap_or_default());
    let datetime = iso.clone();
    Effect::new(move |_| {
        // In the browser: its own clock and the reader's locale.
        let (now_text, now_expired) = describe_expiry(iso.as_deref(), now_ms());
        text.set(now_text);
        expired.set(now_expired);
        if let Some(iso) = &iso {
            title.set(local_date_time(iso));
        }
    });
    view! {
        <time
            class="expiry"
            class:badge-expired=move || expired.get()
            datetime=datetime
            title=move || title.get()
        >
            {move || text.get()}
        </time>
    }
}
