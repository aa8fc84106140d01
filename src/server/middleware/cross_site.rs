//! Refuses state-changing requests that a browser sent from another site. Sessions are
//! cookies, so without this any page on the web could make a signed-in browser create or
//! regenerate keys. Requests without `Origin` or `Sec-Fetch-Site` (curl, scripts) are not
//! browser-initiated cross-site requests and pass.
use axum::extract::Request;
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::api::AppError;

pub async fn refuse_cross_site(request: Request, next: Next) -> Response {
    let safe_method = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    // The external API authenticates by key, never by cookie, so CSRF cannot apply to it.
    let key_authenticated = request.uri().path().starts_with("/api/v1/");
    if !safe_method && !key_authenticated && is_cross_site(request.headers()) {
        return AppError::CrossSite.into_response();
    }
    next.run(request).await
}

pub fn is_cross_site(headers: &HeaderMap) -> bool {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    if let Some(origin) = headers.get(header::ORIGIN) {
        let Ok(origin) = origin.to_str() else {
            return true;
        };
        // "null" (sandboxed frames, some redirects) is never our own origin.
        let authority = origin.split_once("://").map(|(_, rest)| rest);
        return match (authority, host) {
            (Some(authority), Some(host)) => !authority.eq_ignore_ascii_case(host),
            _ => true,
        };
    }
    match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        Some(site) => {
            !(site.eq_ignore_ascii_case("same-origin") || site.eq_ignore_ascii_case("none"))
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, HeaderValue::from_static(v));
        }
        map
    }

    #[test]
    fn same_origin_passes_and_foreign_origin_fails() {
        assert!(!is_cross_site(&headers(&[
            ("host", "localhost:3000"),
            ("origin", "http://localhost:3000")
        ])));
        assert!(is_cross_site(&headers(&[
            ("host", "localhost:3000"),
            ("origin", "https://evil.example")
        ])));
        assert!(is_cross_site(&headers(&[
            ("host", "localhost:3000"),
            ("origin", "http://localhost:3001")
        ])));
        assert!(is_cross_site(&headers(&[
            ("host", "localhost:3000"),
            ("origin", "null")
        ])));
    }

    #[test]
    fn fetch_metadata_is_the_fallback() {
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "same-site")])));
        assert!(!is_cross_site(&headers(&[(
            "sec-fetch-site",
            "same-origin"
        )])));
        assert!(!is_cross_site(&headers(&[])));
    }
}
