//! The browser entry point: hydrates the server-rendered page with the app.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // Panic messages in the console, in debug builds only: the hook's formatting machinery costs the release
    // bundle kilobytes, and a release build aborts on panic either way (the console still shows the abort).
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    // Asynchronous hydration: a page on a lazy route (app/src/pages/lazy_routes.rs) is hydrated once its chunk has
    // arrived. Then the app is told, since effects may run before (app/src/client/hydration.rs).
    // wasm-bindgen's own executor: Leptos sets up its executor inside `hydrate_from_async`.
    wasm_bindgen_futures::spawn_local(async {
        let app = leptos::mount::hydrate_from_async(leptos::prelude::document().body().unwrap(), app::App).await;
        app::client::hydration::mark_finished();
        app.forget();
    });
}
