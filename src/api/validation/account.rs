//! The rules for accounts: emails, passwords, and where a sign-in may send the browser.
use super::chars::{is_bidi_control, is_control, is_invisible, trim_invisible};

pub const PASSWORD_MIN_CHARS: usize = 12;
pub const PASSWORD_MAX_CHARS: usize = 128;
pub const EMAIL_MAX_CHARS: usize = 254;

pub const INVALID_EMAIL: &str = "Enter a valid email address";
pub const PASSWORD_TOO_SHORT: &str = "Password must be at least 12 characters";
pub const PASSWORD_TOO_LONG: &str = "Password must be at most 128 characters";

/// Checks that an email has a plausible `local@domain.tld` shape. Deliverability is not our
/// business; typos like a missing `@` or domain are, and so are invisible or
/// direction-changing characters, which would let two accounts look alike. The browser runs
/// this for instant feedback; the server runs it inside `normalize_email`.
pub fn check_email(raw: &str) -> Result<(), &'static str> {
    let email = trim_invisible(raw);
    if email.chars().count() > EMAIL_MAX_CHARS {
        return Err(INVALID_EMAIL);
    }
    let Some((local, domain)) = email.split_once('@') else {
        return Err(INVALID_EMAIL);
    };
    let plausible = !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && !email
            .chars()
            .any(|c| is_invisible(c) || is_control(c) || is_bidi_control(c));
    if plausible {
        Ok(())
    } else {
        Err(INVALID_EMAIL)
    }
}

/// Checks an email (`check_email`) and returns the form that is stored and compared: trimmed
/// and lower-cased. (Lower-casing needs Unicode's case tables, which the browser never needs.)
pub fn normalize_email(raw: &str) -> Result<String, &'static str> {
    check_email(raw)?;
    Ok(trim_invisible(raw).to_lowercase())
}

/// Length rules for a new password, counted in characters.
pub fn validate_new_password(password: &str) -> Result<(), &'static str> {
    let len = password.chars().count();
    if len < PASSWORD_MIN_CHARS {
        Err(PASSWORD_TOO_SHORT)
    } else if len > PASSWORD_MAX_CHARS {
        Err(PASSWORD_TOO_LONG)
    } else {
        Ok(())
    }
}

/// A `callbackUrl` is honoured only when it is a path on this site: it must start with a
/// single `/` (not `//` or `/\`, which browsers treat as another host).
pub fn safe_callback(raw: Option<&str>) -> String {
    const DEFAULT: &str = "/settings/api-keys";
    match raw {
        Some(url)
            if url.starts_with('/')
                && !url.starts_with("//")
                && !url.starts_with("/\\")
                && !url.chars().any(|c| c.is_control()) =>
        {
            url.to_owned()
        }
        _ => DEFAULT.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalized_and_checked() {
        assert_eq!(
            normalize_email("  Bob@Example.COM ").unwrap(),
            "bob@example.com"
        );
        assert_eq!(
            normalize_email("\u{200B}bob@example.com\u{FEFF}").unwrap(),
            "bob@example.com"
        );
        for bad in [
            "",
            "bob",
            "bob@",
            "@example.com",
            "bob@example",
            "a b@example.com",
            "a@b@c.d",
            "bob@.com",
            "bob@example..com",
            "bob\u{202E}@example.com",
            "bo\u{200B}b@example.com",
            "bob@exa\u{FEFF}mple.com",
            "bob\u{0}@example.com",
        ] {
            assert_eq!(normalize_email(bad), Err(INVALID_EMAIL), "{bad}");
        }
    }

    #[test]
    fn password_length_bounds() {
        assert_eq!(
            validate_new_password(&"x".repeat(11)),
            Err(PASSWORD_TOO_SHORT)
        );
        assert!(validate_new_password(&"x".repeat(12)).is_ok());
        assert!(validate_new_password(&"x".repeat(128)).is_ok());
        assert_eq!(
            validate_new_password(&"x".repeat(129)),
            Err(PASSWORD_TOO_LONG)
        );
    }

    #[test]
    fn callback_urls_stay_on_site() {
        assert_eq!(safe_callback(Some("/settings")), "/settings");
        assert_eq!(safe_callback(Some("//evil.example")), "/settings/api-keys");
        assert_eq!(safe_callback(Some("/\\evil.example")), "/settings/api-keys");
        assert_eq!(
            safe_callback(Some("https://evil.example")),
            "/settings/api-keys"
        );
        assert_eq!(safe_callback(None), "/settings/api-keys");
    }
}
