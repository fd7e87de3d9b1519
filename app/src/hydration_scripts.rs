//! The tags that start the browser app, made to work under the pages' nonce-based Content-Security-Policy.
//!
//! Leptos' own `HydrationScripts` puts the nonce of its `<link rel="modulepreload">` into `crossorigin` rather
//! than `nonce`, so under `script-src 'nonce-…'` Chromium blocks that preload and reports a violation on every
//! page. These are the same three tags with the nonce where CSP looks for it. The module the inline script
//! imports inherits the script's nonce, so no other source has to be allowed.

use leptos::prelude::*;

#[component]
pub fn HydrationScripts(options: LeptosOptions) -> impl IntoView {
    let nonce = leptos::nonce::use_nonce();
    let pkg = format!("/{}", options.site_pkg_dir);
    let js = format!("{pkg}/{}.js", options.output_name);
    // cargo-leptos renames wasm-bindgen's `<name>_bg.wasm` to `<name>.wasm`; builds without it keep the suffix
    // (the same rule Leptos applies).
    let wasm_name = match option_env!("LEPTOS_OUTPUT_NAME") {
        Some(_) => options.output_name.to_string(),
        None => format!("{}_bg", options.output_name),
    };
    let wasm = format!("{pkg}/{wasm_name}.wasm");
    let start =
        format!("import({js:?}).then(app => app.default({{module_or_path: {wasm:?}}}).then(() => app.hydrate()));");
    view! {
        <link rel="modulepreload" href=js nonce=nonce.clone()/>
        <link rel="preload" href=wasm r#as="fetch" r#type="application/wasm" crossorigin=""/>
        <script type="module" nonce=nonce>{start}</script>
    }
}
