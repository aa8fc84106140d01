//! The client's IP address, for throttling and a key's recent clients.
use std::net::SocketAddr;

use axum::extract::ConnectInfo;
use axum::http::{Extensions, HeaderMap};

/// The peer address, or, when configured to trust a proxy, the last `X-Forwarded-For` hop:
/// the address that proxy saw. Earlier hops are whatever the client wrote into the header
/// before the proxy appended to it, so they are never used. Without either (in-process
/// tests) all requests share one bucket.
pub fn client_ip(
    headers: &HeaderMap,
    extensions: &Extensions,
    trust_forwarded_for: bool,
) -> String {
    if trust_forwarded_for {
        let forwarded = headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .map(str::trim)
            .filter(|v| !v.is_empty());
        if let Some(ip) = forwarded {
            return ip.chars().take(64).collect();
        }
    }
    extensions.get::<ConnectInfo<SocketAddr>>().map_or_else(
        || "unknown".to_owned(),
        |ConnectInfo(addr)| addr.ip().to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_proxy_appended_hop_wins_over_what_the_client_wrote() {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", "6.6.6.6, 203.0.113.7".parse().unwrap());
        let none = Extensions::new();
        assert_eq!(client_ip(&headers, &none, true), "203.0.113.7");
        assert_eq!(client_ip(&headers, &none, false), "unknown");
    }
}
