use leptos::prelude::*;

use super::auth_form::{lazy_auth_form, AuthMode};
use crate::components::title::PageTitle;

#[component]
pub fn LoginPage() -> impl IntoView {
    view! {
        <PageTitle text="Sign in · Keyward" />
        {lazy_auth_form(AuthMode::SignIn)}
    }
}
