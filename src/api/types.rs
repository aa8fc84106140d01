use serde::{Deserialize, Serialize};

/// The signed-in user as the UI and the JSON API see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserDto {
    pub id: String,
    pub email: String,
}

/// Envelope used by the auth endpoints: `{"user": {...}}`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct UserEnvelope {
    pub user: UserDto,
}

/// One row of the key list. Never carries the secret or its hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiKeySummary {
    pub id: String,
    pub name: String,
    pub key_prefix: String,
    pub masked_key: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// RFC 3339, UTC; `None` until the key authenticates a request.
    pub last_used_at: Option<String>,
    /// RFC 3339, UTC; `None` for a key that never expires.
    pub expires_at: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct KeyList {
    pub keys: Vec<ApiKeySummary>,
}

/// The one response that ever carries a full key: the answer to create and regenerate.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatedApiKey {
    pub id: String,
    pub name: String,
    pub full_key: String,
    pub key_prefix: String,
    pub masked_key: String,
    pub created_at: String,
    pub expires_at: Option<String>,
}

impl std::fmt::Debug for CreatedApiKey {
    // The secret must not reach logs through `{:?}`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedApiKey")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("full_key", &"<redacted>")
            .field("key_prefix", &self.key_prefix)
            .field("created_at", &self.created_at)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// `GET /api/v1/me`: who a key belongs to.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct WhoAmI {
    pub user: UserDto,
    pub key: KeyIdentity,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct KeyIdentity {
    pub id: String,
    pub name: String,
}

/// `GET /api/api-keys/{id}`: one key with its record: use over the last 30 days, every
/// version it has had, and the clients that used it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyDetail {
    pub key: ApiKeySummary,
    /// Exactly 30 UTC days, oldest first, ending today.
    pub usage: Vec<DailyUsage>,
    /// Newest first: the live key (`replaced_at: None`), then each predecessor.
    pub versions: Vec<KeyVersion>,
    /// Up to 5 distinct clients, most recent first.
    pub recent_clients: Vec<RecentClient>,
}

/// Successful authentications on one UTC day, by any version of the key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DailyUsage {
    /// `YYYY-MM-DD`.
    pub date: String,
    pub count: i64,
}

/// One secret a key has had. Never a hash, never a full key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyVersion {
    pub id: String,
    pub key_prefix: String,
    pub masked_key: String,
    pub created_at: String,
    /// When a regenerate replaced it; `None` for the live version.
    pub replaced_at: Option<String>,
}

/// A caller of the key: its address (as `trust_forwarded_for` decides) and user agent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecentClient {
    pub ip: String,
    /// Cut to 200 characters; empty when the client sent none.
    pub user_agent: String,
    pub last_seen_at: String,
}
