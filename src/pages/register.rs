use leptos::prelude::*;

use super::auth_form::{lazy_auth_form, AuthMode};
use crate::components::title::PageTitle;

#[component]
pub fn RegisterPage() -> impl IntoView {
    view! {
        <PageTitle text="Create account · Keyward" />
        {lazy_auth_form(AuthMode::Register)}
    }
}
