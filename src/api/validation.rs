//! Input rules shared by the server (authoritative) and the client (instant feedback), so
//! both sides say exactly the same thing.

pub const NAME_MAX_CHARS: usize = 100;
pub const PASSWORD_MIN_CHARS: usize = 12;
pub const PASSWORD_MAX_CHARS: usize = 128;
pub const EMAIL_MAX_CHARS: usize = 254;

pub const NAME_REQUIRED: &str = "Name is required";
pub const NAME_TOO_LONG: &str = "Name must be at most 100 characters";
pub const INVALID_EMAIL: &str = "Enter a valid email address";
pub const PASSWORD_TOO_SHORT: &str = "Password must be at least 12 characters";
pub const PASSWORD_TOO_LONG: &str = "Password must be at most 128 characters";

/// Trims a key name and checks its length in characters (not bytes).
pub fn validate_key_name(raw: &str) -> Result<String, &'static str> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(NAME_REQUIRED);
    }
    if name.chars().count() > NAME_MAX_CHARS {
        return Err(NAME_TOO_LONG);
    }
    Ok(name.to_owned())
}

/// Trims and lower-cases an email and checks it has a plausible `local@domain.tld` shape.
/// Deliverability is not our business; typos like a missing `@` or domain are.
pub fn normalize_email(raw: &str) -> Result<String, &'static str> {
    let email = raw.trim().to_lowercase();
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
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    if plausible {
        Ok(email)
    } else {
        Err(INVALID_EMAIL)
    }
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
    fn names_are_trimmed_and_counted_in_characters() {
        assert_eq!(validate_key_name("  Zapier ").unwrap(), "Zapier");
        assert_eq!(validate_key_name("   "), Err(NAME_REQUIRED));
        assert_eq!(validate_key_name(""), Err(NAME_REQUIRED));
        assert!(validate_key_name(&"é".repeat(100)).is_ok());
        assert!(validate_key_name(&"🔑".repeat(100)).is_ok());
        assert_eq!(validate_key_name(&"a".repeat(101)), Err(NAME_TOO_LONG));
    }

    #[test]
    fn emails_are_normalized_and_checked() {
        assert_eq!(
            normalize_email("  Bob@Example.COM ").unwrap(),
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
