//! Input rules shared by the server (authoritative) and the client (instant feedback), so
//! both sides say exactly the same thing.

pub const NAME_MAX_CHARS: usize = 100;
pub const PASSWORD_MIN_CHARS: usize = 12;
pub const PASSWORD_MAX_CHARS: usize = 128;
pub const EMAIL_MAX_CHARS: usize = 254;

pub const NAME_REQUIRED: &str = "Name is required";
pub const NAME_TOO_LONG: &str = "Name must be at most 100 characters";
pub const NAME_CONTROL_CHARS: &str =
    "Name cannot contain control characters such as line breaks or tabs";
pub const NAME_BIDI_CONTROLS: &str =
    "Name cannot contain text-direction control characters (U+202A–U+202E, U+2066–U+2069)";
pub const NAME_INVISIBLE: &str = "Name must contain at least one visible character";
pub const INVALID_EMAIL: &str = "Enter a valid email address";
pub const PASSWORD_TOO_SHORT: &str = "Password must be at least 12 characters";
pub const PASSWORD_TOO_LONG: &str = "Password must be at most 128 characters";

/// Checks a key name and returns it with invisible characters trimmed from both ends, which
/// is the form that is stored and compared for duplicates ("Zapier\u{200B}" is "Zapier").
/// Length is counted in characters, not bytes. Emoji (including ZWJ sequences such as
/// 👩‍💻), accents, CJK and Arabic pass unchanged.
pub fn validate_key_name(raw: &str) -> Result<String, &'static str> {
    if raw.chars().any(is_control) {
        return Err(NAME_CONTROL_CHARS);
    }
    if raw.chars().any(is_bidi_control) {
        return Err(NAME_BIDI_CONTROLS);
    }
    let name = trim_invisible(raw);
    if name.is_empty() {
        // Say why a name of zero-width spaces or Hangul fillers is refused: it looks filled in.
        return Err(if raw.trim().is_empty() {
            NAME_REQUIRED
        } else {
            NAME_INVISIBLE
        });
    }
    if name.chars().count() > NAME_MAX_CHARS {
        return Err(NAME_TOO_LONG);
    }
    Ok(name.to_owned())
}

/// A stored name made safe to put in a page, whatever it holds. Rows written before the
/// current rules may contain NUL (which the HTML parser drops, so the text node the WASM
/// expects is missing and hydration panics), line breaks or bidi overrides: each such
/// character becomes U+FFFD, and a name with nothing visible left reads "(unnamed key)".
pub fn display_name(stored: &str) -> String {
    let shown: String = stored
        .chars()
        .map(|c| {
            if is_control(c) || is_bidi_control(c) {
                char::REPLACEMENT_CHARACTER
            } else {
                c
            }
        })
        .collect();
    if shown.chars().all(is_invisible) {
        "(unnamed key)".to_owned()
    } else {
        shown
    }
}

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

/// Control characters (Unicode Cc) and the line and paragraph separators: they break lines
/// and tables, and NUL cannot even be stored in PostgreSQL text.
fn is_control(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

/// Bidirectional embeddings, overrides and isolates. They reorder the text around them, so
/// "abc\u{202E}gpj.exe" shows as "abcexe.jpg".
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Characters that draw nothing: white space, format characters (Unicode Cf), the Hangul
/// fillers, the braille blank, variation selectors, the combining grapheme joiner and tags.
/// Listed by hand rather than from a Unicode table so the rule costs the WASM a few bytes.
fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{061C}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{2800}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{FFF9}'..='\u{FFFB}'
                | '\u{1BCA0}'..='\u{1BCA3}'
                | '\u{1D173}'..='\u{1D17A}'
                | '\u{E0000}'..='\u{E0FFF}'
        )
}

/// Variation selectors and tag characters complete the emoji before them (❤️ is U+2764
/// U+FE0F; the flag of Scotland ends in tags), so they are kept at the end of a name.
fn completes_previous(c: char) -> bool {
    matches!(c, '\u{FE00}'..='\u{FE0F}' | '\u{E0020}'..='\u{E007F}' | '\u{E0100}'..='\u{E01EF}')
}

fn trim_invisible(raw: &str) -> &str {
    raw.trim_start_matches(is_invisible)
        .trim_end_matches(|c| is_invisible(c) && !completes_previous(c))
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
    fn names_with_control_or_bidi_characters_are_refused() {
        for bad in [
            "\u{0}",
            "a\u{0}b",
            "line\nbreak",
            "cr\r",
            "tab\there",
            "del\u{7F}",
            "c1\u{85}x",
            "sep\u{2028}x",
        ] {
            assert_eq!(validate_key_name(bad), Err(NAME_CONTROL_CHARS), "{bad:?}");
        }
        for bad in ["abc\u{202E}gpj.exe", "\u{202A}x", "x\u{2066}y", "x\u{2069}"] {
            assert_eq!(validate_key_name(bad), Err(NAME_BIDI_CONTROLS), "{bad:?}");
        }
    }

    #[test]
    fn names_need_a_visible_character() {
        for blank in [
            "\u{200B}",
            "\u{FEFF}",
            "\u{2060}",
            "\u{3164}",
            "\u{2800}",
            "\u{200B} \u{FEFF}",
            "\u{FE0F}",
            "\u{E0061}\u{E007F}",
            "\u{115F}\u{1160}\u{FFA0}",
            "\u{00AD}",
        ] {
            assert_eq!(validate_key_name(blank), Err(NAME_INVISIBLE), "{blank:?}");
        }
        assert_eq!(validate_key_name(" \u{3000} "), Err(NAME_REQUIRED));
    }

    #[test]
    fn invisible_ends_are_trimmed_so_lookalikes_collide() {
        assert_eq!(validate_key_name("Zapier\u{200B}").unwrap(), "Zapier");
        assert_eq!(
            validate_key_name("\u{FEFF}Zapier\u{2060}\u{200D}").unwrap(),
            "Zapier"
        );
        assert_eq!(
            validate_key_name("\u{3164}Zapier\u{2800}").unwrap(),
            "Zapier"
        );
    }

    #[test]
    fn what_people_really_type_is_kept() {
        for good in [
            "👩‍💻 laptop",
            "👩‍💻",
            "❤\u{FE0F}",
            "🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}",
            "Café Zürich",
            "東京の鍵",
            "مفتاح زابير",
            "کلید\u{200C}ها",
            "1\u{FE0F}\u{20E3}",
        ] {
            assert_eq!(validate_key_name(good).as_deref(), Ok(good), "{good:?}");
        }
    }

    #[test]
    fn stored_names_always_display_as_visible_text() {
        assert_eq!(display_name("\u{0}"), "\u{FFFD}");
        assert_eq!(display_name("a\r\nb"), "a\u{FFFD}\u{FFFD}b");
        assert_eq!(display_name("abc\u{202E}gpj.exe"), "abc\u{FFFD}gpj.exe");
        assert_eq!(display_name(""), "(unnamed key)");
        assert_eq!(display_name("\u{200B}\u{3164}"), "(unnamed key)");
        assert_eq!(display_name("👩‍💻 Zapier"), "👩‍💻 Zapier");
    }

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
