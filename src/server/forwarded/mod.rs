//! What Keyward learns from the proxy in front of it: the client's address and the scheme the
//! page was served over. A header is believed only when the connection comes from a trusted
//! proxy (`server.trusted_proxies`, or every peer with `server.trust_forwarded_for`); anyone
//! else could write whatever they like into it.
use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::http::{Extensions, HeaderMap};

use super::config::Config;
use crate::api::net::{canonical_ip, IpNet};

mod original_request;

pub use original_request::forwarded_request;

/// The client as far as Keyward can tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientAddr {
    Known(IpAddr),
    /// No peer address (in-process tests): every such request shares one bucket.
    Unknown,
}

impl ClientAddr {
    /// What a throttle counts under: the address, or for IPv6 the /64 it is in. A host is
    /// usually given a whole /64, so counting single IPv6 addresses would let anyone take a
    /// fresh bucket per request.
    pub fn throttle_bucket(&self) -> String {
        match self {
            ClientAddr::Known(ip @ IpAddr::V4(_)) => ip.to_string(),
            ClientAddr::Known(ip @ IpAddr::V6(_)) => IpNet::around(*ip, 64).to_string(),
            ClientAddr::Unknown => "unknown".to_owned(),
        }
    }

    pub fn ip(&self) -> Option<IpAddr> {
        match self {
            ClientAddr::Known(ip) => Some(*ip),
            ClientAddr::Unknown => None,
        }
    }
}

impl std::fmt::Display for ClientAddr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ClientAddr::Known(ip) => write!(f, "{ip}"),
            ClientAddr::Unknown => f.write_str("unknown"),
        }
    }
}

/// The address of the connection's other end, normalised (an IPv4-mapped IPv6 peer is its
/// IPv4 address).
pub fn peer_ip(extensions: &Extensions) -> Option<IpAddr> {
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| canonical_ip(addr.ip()))
}

/// Whether `peer` is a proxy whose forwarded headers are believed.
pub fn is_trusted_proxy(config: &Config, peer: Option<IpAddr>) -> bool {
    peer.is_some_and(|peer| {
        config.trust_forwarded_for || config.trusted_proxies.iter().any(|net| net.contains(peer))
    })
}

/// The client's address: the peer's, or, when the peer is a trusted proxy, the address that
/// proxy appended to `X-Forwarded-For`, walking further left only through other trusted
/// proxies. Every `X-Forwarded-For` line counts as one list (a client can send a line of its
/// own, which comes first), and an entry that is not an IP address stops the walk: it was
/// written by someone untrusted.
pub fn client_addr(config: &Config, headers: &HeaderMap, extensions: &Extensions) -> ClientAddr {
    let peer = peer_ip(extensions);
    let Some(mut client) = peer else {
        return ClientAddr::Unknown;
    };
    if !is_trusted_proxy(config, peer) {
        return ClientAddr::Known(client);
    }
    let entries: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|line| line.to_str().ok())
        .flat_map(|line| line.split(','))
        .collect();
    for entry in entries.iter().rev() {
        let Some(hop) = parse_hop(entry) else {
            break;
        };
        client = hop;
        if !config.trusted_proxies.iter().any(|net| net.contains(hop)) {
            break;
        }
    }
    ClientAddr::Known(client)
}

/// One `X-Forwarded-For` entry: an address, possibly with a port (`203.0.113.7:4711`,
/// `[2001:db8::1]:443`).
fn parse_hop(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    if let Ok(ip) = entry.parse::<IpAddr>() {
        return Some(canonical_ip(ip));
    }
    entry
        .parse::<SocketAddr>()
        .ok()
        .map(|addr| canonical_ip(addr.ip()))
}

/// The scheme this site is served over: what a trusted proxy says in `X-Forwarded-Proto`,
/// else https exactly when cookies are `Secure` (the setting for running behind TLS).
pub fn own_scheme(config: &Config, headers: &HeaderMap, extensions: &Extensions) -> &'static str {
    let forwarded = is_trusted_proxy(config, peer_ip(extensions))
        .then(|| headers.get_all("x-forwarded-proto").iter().next_back())
        .flatten()
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(',').next().unwrap_or_default().trim());
    match forwarded {
        Some(p) if p.eq_ignore_ascii_case("https") => "https",
        Some(p) if p.eq_ignore_ascii_case("http") => "http",
        _ if config.secure_cookies => "https",
        _ => "http",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn from_peer(peer: &str) -> Extensions {
        let mut extensions = Extensions::new();
        extensions.insert(ConnectInfo(SocketAddr::new(peer.parse().unwrap(), 4711)));
        extensions
    }

    fn xff(lines: &[&'static str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for line in lines {
            headers.append("x-forwarded-for", HeaderValue::from_static(line));
        }
        headers
    }

    fn trusting(every_peer: bool, proxies: &[&str]) -> Config {
        Config {
            trust_forwarded_for: every_peer,
            trusted_proxies: proxies.iter().map(|p| p.parse().unwrap()).collect(),
            ..Config::default()
        }
    }

    fn addr(s: &str) -> ClientAddr {
        ClientAddr::Known(s.parse().unwrap())
    }

    #[test]
    fn the_proxy_appended_hop_wins_over_what_the_client_wrote() {
        let headers = xff(&["6.6.6.6, 203.0.113.7"]);
        let proxy = from_peer("127.0.0.1");
        assert_eq!(
            client_addr(&trusting(true, &[]), &headers, &proxy),
            addr("203.0.113.7")
        );
        assert_eq!(
            client_addr(&trusting(false, &["127.0.0.1/32"]), &headers, &proxy),
            addr("203.0.113.7")
        );
        // Untrusted peer: its header means nothing.
        assert_eq!(
            client_addr(&trusting(false, &[]), &headers, &proxy),
            addr("127.0.0.1")
        );
        assert_eq!(
            client_addr(&trusting(false, &["10.0.0.0/8"]), &headers, &proxy),
            addr("127.0.0.1")
        );
        assert_eq!(
            client_addr(&trusting(true, &[]), &headers, &Extensions::new()),
            ClientAddr::Unknown
        );
    }

    #[test]
    fn a_second_header_line_from_the_client_cannot_win() {
        // The client's own line arrives first; the proxy appends its line after it.
        let headers = xff(&["6.6.6.6", "203.0.113.7"]);
        assert_eq!(
            client_addr(&trusting(true, &[]), &headers, &from_peer("127.0.0.1")),
            addr("203.0.113.7")
        );
    }

    #[test]
    fn the_walk_goes_left_only_through_trusted_proxies() {
        let headers = xff(&["6.6.6.6, 203.0.113.7, 10.0.0.2"]);
        let config = trusting(false, &["127.0.0.1/32", "10.0.0.0/8"]);
        assert_eq!(
            client_addr(&config, &headers, &from_peer("127.0.0.1")),
            addr("203.0.113.7")
        );
    }

    #[test]
    fn entries_that_are_not_addresses_are_never_used() {
        for line in ["<img src=x onerror=alert(1)>", "unknown", "", "1.2.3.4.5"] {
            let mut headers = HeaderMap::new();
            headers.insert("x-forwarded-for", HeaderValue::from_str(line).unwrap());
            assert_eq!(
                client_addr(&trusting(true, &[]), &headers, &from_peer("127.0.0.1")),
                addr("127.0.0.1"),
                "{line:?}"
            );
        }
        let headers = xff(&["[2001:DB8::1]:443"]);
        assert_eq!(
            client_addr(&trusting(true, &[]), &headers, &from_peer("127.0.0.1")),
            addr("2001:db8::1")
        );
        let headers = xff(&["::ffff:198.51.100.7"]);
        assert_eq!(
            client_addr(&trusting(true, &[]), &headers, &from_peer("::1")),
            addr("198.51.100.7")
        );
    }

    #[test]
    fn throttles_count_ipv6_clients_by_their_64() {
        assert_eq!(addr("2001:DB8::1").throttle_bucket(), "2001:db8::/64");
        assert_eq!(
            addr("2001:db8::1").throttle_bucket(),
            addr("2001:db8::ffff:1").throttle_bucket()
        );
        assert_ne!(
            addr("2001:db8::1").throttle_bucket(),
            addr("2001:db8:0:1::1").throttle_bucket()
        );
        assert_eq!(addr("203.0.113.7").throttle_bucket(), "203.0.113.7");
        assert_eq!(ClientAddr::Unknown.throttle_bucket(), "unknown");
    }

    #[test]
    fn the_scheme_comes_from_a_trusted_proxy_or_the_secure_cookie_setting() {
        let mut proxied = HeaderMap::new();
        proxied.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        let peer = from_peer("127.0.0.1");
        assert_eq!(own_scheme(&Config::default(), &proxied, &peer), "http");
        assert_eq!(own_scheme(&trusting(true, &[]), &proxied, &peer), "https");
        assert_eq!(
            own_scheme(&trusting(false, &["127.0.0.0/8"]), &proxied, &peer),
            "https"
        );
        assert_eq!(
            own_scheme(&trusting(false, &["10.0.0.0/8"]), &proxied, &peer),
            "http"
        );
        let tls = Config {
            secure_cookies: true,
            ..Config::default()
        };
        assert_eq!(own_scheme(&tls, &HeaderMap::new(), &peer), "https");
    }
}
