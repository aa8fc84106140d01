//! Inline SVG icons (no icon font or extra request; `currentColor` follows the theme).
use leptos::prelude::*;

#[component]
fn Svg(children: Children) -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" width="16" height="16" fill="none" stroke="currentColor"
            stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">
            {children()}
        </svg>
    }
}

#[component]
pub fn PlusIcon() -> impl IntoView {
    view! { <Svg><path d="M12 5v14M5 12h14" /></Svg> }
}

#[component]
pub fn KeyIcon() -> impl IntoView {
    view! { <Svg><circle cx="7.5" cy="15.5" r="4.5" /><path d="M10.7 12.3 21 2M16 7l3 3M14 9l2 2" /></Svg> }
}

#[component]
pub fn LockIcon() -> impl IntoView {
    view! { <Svg><rect x="4" y="11" width="16" height="10" rx="2" /><path d="M8 11V7a4 4 0 0 1 8 0v4" /></Svg> }
}

#[component]
pub fn CopyIcon() -> impl IntoView {
    view! { <Svg><rect x="9" y="9" width="13" height="13" rx="2" /><path d="M5 15H4a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2h9a2 2 0 0 1 2 2v1" /></Svg> }
}

#[component]
pub fn CheckIcon() -> impl IntoView {
    view! { <Svg><path d="M20 6 9 17l-5-5" /></Svg> }
}

#[component]
pub fn RefreshIcon() -> impl IntoView {
    view! { <Svg><path d="M21 12a9 9 0 0 1-15.5 6.2L3 16M3 12a9 9 0 0 1 15.5-6.2L21 8M21 3v5h-5M3 21v-5h5" /></Svg> }
}

#[component]
pub fn Spinner() -> impl IntoView {
    view! { <span class="spinner" aria-hidden="true"></span> }
}
