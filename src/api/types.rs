//! What crosses the wire. On the server each type also describes itself to the OpenAPI
//! document (`utoipa::ToSchema`); every `schema(...)` attribute sits behind the same
//! `cfg_attr` as the derive, because the WASM build has no utoipa.
use serde::{Deserialize, Serialize};

use super::RateLimit;

/// The signed-in user as the UI and the JSON API see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UserDto {
    #[cfg_attr(
        feature = "ssr",
        schema(format = "uuid", example = "0196e0f2-7c1a-7d3e-9b2a-4f5e6d7c8b9a")
    )]
    pub id: String,
    #[cfg_attr(feature = "ssr", schema(example = "ada@example.com"))]
    pub email: String,
}

/// Envelope used by the auth endpoints: `{"user": {...}}`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UserEnvelope {
    pub user: UserDto,
}

/// One key as listed: never its secret or its hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ApiKeySummary {
    #[cfg_attr(
        feature = "ssr",
        schema(format = "uuid", example = "0196e0f3-1b2c-7a4d-8e5f-6a7b8c9d0e1f")
    )]
    pub id: String,
    #[cfg_attr(feature = "ssr", schema(example = "Zapier"))]
    pub name: String,
    /// The first 12 characters of the key, kept for display.
    #[cfg_attr(feature = "ssr", schema(example = "pk_live_abc1"))]
    pub key_prefix: String,
    #[cfg_attr(feature = "ssr", schema(example = "pk_live_abc1****"))]
    pub masked_key: String,
    /// RFC 3339, UTC.
    #[cfg_attr(feature = "ssr", schema(format = DateTime, example = "2026-11-28T09:30:00.000Z"))]
    pub created_at: String,
    /// RFC 3339, UTC; null until the key authenticates a request.
    #[cfg_attr(feature = "ssr", schema(required = true, format = DateTime, example = "2026-11-28T10:02:17.412Z"))]
    pub last_used_at: Option<String>,
    /// RFC 3339, UTC; null for a key that never expires.
    #[cfg_attr(feature = "ssr", schema(required = true, format = DateTime, example = "2027-02-26T09:30:00.000Z"))]
    pub expires_at: Option<String>,
    /// The scopes the key is limited to (`GET /api/scopes`); null: full access.
    #[cfg_attr(feature = "ssr", schema(required = true, example = json!(["read"])))]
    pub scopes: Option<Vec<String>>,
    /// null: no limit.
    #[cfg_attr(feature = "ssr", schema(required = true))]
    pub rate_limit: Option<RateLimit>,
    /// The addresses the key may be used from, as networks; null: any address.
    #[cfg_attr(feature = "ssr", schema(required = true, example = json!(["203.0.113.0/24"])))]
    pub allowed_ips: Option<Vec<String>>,
}

/// `GET /api/api-keys`: the signed-in user's live keys, newest first, up to 100 at a time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct KeyList {
    pub keys: Vec<ApiKeySummary>,
    /// Null when `keys` holds the rest of the list; otherwise pass it as `cursor` for the
    /// next page.
    #[cfg_attr(feature = "ssr", schema(required = true, example = json!(null)))]
    pub next_cursor: Option<String>,
}

/// The one response that ever carries a full key: the answer to create and regenerate.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreatedApiKey {
    #[cfg_attr(
        feature = "ssr",
        schema(format = "uuid", example = "0196e0f3-1b2c-7a4d-8e5f-6a7b8c9d0e1f")
    )]
    pub id: String,
    #[cfg_attr(feature = "ssr", schema(example = "Zapier"))]
    pub name: String,
    /// The full key: shown this once and never again. Store it now.
    #[cfg_attr(
        feature = "ssr",
        schema(example = "pk_live_abc1XyZ23456789abcdefghijkLMNOPQ0a1B2c")
    )]
    pub full_key: String,
    #[cfg_attr(feature = "ssr", schema(example = "pk_live_abc1"))]
    pub key_prefix: String,
    #[cfg_attr(feature = "ssr", schema(example = "pk_live_abc1****"))]
    pub masked_key: String,
    #[cfg_attr(feature = "ssr", schema(format = DateTime, example = "2026-11-28T09:30:00.000Z"))]
    pub created_at: String,
    /// RFC 3339, UTC; null for a key that never expires.
    #[cfg_attr(feature = "ssr", schema(required = true, format = DateTime, example = "2027-02-26T09:30:00.000Z"))]
    pub expires_at: Option<String>,
    /// The scopes the key is limited to (`GET /api/scopes`); null: full access.
    #[cfg_attr(feature = "ssr", schema(required = true, example = json!(["read"])))]
    pub scopes: Option<Vec<String>>,
    /// null: no limit.
    #[cfg_attr(feature = "ssr", schema(required = true))]
    pub rate_limit: Option<RateLimit>,
    /// The addresses the key may be used from, as networks; null: any address.
    #[cfg_attr(feature = "ssr", schema(required = true, example = json!(["203.0.113.0/24"])))]
    pub allowed_ips: Option<Vec<String>>,
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
            .field("scopes", &self.scopes)
            .field("rate_limit", &self.rate_limit)
            .field("allowed_ips", &self.allowed_ips)
            .finish()
    }
}

/// `GET /api/v1/me`: who a key belongs to.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct WhoAmI {
    pub user: UserDto,
    pub key: KeyIdentity,
}

/// The key that authenticated the request.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct KeyIdentity {
    #[cfg_attr(
        feature = "ssr",
        schema(format = "uuid", example = "0196e0f3-1b2c-7a4d-8e5f-6a7b8c9d0e1f")
    )]
    pub id: String,
    #[cfg_attr(feature = "ssr", schema(example = "Zapier"))]
    pub name: String,
}

/// `GET /api/api-keys/{id}`: one key with its record: use over the last 30 days, every
/// version it has had, and the clients that used it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyDetail {
    pub key: ApiKeySummary,
    /// Exactly 30 UTC days, oldest first, ending today.
    pub usage: Vec<DailyUsage>,
    /// Newest first: the live key (`replacedAt` null), then each predecessor.
    pub versions: Vec<KeyVersion>,
    /// Up to 5 distinct clients, most recent first.
    pub recent_clients: Vec<RecentClient>,
    /// Every change of the key's restrictions, newest first.
    pub restriction_changes: Vec<RestrictionChange>,
    /// The latest entries of the account's security log about this key, newest first.
    pub events: Vec<super::account::SecurityEventDto>,
    /// When this version's expiry reminders were sent ("expires in 7 days", "expires
    /// today"); null until then, and for a key that never expires.
    pub week_reminder_sent_at: Option<String>,
    pub day_reminder_sent_at: Option<String>,
}

/// What a key may do besides authenticate; each null means unrestricted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct KeyRestrictions {
    #[cfg_attr(feature = "ssr", schema(required = true, example = json!(["read"])))]
    pub scopes: Option<Vec<String>>,
    #[cfg_attr(feature = "ssr", schema(required = true))]
    pub rate_limit: Option<RateLimit>,
    #[cfg_attr(feature = "ssr", schema(required = true, example = json!(["203.0.113.0/24"])))]
    pub allowed_ips: Option<Vec<String>>,
}

/// One change of a key's restrictions, from what to what.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RestrictionChange {
    #[cfg_attr(feature = "ssr", schema(format = DateTime, example = "2026-12-03T10:00:00.000Z"))]
    pub changed_at: String,
    pub before: KeyRestrictions,
    pub after: KeyRestrictions,
}

/// Successful authentications on one UTC day, by any version of the key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DailyUsage {
    #[cfg_attr(feature = "ssr", schema(format = Date, example = "2026-11-28"))]
    pub date: String,
    #[cfg_attr(feature = "ssr", schema(minimum = 0, example = 12))]
    pub count: i64,
    /// Uses refused for the key's rate limit (not in `count`).
    #[cfg_attr(feature = "ssr", schema(minimum = 0, example = 0))]
    pub rate_limited: i64,
}

/// One secret a key has had. Never a hash, never a full key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct KeyVersion {
    #[cfg_attr(
        feature = "ssr",
        schema(format = "uuid", example = "0196e0f3-1b2c-7a4d-8e5f-6a7b8c9d0e1f")
    )]
    pub id: String,
    #[cfg_attr(feature = "ssr", schema(example = "pk_live_abc1"))]
    pub key_prefix: String,
    #[cfg_attr(feature = "ssr", schema(example = "pk_live_abc1****"))]
    pub masked_key: String,
    #[cfg_attr(feature = "ssr", schema(format = DateTime, example = "2026-11-28T09:30:00.000Z"))]
    pub created_at: String,
    /// When a regenerate replaced it; null for the live version.
    #[cfg_attr(feature = "ssr", schema(required = true, format = DateTime, example = "2026-11-30T08:15:00.000Z"))]
    pub replaced_at: Option<String>,
}

/// A caller of the key: its address (as `trust_forwarded_for` decides) and user agent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RecentClient {
    #[cfg_attr(feature = "ssr", schema(example = "203.0.113.7"))]
    pub ip: String,
    /// Cut to 200 characters; empty when the client sent none.
    #[cfg_attr(feature = "ssr", schema(max_length = 200, example = "Zapier"))]
    pub user_agent: String,
    #[cfg_attr(feature = "ssr", schema(format = DateTime, example = "2026-11-28T10:02:17.412Z"))]
    pub last_seen_at: String,
}
