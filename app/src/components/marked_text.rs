//! Search results with the found text marked: the title, and a short excerpt of the body around its first match.
//!
//! The server says where the matches are (character ranges, see `model::posts::Highlight`); the text is cut
//! here and rendered as text nodes and `<mark>` elements, never as HTML, so a post cannot inject markup.

use leptos::either::Either;
use leptos::prelude::*;

/// Characters of body shown on each side of its first match.
const EXCERPT_CONTEXT: u32 = 60;

/// `text` cut at `ranges` (`[start, end)` in characters, in order): each piece and whether it is a match.
pub fn segments(text: &str, ranges: &[[u32; 2]]) -> Vec<(String, bool)> {
    let chars: Vec<char> = text.chars().collect();
    let len = chars.len() as u32;
    let piece = |from: u32, to: u32| chars[from as usize..to as usize].iter().collect::<String>();
    let mut out = Vec::new();
    let mut at = 0;
    for &[start, end] in ranges {
        let (start, end) = (start.clamp(at, len), end.min(len));
        if start >= end {
            continue;
        }
        if at < start {
            out.push((piece(at, start), false));
        }
        out.push((piece(start, end), true));
        at = end;
    }
    if at < len {
        out.push((piece(at, len), false));
    }
    out
}

/// The part of `text` around its first match, with "…" where it was cut, and the matches inside it (shifted to
/// the excerpt's positions). `None` when there is no match to show.
pub fn excerpt(text: &str, ranges: &[[u32; 2]]) -> Option<(String, Vec<[u32; 2]>)> {
    let [first, _] = *ranges.first()?;
    let len = text.chars().count() as u32;
    let from = first.saturating_sub(EXCERPT_CONTEXT);
    let to = (ranges[0][1] + EXCERPT_CONTEXT).min(len);
    let lead = if from > 0 { "…" } else { "" };
    let shift = from - u32::from(from > 0); // the "…" takes one character
    let mut cut: String = lead.to_owned();
    cut.extend(text.chars().skip(from as usize).take((to - from) as usize));
    if to < len {
        cut.push('…');
    }
    let inside = ranges
        .iter()
        .filter(|[start, end]| *start >= from && *end <= to)
        .map(|[start, end]| [start - shift, end - shift])
        .collect();
    Some((cut, inside))
}

/// `text` with `ranges` marked.
#[component]
pub fn MarkedText(text: String, ranges: Vec<[u32; 2]>) -> impl IntoView {
    segments(&text, &ranges)
        .into_iter()
        .map(|(piece, found)| if found { Either::Left(view! { <mark>{piece}</mark> }) } else { Either::Right(piece) })
        .collect_view()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_cut_at_the_ranges_counted_in_characters() {
        assert_eq!(
            segments("Die Straße hier", &[[4, 10]]),
            [("Die ".into(), false), ("Straße".into(), true), (" hier".into(), false)]
        );
        assert_eq!(segments("abc", &[[0, 3]]), [("abc".into(), true)]);
        assert_eq!(segments("abc", &[]), [("abc".into(), false)]);
        // Ranges past the end or overlapping are clamped, never a panic.
        assert_eq!(segments("ab", &[[1, 9], [0, 1]]), [("a".into(), false), ("b".into(), true)]);
    }

    #[test]
    fn the_excerpt_surrounds_the_first_match() {
        let body = format!("{}needle{}", "x".repeat(100), "y".repeat(100));
        let (cut, ranges) = excerpt(&body, &[[100, 106]]).unwrap();
        assert_eq!(cut, format!("…{}needle{}…", "x".repeat(60), "y".repeat(60)));
        assert_eq!(segments(&cut, &ranges)[1], ("needle".into(), true));
        let (short, ranges) = excerpt("a needle", &[[2, 8]]).unwrap();
        assert_eq!((short.as_str(), ranges), ("a needle", vec![[2, 8]]));
        assert_eq!(excerpt("text", &[]), None);
    }
}
