//! The request a forward-auth proxy asks about, as the proxy names it.
use axum::http::{Extensions, HeaderMap};

use super::{is_trusted_proxy, peer_ip};
use crate::server::config::Config;
use crate::server::permissions::{ForwardedRequest, OriginalRequest};

/// The request a forward-auth proxy asks about. nginx names it in `X-Original-Method` and
/// `X-Original-URI`, Traefik and Caddy in `X-Forwarded-Method` and `X-Forwarded-Uri`; either
/// is believed only from a trusted proxy. Two sets that disagree, or one header twice with
/// different values, are `Conflicting`: a client may have added its own to choose what is
/// judged (the shipped proxy configurations clear the other proxies' set).
pub fn forwarded_request(
    config: &Config,
    headers: &HeaderMap,
    extensions: &Extensions,
) -> ForwardedRequest {
    if !is_trusted_proxy(config, peer_ip(extensions)) {
        return ForwardedRequest::Missing;
    }
    let one = |name: &str| -> Result<Option<String>, ()> {
        let mut values = headers
            .get_all(name)
            .iter()
            .map(|v| v.to_str().map(str::trim));
        let first = match values.next() {
            None => return Ok(None),
            Some(Ok(v)) if !v.is_empty() => v.to_owned(),
            Some(_) => return Err(()),
        };
        if values.any(|v| v.ok() != Some(first.as_str())) {
            return Err(());
        }
        Ok(Some(first))
    };
    let sets = [
        ("X-Original-Method", "X-Original-URI"),
        ("X-Forwarded-Method", "X-Forwarded-Uri"),
    ];
    let mut named: Option<OriginalRequest> = None;
    for (method_header, uri_header) in sets {
        let (Ok(method), Ok(uri)) = (one(method_header), one(uri_header)) else {
            return ForwardedRequest::Conflicting;
        };
        let request = match (method, uri) {
            (None, None) => continue,
            (Some(method), Some(uri)) => OriginalRequest { method, uri },
            (Some(_), None) => {
                return ForwardedRequest::Incomplete(if method_header == "X-Original-Method" {
                    "X-Original-Method without X-Original-URI"
                } else {
                    "X-Forwarded-Method without X-Forwarded-Uri"
                })
            }
            (None, Some(_)) => {
                return ForwardedRequest::Incomplete(if uri_header == "X-Original-URI" {
                    "X-Original-URI without X-Original-Method"
                } else {
                    "X-Forwarded-Uri without X-Forwarded-Method"
                })
            }
        };
        match &named {
            None => named = Some(request),
            Some(earlier)
                if earlier.method.eq_ignore_ascii_case(&request.method)
                    && earlier.uri == request.uri => {}
            Some(_) => return ForwardedRequest::Conflicting,
        }
    }
    named.map_or(ForwardedRequest::Missing, ForwardedRequest::Named)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::extract::ConnectInfo;
    use axum::http::HeaderValue;
    use std::net::SocketAddr;

    fn from_peer(peer: &str) -> Extensions {
        let mut extensions = Extensions::new();
        extensions.insert(ConnectInfo(SocketAddr::new(peer.parse().unwrap(), 4711)));
        extensions
    }

    fn trusting(every_peer: bool, proxies: &[&str]) -> Config {
        Config {
            trust_forwarded_for: every_peer,
            trusted_proxies: proxies.iter().map(|p| p.parse().unwrap()).collect(),
            ..Config::default()
        }
    }

    #[test]
    fn the_original_request_comes_from_a_trusted_proxy_only() {
        let trusted = trusting(false, &["127.0.0.1/32"]);
        let proxy = from_peer("127.0.0.1");
        let with = |pairs: &[(&'static str, &'static str)]| {
            let mut headers = HeaderMap::new();
            for (name, value) in pairs {
                headers.append(*name, HeaderValue::from_static(value));
            }
            headers
        };
        let named = |method: &str, uri: &str| {
            ForwardedRequest::Named(OriginalRequest {
                method: method.into(),
                uri: uri.into(),
            })
        };
        let nginx = with(&[
            ("x-original-method", "POST"),
            ("x-original-uri", "/orders?x=1"),
        ]);
        assert_eq!(
            forwarded_request(&trusted, &nginx, &proxy),
            named("POST", "/orders?x=1")
        );
        let traefik = with(&[
            ("x-forwarded-method", "GET"),
            ("x-forwarded-uri", "/orders"),
        ]);
        assert_eq!(
            forwarded_request(&trusted, &traefik, &proxy),
            named("GET", "/orders")
        );
        // Not from a trusted proxy: not believed.
        assert_eq!(
            forwarded_request(&trusted, &nginx, &from_peer("203.0.113.9")),
            ForwardedRequest::Missing
        );
        assert_eq!(
            forwarded_request(&trusted, &HeaderMap::new(), &proxy),
            ForwardedRequest::Missing
        );
        // Both sets, saying the same: fine; saying different things: refused.
        let agree = with(&[
            ("x-original-method", "GET"),
            ("x-original-uri", "/orders"),
            ("x-forwarded-method", "get"),
            ("x-forwarded-uri", "/orders"),
        ]);
        assert_eq!(
            forwarded_request(&trusted, &agree, &proxy),
            named("GET", "/orders")
        );
        let disagree = with(&[
            ("x-original-method", "DELETE"),
            ("x-original-uri", "/orders/1"),
            ("x-forwarded-method", "GET"),
            ("x-forwarded-uri", "/orders"),
        ]);
        assert_eq!(
            forwarded_request(&trusted, &disagree, &proxy),
            ForwardedRequest::Conflicting
        );
        let twice = with(&[
            ("x-original-method", "GET"),
            ("x-original-method", "DELETE"),
            ("x-original-uri", "/orders"),
        ]);
        assert_eq!(
            forwarded_request(&trusted, &twice, &proxy),
            ForwardedRequest::Conflicting
        );
        let half = with(&[("x-original-method", "GET")]);
        assert!(matches!(
            forwarded_request(&trusted, &half, &proxy),
            ForwardedRequest::Incomplete(_)
        ));
    }
}
