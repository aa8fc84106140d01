//! The signed-in user, shared by the header, the pages and the settings guard.
use codee::binary::PostcardCodec;
use leptos::prelude::*;

use crate::api::{AppError, UserDto};
use crate::server_fns::deferred::fetch_current_user;

/// Loaded once per page load (sign-in and sign-out reload the page).
#[derive(Clone, Copy)]
pub struct CurrentUser(pub Resource<Result<Option<UserDto>, AppError>, PostcardCodec>);

/// Call once, in the root component.
pub fn provide_current_user() {
    let user =
        Resource::<_, PostcardCodec>::new_with_options(|| (), |_| fetch_current_user(), false);
    provide_context(CurrentUser(user));
}

pub fn use_current_user() -> CurrentUser {
    expect_context::<CurrentUser>()
}
