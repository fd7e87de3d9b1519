//! How much one member may write (new posts and edits, comments, upvotes, bio edits, reports) and search, each counted per member
//! in a fixed window. Without it a single account could grow the database at the speed of the disk.

use super::{AttemptLimiter, RateLimit};
use crate::store::Db;

/// The configured limits (`None`: that kind of write is not limited).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteLimits {
    /// New posts and edits of posts.
    pub posts: Option<RateLimit>,
    pub comments: Option<RateLimit>,
    /// Upvotes given and withdrawn.
    pub upvotes: Option<RateLimit>,
    /// Bio edits.
    pub profile: Option<RateLimit>,
    /// Searches: the one read that is counted, because each costs the database what many page views do.
    pub searches: Option<RateLimit>,
    /// Reports of posts.
    pub reports: Option<RateLimit>,
}

/// One limiter per kind of write, keyed by user id, counting where every instance on the database sees it.
#[derive(Clone)]
pub struct WriteLimiters {
    pub posts: AttemptLimiter<i64>,
    pub comments: AttemptLimiter<i64>,
    pub upvotes: AttemptLimiter<i64>,
    pub profile: AttemptLimiter<i64>,
    pub searches: AttemptLimiter<i64>,
    pub reports: AttemptLimiter<i64>,
}

impl WriteLimiters {
    pub fn on(db: &Db, limits: WriteLimits) -> Self {
        WriteLimiters {
            posts: AttemptLimiter::on(db, "posts", limits.posts),
            comments: AttemptLimiter::on(db, "comments", limits.comments),
            upvotes: AttemptLimiter::on(db, "upvotes", limits.upvotes),
            profile: AttemptLimiter::on(db, "profile", limits.profile),
            searches: AttemptLimiter::on(db, "searches", limits.searches),
            reports: AttemptLimiter::on(db, "reports", limits.reports),
        }
    }
}
