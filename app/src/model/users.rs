//! Member profiles.

use super::posts::Post;
use crate::error::AppError;
use serde::{Deserialize, Serialize};

pub const BIO_MAX: usize = 500;
pub const USER_NOT_FOUND: &str = "User not found";
/// How many of a member's newest posts their profile shows.
pub const PROFILE_POSTS: i64 = 20;

/// `GET /users/{id}`.
// On the server the store reads everything but `posts` as the row, and the posts (as whoever asks sees them) as a
// JSON array beside it, in the same statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema, sqlx::FromRow))]
pub struct Profile {
    pub id: i64,
    pub username: String,
    #[serde(default)]
    pub role: super::Role,
    pub bio: String,
    pub created_at: String,
    pub post_count: i64,
    #[cfg_attr(feature = "ssr", sqlx(skip))]
    pub posts: Vec<Post>,
    /// The member's current suspension: shown to moderators and admins only (`None` for everyone else).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ssr", sqlx(skip))]
    pub suspension: Option<super::moderation::Suspension>,
}

/// `PATCH /auth/me`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BioInput {
    pub bio: Option<String>,
}

/// Trimmed, at most 500 characters; an empty bio clears it.
pub fn validate_bio(input: &BioInput) -> Result<String, AppError> {
    let bio = input.bio.as_deref().ok_or_else(|| AppError::Validation("Missing required fields: bio".into()))?.trim();
    super::reject_nul(bio, "Bio")?;
    if bio.chars().count() > BIO_MAX {
        return Err(AppError::Validation(format!("Bio must be at most {BIO_MAX} characters")));
    }
    Ok(bio.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bios_are_trimmed_and_bounded() {
        let bio = |text: Option<&str>| validate_bio(&BioInput { bio: text.map(Into::into) });
        assert_eq!(bio(Some("  hi  ")).unwrap(), "hi");
        assert_eq!(bio(Some("")).unwrap(), "", "an empty bio clears it");
        assert!(bio(Some(&"b".repeat(500))).is_ok());
        assert_eq!(bio(Some(&"b".repeat(501))), Err(AppError::Validation("Bio must be at most 500 characters".into())));
        assert_eq!(bio(None), Err(AppError::Validation("Missing required fields: bio".into())));
    }
}
