//! Changing the password: a plain form (`POST /settings/security/password`).
use leptos::prelude::*;

pub const PASSWORD_ACTION: &str = "/settings/security/password";

#[component]
pub fn PasswordCard(error: Option<String>) -> impl IntoView {
    let invalid = error.is_some().to_string();
    view! {
        <section class="card" aria-labelledby="password-title">
            <h2 id="password-title" class="card-title">"Password"</h2>
            <p class="muted">"Changing it signs out every other session."</p>
            <form method="post" action=PASSWORD_ACTION>
                <label for="current-password">"Current password"</label>
                <input id="current-password" name="current_password" type="password"
                    autocomplete="current-password" required autofocus=error.is_some()
                    aria-invalid=invalid.clone() aria-describedby="password-error" />
                <label for="new-password">"New password"</label>
                <input id="new-password" name="new_password" type="password"
                    autocomplete="new-password" required minlength="12" maxlength="128"
                    aria-describedby="new-password-hint password-error" />
                <p id="new-password-hint" class="muted hint">"12 to 128 characters."</p>
                <p id="password-error" class="form-error" role="alert">{error}</p>
                <div><button type="submit" class="btn primary">"Change password"</button></div>
            </form>
        </section>
    }
}
