//! IP networks in CIDR notation (`203.0.113.0/24`, `2001:db8::/32`), for trusted proxies and a
//! key's allowed addresses. Shared with the browser, which checks an allowlist as it is typed
//! with the same rule the server applies.
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct IpNet {
    addr: IpAddr,
    prefix: u8,
}

/// Why a network does not parse, in words a person can act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidNet(pub String);

impl fmt::Display for InvalidNet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`) is the IPv4 address it carries: a dual-stack
/// listener reports IPv4 clients that way.
pub fn canonical_ip(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    }
}

impl IpNet {
    /// The network of exactly one address.
    pub fn host(ip: IpAddr) -> IpNet {
        let ip = canonical_ip(ip);
        IpNet {
            addr: ip,
            prefix: max_prefix(ip),
        }
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, canonical_ip(ip)) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                mask_v4(u32::from(ip), self.prefix) == u32::from(net)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                mask_v6(u128::from(ip), self.prefix) == u128::from(net)
            }
            _ => false,
        }
    }

    /// The `/prefix` network around `ip` (host bits cleared).
    pub fn around(ip: IpAddr, prefix: u8) -> IpNet {
        match canonical_ip(ip) {
            IpAddr::V4(v4) => {
                let prefix = prefix.min(32);
                IpNet {
                    addr: IpAddr::V4(Ipv4Addr::from(mask_v4(u32::from(v4), prefix))),
                    prefix,
                }
            }
            IpAddr::V6(v6) => {
                let prefix = prefix.min(128);
                IpNet {
                    addr: IpAddr::V6(Ipv6Addr::from(mask_v6(u128::from(v6), prefix))),
                    prefix,
                }
            }
        }
    }
}

fn max_prefix(ip: IpAddr) -> u8 {
    if ip.is_ipv4() {
        32
    } else {
        128
    }
}

fn mask_v4(bits: u32, prefix: u8) -> u32 {
    if prefix == 0 {
        0
    } else {
        bits & (u32::MAX << (32 - u32::from(prefix)))
    }
}

fn mask_v6(bits: u128, prefix: u8) -> u128 {
    if prefix == 0 {
        0
    } else {
        bits & (u128::MAX << (128 - u32::from(prefix)))
    }
}

impl FromStr for IpNet {
    type Err = InvalidNet;

    /// `address` or `address/prefix`. Host bits must be clear (`203.0.113.7/24` is refused
    /// with the network it probably means), so what is stored is what is matched.
    fn from_str(text: &str) -> Result<IpNet, InvalidNet> {
        let text = text.trim();
        let invalid = || {
            InvalidNet(format!(
                "{text:?} is not an IP address or network such as 203.0.113.0/24 or 2001:db8::/32"
            ))
        };
        let (addr, prefix) = match text.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (text, None),
        };
        let addr: IpAddr = addr.parse().map_err(|_| invalid())?;
        // A mapped address with a prefix would be counted in IPv6 bits; say it in IPv4.
        if let (IpAddr::V6(v6), Some(_)) = (addr, prefix) {
            if v6.to_ipv4_mapped().is_some() {
                return Err(InvalidNet(format!(
                    "{text:?}: write IPv4 networks in IPv4 notation, such as 192.0.2.0/24"
                )));
            }
        }
        let addr = canonical_ip(addr);
        let max = max_prefix(addr);
        let prefix = match prefix {
            None => max,
            Some(p) if !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()) => {
                p.parse::<u8>().ok().filter(|p| *p <= max).ok_or_else(|| {
                    InvalidNet(format!("{text:?}: the prefix length must be 0 to {max}"))
                })?
            }
            Some(_) => return Err(invalid()),
        };
        let net = IpNet::around(addr, prefix);
        if net.addr != addr {
            return Err(InvalidNet(format!(
                "{text:?} has bits set after the prefix; did you mean {net}?"
            )));
        }
        Ok(net)
    }
}

impl fmt::Display for IpNet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn networks_parse_and_match() {
        let net: IpNet = "203.0.113.0/24".parse().unwrap();
        assert!(net.contains(ip("203.0.113.7")));
        assert!(
            net.contains(ip("::ffff:203.0.113.7")),
            "mapped IPv4 matches its IPv4 form"
        );
        assert!(!net.contains(ip("203.0.114.1")));
        let v6: IpNet = "2001:DB8::/32".parse().unwrap();
        assert_eq!(v6.to_string(), "2001:db8::/32");
        assert!(v6.contains(ip("2001:db8:1::1")));
        assert!(!v6.contains(ip("2001:db9::1")));
        assert!(!v6.contains(ip("203.0.113.7")));
        let one: IpNet = "198.51.100.7".parse().unwrap();
        assert_eq!(one.to_string(), "198.51.100.7/32");
        assert!(one.contains(ip("198.51.100.7")));
        assert!(!one.contains(ip("198.51.100.8")));
        let all: IpNet = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains(ip("8.8.8.8")));
        assert_eq!(
            "::ffff:192.0.2.1".parse::<IpNet>().unwrap().to_string(),
            "192.0.2.1/32"
        );
    }

    #[test]
    fn bad_networks_say_why() {
        for bad in [
            "",
            "nope",
            "1.2.3",
            "1.2.3.4/33",
            "1.2.3.4/",
            "1.2.3.4/-1",
            "::1/129",
            "1.2.3.4/2x",
            "::ffff:1.2.3.0/120",
        ] {
            assert!(bad.parse::<IpNet>().is_err(), "{bad:?}");
        }
        assert_eq!(
            "203.0.113.7/24".parse::<IpNet>().unwrap_err().0,
            "\"203.0.113.7/24\" has bits set after the prefix; did you mean 203.0.113.0/24?"
        );
    }

    #[test]
    fn a_network_around_an_address() {
        assert_eq!(
            IpNet::around(ip("2001:db8::1:2:3:4"), 64).to_string(),
            "2001:db8::/64"
        );
        assert_eq!(
            IpNet::around(ip("2001:DB8::1"), 64),
            IpNet::around(ip("2001:db8::ffff"), 64)
        );
        assert_eq!(
            IpNet::around(ip("::ffff:10.1.2.3"), 64).to_string(),
            "10.1.2.3/32"
        );
    }
}
