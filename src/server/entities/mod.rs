//! sea-orm entities: the database's rows. Never serialized to clients; `api::types` are.
pub mod api_key_clients;
pub mod api_key_usage;
pub mod api_keys;
pub mod login_failures;
pub mod outbox;
pub mod password_resets;
pub mod restriction_changes;
pub mod security_events;
pub mod sessions;
pub mod throttle_events;
pub mod users;
