//! What a search matches, decided once, in Rust, for both databases.
//!
//! A search finds its text anywhere in a post's title or body, ignoring case. "Ignoring case" is Unicode *full
//! case folding* (CaseFolding.txt, statuses C and F), applied character by character to the search text and to
//! the stored text alike: `Ärger` finds `ärger`, `ÉCOLE` finds `école`, `STRASSE` finds `straße` (ß folds to
//! ss) and `ﬁle` finds `file`. Nothing else is equated: accents stay (`ecole` does not find `école`), and a
//! precomposed `é` differs from `e` followed by a combining accent.
//!
//! Neither database is asked to fold: SQLite's own `lower()` knows ASCII only and PostgreSQL's follows the
//! server's locale. Each post instead stores its folded title and body (`search_title`, `search_body`, written
//! with the post), the search text is folded here, and the databases compare them exactly, character for
//! character. That is what makes both backends give the same answers.

use crate::model::posts::Highlight;
use caseless::Caseless;

/// How many matches of one field are highlighted; past it, the rest of the text is shown plain.
const HIGHLIGHTS_MAX: usize = 50;

/// `text` with each character replaced by its full case folding.
pub fn fold(text: &str) -> String {
    text.chars().flat_map(|c| std::iter::once(c).default_case_fold()).collect()
}

/// The search text of a feed request, folded, with the way the databases can look it up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchTerm {
    folded: String,
}

impl SearchTerm {
    pub fn new(text: &str) -> SearchTerm {
        SearchTerm { folded: fold(text) }
    }

    pub fn folded(&self) -> &str {
        &self.folded
    }

    /// Whether the trigram indexes can find this text: it holds three letters or digits in a row. PostgreSQL's
    /// pg_trgm makes trigrams from runs of letters and digits only, so a shorter run gives it nothing to look up
    /// (SQLite's FTS5 could do more, but both backends choose the same way, so that they search the same posts).
    /// "Digits" are 0-9 only: pg_trgm does not count `²` or `①` as word characters. Other text (`a`, `c++`,
    /// `%_%`, `²³⁴`) is looked for among the newest `SEARCH_WINDOW` posts instead.
    pub fn indexed(&self) -> bool {
        let mut run = 0;
        for c in self.folded.chars() {
            run = if c.is_alphabetic() || c.is_ascii_digit() { run + 1 } else { 0 };
            if run == 3 {
                return true;
            }
        }
        false
    }

    /// An FTS5 query for exactly this text: one quoted phrase (a `"` doubled), which the trigram tokenizer
    /// turns into consecutive trigrams, so it matches where the text occurs as it is.
    pub fn fts5_phrase(&self) -> String {
        format!("\"{}\"", self.folded.replace('"', "\"\""))
    }

    /// A LIKE pattern for exactly this text, anywhere (`\`, `%` and `_` escaped; `ESCAPE '\'`).
    pub fn like_pattern(&self) -> String {
        let mut pattern = String::with_capacity(self.folded.len() + 2);
        pattern.push('%');
        for ch in self.folded.chars() {
            if matches!(ch, '\\' | '%' | '_') {
                pattern.push('\\');
            }
            pattern.push(ch);
        }
        pattern.push('%');
        pattern
    }

    /// Where this text occurs in `title` and `body`, for the result list to mark.
    pub fn highlight(&self, post_id: i64, title: &str, body: &str) -> Highlight {
        Highlight { post_id, title: self.ranges(title), body: self.ranges(body) }
    }

    /// The matches in `text` as `[start, end)` positions counted in characters of `text`, merged where they
    /// touch. A match that begins or ends inside what one character folded into (searching `s` in `ß`) covers
    /// that whole character.
    fn ranges(&self, text: &str) -> Vec<[u32; 2]> {
        if self.folded.is_empty() {
            return Vec::new();
        }
        // The folded text, and for each of its bytes the position of the character it came from.
        let mut folded = String::with_capacity(text.len());
        let mut origin: Vec<u32> = Vec::with_capacity(text.len());
        for (position, c) in text.chars().enumerate() {
            folded.extend(std::iter::once(c).default_case_fold());
            origin.resize(folded.len(), position as u32);
        }
        let mut ranges: Vec<[u32; 2]> = Vec::new();
        for (at, found) in folded.match_indices(self.folded.as_str()) {
            let range = [origin[at], origin[at + found.len() - 1] + 1];
            if let Some(last) = ranges.last_mut().filter(|last| range[0] <= last[1]) {
                last[1] = last[1].max(range[1]);
            } else if ranges.len() < HIGHLIGHTS_MAX {
                ranges.push(range);
            } else {
                break;
            }
        }
        ranges
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_is_unicode_full_case_folding() {
        assert_eq!(fold("Ärger"), "ärger");
        assert_eq!(fold("ÉCOLE"), "école");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("STRASSE"), "strasse");
        assert_eq!(fold("ΣΊΣΥΦΟΣ"), "σίσυφοσ");
        assert_eq!(fold("ﬁle"), "file");
        assert_eq!(fold("100%_\\"), "100%_\\");
    }

    #[test]
    fn only_three_letters_or_digits_in_a_row_can_use_the_index() {
        for text in ["rust", "abc", "Ärger", "c++ api", "日本語", "a1b"] {
            assert!(SearchTerm::new(text).indexed(), "{text}");
        }
        for text in ["a", "ab", "c++", "%_%", "a b c", "ß", "  ", "²³⁴", "①②③"] {
            assert!(!SearchTerm::new(text).indexed(), "{text}");
        }
        // ß folds to two letters: "aß" is three.
        assert!(SearchTerm::new("aß").indexed());
    }

    #[test]
    fn patterns_and_phrases_match_the_text_literally() {
        assert_eq!(SearchTerm::new("Rust").like_pattern(), "%rust%");
        assert_eq!(SearchTerm::new("100%_\\").like_pattern(), "%100\\%\\_\\\\%");
        assert_eq!(SearchTerm::new("say \"hi\"").fts5_phrase(), "\"say \"\"hi\"\"\"");
    }

    #[test]
    fn highlights_count_characters_of_the_original_text() {
        let term = SearchTerm::new("strasse");
        assert_eq!(term.ranges("Die Straße, die STRASSE"), vec![[4, 10], [16, 23]]);
        assert_eq!(SearchTerm::new("s").ranges("ß"), vec![[0, 1]]);
        assert_eq!(SearchTerm::new("ab").ranges("ababab"), vec![[0, 6]]);
        assert_eq!(SearchTerm::new("école").ranges("Une ÉCOLE"), vec![[4, 9]]);
        assert_eq!(SearchTerm::new("x").ranges("no match"), Vec::<[u32; 2]>::new());
    }

    #[test]
    fn highlights_are_bounded() {
        let text = "a ".repeat(500);
        assert_eq!(SearchTerm::new("a").ranges(&text).len(), HIGHLIGHTS_MAX);
    }
}
