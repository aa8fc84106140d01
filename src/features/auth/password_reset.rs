//! Forgotten passwords: asking for a link by email, and choosing a new password with it.
//! Rendered on the server only (`pages::password_reset`), as plain forms: they work the same
//! with and without JavaScript and add nothing to the WASM.
use leptos::prelude::*;

pub const FORGOT_ACTION: &str = "/forgot-password";
pub const RESET_ACTION: &str = "/reset-password";

/// What a posted form came to, when its page is rendered as the answer (a success redirects
/// instead, so a reload never posts twice).
#[derive(Clone, Debug)]
pub enum ResetOutcome {
    /// The request was refused (an invalid email, too many requests): what was typed and why.
    RequestRefused { email: String, error: String },
    /// The new password was refused: why (the token stays in the form).
    ConfirmRefused { token: String, error: String },
}

/// `/forgot-password`: the email to send a link to, or what happens next once it is sent.
#[component]
pub fn ForgotPasswordForm(
    mail_enabled: bool,
    sent: bool,
    email: String,
    error: Option<String>,
) -> impl IntoView {
    let body = if !mail_enabled {
        view! {
            <p class="form-error" role="alert">
                "Email is not configured on this server; ask your administrator to reset your password."
            </p>
        }
        .into_any()
    } else if sent {
        view! {
            <p class="notice success" role="status">
                "If an account exists for that email, we have sent it a link to choose a new "
                "password. The link works once, for 30 minutes."
            </p>
        }
        .into_any()
    } else {
        let invalid = error.is_some().to_string();
        view! {
            <p class="muted">"Enter the email of your account and we will send you a link to choose a new password."</p>
            <form method="post" action=FORGOT_ACTION>
                <label for="email">"Email"</label>
                <input id="email" name="email" type="email" autocomplete="email" required autofocus
                    value=email aria-invalid=invalid aria-describedby="reset-error" />
                <p id="reset-error" class="form-error" role="alert">{error}</p>
                <button type="submit" class="btn primary wide">"Send reset link"</button>
            </form>
        }
        .into_any()
    };
    view! {
        <section class="auth-card">
            <h1>"Reset your password"</h1>
            {body}
            <p class="muted switch">"Remembered it? " <a href="/login">"Sign in"</a></p>
        </section>
    }
}

/// `/reset-password?token=…`: the new password.
#[component]
pub fn ResetPasswordForm(
    token: Option<String>,
    done: bool,
    error: Option<String>,
) -> impl IntoView {
    let body = if done {
        view! {
            <p class="notice success" role="status">
                "Your password has been changed, and every session has been signed out."
            </p>
            <a class="btn primary wide" href="/login">"Sign in"</a>
        }
        .into_any()
    } else if let Some(token) = token {
        let invalid = error.is_some().to_string();
        view! {
            <form method="post" action=RESET_ACTION>
                <input type="hidden" name="token" value=token />
                <label for="new-password">"New password"</label>
                <input id="new-password" name="new_password" type="password"
                    autocomplete="new-password" required minlength="12" maxlength="128" autofocus
                    aria-invalid=invalid aria-describedby="new-password-hint reset-error" />
                <p id="new-password-hint" class="hint">"12 to 128 characters. A passphrase is easiest."</p>
                <p id="reset-error" class="form-error" role="alert">{error}</p>
                <button type="submit" class="btn primary wide">"Set new password"</button>
            </form>
        }
        .into_any()
    } else {
        view! {
            <p class="form-error" role="alert">
                "This reset link is invalid or has expired; request a new one."
            </p>
            <a class="btn wide" href="/forgot-password">"Request a new link"</a>
        }
        .into_any()
    };
    view! {
        <section class="auth-card">
            <h1>"Choose a new password"</h1>
            {body}
        </section>
    }
}
