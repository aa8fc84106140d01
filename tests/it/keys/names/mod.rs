//! Key names: the character rules, trimming, uniqueness, and showing old names.
use crate::common::*;
use serde_json::Value;

mod characters;
mod required_and_length;
mod uniqueness;

pub(super) async fn create_raw(
    app: &TestApp,
    cookie: &str,
    body: &Value,
) -> crate::common::TestResponse {
    app.post_json(KEYS, body, Some(cookie)).await
}
