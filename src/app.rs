//! The HTML shell, the router and the site header.
use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{ParamSegment, SsrMode, StaticSegment};

use crate::components::not_found::NotFound;
use crate::components::toast::ToastRegion;
use crate::contexts::current_user::provide_current_user;
use crate::contexts::hydration::provide_hydration;
use crate::contexts::toasts::provide_toasts;
use crate::features::auth::site_header::SiteHeader;
use crate::pages::{
    api_keys::ApiKeysPage,
    api_reference::ApiReferencePage,
    home::HomePage,
    key_detail::KeyDetailPage,
    key_forms::{NewKeyRoute, RegenerateKeyRoute},
    login::LoginPage,
    password_reset::{ForgotPasswordPage, ResetPasswordPage},
    register::RegisterPage,
    security::SecurityPage,
    settings::{SettingsIndex, SettingsLayout},
};

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

/// The document for `/docs/api`: the app's head without the hydration scripts, and a policy
/// that allows no script at all. The page reads (and its sign-out form posts) without the WASM,
/// which it never loads.
#[cfg(feature = "ssr")]
pub fn reference_shell(options: LeptosOptions) -> impl IntoView {
    use axum::http::{header, HeaderValue};
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.insert_header(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; \
                 form-action 'self'; frame-ancestors 'none'",
            ),
        );
    }
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <HashedStylesheet options id="leptos" />
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
    provide_current_user();

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
                    // Rendered with `reference_shell` (no script): see server::router.
                    <Route path=StaticSegment("forgot-password") view=ForgotPasswordPage ssr=SsrMode::Async />
                    <Route path=StaticSegment("reset-password") view=ResetPasswordPage ssr=SsrMode::Async />
                    // Rendered with `reference_shell` (no script): see server::router.
                    <Route path=(StaticSegment("docs"), StaticSegment("api")) view=ApiReferencePage ssr=SsrMode::Async />
                    <ParentRoute path=StaticSegment("settings") view=SettingsLayout ssr=SsrMode::InOrder>
                        <Route path=StaticSegment("") view=SettingsIndex ssr=SsrMode::InOrder />
                        <Route path=StaticSegment("api-keys") view=ApiKeysPage ssr=SsrMode::InOrder />
                        // Rendered with `reference_shell` (no script): see server::router.
                        <Route path=StaticSegment("security") view=SecurityPage ssr=SsrMode::Async />
                        // Before `api-keys/:id`, which would also match it. Async like a key's
                        // page: whole before sending, so a posted form's status is right.
                        <Route path=(StaticSegment("api-keys"), StaticSegment("new")) view=NewKeyRoute ssr=SsrMode::Async />
                        <Route path=(StaticSegment("api-keys"), ParamSegment("id"), StaticSegment("regenerate")) view=RegenerateKeyRoute ssr=SsrMode::Async />
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
