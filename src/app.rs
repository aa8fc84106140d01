//! The HTML shell, the router and the site header.
use codee::binary::PostcardCodec;
use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{ParamSegment, SsrMode, StaticSegment};

use crate::api::deferred::fetch_current_user;
use crate::api::{AppError, UserDto};
use crate::components::header::SiteHeader;
use crate::components::hydration::provide_hydration;
use crate::components::toast::{provide_toasts, ToastRegion};
use crate::pages::{
    api_keys::ApiKeysPage,
    home::HomePage,
    key_detail::KeyDetailPage,
    login::LoginPage,
    not_found::NotFound,
    register::RegisterPage,
    settings::{SettingsIndex, SettingsLayout},
};

/// The signed-in user, loaded once per page load (sign-in and sign-out reload the page).
#[derive(Clone, Copy)]
pub struct CurrentUser(pub Resource<Result<Option<UserDto>, AppError>, PostcardCodec>);

pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <HashedStylesheet options=options.clone() id="leptos" />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Pages get a CSP whose only script permission is this response's nonce (carried by the
/// hydration script) plus same-origin files and WASM compilation.
#[cfg(feature = "ssr")]
fn set_content_security_policy() {
    use axum::http::{header, HeaderValue};
    let Some(nonce) = leptos::nonce::use_nonce() else {
        return;
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    if let (Some(response), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        HeaderValue::from_str(&policy),
    ) {
        response.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
}

#[component]
pub fn App() -> impl IntoView {
    // The server's <head> (title, stylesheet, chunk preloads) is leptos_meta's; the browser
    // needs none of it (see components::title).
    #[cfg(feature = "ssr")]
    leptos_meta::provide_meta_context();
    provide_toasts();
    provide_hydration();
    let user =
        Resource::<_, PostcardCodec>::new_with_options(|| (), |_| fetch_current_user(), false);
    provide_context(CurrentUser(user));

    view! {
        <Router>
            <SiteHeader />
            <main class="page">
                <Routes fallback=NotFound>
                    // In-order rendering everywhere: the header's session state and the key
                    // list arrive as plain HTML, readable before or without the WASM, instead
                    // of through out-of-order streaming's inline swap scripts. Every resource
                    // here is one indexed query, so waiting for it costs little.
                    <Route path=StaticSegment("") view=HomePage ssr=SsrMode::InOrder />
                    <Route path=StaticSegment("login") view=LoginPage ssr=SsrMode::InOrder />
                    <Route path=StaticSegment("register") view=RegisterPage ssr=SsrMode::InOrder />
                    <ParentRoute path=StaticSegment("settings") view=SettingsLayout ssr=SsrMode::InOrder>
                        <Route path=StaticSegment("") view=SettingsIndex ssr=SsrMode::InOrder />
                        <Route path=StaticSegment("api-keys") view=ApiKeysPage ssr=SsrMode::InOrder />
                        // Async: rendered whole before anything is sent, so an unknown key's page
                        // carries its 404 status (in order, the status leaves with the first chunk).
                        <Route path=(StaticSegment("api-keys"), ParamSegment("id")) view=KeyDetailPage ssr=SsrMode::Async />
                    </ParentRoute>
                </Routes>
            </main>
            <ToastRegion />
        </Router>
    }
}
