//! The settings shell: side navigation, the chosen section, and an index when none is chosen.
//! A session that ends mid-visit sends the visitor to sign in, and back here afterwards.
use leptos::prelude::*;
use leptos_router::components::{Outlet, A};
use leptos_router::hooks::use_location;

use crate::browser::go_to;
use crate::components::icons::{KeyIcon, LockIcon};
use crate::components::title::PageTitle;
use crate::contexts::current_user::{use_current_user, CurrentUser};

/// Settings frame with its side navigation. The server already redirects signed-out
/// visitors; this guard covers navigation after hydration, which never reaches it.
#[component]
pub fn SettingsLayout() -> impl IntoView {
    let CurrentUser(user) = use_current_user();
    let location = use_location();
    Effect::new(move |_| {
        if let Some(Ok(None)) = user.get() {
            go_to(&format!(
                "/login?callbackUrl={}",
                location.pathname.get_untracked()
            ));
        }
    });
    view! {
        <div class="settings-layout">
            <nav class="side-nav" aria-label="Settings">
                <A href="/settings/api-keys"><KeyIcon />" API Keys"</A>
                <A href="/settings/security"><LockIcon />" Security"</A>
            </nav>
            <div class="settings-content">
                <Outlet />
            </div>
        </div>
    }
}

#[component]
pub fn SettingsIndex() -> impl IntoView {
    view! {
        <PageTitle text="Settings · Keyward" />
        <h1>"Settings"</h1>
        <p class="muted">"Choose a section on the left. API Keys is where you create and rotate keys for external tools."</p>
    }
}
