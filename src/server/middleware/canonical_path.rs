//! Every spelling of a path other than the canonical one (`/./settings`, `//settings`,
//! `/x/../settings`, `/%73ettings`) is answered with a permanent redirect to the canonical
//! form before any other middleware looks at it. Guards that decide by path, such as the
//! settings redirect, then see each page under exactly one name, the one the router uses.
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

pub async fn redirect_to_canonical_path(request: Request, next: Next) -> Response {
    match canonical_path(request.uri().path()) {
        Some(canonical) => {
            let target = match request.uri().query() {
                Some(query) => format!("{canonical}?{query}"),
                None => canonical,
            };
            // 308 keeps the method and body, so a POST to a odd spelling still arrives intact.
            Redirect::permanent(&target).into_response()
        }
        None => next.run(request).await,
    }
}

/// The canonical form of `path`, or `None` when it already is canonical: unreserved
/// characters percent-decoded, empty and `.` segments dropped, `..` resolved, a trailing
/// slash kept. The result always starts with exactly one `/`, and a backslash stays encoded,
/// so the redirect can never point at another host.
pub fn canonical_path(path: &str) -> Option<String> {
    let decoded = decode_unreserved(path);
    let mut segments: Vec<String> = Vec::new();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other.replace('\\', "%5C")),
        }
    }
    let mut canonical = format!("/{}", segments.join("/"));
    let trailing = decoded.ends_with('/') || decoded.ends_with("/.") || decoded.ends_with("/..");
    if trailing && canonical != "/" {
        canonical.push('/');
    }
    (canonical != path).then_some(canonical)
}

/// Decodes `%XX` only where it stands for an unreserved character (RFC 3986 §6.2.2.2), which
/// never changes what the path means.
fn decode_unreserved(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut rest = path;
    while let Some(at) = rest.find('%') {
        out.push_str(&rest[..at]);
        let decoded = rest
            .get(at + 1..at + 3)
            .and_then(|hex| u8::from_str_radix(hex, 16).ok())
            .filter(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'));
        match decoded {
            Some(byte) => {
                out.push(char::from(byte));
                rest = &rest[at + 3..];
            }
            None => {
                out.push('%');
                rest = &rest[at + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::canonical_path;

    #[test]
    fn canonical_paths_are_left_alone() {
        for path in [
            "/",
            "/settings",
            "/settings/",
            "/settings/api-keys",
            "/api/fn/login",
            "/pkg/keyward.wasm",
            "/a%2Fb",
            "/caf%C3%A9",
        ] {
            assert_eq!(canonical_path(path), None, "{path}");
        }
    }

    #[test]
    fn other_spellings_lead_to_the_canonical_one() {
        for (path, canonical) in [
            ("/./settings/api-keys", "/settings/api-keys"),
            ("//settings/api-keys", "/settings/api-keys"),
            ("/settings//api-keys", "/settings/api-keys"),
            ("/x/../settings", "/settings"),
            ("/../settings", "/settings"),
            ("/%73ettings/api-keys", "/settings/api-keys"),
            ("/%2e/settings", "/settings"),
            ("/%2E%2E/settings", "/settings"),
            ("/settings/.", "/settings/"),
            ("/.", "/"),
            ("//evil.example", "/evil.example"),
            ("/\\evil.example", "/%5Cevil.example"),
        ] {
            assert_eq!(canonical_path(path).as_deref(), Some(canonical), "{path}");
        }
    }
}
