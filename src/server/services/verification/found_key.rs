//! What a lookup finds for a presented key.
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// The row a presented key maps to, replaced or not; the verifier decides what it may do.
#[derive(Clone, Debug)]
pub struct FoundKey {
    pub key_id: Uuid,
    pub key_name: String,
    pub user_id: Uuid,
    pub user_email: String,
    pub last_used_at: Option<DateTime<Utc>>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
}
