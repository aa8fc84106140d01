use leptos::prelude::*;
use leptos_meta::Title;

use super::auth_form::{AuthForm, AuthMode};

#[component]
pub fn RegisterPage() -> impl IntoView {
    view! {
        <Title text="Create account · Keyward" />
        <AuthForm mode=AuthMode::Register />
    }
}
