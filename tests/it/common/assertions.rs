//! Assertions on answers and readers of their values: error bodies, field sets, keys,
//! timestamps, cookies.
use chrono::{DateTime, FixedOffset};
use uuid::Uuid;

use super::response::TestResponse;
use super::{json, StatusCode, Value};

/// Asserts the exact error answer `{"error": message}` with `status`.
#[track_caller]
pub fn assert_error(resp: &TestResponse, status: StatusCode, message: &str) {
    assert_eq!(
        resp.status, status,
        "unexpected status; body: {}",
        resp.text
    );
    assert_eq!(
        resp.json,
        json!({ "error": message }),
        "unexpected error body: {}",
        resp.text
    );
}

/// Asserts `status` and an `{"error": "<some message>"}` body with a non-empty message.
#[track_caller]
pub fn assert_error_status(resp: &TestResponse, status: StatusCode) {
    assert_eq!(
        resp.status, status,
        "unexpected status; body: {}",
        resp.text
    );
    let object = resp
        .json
        .as_object()
        .unwrap_or_else(|| panic!("error body is not a JSON object: {:?}", resp.text));
    assert_eq!(
        object.len(),
        1,
        "error body has extra fields: {}",
        resp.text
    );
    let message = object
        .get("error")
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("error body has no string `error`: {}", resp.text));
    assert!(
        !message.trim().is_empty(),
        "empty error message: {}",
        resp.text
    );
}

/// Asserts that `value` is a JSON object with exactly these field names.
#[track_caller]
pub fn assert_fields(value: &Value, expected: &[&str]) {
    let object = value
        .as_object()
        .unwrap_or_else(|| panic!("not a JSON object: {value}"));
    let mut actual: Vec<&str> = object.keys().map(String::as_str).collect();
    actual.sort_unstable();
    let mut expected = expected.to_vec();
    expected.sort_unstable();
    assert_eq!(actual, expected, "unexpected fields in {value}");
}

/// The string at `value`, which must be a JSON string.
#[track_caller]
pub fn str_of(value: &Value) -> &str {
    value
        .as_str()
        .unwrap_or_else(|| panic!("expected a JSON string, got {value}"))
}

/// Parses a JSON string holding a UUID.
#[track_caller]
pub fn uuid_of(value: &Value) -> Uuid {
    let text = str_of(value);
    Uuid::parse_str(text).unwrap_or_else(|err| panic!("{text:?} is not a UUID: {err}"))
}

/// Parses a JSON string holding an RFC 3339 timestamp.
#[track_caller]
pub fn rfc3339_of(value: &Value) -> DateTime<FixedOffset> {
    let text = str_of(value);
    DateTime::parse_from_rfc3339(text)
        .unwrap_or_else(|err| panic!("{text:?} is not an RFC 3339 timestamp: {err}"))
}

/// `pk_live_` followed by exactly 38 base62 characters.
#[track_caller]
pub fn assert_key_format(key: &str) {
    let rest = key
        .strip_prefix("pk_live_")
        .unwrap_or_else(|| panic!("key {key:?} does not start with pk_live_"));
    assert_eq!(rest.len(), 38, "key {key:?} has the wrong length");
    assert!(
        rest.bytes().all(|b| b.is_ascii_alphanumeric()),
        "key {key:?} has non-base62 characters"
    );
}

pub fn is_lower_hex_64(text: &str) -> bool {
    text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The token part of a `name=value` cookie.
pub fn cookie_value(cookie: &str) -> &str {
    cookie.split_once('=').map_or("", |(_, value)| value)
}

/// The attributes of a `Set-Cookie` header after `name=value`, lower-cased and trimmed
/// (`httponly`, `samesite=lax`, `path=/`, `max-age=0`, ...).
pub fn cookie_attributes(set_cookie: &str) -> Vec<String> {
    set_cookie
        .split(';')
        .skip(1)
        .map(|a| a.trim().to_ascii_lowercase())
        .filter(|a| !a.is_empty())
        .collect()
}

/// The `name` of each key in a list answer, in order.
pub fn names(keys: &[Value]) -> Vec<String> {
    keys.iter().map(|k| str_of(&k["name"]).to_owned()).collect()
}

/// `key` with the character at `index` replaced by a different base62 character.
pub fn flip_char(key: &str, index: usize) -> String {
    let mut bytes = key.as_bytes().to_vec();
    bytes[index] = if bytes[index] == b'a' { b'b' } else { b'a' };
    String::from_utf8(bytes).expect("keys are ASCII")
}

/// The fields of a key as listed.
pub const LISTED_FIELDS: [&str; 10] = [
    "allowedIps",
    "createdAt",
    "expiresAt",
    "id",
    "keyPrefix",
    "lastUsedAt",
    "maskedKey",
    "name",
    "rateLimit",
    "scopes",
];

/// The fields of a key as created or regenerated: the secret instead of the last use.
pub const CREATED_FIELDS: [&str; 10] = [
    "allowedIps",
    "createdAt",
    "expiresAt",
    "fullKey",
    "id",
    "keyPrefix",
    "maskedKey",
    "name",
    "rateLimit",
    "scopes",
];

/// Checks the answer of create/regenerate and returns the full key.
#[track_caller]
pub fn assert_created_shape(created: &Value, name: &str) -> String {
    assert_fields(created, &CREATED_FIELDS);
    uuid_of(&created["id"]);
    assert_eq!(created["name"], name);
    let full = str_of(&created["fullKey"]).to_owned();
    assert_key_format(&full);
    let prefix = &full[..12];
    assert_eq!(created["keyPrefix"], prefix);
    assert_eq!(created["maskedKey"], format!("{prefix}****"));
    rfc3339_of(&created["createdAt"]);
    full
}
