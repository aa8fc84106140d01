//! The catch-all page for unknown paths. When rendered on the server it also sets the status to
//! 404, so scripts and crawlers are not told "200 OK" for a page that does not exist.
use leptos::prelude::*;

use crate::components::title::PageTitle;

/// Shown for any unknown path, with a real 404 status.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <PageTitle text="Page not found · Keyward" />
        <section class="hero">
            <h1>"Page not found"</h1>
            <p class="muted">"There is nothing at this address."</p>
            <a class="btn" href="/">"Go home"</a>
        </section>
    }
}
