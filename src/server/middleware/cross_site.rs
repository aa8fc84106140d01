//! Refuses state-changing requests that a browser sent from another site. Sessions are
//! cookies, so without this any page on the web could make a signed-in browser create or
//! regenerate keys. Requests without `Origin` or `Sec-Fetch-Site` (curl, scripts) are not
//! browser-initiated cross-site requests and pass.
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::api::AppError;
use crate::server::forwarded::own_scheme;
use crate::server::state::AppState;

pub async fn refuse_cross_site(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let safe_method = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    // The external API authenticates by key, never by cookie, so CSRF cannot apply to it.
    let key_authenticated = request.uri().path().starts_with("/api/v1/");
    if !safe_method && !key_authenticated {
        let scheme = own_scheme(&state.config, request.headers(), request.extensions());
        if is_cross_site(request.headers(), scheme) {
            return AppError::CrossSite.into_response();
        }
    }
    next.run(request).await
}

/// True unless the request comes from this very origin: same scheme, host and port. An
/// `https://host` page posting to the `http://host` site is another origin.
pub fn is_cross_site(headers: &HeaderMap, scheme: &str) -> bool {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    if let Some(origin) = headers.get(header::ORIGIN) {
        // "null" (sandboxed frames, some redirects) is never our own origin.
        return match (origin.to_str(), host) {
            (Ok(origin), Some(host)) => !same_origin(origin, scheme, host),
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

fn same_origin(origin: &str, scheme: &str, host: &str) -> bool {
    let Some((origin_scheme, authority)) = origin.split_once("://") else {
        return false;
    };
    origin_scheme.eq_ignore_ascii_case(scheme)
        && without_default_port(authority, scheme)
            .eq_ignore_ascii_case(without_default_port(host, scheme))
}

/// `host:80` over http and `host:443` over https are `host`.
fn without_default_port<'a>(authority: &'a str, scheme: &str) -> &'a str {
    let default = if scheme.eq_ignore_ascii_case("https") {
        ":443"
    } else {
        ":80"
    };
    authority.strip_suffix(default).unwrap_or(authority)
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
        let same = headers(&[
            ("host", "localhost:3000"),
            ("origin", "http://localhost:3000"),
        ]);
        assert!(!is_cross_site(&same, "http"));
        for (host, origin) in [
            ("localhost:3000", "https://evil.example"),
            ("localhost:3000", "http://localhost:3001"),
            ("localhost:3000", "null"),
            ("localhost:3000", "localhost:3000"),
        ] {
            assert!(
                is_cross_site(&headers(&[("host", host), ("origin", origin)]), "http"),
                "{origin}"
            );
        }
    }

    #[test]
    fn the_scheme_is_part_of_the_origin() {
        let https_page = headers(&[("host", "keys.example"), ("origin", "https://keys.example")]);
        assert!(is_cross_site(&https_page, "http"));
        assert!(!is_cross_site(&https_page, "https"));
        let http_page = headers(&[("host", "keys.example"), ("origin", "http://keys.example")]);
        assert!(is_cross_site(&http_page, "https"));
        // Default ports are the same origin whether or not they are spelled out.
        let explicit = headers(&[
            ("host", "keys.example:443"),
            ("origin", "https://keys.example"),
        ]);
        assert!(!is_cross_site(&explicit, "https"));
    }

    #[test]
    fn fetch_metadata_is_the_fallback() {
        assert!(is_cross_site(
            &headers(&[("sec-fetch-site", "cross-site")]),
            "http"
        ));
        assert!(is_cross_site(
            &headers(&[("sec-fetch-site", "same-site")]),
            "http"
        ));
        assert!(!is_cross_site(
            &headers(&[("sec-fetch-site", "same-origin")]),
            "http"
        ));
        assert!(!is_cross_site(&headers(&[]), "http"));
    }
}
