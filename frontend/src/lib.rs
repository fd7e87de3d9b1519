//! The browser entry point: hydrates the server-rendered page with the app.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // Panic messages in the console, in debug builds only: the hook's formatting machinery costs the release
    // bundle kilobytes, and a release build aborts on panic either way (the console still shows the abort).
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
