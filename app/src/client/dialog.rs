//! The browser's own dialogs (a confirmation, a question with a text box): accessible, keyboard-friendly and
//! impossible to miss.

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

/// Asks `question` with a text box; the text typed (possibly empty) if the person confirmed, `None` if they
/// cancelled. Never answers outside a browser.
pub fn ask(question: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window().and_then(|w| w.prompt_with_message_and_default(question, "").ok()).flatten()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = question;
        None
    }
}
