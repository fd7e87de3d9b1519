//! Unsaved text, kept in the browser until it is published: what a member typed survives a reload, an expired
//! session (log in again and it is back), Back and Forward, and another tab signing in as someone else.
//!
//! Each draft is one localStorage entry per member, page and field (`bulletin_draft:<user id>:<page>:<field>`), so
//! members sharing a browser never see each other's drafts. Publishing clears it; "Log out" clears the member's
//! drafts after asking (a shared computer must not keep them).

use leptos::prelude::*;

const PREFIX: &str = "bulletin_draft:";

/// One draft: a member's text for one field of one page (`"/new"`, `"/p/7/edit"`, `"/p/7#comment"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftKey {
    pub user_id: i64,
    pub page: String,
    pub field: &'static str,
}

impl DraftKey {
    fn storage_key(&self) -> String {
        format!("{PREFIX}{}:{}:{}", self.user_id, self.page, self.field)
    }
}

fn member_prefix(user_id: i64) -> String {
    format!("{PREFIX}{user_id}:")
}

#[cfg(feature = "hydrate")]
mod imp {
    use gloo_storage::{LocalStorage, Storage};

    pub fn load(key: &str) -> Option<String> {
        LocalStorage::get::<String>(key).ok()
    }

    pub fn save(key: &str, text: &str) {
        // A full or disabled storage only loses the safety net, not the text on screen.
        let _ = LocalStorage::set(key, text);
    }

    pub fn remove(key: &str) {
        LocalStorage::delete(key);
    }

    pub fn keys_with(prefix: &str) -> Vec<String> {
        let storage = LocalStorage::raw();
        let len = storage.length().unwrap_or(0);
        (0..len).filter_map(|i| storage.key(i).ok().flatten()).filter(|key| key.starts_with(prefix)).collect()
    }
}

#[cfg(not(feature = "hydrate"))]
mod imp {
    pub fn load(_key: &str) -> Option<String> {
        None
    }

    pub fn save(_key: &str, _text: &str) {}

    pub fn remove(_key: &str) {}

    pub fn keys_with(_prefix: &str) -> Vec<String> {
        Vec::new()
    }
}

/// The stored draft, if there is one.
pub fn load(key: &DraftKey) -> Option<String> {
    imp::load(&key.storage_key())
}

/// Keeps `text` as the draft; text equal to what is already published (`published`) is no draft at all.
pub fn keep(key: &DraftKey, text: &str, published: &str) {
    if text == published {
        imp::remove(&key.storage_key());
    } else {
        imp::save(&key.storage_key(), text);
    }
}

pub fn clear(key: &DraftKey) {
    imp::remove(&key.storage_key());
}

/// Whether the member has any unsaved draft in this browser.
pub fn member_has_drafts(user_id: i64) -> bool {
    !imp::keys_with(&member_prefix(user_id)).is_empty()
}

/// Forgets every draft of the member (at log-out).
pub fn clear_member(user_id: i64) {
    for key in imp::keys_with(&member_prefix(user_id)) {
        imp::remove(&key);
    }
}

/// A field's text as a signal that starts from the member's stored draft (else `published`) and keeps every
/// change as the draft. Returns the signal and whether a draft was restored.
pub fn drafted_text(key: DraftKey, published: String) -> (RwSignal<String>, bool) {
    let restored = load(&key).filter(|draft| *draft != published);
    let text = RwSignal::new(restored.clone().unwrap_or_else(|| published.clone()));
    Effect::new(move |previous: Option<()>| {
        let current = text.get();
        // The first run only subscribes: what was just loaded needs no saving.
        if previous.is_some() {
            keep(&key, &current, &published);
        }
    });
    (text, restored.is_some())
}

pub const LOG_OUT_QUESTION: &str =
    "You have unsaved drafts in this browser. Log out and discard them? (Cancel to stay and publish them first.)";
