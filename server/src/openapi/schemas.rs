//! Request bodies as the document describes them: the exact rules of the shared validation in `app::model`,
//! built from its own constants, so a client (or a fuzzer) can tell a valid request from an invalid one
//! without trying it.
//!
//! Texts are trimmed before their length is checked, so a length rule is written as a pattern over the trimmed
//! part: optional whitespace, then a non-space character, up to N - 2 characters, a non-space character, then
//! optional whitespace. "Whitespace" is exactly what Rust's `str::trim` removes (Unicode White_Space), and NUL
//! is refused everywhere.

use app::model::auth::{PASSWORD_MAX, PASSWORD_MIN, RESERVED_NAMES, USERNAME_MAX, USERNAME_MIN};
use app::model::feed::{SEARCH_COUNT_MAX, SEARCH_MAX, SEARCH_WINDOW};
use app::model::passkeys::PASSKEY_NAME_MAX;
use app::model::posts::{BODY_MAX, COMMENT_MAX, TITLE_MAX, TITLE_MIN};
use app::model::users::BIO_MAX;
use utoipa::ToSchema;

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{AllOfBuilder, AnyOfBuilder, Object, ObjectBuilder, Schema, Type};

/// Unicode White_Space, as `char::is_whitespace` and so `str::trim` know it (ECMA-262 escapes).
const SPACE: &str = r"\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";

pub(super) fn string(min: Option<usize>, max: Option<usize>, pattern: Option<String>, description: &str) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(min)
        .max_length(max)
        .pattern(pattern)
        .description(Some(description))
        .build()
}

/// A text that is `min..=max` characters long once trimmed (`min` ≥ 1), without NUL.
pub fn trimmed_pattern(min: usize, max: usize) -> String {
    let (space, other) = (format!("[{SPACE}]*"), format!(r"[^{SPACE}\u0000]"));
    let inner = match (min, max) {
        (1, 1) => other.clone(),
        (1, max) => format!(r"{other}(?:[^\u0000]{{0,{}}}{other})?", max - 2),
        (min, max) => format!(r"{other}[^\u0000]{{{},{}}}{other}", min - 2, max - 2),
    };
    format!("^{space}{inner}{space}$")
}

/// Like `trimmed_pattern(1, max)`, but an all-whitespace (or empty) text is allowed too.
pub fn optional_trimmed_pattern(max: usize) -> String {
    let (space, other) = (format!("[{SPACE}]*"), format!(r"[^{SPACE}\u0000]"));
    format!(r"^{space}(?:{other}(?:[^\u0000]{{0,{}}}{other})?)?{space}$", max - 2)
}

/// Characters that show nothing (`app::model::text::is_invisible`), in the Basic Multilingual Plane: a pattern
/// without the `u` flag cannot name the few astral ones (tags, some format characters).
const INVISIBLE: &str = concat!(
    r"\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000",
    r"\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164",
    r"\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb\u0600-\u0605\u06dd\u070f\u0890\u0891\u08e2\u2800"
);
/// `app::model::text::is_bidi_control`.
const DIRECTION_CONTROLS: &str = r"\u202a-\u202e\u2066-\u2069";

/// The regular expression of a reserved name (`app::model::auth::is_reserved_username`): each reserved word with
/// every letter standing for the characters that share its skeleton, underscores and digits allowed at the ends.
fn reserved_names_pattern() -> String {
    let spell = |word: &str| -> String {
        word.chars()
            .map(|c| match c {
                'l' => "[lLiI1]".to_owned(),
                'i' => "[lLiI1]".to_owned(),
                'o' => "[oO0]".to_owned(),
                'm' => "(?:[mM]|[rR][nN])".to_owned(),
                'w' => "(?:[wW]|[vV][vV])".to_owned(),
                c => format!("[{}{}]", c, c.to_ascii_uppercase()),
            })
            .collect()
    };
    let words: Vec<String> = RESERVED_NAMES.iter().map(|word| spell(word)).collect();
    format!("[_0-9]*(?:{})[_0-9]*$", words.join("|"))
}

fn username() -> Object {
    let description = format!(
        "{USERNAME_MIN}-{USERNAME_MAX} letters, digits or underscores; unique regardless of case and of look-alike \
         characters (I/l/1, O/0, rn/m, vv/w); names such as admin, moderator, root or support are reserved"
    );
    let pattern = format!("^(?!{})[A-Za-z0-9_]+$", reserved_names_pattern());
    string(Some(USERNAME_MIN), Some(USERNAME_MAX), Some(pattern), &description)
}

fn new_password() -> Object {
    let description = format!(
        "{PASSWORD_MIN}-{PASSWORD_MAX} characters, not one character repeated; also refused (400, not expressible \
         here): the username itself and the most common passwords"
    );
    string(Some(PASSWORD_MIN), Some(PASSWORD_MAX), Some(r"^(?!([\s\S])\1*$)".into()), &description)
}

fn any_text(description: &str) -> Object {
    string(Some(1), None, None, description)
}

fn title() -> Object {
    let description = format!(
        "{TITLE_MIN}-{TITLE_MAX} characters once trimmed, at least one of them visible (not only zero-width, \
         filler or blank characters), and no text-direction controls (U+202A-U+202E, U+2066-U+2069)"
    );
    let length = trimmed_pattern(TITLE_MIN, TITLE_MAX);
    let pattern = format!(
        r"^(?![\s\S]*[{DIRECTION_CONTROLS}])(?=[\s\S]*[^{INVISIBLE}\u0000]){}",
        length.strip_prefix('^').unwrap_or(&length)
    );
    string(None, None, Some(pattern), &description)
}

fn post_body() -> Object {
    string(None, None, Some(trimmed_pattern(1, BODY_MAX)), &format!("1-{BODY_MAX} characters once trimmed"))
}

fn comment_body() -> Object {
    string(None, None, Some(trimmed_pattern(1, COMMENT_MAX)), &format!("1-{COMMENT_MAX} characters once trimmed"))
}

fn bio() -> Object {
    let description = format!("At most {BIO_MAX} characters once trimmed; empty clears the bio");
    string(None, None, Some(optional_trimmed_pattern(BIO_MAX)), &description)
}

/// A passkey's name (`app::model::passkeys::validate_passkey_name`).
pub(super) fn passkey_name() -> Object {
    let description = format!(
        "1-{PASSKEY_NAME_MAX} characters once trimmed, at least one of them visible, no control characters and no \
         text-direction controls (U+202A-U+202E, U+2066-U+2069)"
    );
    let length = trimmed_pattern(1, PASSKEY_NAME_MAX);
    let pattern = format!(
        r"^(?![\s\S]*[\u0000-\u001f\u007f-\u009f{DIRECTION_CONTROLS}])(?=[\s\S]*[^{INVISIBLE}]){}",
        length.strip_prefix('^').unwrap_or(&length)
    );
    string(None, None, Some(pattern), &description)
}

/// The search text of `GET /posts`.
pub fn search() -> Object {
    let description = format!(
        "Text to find, as one piece, in titles and bodies, at most {SEARCH_MAX} characters (more: 400). Case is \
         ignored by Unicode full case folding (ÄRGER finds ärger, STRASSE finds straße); accents are not; `%`, `_` \
         and `\\` are ordinary characters. Text with three letters or digits in a row is looked up in an index \
         over every post; shorter text (`go`, `c++`) is looked for among the {SEARCH_WINDOW} newest posts. \
         Results are newest first by when they were written (or by upvotes with `sort=top`), `total` counts at \
         most {SEARCH_COUNT_MAX} matches (then `total_is_lower_bound`), and numbered pages reach \
         {SEARCH_COUNT_MAX} results deep (a page past that is empty; the cursor goes further). Searches run on their own few connections: \
         when those and their queue are busy the answer is 503 with Retry-After, and each member may search \
         SEARCH_RATE_LIMIT times (default 120 a minute; then 429)."
    );
    string(None, None, Some(optional_trimmed_pattern(SEARCH_MAX)), &description)
}

/// `POST /auth/register`.
#[derive(ToSchema)]
#[schema(example = json!({"username": "board_fan", "password": "correct horse"}))]
pub struct RegisterRequest {
    #[schema(schema_with = username)]
    pub username: String,
    #[schema(schema_with = new_password)]
    pub password: String,
}

/// `POST /auth/login`. Any non-empty text is a valid attempt; the rules of registration are not repeated.
#[derive(ToSchema)]
#[schema(example = json!({"username": "board_fan", "password": "correct horse"}))]
pub struct LoginRequest {
    #[schema(schema_with = login_username)]
    pub username: String,
    #[schema(schema_with = login_password)]
    pub password: String,
}

fn login_username() -> Object {
    any_text("The name registered (any case)")
}

fn login_password() -> Object {
    any_text("The member's password")
}

/// `PATCH /auth/password`. (`currentPassword` / `newPassword` are accepted too.)
#[derive(ToSchema)]
#[schema(example = json!({"current_password": "correct horse", "new_password": "battery staple"}))]
pub struct PasswordChangeRequest {
    #[schema(schema_with = login_password)]
    pub current_password: String,
    /// Must differ from the current password.
    #[schema(schema_with = new_password)]
    pub new_password: String,
}

/// `PATCH /auth/me`.
#[derive(ToSchema)]
#[schema(example = json!({"bio": "I like boards."}))]
pub struct BioRequest {
    #[schema(schema_with = bio)]
    pub bio: String,
}

/// `POST /posts`.
#[derive(ToSchema)]
#[schema(example = json!({"title": "Hello board", "body": "First post!"}))]
pub struct NewPostRequest {
    #[schema(schema_with = title)]
    pub title: String,
    #[schema(schema_with = post_body)]
    pub body: String,
}

/// `PATCH /posts/{id}`: a title, a body, or both (at least one; neither may be `null`).
pub struct PostPatchRequest;

impl utoipa::PartialSchema for PostPatchRequest {
    fn schema() -> RefOr<Schema> {
        let fields = ObjectBuilder::new()
            .schema_type(Type::Object)
            .property("title", title())
            .property("body", post_body())
            .description(Some("A title, a body, or both"))
            .examples([serde_json::json!({"title": "Hello again"})]);
        let with = |field: &str| ObjectBuilder::new().required(field);
        AllOfBuilder::new().item(fields).item(AnyOfBuilder::new().item(with("title")).item(with("body"))).into()
    }
}

impl ToSchema for PostPatchRequest {}

/// `POST /posts/{id}/comments`.
#[derive(ToSchema)]
#[schema(example = json!({"body": "Welcome!"}))]
pub struct CommentRequest {
    #[schema(schema_with = comment_body)]
    pub body: String,
}

/// The order of the feed.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum Sort {
    /// Newest first (ties by id).
    Newest,
    /// Most upvoted first.
    Top,
}

/// The query of `GET /posts`. Everything is optional.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedParams {
    /// Page of the offset pagination, from 1.
    #[param(minimum = 1)]
    pub page: Option<i64>,
    /// Posts per page, from 1 (default 20; more than 100 is served as 100).
    #[param(minimum = 1)]
    pub limit: Option<i64>,
    #[param(inline)]
    pub sort: Option<Sort>,
    #[param(schema_with = search)]
    pub q: Option<String>,
    /// `next_cursor` of the previous page, to continue by keyset instead of by page (empty: from the start).
    /// Only values the server issued, for the same `sort`, are valid; anything else is a 400.
    #[param(pattern = "^(?:[0-9a-f]{2}){0,100}$")]
    pub cursor: Option<String>,
}

/// `GET /healthz`.
#[derive(serde::Serialize, ToSchema)]
#[schema(example = json!({"status": "ok"}))]
pub struct Health {
    /// Always `ok` when the answer is 200.
    pub status: &'static str,
    /// Only on a board with read replicas (`DATABASE_REPLICA_URLS`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replicas: Option<ReplicaHealth>,
}

/// `GET /readyz`.
#[derive(serde::Serialize, ToSchema)]
#[schema(example = json!({"status": "ready"}))]
pub struct Ready {
    /// `ready` (200); `starting`, `draining` or `database_unavailable` (503).
    pub status: &'static str,
}

/// The read replicas this instance knows of, and how many it reads from now: answering, and no further behind the
/// primary than `DATABASE_REPLICA_MAX_LAG_MS`. Fewer in use than configured is worth an alert, not an outage:
/// reads go to the primary meanwhile.
#[derive(serde::Serialize, ToSchema)]
#[schema(example = json!({"configured": 2, "in_use": 2}))]
pub struct ReplicaHealth {
    pub configured: usize,
    pub in_use: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_trimmed_pattern_counts_the_trimmed_text() {
        assert_eq!(
            trimmed_pattern(3, 200),
            format!(r"^[{SPACE}]*[^{SPACE}\u0000][^\u0000]{{1,198}}[^{SPACE}\u0000][{SPACE}]*$")
        );
        assert!(trimmed_pattern(1, 10_000).contains("{0,9998}"));
        assert!(optional_trimmed_pattern(500).ends_with(&format!(r"{{0,498}}[^{SPACE}\u0000])?)?[{SPACE}]*$")));
    }

    fn pattern_of(schema: Object) -> fancy_regex::Regex {
        fancy_regex::Regex::new(schema.pattern.as_deref().unwrap()).unwrap()
    }

    /// The document tells a fuzzer (or any client) which requests are valid: its patterns must agree with the
    /// shared validation on the rules this change added.
    #[test]
    fn the_patterns_agree_with_the_shared_validation() {
        use app::model::auth::{is_reserved_username, validate_password_choice, validate_username};
        use app::model::posts::validate_title;
        let title = pattern_of(title());
        for text in [
            "Hello",
            "  Hi there ",
            "\u{200B}\u{200B}\u{200B}",
            "\u{3164}\u{3164}\u{3164}",
            "\u{2800}\u{2800}\u{2800}",
            "Invoice \u{202E}fdp.exe",
            "a\u{2066}bc",
            "\u{200B}Hi\u{200B}",
            "ab",
            "שלום",
            "日本語",
        ] {
            assert_eq!(title.is_match(text).unwrap(), validate_title(text).is_ok(), "title {text:?}");
        }
        let username = pattern_of(username());
        for name in [
            "alice",
            "admin",
            "Adm1n",
            "_root_01",
            "rnod",
            "badminton",
            "the_admin",
            "ad_min",
            "SUPPORT",
            "helper",
            "0wner",
            "nul1",
            "nu11",
            "0fficial",
            "team1",
            "1team",
            "teams",
        ] {
            let valid = validate_username(name).is_ok() && !is_reserved_username(name);
            assert_eq!(username.is_match(name).unwrap(), valid, "username {name:?}");
        }
        let password = pattern_of(new_password());
        for text in ["aaaaaaaa", "        ", "aaaaaaab", "correct horse", "\n\n\n\n\n\n\n\n"] {
            let valid = validate_password_choice("somebody", text).is_ok();
            assert_eq!(password.is_match(text).unwrap(), valid, "password {text:?}");
        }
    }
}
