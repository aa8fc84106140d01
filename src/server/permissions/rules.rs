//! A permission rule, `METHOD /path`: the method is a name or `*`; the path is exact, or ends
//! in `/*` (one more segment) or `/**` (one or more). A rule is checked when the configuration
//! is read, so a mistake stops start-up with the rule named.
use super::path::normalize;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    /// `None`: any method.
    method: Option<String>,
    prefix: Vec<String>,
    tail: Tail,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tail {
    Exact,
    OneSegment,
    AnyDepth,
}

impl Rule {
    pub fn parse(text: &str) -> Result<Rule, String> {
        let invalid = |why: &str| format!("{text:?}: {why}");
        let (method, path) = text
            .trim()
            .split_once(' ')
            .ok_or_else(|| invalid("write a method and a path, such as \"GET /orders/*\""))?;
        let method = match method {
            "*" => None,
            m if !m.is_empty() && m.bytes().all(|b| b.is_ascii_alphabetic()) => {
                Some(m.to_ascii_uppercase())
            }
            _ => return Err(invalid("the method must be a name such as GET, or *")),
        };
        let path = path.trim();
        if !path.starts_with('/') || path.contains(['?', '#', ' ']) {
            return Err(invalid("the path must start with / and hold no query"));
        }
        let (base, tail) = if let Some(base) = path.strip_suffix("/**") {
            (base, Tail::AnyDepth)
        } else if let Some(base) = path.strip_suffix("/*") {
            (base, Tail::OneSegment)
        } else {
            (path, Tail::Exact)
        };
        if base.contains('*') {
            return Err(invalid(
                "* may only stand as the last segment, as /* or /**",
            ));
        }
        let base = if base.is_empty() { "/" } else { base };
        let prefix = normalize(base).map_err(|_| invalid("the path is not a plain path"))?;
        // Compared with the text as written, so `//orders` or `/orders/./x` is refused rather
        // than quietly read as something else (one trailing slash is insignificant).
        let written = match base.strip_suffix('/') {
            Some(stripped) if !stripped.is_empty() => stripped,
            _ => base,
        };
        if format!("/{}", prefix.join("/")) != written {
            return Err(invalid(
                "the path must be written plainly: no //, . or .. segments, no encoding",
            ));
        }
        Ok(Rule {
            method,
            prefix,
            tail,
        })
    }

    /// Whether this rule allows `method` on the path with these (normalised) segments.
    pub fn allows(&self, method: &str, segments: &[String]) -> bool {
        if self.method.as_deref().is_some_and(|m| m != method) {
            return false;
        }
        let n = self.prefix.len();
        let prefix_matches = segments.len() >= n && segments[..n] == self.prefix[..];
        match self.tail {
            Tail::Exact => segments.len() == n && prefix_matches,
            Tail::OneSegment => segments.len() == n + 1 && prefix_matches,
            Tail::AnyDepth => segments.len() > n && prefix_matches,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segments(path: &str) -> Vec<String> {
        normalize(path).unwrap()
    }

    #[test]
    fn rules_match_what_they_say() {
        let exact = Rule::parse("GET /orders").unwrap();
        assert!(exact.allows("GET", &segments("/orders")));
        assert!(exact.allows("GET", &segments("/orders/")));
        assert!(!exact.allows("GET", &segments("/orders/1")));
        assert!(!exact.allows("POST", &segments("/orders")));
        let one = Rule::parse("PUT /orders/*").unwrap();
        assert!(one.allows("PUT", &segments("/orders/42")));
        assert!(!one.allows("PUT", &segments("/orders")));
        assert!(!one.allows("PUT", &segments("/orders/42/lines")));
        let deep = Rule::parse("* /orders/**").unwrap();
        assert!(deep.allows("DELETE", &segments("/orders/42/lines/7")));
        assert!(!deep.allows("GET", &segments("/orders")));
        assert!(!deep.allows("GET", &segments("/ordersx/1")));
        let everything = Rule::parse("get /**").unwrap();
        assert!(everything.allows("GET", &segments("/a/b")));
        assert!(!everything.allows("GET", &segments("/")));
        assert!(Rule::parse("GET /").unwrap().allows("GET", &segments("/")));
    }

    #[test]
    fn bad_rules_are_refused_with_the_reason() {
        for bad in [
            "GET",
            "/orders",
            "GET orders",
            "G3T /orders",
            "GET /orders/*/lines",
            "GET /or*ders",
            "GET /orders?x=1",
            "GET /orders/../admin",
            "GET //orders",
            "GET /orders/%2e",
            "GET /orders/***",
        ] {
            assert!(Rule::parse(bad).is_err(), "{bad:?}");
        }
    }
}
