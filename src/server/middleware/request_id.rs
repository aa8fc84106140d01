//! A caller's `X-Request-Id` is kept (it lets an operator follow a request through proxies)
//! only when it has the shape of an id. Anything else is dropped and replaced by a fresh
//! one: the id is written into every log line, where `0 status=200 path=/api/auth/login`
//! would forge fields.
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;

const MAX_LEN: usize = 128;

pub async fn drop_unsafe_request_id(mut request: Request, next: Next) -> Response {
    let safe = request
        .headers()
        .get("x-request-id")
        .is_none_or(|id| is_safe_id(id.as_bytes()));
    if !safe {
        request.headers_mut().remove("x-request-id");
    }
    next.run(request).await
}

/// Letters, digits, `-`, `_`, `.` and `:`, at most 128 of them.
pub fn is_safe_id(id: &[u8]) -> bool {
    !id.is_empty()
        && id.len() <= MAX_LEN
        && id
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

#[cfg(test)]
mod tests {
    use super::is_safe_id;

    #[test]
    fn only_id_shaped_values_are_kept() {
        assert!(is_safe_id(b"0196e0f3-1b2c-7a4d-8e5f-6a7b8c9d0e1f"));
        assert!(is_safe_id(b"req_01J9:abc.def"));
        assert!(!is_safe_id(b"0 status=200 path=/api/auth/login"));
        assert!(!is_safe_id(b""));
        assert!(!is_safe_id(b"a\"b"));
        assert!(!is_safe_id(&[b'a'; 129]));
    }
}
