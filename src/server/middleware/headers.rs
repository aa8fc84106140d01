//! Security headers for every response, `no-store` for anything session-scoped, and long-lived
//! caching for content-hashed static files.
use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

pub async fn security_headers(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let static_asset = path.starts_with("/pkg/") || path == "/favicon.ico";
    let hashed = path.starts_with("/pkg/") && is_content_hashed(path);
    // The same for everyone and changed only by a deploy: they say how long to keep them.
    // (`/docs/api` is not: its header shows who is signed in.)
    let public_document = path == "/api/openapi.json";
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        // Pages set their own policy with a per-request nonce while rendering; this strict
        // one covers JSON and static files.
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'; base-uri 'none'"),
        );
    }
    if public_document && response.headers().contains_key(header::CACHE_CONTROL) {
        return response;
    }
    if static_asset {
        // A file may be answered from its precompressed `.br` twin: a shared cache must keep
        // the two answers apart, or a client that cannot read brotli gets brotli bytes.
        response
            .headers_mut()
            .append(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    let cache = if !static_asset {
        // Pages and API answers are per-user (and create/regenerate carry a secret): no cache
        // may keep them.
        "no-store"
    } else if hashed && response.status().is_success() {
        // The name changes with the content, so this very file never changes: a second visit
        // takes it from the cache without asking.
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    response
}

/// cargo-leptos's `hash-files` names: `keyward.<22 base64url characters>.wasm`,
/// `chunk_3.<hash>.wasm`, `__wasm_split.<hash>.js`.
fn is_content_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let parts: Vec<&str> = name.split('.').collect();
    parts.len() >= 3
        && parts[1..parts.len() - 1].iter().any(|part| {
            part.len() == 22
                && part
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                // the split loader's placeholder before hashing
                && !part.bytes().all(|b| b == b'_')
        })
}

#[cfg(test)]
mod tests {
    use super::is_content_hashed;

    #[test]
    fn only_content_hashed_names_are_immutable() {
        for hashed in [
            "/pkg/keyward.Xy2-_abcdefghijklmnopq.wasm",
            "/pkg/chunk_3.Xy2-_abcdefghijklmnopq.wasm",
            "/pkg/__wasm_split.Xy2-_abcdefghijklmnopq.js",
            "/pkg/keyward.Xy2-_abcdefghijklmnopq.wasm.br",
        ] {
            assert!(is_content_hashed(hashed), "{hashed}");
        }
        for plain in [
            "/pkg/keyward.wasm",
            "/pkg/keyward.js",
            "/pkg/__wasm_split.______________________.js",
            "/pkg/keyward.short.css",
        ] {
            assert!(!is_content_hashed(plain), "{plain}");
        }
    }
}
