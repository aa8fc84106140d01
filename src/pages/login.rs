//! The sign-in page: a title around the shared auth form, which loads as a chunk of its own.
use leptos::prelude::*;

use crate::components::title::PageTitle;
use crate::features::auth::auth_form::{lazy_auth_form, AuthMode};

#[component]
pub fn LoginPage() -> impl IntoView {
    view! {
        <PageTitle text="Sign in · Keyward" />
        {lazy_auth_form(AuthMode::SignIn)}
    }
}
