//! Cross-cutting request handling, outermost first as `site::router` layers them:
//! - `request_id`: a caller's request id is kept only when it is id-shaped;
//! - `headers`: security headers and caching rules on every answer;
//! - `body_limit`: bodies over 64 KiB are refused with 413, chunked ones too;
//! - `cross_site`: state-changing requests from another site are refused;
//! - `server_fn_status`: server-function errors get their own HTTP status;
//! - `canonical_path`: odd spellings of a path redirect to the one the router knows;
//! - `settings_guard`: signed-out visitors of `/settings` are sent to sign in (303);
//! - `key_versions`: a replaced key's page redirects to the key's current version.
pub mod body_limit;
pub mod canonical_path;
pub mod cross_site;
pub mod headers;
pub mod key_versions;
pub mod request_id;
pub mod server_fn_status;
pub mod settings_guard;
