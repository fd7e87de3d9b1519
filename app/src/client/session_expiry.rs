//! What happens when the server answers 401 to a request that carried a token: the token is dead, so it is
//! dropped and the app is told, wherever the request came from. The transport (`BearerClient`) has no access to the
//! reactive tree, so the app registers its reaction here once, when it starts in the browser.

use std::cell::RefCell;
use std::rc::Rc;

/// Why the session ended: `Suspended(until)` when a suspension revoked the token (`None`: until lifted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ended {
    Expired,
    Suspended(Option<String>),
}

type Reaction = Rc<dyn Fn(Ended)>;

thread_local! {
    static ON_EXPIRED: RefCell<Option<Reaction>> = RefCell::new(None);
}

/// Registers what the app does when the session expires (replacing any earlier registration).
pub fn on_session_expired(reaction: impl Fn(Ended) + 'static) {
    ON_EXPIRED.with(|slot| *slot.borrow_mut() = Some(Rc::new(reaction)));
}

pub fn session_expired(why: Ended) {
    super::token_store::clear();
    // Clone out of the slot first: the reaction may navigate, and navigation must not find the slot borrowed.
    let reaction = ON_EXPIRED.with(|slot| slot.borrow().clone());
    if let Some(reaction) = reaction {
        reaction(why);
    }
}
