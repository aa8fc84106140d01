//! `/forgot-password` and `/reset-password`. Rendered on the server only, like
//! `/settings/security` (`site::router`): plain forms, the same with and without JavaScript.
use leptos::prelude::*;

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        view! { <ssr::ForgotPassword /> }
    }
    #[cfg(not(feature = "ssr"))]
    {
        Effect::new(|_| crate::browser::go_to("/forgot-password"));
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        view! { <ssr::ResetPassword /> }
    }
    #[cfg(not(feature = "ssr"))]
    {
        // The token is in the query: a navigation inside the app keeps it.
        Effect::new(|_| {
            let search = web_sys::window()
                .and_then(|w| w.location().search().ok())
                .unwrap_or_default();
            crate::browser::go_to(&format!("/reset-password{search}"));
        });
    }
}

#[cfg(feature = "ssr")]
mod ssr {
    use leptos::prelude::*;

    use crate::components::title::PageTitle;
    use crate::features::auth::password_reset::{
        ForgotPasswordForm, ResetOutcome, ResetPasswordForm,
    };
    use crate::pages::query_param;
    use crate::server::state::AppState;

    #[component]
    pub fn ForgotPassword() -> impl IntoView {
        let mail_enabled = use_context::<AppState>().is_some_and(|s| s.mailer.enabled());
        let (email, error) = match use_context::<ResetOutcome>() {
            Some(ResetOutcome::RequestRefused { email, error }) => (email, Some(error)),
            _ => (String::new(), None),
        };
        let sent = query_param("sent").is_some();
        view! {
            <PageTitle text="Reset your password · Keyward" />
            <ForgotPasswordForm mail_enabled sent email error />
        }
    }

    #[component]
    pub fn ResetPassword() -> impl IntoView {
        let (token, error) = match use_context::<ResetOutcome>() {
            Some(ResetOutcome::ConfirmRefused { token, error }) => (Some(token), Some(error)),
            _ => (query_param("token"), None),
        };
        let done = query_param("done").is_some();
        view! {
            <PageTitle text="Choose a new password · Keyward" />
            <ResetPasswordForm token done error />
        }
    }
}
