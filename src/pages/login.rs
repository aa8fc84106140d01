use leptos::prelude::*;
use leptos_meta::Title;

use super::auth_form::{lazy_auth_form, AuthMode};

#[component]
pub fn LoginPage() -> impl IntoView {
    view! {
        <Title text="Sign in · Keyward" />
        {lazy_auth_form(AuthMode::SignIn)}
    }
}
