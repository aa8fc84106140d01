//! Who made a request, as the security log and the session list record it: the client's
//! address (through the trusted proxies, `forwarded`) and its user agent.
use axum::http::{header, Extensions, HeaderMap};

use super::config::Config;
use super::forwarded::{client_addr, ClientAddr};

/// The longest user agent kept; browsers send 100–300 characters, anything longer is noise.
const USER_AGENT_MAX_CHARS: usize = 300;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Actor {
    pub client: Option<ClientAddr>,
    pub user_agent: Option<String>,
}

impl Actor {
    pub fn from_request(config: &Config, headers: &HeaderMap, extensions: &Extensions) -> Actor {
        Actor {
            client: Some(client_addr(config, headers, extensions)),
            user_agent: headers
                .get(header::USER_AGENT)
                .and_then(|value| value.to_str().ok())
                .and_then(clean_user_agent),
        }
    }

    /// Something the server did by itself, not a request.
    pub fn server() -> Actor {
        Actor::default()
    }

    /// The address as stored: the client's IP, or none when unknown.
    pub fn ip(&self) -> Option<String> {
        self.client
            .as_ref()
            .and_then(ClientAddr::ip)
            .map(|ip| ip.to_string())
    }

    /// What a throttle counts this actor under.
    pub fn throttle_bucket(&self) -> String {
        self.client.as_ref().map_or_else(
            || ClientAddr::Unknown.throttle_bucket(),
            ClientAddr::throttle_bucket,
        )
    }
}

/// A user agent as shown back to its owner: printable characters only (it is the requester's
/// own text, but a log must never carry terminal escapes), at most `USER_AGENT_MAX_CHARS`.
fn clean_user_agent(raw: &str) -> Option<String> {
    let cleaned: String = raw
        .chars()
        .filter(|c| !c.is_control())
        .take(USER_AGENT_MAX_CHARS)
        .collect();
    let cleaned = cleaned.trim();
    (!cleaned.is_empty()).then(|| cleaned.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_agents_are_printable_and_bounded() {
        assert_eq!(
            clean_user_agent("  Mozilla/5.0\u{1b}[31m x "),
            Some("Mozilla/5.0[31m x".into())
        );
        assert_eq!(clean_user_agent("\u{7}"), None);
        assert_eq!(
            clean_user_agent(&"a".repeat(1000)).map(|s| s.len()),
            Some(300)
        );
    }
}
