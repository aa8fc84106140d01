//! The registration page: a title around the shared auth form, in its register mode.
use leptos::prelude::*;

use crate::components::title::PageTitle;
use crate::features::auth::auth_form::{lazy_auth_form, AuthMode};

#[component]
pub fn RegisterPage() -> impl IntoView {
    view! {
        <PageTitle text="Create account · Keyward" />
        {lazy_auth_form(AuthMode::Register)}
    }
}
