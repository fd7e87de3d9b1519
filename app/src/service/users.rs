//! Profiles: anyone signed in may look; only you may change your bio.

use super::AppState;
use crate::error::AppError;
use crate::model::Member;
use crate::model::users::{BioInput, PROFILE_POSTS, Profile, USER_NOT_FOUND, validate_bio};
use crate::store::{posts, users};

impl AppState {
    pub async fn get_profile(&self, viewer: &Member, user_id: i64) -> Result<Profile, AppError> {
        let (username, bio, created_at) =
            users::find_profile(&self.db, user_id).await?.ok_or_else(|| AppError::NotFound(USER_NOT_FOUND.into()))?;
        let post_count = posts::count_by_author(&self.db, user_id).await?;
        let posts = posts::by_author(&self.db, viewer.user_id, user_id, PROFILE_POSTS).await?;
        Ok(Profile { id: user_id, username, bio, created_at, post_count, posts })
    }

    pub async fn update_bio(&self, member: &Member, input: &BioInput) -> Result<Profile, AppError> {
        let bio = validate_bio(input)?;
        self.write_limits.profile.attempt(member.user_id)?;
        users::set_bio(&self.db, member.user_id, &bio).await?;
        self.get_profile(member, member.user_id).await
    }
}
