//! The one error type the server and the browser share: per cause, an HTTP status, a message a
//! person can act on and, where waiting helps, a `Retry-After`. Postcard encodes variants by
//! index, so new ones are only ever appended.
use leptos::server_fn::codec::PostcardEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// Every failure a request can end in, each with one HTTP status and one message a person
/// can act on. Server functions and REST handlers both return it, so the browser and the
/// JSON API report the same thing for the same cause.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    BadRequest(String),
    #[error("Unauthorized")]
    Unauthorized,
    #[error("Invalid email or password")]
    InvalidCredentials,
    #[error("Missing API key")]
    MissingApiKey,
    #[error("Invalid API key")]
    InvalidApiKey,
    #[error("API key expired")]
    ApiKeyExpired,
    #[error("Cross-site request refused")]
    CrossSite,
    #[error("API key not found")]
    KeyNotFound,
    #[error("Page not found")]
    NotFound,
    #[error("{0}")]
    MethodNotAllowed(String),
    #[error("An API key with this name already exists")]
    DuplicateKeyName,
    #[error("An account with this email already exists")]
    EmailTaken,
    #[error("Request body too large (the limit is 64 KiB)")]
    PayloadTooLarge,
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("Too many sign-in attempts; try again in {retry_after_secs} seconds")]
    TooManyAttempts { retry_after_secs: u64 },
    #[error("Too many new accounts from your network; try again in {retry_after_secs} seconds")]
    TooManySignUps { retry_after_secs: u64 },
    #[error("The database is unavailable right now; please try again shortly")]
    Unavailable,
    #[error("The server is busy; please try again in a few seconds")]
    Busy,
    #[error("Something went wrong on our side; please try again")]
    Internal,
    /// The browser could not reach the server (or fetch the code for a call). Never sent by
    /// the server.
    #[error("Keyward could not be reached; check your connection and try again")]
    Unreachable,
    // New variants go last, so the wire numbering of the others stays as it was for a page
    // still running the previous release's WASM.
    #[error("Too many keys created or regenerated in the last hour; try again in {retry_after_secs} seconds")]
    TooManyKeyChanges { retry_after_secs: u64 },
    /// A request to forward auth carried an `X-Keyward-*` header: only Keyward sets those,
    /// and a proxy that cannot strip them by pattern (nginx) would pass them on.
    #[error("{0} is set by Keyward, never by a client; remove it from the request")]
    ReservedHeader(String),
    /// The key's scopes do not allow the request ("This key may not POST /orders").
    #[error("{0}")]
    InsufficientScope(String),
    /// The key's allowlist does not hold the caller's address.
    #[error("{0}")]
    AddressNotAllowed(String),
    /// The key's rate limit is used up for this window.
    #[error("Rate limit exceeded")]
    RateLimited {
        retry_after_secs: u64,
        limit: u32,
        window_secs: u32,
    },
    /// No session of the signed-in user has that id (ended already, or someone else's).
    #[error("Session not found; it may have ended already")]
    SessionNotFound,
    /// A password change whose current password is wrong (it counts as a failed sign-in).
    #[error("The current password is not correct")]
    WrongCurrentPassword,
    /// No SMTP server is configured, so nothing that needs mail can be done.
    #[error("Email is not configured on this server; ask your administrator")]
    EmailNotConfigured,
    /// A reset token that is unknown, used or expired: one message for all three.
    #[error("This reset link is invalid or has expired; request a new one")]
    InvalidResetToken,
    #[error("Too many password reset requests; try again in {retry_after_secs} seconds")]
    TooManyResetRequests { retry_after_secs: u64 },
}

impl AppError {
    pub fn status(&self) -> u16 {
        match self {
            AppError::BadRequest(_)
            | AppError::DuplicateKeyName
            | AppError::WrongCurrentPassword
            | AppError::InvalidResetToken => 400,
            AppError::Unauthorized
            | AppError::InvalidCredentials
            | AppError::MissingApiKey
            | AppError::InvalidApiKey
            | AppError::ApiKeyExpired => 401,
            AppError::CrossSite
            | AppError::ReservedHeader(_)
            | AppError::InsufficientScope(_)
            | AppError::AddressNotAllowed(_) => 403,
            AppError::KeyNotFound | AppError::NotFound | AppError::SessionNotFound => 404,
            AppError::MethodNotAllowed(_) => 405,
            AppError::EmailTaken => 409,
            AppError::PayloadTooLarge => 413,
            AppError::UnsupportedMediaType(_) => 415,
            AppError::TooManyAttempts { .. }
            | AppError::TooManySignUps { .. }
            | AppError::TooManyKeyChanges { .. }
            | AppError::TooManyResetRequests { .. }
            | AppError::RateLimited { .. } => 429,
            AppError::Internal => 500,
            AppError::Unavailable
            | AppError::Busy
            | AppError::Unreachable
            | AppError::EmailNotConfigured => 503,
        }
    }

    /// Seconds for the `Retry-After` header: every 429 and 503 says when to come back.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            AppError::TooManyAttempts { retry_after_secs }
            | AppError::TooManySignUps { retry_after_secs }
            | AppError::TooManyKeyChanges { retry_after_secs }
            | AppError::TooManyResetRequests { retry_after_secs }
            | AppError::RateLimited {
                retry_after_secs, ..
            } => Some(*retry_after_secs),
            AppError::Unavailable => Some(5),
            AppError::Busy => Some(2),
            _ => None,
        }
    }

    /// Failures of key authentication carry a `WWW-Authenticate` challenge.
    pub fn is_api_key_challenge(&self) -> bool {
        matches!(
            self,
            AppError::MissingApiKey | AppError::InvalidApiKey | AppError::ApiKeyExpired
        )
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        AppError::BadRequest(message.into())
    }
}

/// A split-off chunk of the WASM that could not be fetched (see `api::deferred`): to the user
/// it is the same as a request that could not be sent. (Only the browser ever fetches one;
/// the server build calls the same functions directly.)
impl From<leptos::wasm_split::SplitLoaderError> for AppError {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        AppError::Unreachable
    }
}

impl FromServerFnError for AppError {
    type Encoder = PostcardEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(msg)
            | ServerFnErrorErr::MissingArg(msg)
            | ServerFnErrorErr::Deserialization(msg) => {
                AppError::BadRequest(format!("Invalid request: {msg}"))
            }
            // A failed fetch in the browser: the server may be restarting or unreachable.
            ServerFnErrorErr::Request(_) => AppError::Unreachable,
            _ => AppError::Internal,
        }
    }
}
