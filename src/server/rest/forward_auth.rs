//! Forward auth for a reverse proxy (nginx `auth_request`, Caddy `forward_auth`, Traefik
//! `ForwardAuth`): the key is verified as for `/me`, its use counted the same way, and the
//! request the proxy names is judged against the key's permissions, allowlist and rate limit.
use axum::extract::{Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::extract::verify_key;
use super::responses::Unavailable;
use super::v1::add_quota;
use crate::api::AppError;
use crate::server::error::ErrorBody;
use crate::server::forwarded::forwarded_request;
use crate::server::services::verification::{Access, VerifiedKey};
use crate::server::state::AppState;

pub const USER_ID_HEADER: &str = "x-keyward-user-id";
pub const USER_EMAIL_HEADER: &str = "x-keyward-user-email";
pub const KEY_ID_HEADER: &str = "x-keyward-key-id";
pub const KEY_NAME_HEADER: &str = "x-keyward-key-name";
pub const SCOPES_HEADER: &str = "x-keyward-scopes";
/// On a refusal, the reason, so a proxy can put it in its own JSON answer (nginx's
/// `auth_request` drops the body of the answer it asked for).
pub const ERROR_HEADER: &str = "x-keyward-error";
/// With `?proxy=nginx`, the status a refusal really has (see `authorize`).
pub const STATUS_HEADER: &str = "x-keyward-status";

/// How the proxy asks.
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProxyParams {
    /// `nginx`: nginx's `auth_request` passes on only 2xx, 401 and 403 (anything else becomes
    /// a 500), so any other refusal (429, 503) is answered 403 with its real status in
    /// `X-Keyward-Status`, for the shipped configuration to answer with.
    proxy: Option<String>,
}

/// Answers 204 with who the key belongs to in `X-Keyward-*` headers, which the proxy copies to
/// the upstream, and the key's scopes in `X-Keyward-Scopes` (`*` for full access). The request
/// judged is the one the proxy names in `X-Original-Method`/`X-Original-URI` (nginx) or
/// `X-Forwarded-Method`/`X-Forwarded-Uri` (Traefik, Caddy), believed only from a trusted
/// proxy (`server.trusted_proxies`). A key with scopes and no such request is refused. Cookies
/// are ignored: this authorizes keys, not browser sessions.
#[utoipa::path(
    get,
    path = "/api/v1/authorize",
    tag = "v1",
    params(ProxyParams),
    responses(
        (status = 204, description = "The key may be used for this request",
            headers(
                ("X-Keyward-User-Id" = String, description = "The key owner's id"),
                ("X-Keyward-User-Email" = String, description = "The owner's email, percent-encoded UTF-8"),
                ("X-Keyward-Key-Id" = String, description = "The key's id"),
                ("X-Keyward-Key-Name" = String, description = "The key's name, percent-encoded UTF-8"),
                ("X-Keyward-Scopes" = String, description = "The granted scopes, space-separated, or `*` for full access"),
                ("RateLimit-Policy" = String, description = "For a key with a rate limit: `\"key\";q=<requests>;w=<seconds>`"),
                ("RateLimit" = String, description = "For a key with a rate limit: `\"key\";r=<remaining>;t=<seconds to reset>`"),
            )),
        (status = 401, description = "`Missing API key`, `Invalid API key` or `API key expired`", body = ErrorBody,
            headers(
                ("WWW-Authenticate" = String, description = "`Bearer realm=\"keyward\"`"),
                ("X-Keyward-Error" = String, description = "The same reason, for a proxy that drops the body"),
            )),
        (status = 403, description = "The key may not make this request (`This key may not POST /orders`, with `WWW-Authenticate: Bearer error=\"insufficient_scope\"`), may not be used from this address, or the request carries an `X-Keyward-*` header of its own; with `?proxy=nginx` also a 429 or 503 named in `X-Keyward-Status`", body = ErrorBody,
            headers(
                ("X-Keyward-Error" = String, description = "The same reason, for a proxy that drops the body"),
                ("X-Keyward-Status" = u16, description = "With `?proxy=nginx`: the refusal's real status"),
            )),
        (status = 429, description = "`Rate limit exceeded`", body = ErrorBody,
            headers(
                ("Retry-After" = u64, description = "Seconds until the window ends"),
                ("RateLimit-Policy" = String, description = "`\"key\";q=<requests>;w=<seconds>`"),
                ("RateLimit" = String, description = "`\"key\";r=0;t=<seconds to reset>`"),
            )),
        Unavailable,
    ),
    security(("bearer" = []), ("api_key" = [])),
)]
pub async fn authorize(
    State(state): State<AppState>,
    params: Result<Query<ProxyParams>, axum::extract::rejection::QueryRejection>,
    request: Request,
) -> Response {
    let nginx = matches!(params, Ok(Query(ProxyParams { proxy: Some(ref p) })) if p == "nginx");
    let (parts, _) = request.into_parts();
    match judge(&state, &parts).await {
        Ok(verified) => granted(verified),
        Err(error) => refused(error, nginx),
    }
}

/// A request with a client-sent `X-Keyward-*` header is refused before its key is looked at:
/// the identity headers a proxy copies to the upstream must come from Keyward alone.
async fn judge(state: &AppState, parts: &Parts) -> Result<VerifiedKey, AppError> {
    if let Some(name) = parts
        .headers
        .keys()
        .find(|name| name.as_str().starts_with("x-keyward-"))
    {
        return Err(AppError::ReservedHeader(display_header_name(name.as_str())));
    }
    let original = forwarded_request(&state.config, &parts.headers, &parts.extensions);
    verify_key(state, parts, Access::Forwarded(&original)).await
}

fn granted(verified: VerifiedKey) -> Response {
    let scopes = verified
        .scopes
        .as_ref()
        .map_or_else(|| "*".to_owned(), |s| s.join(" "));
    let headers = [
        (USER_ID_HEADER, verified.user_id.to_string()),
        (USER_EMAIL_HEADER, header_safe(&verified.user_email)),
        (KEY_ID_HEADER, verified.key_id.to_string()),
        (KEY_NAME_HEADER, header_safe(&verified.key_name)),
        (SCOPES_HEADER, header_safe(&scopes)),
    ];
    let mut response = StatusCode::NO_CONTENT.into_response();
    for (name, value) in headers {
        // header_safe leaves only visible ASCII, so this cannot fail.
        if let Ok(value) = HeaderValue::from_str(&value) {
            response
                .headers_mut()
                .insert(HeaderName::from_static(name), value);
        }
    }
    add_quota(&mut response, verified.quota);
    response
}

fn refused(error: AppError, nginx: bool) -> Response {
    let reason = HeaderValue::from_str(&reason_safe(&error.to_string())).ok();
    let status = error.status();
    let mut response = error.into_response();
    if let Some(reason) = reason {
        response
            .headers_mut()
            .insert(HeaderName::from_static(ERROR_HEADER), reason);
    }
    if nginx && !matches!(status, 401 | 403) {
        *response.status_mut() = StatusCode::FORBIDDEN;
        response.headers_mut().insert(
            HeaderName::from_static(STATUS_HEADER),
            HeaderValue::from(status),
        );
    }
    response
}

/// A refusal's reason for `X-Keyward-Error`, which the shipped nginx configuration puts in a
/// JSON string for the client to read: spaces and visible ASCII stay as they are; control
/// characters, non-ASCII bytes, `%`, `"` and `\` are percent-encoded.
fn reason_safe(text: &str) -> String {
    header_safe(text).replace("%20", " ")
}

/// `x-keyward-user-id` as people write it: `X-Keyward-User-Id`.
fn display_header_name(name: &str) -> String {
    name.split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// Percent-encodes every byte that is not visible ASCII, and `%` itself, so a value can
/// never end a header or start another (CR, LF), and UTF-8 survives proxies that mangle
/// non-ASCII bytes. `"` and `\` too: the shipped nginx configuration puts the reason in a
/// JSON string. Any percent-decoder gives back the original text.
pub fn header_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if (0x21..=0x7E).contains(&byte) && !matches!(byte, b'%' | b'"' | b'\\') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::header_safe;

    #[test]
    fn header_values_cannot_be_split_and_keep_their_text() {
        assert_eq!(header_safe("Zapier"), "Zapier");
        assert_eq!(header_safe("ada@example.com"), "ada@example.com");
        assert_eq!(header_safe("a\r\nX-Evil: 1"), "a%0D%0AX-Evil:%201");
        assert_eq!(header_safe("Café 100%"), "Caf%C3%A9%20100%25");
        assert_eq!(header_safe("👩‍💻"), "%F0%9F%91%A9%E2%80%8D%F0%9F%92%BB");
        assert_eq!(header_safe(r#"say "hi" \o/"#), "say%20%22hi%22%20%5Co/");
        assert_eq!(
            super::reason_safe("This key may not POST /a\"b"),
            "This key may not POST /a%22b"
        );
    }
}
