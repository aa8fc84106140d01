//! The rule for key names: what a name may contain, the form that is stored and compared,
//! and how a stored name is shown.
use super::chars::{
    format_char_belongs, is_bidi_control, is_control, is_format, is_invisible, trim_invisible,
    visible_text,
};

pub const NAME_MAX_CHARS: usize = 100;

pub const NAME_REQUIRED: &str = "Name is required";
pub const NAME_TOO_LONG: &str = "Name must be at most 100 characters";
pub const NAME_CONTROL_CHARS: &str =
    "Name cannot contain control characters such as line breaks or tabs";
pub const NAME_BIDI_CONTROLS: &str =
    "Name cannot contain text-direction control characters (U+202A–U+202E, U+2066–U+2069)";
pub const NAME_INVISIBLE: &str = "Name must contain at least one visible character";
pub const NAME_FORMAT_CHARS: &str =
    "Name cannot contain invisible characters such as zero-width spaces or direction marks between its letters";

/// Checks a key name and returns it with invisible characters trimmed from both ends, which
/// is the form that is stored and compared for duplicates ("Zapier\u{200B}" is "Zapier").
/// Inside the name, no invisible format character may hide a difference (`Zap\u{200B}ier`
/// beside `Zapier`): only the joiners that spell something are kept, that is, ZWJ between
/// emoji (👩‍💻) and ZWJ/ZWNJ between letters of joining scripts (Persian "کلید\u{200C}ها").
/// Length is counted in characters, not bytes. Accents, CJK and Arabic pass unchanged.
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
    let chars: Vec<char> = name.chars().collect();
    if (0..chars.len()).any(|i| is_format(chars[i]) && !format_char_belongs(&chars, i)) {
        return Err(NAME_FORMAT_CHARS);
    }
    if chars.len() > NAME_MAX_CHARS {
        return Err(NAME_TOO_LONG);
    }
    Ok(name.to_owned())
}

/// A stored name made safe to put in a page, whatever it holds. Rows written before the
/// current rules may contain NUL (which the HTML parser drops, so the text node the WASM
/// expects is missing and hydration panics), line breaks, bidi overrides or hidden format
/// characters: each such character becomes U+FFFD, and a name with nothing visible left
/// reads "(unnamed key)".
pub fn display_name(stored: &str) -> String {
    if stored.chars().all(is_invisible) {
        "(unnamed key)".to_owned()
    } else {
        visible_text(stored)
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
    fn hidden_characters_inside_a_name_are_refused() {
        for lookalike in [
            "Zap\u{200B}ier",
            "Zap\u{200C}ier",
            "Zap\u{200D}ier",
            "Zap\u{200E}ier",
            "Zap\u{200F}ier",
            "Zap\u{061C}ier",
            "Zap\u{2060}ier",
            "Zap\u{FEFF}ier",
            "Zap\u{00AD}ier",
            "a\u{E0061}b",
            "👩\u{200D}x",
        ] {
            assert_eq!(
                validate_key_name(lookalike),
                Err(NAME_FORMAT_CHARS),
                "{lookalike:?}"
            );
        }
        for blank in [
            "\u{13430}",
            "\u{13430}\u{13431}",
            "\u{1D159}",
            "\u{1D159}\u{1D159}",
        ] {
            assert_eq!(validate_key_name(blank), Err(NAME_INVISIBLE), "{blank:?}");
        }
        // The joiners that spell something stay.
        for good in [
            "❤\u{FE0F}\u{200D}🔥",
            "👩🏽\u{200D}💻",
            "क्\u{200D}ष",
            "Zapier 👩\u{200D}💻",
        ] {
            assert_eq!(validate_key_name(good).as_deref(), Ok(good), "{good:?}");
        }
    }
}
