//! `/settings/security`: the password, the sessions and the security log. Rendered on the
//! server only, like `/docs/api` (served without the WASM, `site::router`): every control is a
//! plain form, so it works the same with and without JavaScript, and adds nothing to the
//! WASM. A navigation to it inside the app loads it from the server.
use leptos::prelude::*;

#[component]
pub fn SecurityPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        view! { <ssr::Security /> }
    }
    #[cfg(not(feature = "ssr"))]
    {
        Effect::new(|_| crate::browser::go_to("/settings/security"));
    }
}

#[cfg(feature = "ssr")]
mod ssr {
    use leptos::prelude::*;

    use crate::components::title::PageTitle;
    use crate::features::account::password_card::PasswordCard;
    use crate::features::account::security_log_card::SecurityLogCard;
    use crate::features::account::sessions_card::SessionsCard;
    use crate::features::account::{done_message, SecurityOutcome};
    use crate::pages::query_param;
    use crate::server_fns::account::security_overview;

    #[component]
    pub fn Security() -> impl IntoView {
        let outcome = use_context::<SecurityOutcome>();
        let (password_error, session_error) = match outcome {
            Some(SecurityOutcome::PasswordRefused(error)) => (Some(error), None),
            Some(SecurityOutcome::SessionRefused(error)) => (None, Some(error)),
            None => (None, None),
        };
        let done = query_param("done").and_then(|done| done_message(&done));
        let before = query_param("before");
        let paged = before.is_some();
        let overview = security_overview(before);
        view! {
            <PageTitle text="Security · Settings · Keyward" />
            <h1>"Security"</h1>
            {done.map(|message| view! { <p class="notice success" role="status">{message}</p> })}
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {Suspend::new(async move {
                    match overview.await {
                        Ok(overview) => view! {
                            <div class="detail-grid">
                                <PasswordCard error=password_error.clone() />
                                <SessionsCard sessions=overview.sessions.sessions error=session_error.clone() />
                                <SecurityLogCard page=overview.log paged />
                            </div>
                        }
                        .into_any(),
                        Err(err) => view! { <p class="form-error" role="alert">{err.to_string()}</p> }.into_any(),
                    }
                })}
            </Suspense>
        }
    }
}
