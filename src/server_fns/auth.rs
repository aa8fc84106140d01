//! Server functions behind the sign-in, registration and header UI. Same service layer as
//! the REST handlers in `server::rest::auth`.
use leptos::prelude::*;
use leptos::server_fn::codec::Postcard;

use crate::api::{AppError, UserDto};

#[cfg(feature = "ssr")]
mod ssr {
    pub use crate::api::validation::safe_callback;
    pub use crate::server::cookies;
    pub use crate::server::fn_context::{
        actor, append_header, optional_user, request_headers, state,
    };
    pub use crate::server::services::accounts::SignedIn;
    pub use axum::http::header::SET_COOKIE;

    /// Sets the new session's cookie and answers with who signed in.
    pub fn signed_in(signed_in: SignedIn) -> super::UserDto {
        let state = state();
        append_header(
            SET_COOKIE,
            cookies::set_cookie(&state.config, signed_in.session_token),
        );
        super::UserDto::from(&signed_in.user)
    }

    /// A plain HTML form post (the page's WASM has not loaded, or never will) is answered
    /// with a redirect: to `target` here on success; on failure leptos_axum sends the
    /// browser back to the form with the error in `__err`, which the form displays.
    pub fn redirect_form_post(target: &str) {
        let from_form = leptos::prelude::use_context::<axum::http::request::Parts>()
            .and_then(|parts| parts.headers.get(axum::http::header::ACCEPT).cloned())
            .and_then(|accept| accept.to_str().ok().map(|a| a.contains("text/html")))
            .unwrap_or(false);
        if from_form {
            leptos_axum::redirect(target);
        }
    }
}

#[server(prefix = "/api/fn", endpoint = "current_user", output = Postcard)]
pub async fn current_user() -> Result<Option<UserDto>, AppError> {
    use ssr::*;
    Ok(optional_user().await?.as_ref().map(UserDto::from))
}

/// `callback_url` is where a plain form post lands after signing in (checked by
/// `safe_callback`); the WASM form navigates there itself.
#[server(prefix = "/api/fn", endpoint = "login", output = Postcard)]
pub async fn login(
    email: String,
    password: String,
    callback_url: Option<String>,
) -> Result<UserDto, AppError> {
    use ssr::*;
    let result = state()
        .accounts()
        .login(&actor(), &email, &password)
        .await?;
    redirect_form_post(&safe_callback(callback_url.as_deref()));
    Ok(signed_in(result))
}

#[server(prefix = "/api/fn", endpoint = "register", output = Postcard)]
pub async fn register(
    email: String,
    password: String,
    callback_url: Option<String>,
) -> Result<UserDto, AppError> {
    use ssr::*;
    let result = state()
        .accounts()
        .register(&actor(), &email, &password)
        .await?;
    redirect_form_post(&safe_callback(callback_url.as_deref()));
    Ok(signed_in(result))
}

#[server(prefix = "/api/fn", endpoint = "logout", output = Postcard)]
pub async fn logout() -> Result<(), AppError> {
    use ssr::*;
    let state = state();
    cookies::sign_out(&state, &request_headers().await?, &actor()).await?;
    append_header(SET_COOKIE, cookies::clear_cookie(&state.config));
    redirect_form_post("/login");
    Ok(())
}
