//! The external API, authenticated by API key.
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use axum::extract::{Request, State};
use axum::http::request::Parts;

use super::extract::{verify_key, ApiKeyAuth};
use super::responses::Unavailable;
use crate::api::{AppError, KeyIdentity, UserDto, WhoAmI};
use crate::server::error::ErrorBody;
use crate::server::services::verification::VerifiedKey;
use crate::server::state::AppState;

/// Who the presented key belongs to; integrations call it first to check their key.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "v1",
    responses(
        (status = 200, description = "The key's owner and the key", body = WhoAmI),
        (status = 401, description = "`Missing API key`, `Invalid API key` (unknown, mistyped or replaced) or `API key expired`", body = ErrorBody,
            headers(("WWW-Authenticate" = String, description = "`Bearer realm=\"keyward\"`"))),
        Unavailable,
    ),
    security(("bearer" = []), ("api_key" = [])),
)]
pub async fn me(ApiKeyAuth(verified): ApiKeyAuth) -> Json<WhoAmI> {
    Json(WhoAmI {
        user: UserDto {
            id: verified.user_id.to_string(),
            email: verified.user_email,
        },
        key: KeyIdentity {
            id: verified.key_id.to_string(),
            name: verified.key_name,
        },
    })
}

pub const USER_ID_HEADER: &str = "x-keyward-user-id";
pub const USER_EMAIL_HEADER: &str = "x-keyward-user-email";
pub const KEY_ID_HEADER: &str = "x-keyward-key-id";
pub const KEY_NAME_HEADER: &str = "x-keyward-key-name";
/// On a refusal, the reason, so a proxy can put it in its own JSON answer (nginx's
/// `auth_request` drops the body of the answer it asked for).
pub const ERROR_HEADER: &str = "x-keyward-error";

/// Forward auth for a reverse proxy (nginx `auth_request`, Caddy `forward_auth`, Traefik
/// `ForwardAuth`): the key is read and verified exactly as for `/me`, and its use is counted
/// the same way. A usable key answers 204 with who it belongs to in `X-Keyward-*` headers,
/// which the proxy copies to the upstream; anything else is the same 401 as `/me` (never 403
/// or 500, which proxies turn into confusing pages), or 503 while the database is down,
/// which the proxy must treat as a refusal. Cookies are ignored.
#[utoipa::path(
    get,
    path = "/api/v1/authorize",
    tag = "v1",
    responses(
        (status = 204, description = "The key may be used",
            headers(
                ("X-Keyward-User-Id" = String, description = "The key owner's id"),
                ("X-Keyward-User-Email" = String, description = "The owner's email, percent-encoded UTF-8"),
                ("X-Keyward-Key-Id" = String, description = "The key's id"),
                ("X-Keyward-Key-Name" = String, description = "The key's name, percent-encoded UTF-8"),
            )),
        (status = 401, description = "`Missing API key`, `Invalid API key` or `API key expired`", body = ErrorBody,
            headers(
                ("WWW-Authenticate" = String, description = "`Bearer realm=\"keyward\"`"),
                ("X-Keyward-Error" = String, description = "The same reason, for a proxy that drops the body"),
            )),
        (status = 403, description = "The request carries an `X-Keyward-*` header of its own: only Keyward sets those", body = ErrorBody,
            headers(("X-Keyward-Error" = String, description = "The same reason, for a proxy that drops the body"))),
        (status = 503, description = "The database is unavailable: the proxy must refuse the request", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait before trying again"))),
    ),
    security(("bearer" = []), ("api_key" = [])),
)]
pub async fn authorize(State(state): State<AppState>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let verified = match judge(&state, &parts).await {
        Ok(verified) => verified,
        Err(error) => {
            let reason = HeaderValue::from_str(&error.to_string()).ok();
            let mut response = error.into_response();
            if let Some(reason) = reason {
                response
                    .headers_mut()
                    .insert(HeaderName::from_static(ERROR_HEADER), reason);
            }
            return response;
        }
    };
    let identity = [
        (USER_ID_HEADER, verified.user_id.to_string()),
        (USER_EMAIL_HEADER, header_safe(&verified.user_email)),
        (KEY_ID_HEADER, verified.key_id.to_string()),
        (KEY_NAME_HEADER, header_safe(&verified.key_name)),
    ];
    let mut response = StatusCode::NO_CONTENT.into_response();
    for (name, value) in identity {
        // header_safe leaves only visible ASCII, so this cannot fail.
        if let Ok(value) = HeaderValue::from_str(&value) {
            response
                .headers_mut()
                .insert(HeaderName::from_static(name), value);
        }
    }
    response
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
    verify_key(state, parts).await
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
/// non-ASCII bytes. Any percent-decoder gives back the original text.
pub fn header_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if (0x21..=0x7E).contains(&byte) && byte != b'%' {
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
    }
}
