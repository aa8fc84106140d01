//! The server calls a page makes only after it is on screen: reloading data after a change,
//! following a link within the app, signing out. A page's first render reads its data from the
//! server's HTML, so in a split build these calls and everything only they reach (server_fn's
//! client, the encoding of arguments, the decoding of answers and errors) join the dialogs in
//! the `key_actions` WASM chunk (`components::lazy_dialogs`), fetched with the first call or
//! dialog rather than with the page.
//!
//! A chunk that cannot be fetched (offline, or a deploy has replaced it) fails the call with
//! `AppError::Unreachable`, like a request that could not be sent, and the next call tries
//! again. (leptos's `#[lazy]` would panic instead, which aborts the whole WASM.)
//!
//! On the server these are the server functions themselves, called in-process.
use super::{auth as auth_fns, keys as key_fns};
use crate::api::{ApiKeyDetail, AppError, KeyList, UserDto};

/// Declares `pub async fn $name(args) -> Result<$out, AppError>` calling `$call`, split into
/// the `key_actions` chunk in the browser.
macro_rules! deferred {
    ($(#[$doc:meta])* fn $name:ident($($arg:ident: $ty:ty),*) -> $out:ty = $call:expr;) => {
        $(#[$doc])*
        #[cfg(not(feature = "hydrate"))]
        pub async fn $name($($arg: $ty),*) -> Result<$out, AppError> {
            $call.await
        }

        $(#[$doc])*
        #[cfg(feature = "hydrate")]
        #[leptos::wasm_split::wasm_split(
            key_actions,
            wasm_split_path = ::leptos::wasm_split,
            fallible,
            return_wrapper(let call = _; { call?.await } -> Result<$out, AppError>),
        )]
        pub fn $name($($arg: $ty),*) -> Result<Call<$out>, AppError> {
            Ok(Box::pin(send_wrapper::SendWrapper::new(async move { $call.await })))
        }
    };
}

/// A call in flight. `Send` only so resources accept it: the browser runs one thread.
#[cfg(feature = "hydrate")]
type Call<T> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<T, AppError>> + Send + Sync>>;

deferred! {
    /// The signed-in user, if any.
    fn fetch_current_user() -> Option<UserDto> = auth_fns::current_user();
}

deferred! {
    /// A page of the signed-in user's keys (see `key_fns::list_keys`).
    fn fetch_keys(cursor: Option<String>, search: Option<String>) -> KeyList = key_fns::list_keys(cursor, search);
}

deferred! {
    /// One of the signed-in user's keys, with its usage, versions and callers.
    fn fetch_key_detail(id: String) -> ApiKeyDetail = key_fns::key_detail(id);
}

deferred! {
    /// Ends the session.
    fn sign_out() -> () = auth_fns::logout();
}
