//! The account's own settings: the password, where it is signed in, and its security log.
//! Rendered on the server only (`pages::security`): every control is a plain form, so the
//! page costs the WASM nothing and works the same without it.
#[cfg(feature = "ssr")]
pub mod password_card;
#[cfg(feature = "ssr")]
pub mod security_log_card;
#[cfg(feature = "ssr")]
pub mod sessions_card;

/// What a posted form on the Security page came to, when the page is rendered as its answer
/// (a success is a redirect back with `?done=…` instead, so a reload never posts twice).
#[cfg(feature = "ssr")]
#[derive(Clone, Debug)]
pub enum SecurityOutcome {
    PasswordRefused(String),
    SessionRefused(String),
}

/// The `?done=` of a redirect after a form succeeded, and what the page then says.
#[cfg(feature = "ssr")]
pub fn done_message(done: &str) -> Option<&'static str> {
    match done {
        "password" => Some("Password changed. Every other session has been signed out."),
        "session" => Some("Session signed out."),
        "others" => Some("Every other session has been signed out."),
        _ => None,
    }
}
