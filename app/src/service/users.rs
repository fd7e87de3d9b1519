//! Profiles: anyone signed in may look (moderators also see a suspension); only you may change your bio.

use super::Board;
use crate::error::AppError;
use crate::model::Member;
use crate::model::users::{BioInput, PROFILE_POSTS, Profile, USER_NOT_FOUND, validate_bio};
use crate::store::users;

impl Board {
    /// A member's profile; their current suspension only for moderators and admins.
    pub async fn get_profile(&self, viewer: &Member, user_id: i64) -> Result<Profile, AppError> {
        let mut profile = users::find_profile(&self.db, viewer.user_id, user_id, PROFILE_POSTS)
            .await?
            .ok_or_else(|| AppError::NotFound(USER_NOT_FOUND.into()))?;
        if !viewer.role.can_moderate() {
            profile.suspension = None;
        }
        Ok(profile)
    }

    pub async fn update_bio(&self, member: &Member, input: &BioInput) -> Result<Profile, AppError> {
        let bio = validate_bio(input)?;
        self.write_limits.profile.attempt(member.user_id).await?;
        users::set_bio(&self.db, member.user_id, &bio).await?;
        self.get_profile(member, member.user_id).await
    }
}
