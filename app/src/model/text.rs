//! What text must look like to be shown honestly: rules on characters, shared by the server and the browser.
//!
//! A title made only of invisible characters renders as an empty, unclickable card, and a right-to-left override
//! makes "Invoice \u{202E}fdp.exe" display as "Invoice exe.pdf". These functions say which characters cannot
//! be seen and which reorder the text around them.

/// Whether `c` shows nothing by itself: white space, a default-ignorable code point (Unicode's
/// `Default_Ignorable_Code_Point`, DerivedCoreProperties.txt, Unicode 15.1: zero-width spaces and joiners,
/// variation selectors, fillers, tags), a format character (general category `Cf`, which includes the
/// direction controls and the soft hyphen) or a character that fonts draw blank (U+2800 BRAILLE PATTERN BLANK).
pub fn is_invisible(c: char) -> bool {
    c.is_whitespace() || is_default_ignorable(c) || is_format(c) || c == '\u{2800}'
}

/// Whether `text` has at least one character a reader can see.
pub fn has_visible(text: &str) -> bool {
    text.chars().any(|c| !is_invisible(c))
}

/// Bidirectional embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069): they reorder the
/// characters after them, so text can display as something other than what it is. Marks (U+200E/F, U+061C)
/// only nudge neutral characters and are allowed.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn is_default_ignorable(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}'..='\u{1160}' | '\u{17B4}'..='\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}'
        | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}' | '\u{FFF0}'..='\u{FFF8}'
        | '\u{1BCA0}'..='\u{1BCA3}' | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}

/// General category `Cf` outside the default-ignorable ranges above (Unicode 15.1).
fn is_format(c: char) -> bool {
    matches!(c,
        '\u{0600}'..='\u{0605}' | '\u{06DD}' | '\u{070F}' | '\u{0890}'..='\u{0891}' | '\u{08E2}'
        | '\u{110BD}' | '\u{110CD}' | '\u{13430}'..='\u{1343F}' | '\u{FFF9}'..='\u{FFFB}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_text_is_recognised() {
        for blank in [
            "\u{200B}\u{200B}\u{200B}",
            "\u{3164}\u{3164}\u{3164}",
            "\u{2800}\u{2800}\u{2800}",
            "\u{FEFF} \u{00AD}\u{2060}",
            "\u{E0041}\u{E0042}\u{E0043}",
            "\u{FE0F}\u{200D}\u{180E}",
        ] {
            assert!(!has_visible(blank), "{:?}", blank.escape_unicode().to_string());
        }
        for seen in ["abc", "日本語", "😀", "\u{200B}a", "ا ب", "·"] {
            assert!(has_visible(seen), "{seen}");
        }
    }

    #[test]
    fn direction_controls_are_recognised_and_marks_are_not() {
        for c in
            ['\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}']
        {
            assert!(is_bidi_control(c), "{:?}", c.escape_unicode().to_string());
        }
        for c in ['\u{200E}', '\u{200F}', '\u{061C}', 'a', 'ש'] {
            assert!(!is_bidi_control(c), "{:?}", c.escape_unicode().to_string());
        }
    }
}
