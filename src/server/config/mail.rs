//! The mail settings: what an SMTP URL and a sender may be, and what mail needs besides.
use super::Config;

/// Mail carries links to this server and, for a reset, a way into an account: it needs the
/// address people reach the server at, and must not cross a network unencrypted.
pub(super) fn check_mail(config: &Config) -> Result<(), String> {
    let Some(url) = &config.smtp_url else {
        return Ok(());
    };
    if config.public_url.is_none() {
        return Err(
            "links in mail need server.public_url (KEYWARD_PUBLIC_URL), the address \
                    people reach this server at"
                .into(),
        );
    }
    if url.starts_with("smtp://") && !url.contains("tls=") && !names_this_host(url) {
        return Err(
            "plain smtp:// to another host sends reset links unencrypted: use \
                    smtps://, or add ?tls=required for STARTTLS"
                .into(),
        );
    }
    Ok(())
}

/// `smtps://` (TLS from the first byte), `smtp://…?tls=required` (STARTTLS), or plain
/// `smtp://` for a relay on the same host, as lettre reads them.
pub(super) fn check_smtp_url(url: &str) -> Result<(), String> {
    if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
        return Err("it must start with smtp:// or smtps://, such as smtp://127.0.0.1:2525".into());
    }
    lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(url)
        .map(|_| ())
        .map_err(|err| err.to_string())
}

/// Whether an `smtp://` URL's host is this machine (a local relay, where plain SMTP never
/// leaves the host).
fn names_this_host(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    let host_port = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next().unwrap_or_default()
    } else {
        host_port.split(':').next().unwrap_or_default()
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// A mailbox such as `Keyward <keys@example.com>` or `keys@example.com`.
pub(super) fn check_email_from(from: &str) -> Result<(), String> {
    from.parse::<lettre::message::Mailbox>()
        .map(|_| ())
        .map_err(|_| "it must be an address such as Keyward <keys@example.com>".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mail_needs_a_public_url_and_tls_beyond_this_host() {
        let mail = |smtp: &str, public: Option<&str>| {
            let config = Config {
                smtp_url: Some(smtp.into()),
                public_url: public.map(str::to_owned),
                ..Config::default()
            };
            check_mail(&config)
        };
        let public = Some("https://keys.example.com");
        assert!(mail("smtp://127.0.0.1:2525", None).is_err());
        assert!(mail("smtp://127.0.0.1:2525", public).is_ok());
        assert!(mail("smtp://user:pw@localhost:25", public).is_ok());
        assert!(mail("smtp://[::1]:25", public).is_ok());
        assert!(mail("smtp://mail.example.com:25", public).is_err());
        assert!(mail("smtp://u:p@mail.example.com:587?tls=required", public).is_ok());
        assert!(mail("smtps://u:p@mail.example.com:465", public).is_ok());
    }
}
