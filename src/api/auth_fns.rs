//! Server functions behind the sign-in, registration and header UI. Same service layer as
//! the REST handlers in `server::rest::auth`.
use leptos::prelude::*;

use super::{AppError, UserDto};

#[cfg(feature = "ssr")]
mod ssr {
    pub use crate::server::entities::users;
    pub use crate::server::fn_context::{
        append_header, client_ip, optional_user, request_headers, state,
    };
    pub use crate::server::services::accounts;
    pub use crate::server::services::login_throttle::Limits;
    pub use crate::server::services::sign_up_throttle::SignUpLimits;
    pub use crate::server::session;
    pub use axum::http::header::SET_COOKIE;

    pub async fn start_session(user: &users::Model) -> Result<(), super::AppError> {
        let state = state();
        let token = session::create(&state.db, &state.config, user.id).await?;
        append_header(SET_COOKIE, session::set_cookie(&state.config, token));
        Ok(())
    }
}

#[server(prefix = "/api/fn", endpoint = "current_user")]
pub async fn current_user() -> Result<Option<UserDto>, AppError> {
    use ssr::*;
    Ok(optional_user().await?.as_ref().map(UserDto::from))
}

#[server(prefix = "/api/fn", endpoint = "login")]
pub async fn login(email: String, password: String) -> Result<UserDto, AppError> {
    use ssr::*;
    let state = state();
    let limits = Limits::from_config(&state.config);
    let user = accounts::login(
        &state.db,
        &state.hashing,
        limits,
        &client_ip(),
        &email,
        &password,
    )
    .await?;
    start_session(&user).await?;
    Ok(UserDto::from(&user))
}

#[server(prefix = "/api/fn", endpoint = "register")]
pub async fn register(email: String, password: String) -> Result<UserDto, AppError> {
    use ssr::*;
    let state = state();
    let limits = SignUpLimits::from_config(&state.config);
    let user = accounts::register(
        &state.db,
        &state.hashing,
        limits,
        &client_ip(),
        &email,
        &password,
    )
    .await?;
    start_session(&user).await?;
    Ok(UserDto::from(&user))
}

#[server(prefix = "/api/fn", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use ssr::*;
    let state = state();
    session::destroy_from_headers(&state.db, &state.config, &request_headers().await?).await?;
    append_header(SET_COOKIE, session::clear_cookie(&state.config));
    Ok(())
}
