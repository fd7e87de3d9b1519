//! The badge beside a moderator's or admin's name (members have none).

use crate::model::Role;
use leptos::prelude::*;

#[component]
pub fn RoleBadge(role: Role) -> impl IntoView {
    let label = match role {
        Role::Member => return None,
        Role::Moderator => "Moderator",
        Role::Admin => "Admin",
    };
    Some(view! { " " <span class=format!("role-badge role-{}", role.as_str())>{label}</span> })
}
