//! Posts, comments, upvotes: the wire types and the validation rules both doors and the SPA share.

use crate::error::AppError;
use serde::{Deserialize, Serialize};

pub const TITLE_MIN: usize = 3;
pub const TITLE_MAX: usize = 200;
pub const BODY_MAX: usize = 10_000;
pub const COMMENT_MAX: usize = 2_000;
pub const LIMIT_DEFAULT: i64 = 20;
pub const LIMIT_MAX: i64 = 100;

pub const POST_NOT_FOUND: &str = "Post not found";
pub const COMMENT_NOT_FOUND: &str = "Comment not found";
pub const NOT_YOUR_POST_EDIT: &str = "You can only edit your own posts";
pub const NOT_YOUR_POST_DELETE: &str = "You can only delete your own posts";
pub const NOT_YOUR_COMMENT_DELETE: &str = "You can only delete your own comments";

/// A post as every listing and page shows it, from the point of view of the member asking (`viewer_upvoted`).
/// Timestamps are RFC 3339 UTC strings.
// On the server also the row the store's post queries read: their columns are named after these fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema, sqlx::FromRow))]
pub struct Post {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub user_id: i64,
    pub author_username: String,
    /// The author's role, for the byline's badge.
    #[serde(default)]
    pub author_role: super::Role,
    pub upvotes: i64,
    pub comment_count: i64,
    pub viewer_upvoted: bool,
    pub created_at: String,
    pub updated_at: String,
}

// On the server also the row the store's comment queries read: their columns are named after these fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema, sqlx::FromRow))]
pub struct Comment {
    pub id: i64,
    pub post_id: i64,
    pub user_id: i64,
    pub author_username: String,
    #[serde(default)]
    pub author_role: super::Role,
    pub body: String,
    pub created_at: String,
}

/// `GET /posts/{id}`: the post and its comments, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PostWithComments {
    #[serde(flatten)]
    pub post: Post,
    pub comments: Vec<Comment>,
}

/// One page of the feed. `next_cursor` continues after the last post by keyset; `None` on the last page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PostPage {
    pub posts: Vec<Post>,
    /// How many posts the listing has. A search counts its matches up to `SEARCH_COUNT_MAX` only: past it,
    /// `total` is that number and `total_is_lower_bound` is true ("200+").
    pub total: i64,
    #[serde(default)]
    pub total_is_lower_bound: bool,
    pub page: i64,
    pub limit: i64,
    pub next_cursor: Option<String>,
    /// With a search: where the search text was found in each post of the page, for marking it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub highlights: Vec<Highlight>,
}

/// Where a search's text occurs in one post: `[start, end)` ranges counted in characters (Unicode scalar values)
/// of the title and of the body, in order, not overlapping, at most 50 per field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Highlight {
    pub post_id: i64,
    pub title: Vec<[u32; 2]>,
    pub body: Vec<[u32; 2]>,
}

// On the server also the row `store::upvotes::state` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema, sqlx::FromRow))]
pub struct UpvoteState {
    pub upvotes: i64,
    pub upvoted: bool,
}

/// `POST /posts`. Only these fields are read: anything else a client sends (`user_id`, `upvotes`, …) is ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPostInput {
    pub title: Option<String>,
    pub body: Option<String>,
}

/// `PATCH /posts/{id}`: either or both fields. A field may be left out, but not sent as `null`: "null" would
/// read as "clear it", which a post's title and body cannot be.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostPatchInput {
    #[serde(default, deserialize_with = "present_string")]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "present_string")]
    pub body: Option<String>,
}

/// A field that, when present, must be a string (`null` is refused; absence is `#[serde(default)]`).
fn present_string<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    String::deserialize(deserializer).map(Some)
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentInput {
    pub body: Option<String>,
}

/// A post that passed validation (trimmed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPost {
    pub title: String,
    pub body: String,
}

/// A validated edit: at least one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostPatch {
    pub title: Option<String>,
    pub body: Option<String>,
}

/// `text` trimmed, if it is `min..=max` characters long and has no NUL; otherwise "`what` must be min-max characters".
fn trimmed_within(text: &str, min: usize, max: usize, what: &str) -> Result<String, AppError> {
    super::reject_nul(text, what)?;
    let text = text.trim();
    if (min..=max).contains(&text.chars().count()) {
        Ok(text.to_owned())
    } else {
        Err(AppError::Validation(format!("{what} must be {min}-{max} characters")))
    }
}

fn missing_fields(fields: &[(&str, bool)]) -> Result<(), AppError> {
    let missing: Vec<&str> = fields.iter().filter(|(_, present)| !present).map(|(name, _)| *name).collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(format!("Missing required fields: {}", missing.join(", "))))
    }
}

fn trimmed(field: &Option<String>) -> Option<&str> {
    field.as_deref().map(str::trim).filter(|t| !t.is_empty())
}

pub const TITLE_INVISIBLE: &str = "Title must contain visible characters";
pub const TITLE_DIRECTION_CONTROLS: &str =
    "Title must not contain text-direction controls (U+202A-U+202E, U+2066-U+2069), which can disguise it";

/// A title is what people click and judge a post by: it must show something, and show it as it is.
pub fn validate_title(title: &str) -> Result<String, AppError> {
    let title = trimmed_within(title, TITLE_MIN, TITLE_MAX, "Title")?;
    if !super::text::has_visible(&title) {
        return Err(AppError::Validation(TITLE_INVISIBLE.into()));
    }
    if title.chars().any(super::text::is_bidi_control) {
        return Err(AppError::Validation(TITLE_DIRECTION_CONTROLS.into()));
    }
    Ok(title)
}

pub fn validate_post_body(body: &str) -> Result<String, AppError> {
    trimmed_within(body, 1, BODY_MAX, "Body")
}

pub fn validate_comment_body(body: &str) -> Result<String, AppError> {
    trimmed_within(body, 1, COMMENT_MAX, "Comment")
}

pub fn validate_new_post(input: &NewPostInput) -> Result<NewPost, AppError> {
    let (title, body) = (trimmed(&input.title), trimmed(&input.body));
    missing_fields(&[("title", title.is_some()), ("body", body.is_some())])?;
    Ok(NewPost {
        title: validate_title(title.unwrap_or_default())?,
        body: validate_post_body(body.unwrap_or_default())?,
    })
}

pub fn validate_post_patch(input: &PostPatchInput) -> Result<PostPatch, AppError> {
    if input.title.is_none() && input.body.is_none() {
        return Err(AppError::Validation("Nothing to update: send a title or a body".into()));
    }
    Ok(PostPatch {
        title: input.title.as_deref().map(validate_title).transpose()?,
        body: input.body.as_deref().map(validate_post_body).transpose()?,
    })
}

pub fn validate_comment(input: &CommentInput) -> Result<String, AppError> {
    let body = trimmed(&input.body);
    missing_fields(&[("body", body.is_some())])?;
    validate_comment_body(body.unwrap_or_default())
}

/// A path id: a positive integer that fits an i64, written the one way ids are written (digits only, no sign,
/// no leading zero). Anything else names nothing, so callers answer 404: `/posts/01` and `/posts/+1` are not
/// other names for post 1, which would give one page several addresses (caches, links, logs).
pub fn parse_id(raw: &str) -> Option<i64> {
    let canonical = raw.bytes().all(|b| b.is_ascii_digit()) && !raw.starts_with('0');
    raw.parse::<i64>().ok().filter(|id| canonical && *id > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_post(title: Option<&str>, body: Option<&str>) -> Result<NewPost, AppError> {
        validate_new_post(&NewPostInput { title: title.map(Into::into), body: body.map(Into::into) })
    }

    fn validation(message: &str) -> AppError {
        AppError::Validation(message.into())
    }

    #[test]
    fn a_patch_field_may_be_absent_but_not_null() {
        let absent: PostPatchInput = serde_json::from_str(r#"{"title": "Hello"}"#).unwrap();
        assert_eq!((absent.title.as_deref(), absent.body), (Some("Hello"), None));
        assert!(serde_json::from_str::<PostPatchInput>(r#"{"title": "Hello", "body": null}"#).is_err());
    }

    #[test]
    fn a_new_post_is_trimmed() {
        let post = new_post(Some("  Hello  "), Some("\n body \n")).unwrap();
        assert_eq!((post.title.as_str(), post.body.as_str()), ("Hello", "body"));
    }

    #[test]
    fn missing_or_blank_fields_are_named() {
        assert_eq!(new_post(None, None), Err(validation("Missing required fields: title, body")));
        assert_eq!(new_post(Some("   "), Some("x")), Err(validation("Missing required fields: title")));
    }

    #[test]
    fn titles_are_3_to_200_characters_after_trimming() {
        assert_eq!(new_post(Some(" ab "), Some("x")), Err(validation("Title must be 3-200 characters")));
        assert!(new_post(Some(&"é".repeat(200)), Some("x")).is_ok());
        assert!(new_post(Some(&"a".repeat(201)), Some("x")).is_err());
    }

    #[test]
    fn bodies_are_at_most_10000_characters() {
        assert!(new_post(Some("abc"), Some(&"b".repeat(10_000))).is_ok());
        assert_eq!(
            new_post(Some("abc"), Some(&"b".repeat(10_001))),
            Err(validation("Body must be 1-10000 characters"))
        );
    }

    #[test]
    fn text_with_nul_is_refused_everywhere_it_would_be_stored() {
        assert_eq!(new_post(Some("a\0bc"), Some("x")), Err(validation("Title must not contain NUL characters")));
        assert_eq!(new_post(Some("abc"), Some("x\0")), Err(validation("Body must not contain NUL characters")));
        let comment = validate_comment(&CommentInput { body: Some("\0".into()) });
        assert_eq!(comment, Err(validation("Comment must not contain NUL characters")));
    }

    #[test]
    fn an_edit_needs_at_least_one_valid_field() {
        let empty = PostPatchInput::default();
        assert_eq!(validate_post_patch(&empty), Err(validation("Nothing to update: send a title or a body")));
        let title_only = PostPatchInput { title: Some(" New title ".into()), body: None };
        assert_eq!(
            validate_post_patch(&title_only).unwrap(),
            PostPatch { title: Some("New title".into()), body: None }
        );
        let blank_body = PostPatchInput { title: None, body: Some("  ".into()) };
        assert_eq!(validate_post_patch(&blank_body), Err(validation("Body must be 1-10000 characters")));
    }

    #[test]
    fn comments_are_1_to_2000_characters() {
        let comment = |body: &str| validate_comment(&CommentInput { body: Some(body.into()) });
        assert_eq!(comment(" hi ").unwrap(), "hi");
        assert_eq!(comment("  "), Err(validation("Missing required fields: body")));
        assert_eq!(comment(&"c".repeat(2001)), Err(validation("Comment must be 1-2000 characters")));
    }

    #[test]
    fn titles_must_show_something_and_show_it_as_it_is() {
        for blank in ["\u{200B}\u{200B}\u{200B}", "\u{3164}\u{3164}\u{3164}", "\u{2800}\u{2800}\u{2800}"] {
            assert_eq!(validate_title(blank), Err(validation(TITLE_INVISIBLE)));
        }
        assert_eq!(validate_title("Invoice \u{202E}fdp.exe"), Err(validation(TITLE_DIRECTION_CONTROLS)));
        assert_eq!(validate_title("a \u{2067}b\u{2069}"), Err(validation(TITLE_DIRECTION_CONTROLS)));
        assert_eq!(validate_title("\u{200B}Hi\u{200B}"), Ok("\u{200B}Hi\u{200B}".into()));
        assert_eq!(validate_title("שלום עולם"), Ok("שלום עולם".into()));
    }

    #[test]
    fn ids_are_positive_integers_that_fit() {
        assert_eq!(parse_id("42"), Some(42));
        for bad in ["0", "-3", "abc", "1.5", "99999999999999999999", "", "+1", "01", "00", " 1", "1 "] {
            assert_eq!(parse_id(bad), None, "{bad}");
        }
    }
}
