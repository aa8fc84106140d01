//! The account's own page on the wire: where it is signed in, and its security log.
use serde::{Deserialize, Serialize};

/// One place the account is signed in. The id is derived from the session's token by a
/// one-way hash: it names the session without being able to open it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SessionDto {
    #[cfg_attr(feature = "ssr", schema(example = "3f9a0c1d2e4b5a69788796a5b4c3d2e1"))]
    pub id: String,
    /// The session this request was made with.
    pub current: bool,
    /// RFC 3339, UTC.
    #[cfg_attr(feature = "ssr", schema(format = DateTime, example = "2026-12-01T09:30:00.000Z"))]
    pub created_at: String,
    /// RFC 3339, UTC: the last request, to within a minute.
    #[cfg_attr(feature = "ssr", schema(format = DateTime, example = "2026-12-03T14:05:00.000Z"))]
    pub last_seen_at: String,
    /// The address the session was started from; null when unknown.
    #[cfg_attr(feature = "ssr", schema(required = true, example = "203.0.113.7"))]
    pub ip: Option<String>,
    #[cfg_attr(
        feature = "ssr",
        schema(required = true, example = "Mozilla/5.0 (X11; Linux x86_64)")
    )]
    pub user_agent: Option<String>,
}

/// `{"sessions": [...]}`, newest first.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SessionList {
    pub sessions: Vec<SessionDto>,
}

/// What happened, as the security log names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    SignIn,
    SignInFailed,
    SignOut,
    PasswordChanged,
    SessionEnded,
    KeyCreated,
    KeyRegenerated,
    KeyRestrictionsChanged,
    ResetRequested,
    ResetCompleted,
    ReminderSent,
}

impl EventKind {
    pub const ALL: [EventKind; 11] = [
        EventKind::SignIn,
        EventKind::SignInFailed,
        EventKind::SignOut,
        EventKind::PasswordChanged,
        EventKind::SessionEnded,
        EventKind::KeyCreated,
        EventKind::KeyRegenerated,
        EventKind::KeyRestrictionsChanged,
        EventKind::ResetRequested,
        EventKind::ResetCompleted,
        EventKind::ReminderSent,
    ];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::SignIn => "sign_in",
            EventKind::SignInFailed => "sign_in_failed",
            EventKind::SignOut => "sign_out",
            EventKind::PasswordChanged => "password_changed",
            EventKind::SessionEnded => "session_ended",
            EventKind::KeyCreated => "key_created",
            EventKind::KeyRegenerated => "key_regenerated",
            EventKind::KeyRestrictionsChanged => "key_restrictions_changed",
            EventKind::ResetRequested => "reset_requested",
            EventKind::ResetCompleted => "reset_completed",
            EventKind::ReminderSent => "reminder_sent",
        }
    }

    pub fn parse(name: &str) -> Option<EventKind> {
        EventKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == name)
    }

    /// For people: "Signed in", "Key created".
    pub fn describe(self) -> &'static str {
        match self {
            EventKind::SignIn => "Signed in",
            EventKind::SignInFailed => "Failed sign-in",
            EventKind::SignOut => "Signed out",
            EventKind::PasswordChanged => "Password changed",
            EventKind::SessionEnded => "Session ended",
            EventKind::KeyCreated => "Key created",
            EventKind::KeyRegenerated => "Key regenerated",
            EventKind::KeyRestrictionsChanged => "Key restrictions changed",
            EventKind::ResetRequested => "Password reset requested",
            EventKind::ResetCompleted => "Password reset",
            EventKind::ReminderSent => "Expiry reminder sent",
        }
    }
}

/// One entry of the security log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SecurityEventDto {
    #[cfg_attr(
        feature = "ssr",
        schema(format = "uuid", example = "0196e0f4-2c3d-7b5e-9f60-7b8c9d0e1f2a")
    )]
    pub id: String,
    pub kind: EventKind,
    /// RFC 3339, UTC.
    #[cfg_attr(feature = "ssr", schema(format = DateTime, example = "2026-12-03T14:05:09.120Z"))]
    pub occurred_at: String,
    /// The address of the request that caused it; null when none did or it is unknown.
    #[cfg_attr(feature = "ssr", schema(required = true, example = "203.0.113.7"))]
    pub ip: Option<String>,
    #[cfg_attr(feature = "ssr", schema(required = true))]
    pub user_agent: Option<String>,
    /// For key events: the key's current id (its page), null once it is gone.
    #[cfg_attr(feature = "ssr", schema(required = true, format = "uuid"))]
    pub key_id: Option<String>,
    /// For key events: the key's name at the time.
    #[cfg_attr(feature = "ssr", schema(required = true, example = "Zapier"))]
    pub key_name: Option<String>,
}

/// A page of the security log, newest first. `nextBefore` is the cursor for the next (older)
/// page: pass it as `before`; null on the last page.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SecurityEventPage {
    pub events: Vec<SecurityEventDto>,
    #[cfg_attr(feature = "ssr", schema(required = true))]
    pub next_before: Option<String>,
}
