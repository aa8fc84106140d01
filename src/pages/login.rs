use leptos::prelude::*;
use leptos_meta::Title;

use super::auth_form::{AuthForm, AuthMode};

#[component]
pub fn LoginPage() -> impl IntoView {
    view! {
        <Title text="Sign in · Keyward" />
        <AuthForm mode=AuthMode::SignIn />
    }
}
