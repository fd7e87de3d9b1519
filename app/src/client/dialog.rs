//! The browser's own confirmation dialog: accessible, keyboard-friendly and impossible to miss.

/// Asks `question`; true only if the person confirmed. Never confirms outside a browser.
pub fn confirm(question: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window().and_then(|w| w.confirm_with_message(question).ok()).unwrap_or(false)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = question;
        false
    }
}
