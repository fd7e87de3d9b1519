//! The feed query: page/limit/sort/search/cursor, parsed and checked once for both doors, and the cursor format.

use crate::error::AppError;
use serde::{Deserialize, Serialize};

use super::posts::{LIMIT_DEFAULT, LIMIT_MAX, Post};

/// The longest search text accepted (`q`), in characters.
pub const SEARCH_MAX: usize = 200;

/// A search counts its matches up to this many (then says "200+"), and its numbered pages reach this deep; a
/// cursor continues past it. Counting every match of a word found in most posts would read most of the board.
pub const SEARCH_COUNT_MAX: i64 = 200;

/// Search text the trigram indexes cannot look up (fewer than three letters or digits in a row: `a`, `c++`,
/// `%_%`) is looked for among this many newest posts.
pub const SEARCH_WINDOW: i64 = 10_000;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PostSort {
    /// Newest first, ties by id.
    #[default]
    Newest,
    /// Most upvotes first, ties newest (by id).
    Top,
}

impl PostSort {
    /// The name in a query string (`sort=top`).
    pub fn as_str(self) -> &'static str {
        match self {
            PostSort::Newest => "newest",
            PostSort::Top => "top",
        }
    }

    pub fn from_name(name: &str) -> Option<PostSort> {
        [PostSort::Newest, PostSort::Top].into_iter().find(|sort| sort.as_str() == name)
    }
}

/// The raw query string of `GET /posts`, as text so a bad number is a clear 400 rather than a decoding error.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedQueryInput {
    pub page: Option<String>,
    pub limit: Option<String>,
    pub sort: Option<String>,
    pub q: Option<String>,
    pub cursor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedQuery {
    pub page: i64,
    pub limit: i64,
    pub sort: PostSort,
    /// Case-insensitive text to find in title or body.
    pub search: Option<String>,
    /// When present, continue after this position instead of using `page`.
    pub after: Option<Cursor>,
}

/// A position in a listing: the sort key of the last post shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cursor {
    Newest { created_at: String, id: i64 },
    Top { upvotes: i64, id: i64 },
}

/// A parameter, when present, must be exactly what the API describes: digits only (no sign, no spaces, not
/// empty), at least 1. Leniency here would make the published contract a lie for every client that reads it.
fn positive(name: &str, raw: Option<&str>, default: i64) -> Result<i64, AppError> {
    match raw {
        None => Ok(default),
        Some(text) => Some(text)
            .filter(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|t| t.parse::<i64>().ok())
            .filter(|n| *n >= 1)
            .ok_or_else(|| AppError::Validation(format!("{name} must be a whole number of at least 1"))),
    }
}

impl FeedQueryInput {
    pub fn parse(&self) -> Result<FeedQuery, AppError> {
        let page = positive("page", self.page.as_deref(), 1)?;
        let limit = positive("limit", self.limit.as_deref(), LIMIT_DEFAULT)?.min(LIMIT_MAX);
        let sort = match self.sort.as_deref() {
            None => PostSort::Newest,
            Some(name) => {
                PostSort::from_name(name).ok_or_else(|| AppError::Validation("sort must be newest or top".into()))?
            }
        };
        let search = self.q.as_deref().map(str::trim).filter(|q| !q.is_empty()).map(str::to_owned);
        if let Some(text) = &search {
            super::reject_nul(text, "q")?;
            if text.chars().count() > SEARCH_MAX {
                return Err(AppError::Validation(format!("q must be at most {SEARCH_MAX} characters")));
            }
        }
        // An empty cursor is "from the start", so a client can loop with `cursor=<last next_cursor>` from "".
        let after = match self.cursor.as_deref() {
            None | Some("") => None,
            Some(text) => {
                Some(Cursor::decode(text, sort).ok_or_else(|| AppError::Validation("Invalid cursor".into()))?)
            }
        };
        Ok(FeedQuery { page, limit, sort, search, after })
    }
}

impl Cursor {
    /// The position just after `post` in a listing sorted by `sort`.
    pub fn after(post: &Post, sort: PostSort) -> Cursor {
        match sort {
            PostSort::Newest => Cursor::Newest { created_at: post.created_at.clone(), id: post.id },
            PostSort::Top => Cursor::Top { upvotes: post.upvotes, id: post.id },
        }
    }

    /// Opaque to clients (hex of `n|<created_at>|<id>` or `t|<upvotes>|<id>`), and safe in a URL as it is.
    pub fn encode(&self) -> String {
        let plain = match self {
            Cursor::Newest { created_at, id } => format!("n|{created_at}|{id}"),
            Cursor::Top { upvotes, id } => format!("t|{upvotes}|{id}"),
        };
        plain.bytes().map(|b| format!("{b:02x}")).collect()
    }

    /// A cursor only continues the sort it was made for.
    pub fn decode(text: &str, sort: PostSort) -> Option<Cursor> {
        if !text.len().is_multiple_of(2) || text.len() > 200 {
            return None;
        }
        let bytes: Option<Vec<u8>> =
            (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect();
        let plain = String::from_utf8(bytes?).ok()?;
        let mut parts = plain.splitn(3, '|');
        let (kind, key, id) = (parts.next()?, parts.next()?, parts.next()?);
        let id = id.parse::<i64>().ok().filter(|id| *id > 0)?;
        match (kind, sort) {
            ("n", PostSort::Newest) if is_timestamp(key) => Some(Cursor::Newest { created_at: key.to_owned(), id }),
            ("t", PostSort::Top) => Some(Cursor::Top { upvotes: key.parse().ok().filter(|u: &i64| *u >= 0)?, id }),
            _ => None,
        }
    }
}

/// The shape of the timestamps we store: `2026-11-26T15:00:00.123Z`.
fn is_timestamp(text: &str) -> bool {
    text.len() == 24
        && text.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            10 => b == b'T',
            13 | 16 => b == b':',
            19 => b == b'.',
            23 => b == b'Z',
            _ => b.is_ascii_digit(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> Result<FeedQuery, AppError> {
        let get = |k: &str| pairs.iter().find(|(name, _)| *name == k).map(|(_, v)| v.to_string());
        FeedQueryInput { page: get("page"), limit: get("limit"), sort: get("sort"), q: get("q"), cursor: get("cursor") }
            .parse()
    }

    #[test]
    fn defaults_are_page_one_twenty_newest() {
        let q = query(&[]).unwrap();
        assert_eq!((q.page, q.limit, q.sort, q.search, q.after), (1, 20, PostSort::Newest, None, None));
    }

    #[test]
    fn limit_is_clamped_to_one_hundred() {
        assert_eq!(query(&[("limit", "500")]).unwrap().limit, 100);
        assert_eq!(query(&[("limit", "1")]).unwrap().limit, 1);
    }

    #[test]
    fn non_numeric_or_small_numbers_are_refused() {
        for (name, value) in [
            ("page", "0"),
            ("page", "-1"),
            ("page", "two"),
            ("page", ""),
            ("page", "+2"),
            ("page", " 2"),
            ("limit", "0"),
            ("limit", "1.5"),
        ] {
            let err = query(&[(name, value)]).unwrap_err();
            assert_eq!(err, AppError::Validation(format!("{name} must be a whole number of at least 1")));
        }
        assert!(query(&[("sort", "oldest")]).is_err());
        assert!(query(&[("sort", "")]).is_err(), "present means valid: an empty sort is not one of the two");
        assert_eq!(query(&[("cursor", "")]).unwrap().after, None, "an empty cursor starts at the beginning");
    }

    #[test]
    fn search_text_is_bounded_and_free_of_nul() {
        assert_eq!(query(&[("q", "  rust  ")]).unwrap().search.as_deref(), Some("rust"));
        assert_eq!(query(&[("q", &"x".repeat(SEARCH_MAX))]).unwrap().search.map(|s| s.len()), Some(SEARCH_MAX));
        let too_long = query(&[("q", &"x".repeat(SEARCH_MAX + 1))]).unwrap_err();
        assert_eq!(too_long, AppError::Validation(format!("q must be at most {SEARCH_MAX} characters")));
        let nul = query(&[("q", "a\0b")]).unwrap_err();
        assert_eq!(nul, AppError::Validation("q must not contain NUL characters".into()));
    }

    #[test]
    fn cursors_round_trip_and_only_continue_their_own_sort() {
        let newest = Cursor::Newest { created_at: "2026-11-26T15:00:00.123Z".into(), id: 42 };
        assert_eq!(Cursor::decode(&newest.encode(), PostSort::Newest), Some(newest.clone()));
        assert_eq!(Cursor::decode(&newest.encode(), PostSort::Top), None);
        let top = Cursor::Top { upvotes: 7, id: 3 };
        assert_eq!(Cursor::decode(&top.encode(), PostSort::Top), Some(top));
        assert!(top_encoded_is_url_safe(&Cursor::Top { upvotes: 7, id: 3 }.encode()));
    }

    fn top_encoded_is_url_safe(text: &str) -> bool {
        text.bytes().all(|b| b.is_ascii_hexdigit())
    }

    #[test]
    fn forged_or_garbled_cursors_are_refused() {
        let forge = |plain: &str| plain.bytes().map(|b| format!("{b:02x}")).collect::<String>();
        for bad in [
            "zz".to_owned(),
            "abc".to_owned(),
            forge("n|not a time|1"),
            forge("n|2026-11-26T15:00:00.123Z|0"),
            forge("t|-1|5"),
            forge("t|5"),
            forge("n|2026-11-26T15:00:00.123Z' OR 1=1 --|5"),
        ] {
            assert_eq!(Cursor::decode(&bad, PostSort::Newest), None, "{bad}");
            assert_eq!(Cursor::decode(&bad, PostSort::Top), None, "{bad}");
        }
        assert_eq!(query(&[("cursor", "zz")]).unwrap_err(), AppError::Validation("Invalid cursor".into()));
    }
}
