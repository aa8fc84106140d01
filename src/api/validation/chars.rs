//! Character classes behind the text rules. Listed by hand rather than taken from a Unicode
//! table, so the rules cost the WASM a few hundred bytes instead of tens of kilobytes.

/// Control characters (Unicode Cc) and the line and paragraph separators: they break lines
/// and tables, and NUL cannot even be stored in PostgreSQL text.
pub fn is_control(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

/// Bidirectional embeddings, overrides and isolates. They reorder the text around them, so
/// "abc\u{202E}gpj.exe" shows as "abcexe.jpg".
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Unicode's format characters (general category Cf, Unicode 15.1): zero-width spaces and
/// joiners, the implicit direction marks, soft hyphens, tags. They draw nothing, so inside a
/// name they make `Zap\u{200B}ier` a second key that looks like `Zapier`.
pub fn is_format(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{0600}'..='\u{0605}'
            | '\u{061C}'
            | '\u{06DD}'
            | '\u{070F}'
            | '\u{0890}'..='\u{0891}'
            | '\u{08E2}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{110BD}'
            | '\u{110CD}'
            | '\u{13430}'..='\u{1343F}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0001}'
            | '\u{E0020}'..='\u{E007F}'
    )
}

/// Characters that draw nothing: white space, format characters, the Hangul fillers, the
/// braille blank, variation selectors, the combining grapheme joiner and the musical null
/// notehead. A name made only of these looks empty.
pub fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || is_format(c)
        || matches!(
            c,
            '\u{034F}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{2800}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FFA0}'
                | '\u{1D159}'
                | '\u{E0000}'..='\u{E0FFF}'
        )
}

/// Variation selectors and tag characters complete the emoji before them (❤️ is U+2764
/// U+FE0F; the flag of Scotland ends in tags), so they are kept at the end of a name.
pub fn completes_previous(c: char) -> bool {
    matches!(c, '\u{FE00}'..='\u{FE0F}' | '\u{E0020}'..='\u{E007F}' | '\u{E0100}'..='\u{E01EF}')
}

pub fn trim_invisible(raw: &str) -> &str {
    raw.trim_start_matches(is_invisible)
        .trim_end_matches(|c| is_invisible(c) && !completes_previous(c))
}

/// Emoji and the other pictographs that ZWJ sequences are built from (👩‍💻, ❤️‍🔥, 🏳️‍🌈):
/// the Extended_Pictographic blocks, approximately.
fn is_pictographic(c: char) -> bool {
    matches!(
        c,
        '\u{00A9}'
            | '\u{00AE}'
            | '\u{203C}'
            | '\u{2049}'
            | '\u{2122}'
            | '\u{2139}'
            | '\u{2194}'..='\u{21AA}'
            | '\u{2300}'..='\u{23FF}'
            | '\u{24C2}'
            | '\u{25A0}'..='\u{27BF}'
            | '\u{2934}'..='\u{2935}'
            | '\u{2B00}'..='\u{2BFF}'
            | '\u{3030}'
            | '\u{303D}'
            | '\u{3297}'
            | '\u{3299}'
            | '\u{1F000}'..='\u{1FAFF}'
    )
}

/// Letters of the scripts that need a joiner or non-joiner between letters to be spelled
/// right (Persian "کلید\u{200C}ها", Indic half forms), that is, letters outside Latin: between
/// two Latin letters a joiner only makes a lookalike.
fn is_joining_script(c: char) -> bool {
    (c.is_alphabetic() || matches!(c, '\u{0900}'..='\u{0DFF}'))
        && c > '\u{024F}'
        && !matches!(c, '\u{1E00}'..='\u{1EFF}')
}

/// Whether the format character at `chars[i]` belongs where it is, as part of what the name
/// spells: ZWJ between emoji, ZWJ and ZWNJ between letters of joining scripts, the tags of a
/// flag sequence. Any other format character inside a name is a hidden difference.
pub fn format_char_belongs(chars: &[char], i: usize) -> bool {
    let c = chars[i];
    // The emoji a joiner follows may carry a variation selector or a skin tone.
    let before = chars[..i]
        .iter()
        .rev()
        .find(|p| !matches!(p, '\u{FE0E}' | '\u{FE0F}' | '\u{1F3FB}'..='\u{1F3FF}'))
        .copied();
    let prev = i.checked_sub(1).map(|p| chars[p]);
    let next = chars.get(i + 1).copied();
    match c {
        '\u{200D}' if before.is_some_and(is_pictographic) && next.is_some_and(is_pictographic) => {
            true
        }
        '\u{200C}' | '\u{200D}' => {
            prev.is_some_and(is_joining_script) && next.is_some_and(is_joining_script)
        }
        '\u{E0020}'..='\u{E007F}' => matches!(prev, Some('\u{1F3F4}' | '\u{E0020}'..='\u{E007F}')),
        _ => false,
    }
}

/// `text` made safe to show whatever it holds: every control, bidi control and format
/// character that is not part of what the text spells becomes U+FFFD, so stored text from
/// before the current rules, or a caller's user agent, can neither reorder the page
/// ("evil \u{202E}fdp.exe") nor hide a difference.
pub fn visible_text(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    chars
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let hidden = is_control(c)
                || is_bidi_control(c)
                || (is_format(c) && !format_char_belongs(&chars, i));
            if hidden {
                char::REPLACEMENT_CHARACTER
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visible_text_neutralises_direction_and_hidden_characters() {
        assert_eq!(
            visible_text("Mozilla/5.0 (evil) \u{202E}fdp.exe"),
            "Mozilla/5.0 (evil) \u{FFFD}fdp.exe"
        );
        assert_eq!(
            visible_text("a\u{85}b\u{2028}c\td"),
            "a\u{FFFD}b\u{FFFD}c\u{FFFD}d"
        );
        assert_eq!(visible_text("Zap\u{200B}ier"), "Zap\u{FFFD}ier");
        assert_eq!(visible_text("👩\u{200D}💻 curl/8"), "👩\u{200D}💻 curl/8");
    }
}
