//! What a lookup finds for a presented key.
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::api::net::IpNet;
use crate::api::KeyRestrictions;

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
    /// Shared by every version of the key: its rate limit counts them together.
    pub lineage_id: Uuid,
    pub restrictions: KeyRestrictions,
    /// `restrictions.allowed_ips`, parsed once here rather than on every request.
    pub allowed_networks: Option<Vec<IpNet>>,
}

impl FoundKey {
    pub fn with_restrictions(mut self, restrictions: KeyRestrictions) -> FoundKey {
        self.allowed_networks = restrictions
            .allowed_ips
            .as_deref()
            .map(crate::server::services::api_keys::restrictions::networks);
        self.restrictions = restrictions;
        self
    }
}
