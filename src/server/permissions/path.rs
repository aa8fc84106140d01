//! The path a permission is judged on: the original request's path as the upstream will see
//! it, in one canonical spelling, or a refusal when no single spelling can be trusted.
//!
//! A rule such as `GET /orders/*` must not be escaped by spelling a path the upstream reads
//! differently from us: `/orders/../admin`, `/orders/%2e%2e/admin`, `/orders/..%2Fadmin`,
//! `//admin`, `/orders/..;/admin` (servlet containers drop the `;` part). So the path is
//! percent-decoded where that is safe (one pass), dot segments are resolved, empty segments
//! and the query are dropped; anything whose meaning differs between servers (an encoded `/`,
//! a backslash, a NUL, a dot segment with parameters, a second layer of encoding) is refused,
//! failing closed.

/// Why a path cannot be judged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AmbiguousPath;

/// The canonical segments of `raw` (a path, possibly with a query), or `AmbiguousPath`.
pub fn normalize(raw: &str) -> Result<Vec<String>, AmbiguousPath> {
    let path = raw.split(['?', '#']).next().unwrap_or_default();
    if !path.starts_with('/') || path.contains('\\') {
        return Err(AmbiguousPath);
    }
    let mut segments: Vec<String> = Vec::new();
    for raw_segment in path.split('/') {
        let segment = decode_segment(raw_segment)?;
        match segment.as_str() {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            other => {
                // `..;x` and `.;x` are dot segments to a servlet container.
                let before_params = other.split(';').next().unwrap_or_default();
                if before_params == "." || before_params == ".." {
                    return Err(AmbiguousPath);
                }
                segments.push(other.to_owned());
            }
        }
    }
    Ok(segments)
}

/// One segment, percent-decoded once. Refused: an encoded `/` or `\` (a separator to some
/// servers and not to others), NUL and other control characters, invalid UTF-8, and what
/// still looks encoded after decoding (a second layer another server may decode again).
fn decode_segment(raw: &str) -> Result<String, AmbiguousPath> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = raw.get(i + 1..i + 3).ok_or(AmbiguousPath)?;
            let byte = u8::from_str_radix(hex, 16).map_err(|_| AmbiguousPath)?;
            if matches!(byte, b'/' | b'\\') {
                return Err(AmbiguousPath);
            }
            out.push(byte);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    let text = String::from_utf8(out).map_err(|_| AmbiguousPath)?;
    if text.chars().any(char::is_control) || looks_encoded(&text) {
        return Err(AmbiguousPath);
    }
    Ok(text)
}

fn looks_encoded(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes
        .windows(3)
        .any(|w| w[0] == b'%' && w[1].is_ascii_hexdigit() && w[2].is_ascii_hexdigit())
}

/// The path written back from its segments, for messages: `/orders/42`.
pub fn display(segments: &[String]) -> String {
    format!("/{}", segments.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(raw: &str) -> Result<String, AmbiguousPath> {
        normalize(raw).map(|s| display(&s))
    }

    #[test]
    fn every_spelling_of_a_path_comes_out_as_one() {
        let cases: &[(&str, &str)] = &[
            ("/orders", "/orders"),
            ("/orders/", "/orders"),
            ("/orders?x=1", "/orders"),
            ("/orders/42?page=2#top", "/orders/42"),
            ("//orders", "/orders"),
            ("/orders//42", "/orders/42"),
            ("/./orders", "/orders"),
            ("/orders/.", "/orders"),
            ("/orders/../admin", "/admin"),
            ("/orders/42/../../admin", "/admin"),
            ("/../admin", "/admin"),
            ("/../../../admin", "/admin"),
            ("/orders/%2e%2e/admin", "/admin"),
            ("/orders/%2E%2E/admin", "/admin"),
            ("/orders/.%2e/admin", "/admin"),
            ("/orders/%2e./admin", "/admin"),
            ("/orders/%2e/42", "/orders/42"),
            ("/%6frders", "/orders"),
            ("/orders/%34%32", "/orders/42"),
            ("/caf%C3%A9", "/café"),
            ("/orders/a%20b", "/orders/a b"),
            ("/", "/"),
            ("/orders/42;v=1", "/orders/42;v=1"),
        ];
        for (raw, want) in cases {
            assert_eq!(n(raw).as_deref(), Ok(*want), "{raw:?}");
        }
    }

    #[test]
    fn spellings_servers_read_differently_are_refused() {
        for raw in [
            "/orders/..%2Fadmin",
            "/orders/..%2fadmin",
            "/orders/%2F..%2Fadmin",
            "/orders/..%5Cadmin",
            "/orders\\..\\admin",
            "/orders/..;/admin",
            "/orders/.;/admin",
            "/orders/%2e%2e;x/admin",
            "/orders/%252e%252e/admin",
            "/orders/%25%32%65",
            "/orders/%00",
            "/orders/a%0Ab",
            "/orders/%",
            "/orders/%zz",
            "/orders/%C3",
            "orders",
            "http://evil.example/orders",
            "*",
        ] {
            assert_eq!(n(raw), Err(AmbiguousPath), "{raw:?}");
        }
    }
}
