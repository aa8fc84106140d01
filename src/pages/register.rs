use leptos::prelude::*;
use leptos_meta::Title;

use super::auth_form::{lazy_auth_form, AuthMode};

#[component]
pub fn RegisterPage() -> impl IntoView {
    view! {
        <Title text="Create account · Keyward" />
        {lazy_auth_form(AuthMode::Register)}
    }
}
