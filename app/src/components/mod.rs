//! Reusable pieces of the pages.

pub mod account_security;
pub mod auth_form;
pub mod comments;
pub mod header;
pub mod marked_text;
pub mod member_moderation;
pub mod members_only;
pub mod page_states;
pub mod passkey_sign_in;
pub mod passkeys_card;
pub mod post_card;
pub mod removal_form;
pub mod role_badge;
pub mod session_refresh;
pub mod time_ago;
pub mod upvote_button;

pub use account_security::AccountSecurity;
pub use auth_form::{AuthForm, AuthMode};
pub use comments::Comments;
pub use header::Header;
pub use marked_text::MarkedText;
pub use member_moderation::MemberModeration;
pub use members_only::MembersOnly;
pub use page_states::{ErrorLine, ErrorState, FormOutcome, LoadingSkeleton, Outcome};
pub use passkey_sign_in::PasskeySignIn;
pub use passkeys_card::PasskeysCard;
pub use post_card::PostCard;
pub use removal_form::RemovalForm;
pub use role_badge::RoleBadge;
pub use session_refresh::KeepSessionFresh;
pub use time_ago::TimeAgo;
pub use upvote_button::UpvoteButton;
