//! Asking before unsaved text is lost: on closing or reloading the tab (`beforeunload`), and on following a link
//! inside the app (a capture-phase click listener that runs before the router's own).

use leptos::prelude::*;

pub const LEAVE_QUESTION: &str = "You have unsaved changes. Leave this page and lose them?";

/// While `dirty` is true, leaving the page asks first.
pub fn guard_unsaved_changes(dirty: Signal<bool>) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        use wasm_bindgen::closure::Closure;

        // A listener can outlive the editor by a moment; a disposed editor has nothing unsaved.
        let is_dirty = move || dirty.try_get_untracked().unwrap_or(false);
        let unload = window_event_listener(leptos::ev::beforeunload, move |ev| {
            if is_dirty() {
                ev.prevent_default();
                ev.set_return_value(LEAVE_QUESTION);
            }
        });

        let on_click = Closure::<dyn Fn(web_sys::MouseEvent)>::new(move |ev: web_sys::MouseEvent| {
            if !is_dirty() {
                return;
            }
            let target = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok());
            let on_link = target.and_then(|el| el.closest("a[href]").ok().flatten()).is_some();
            if on_link && !super::dialog::confirm(LEAVE_QUESTION) {
                ev.prevent_default();
                ev.stop_immediate_propagation();
            }
        });
        let window = window();
        let _ = window.add_event_listener_with_callback_and_bool("click", on_click.as_ref().unchecked_ref(), true);
        // Browser objects live on the one browser thread; the wrapper only satisfies on_cleanup's Send bound.
        let registered = send_wrapper::SendWrapper::new((window, on_click));
        on_cleanup(move || {
            unload.remove();
            let (window, on_click) = &*registered;
            let _ =
                window.remove_event_listener_with_callback_and_bool("click", on_click.as_ref().unchecked_ref(), true);
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = dirty;
}
