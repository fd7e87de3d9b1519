//! The tags that load the browser app (stylesheet, script, wasm), made to work under the pages' nonce-based
//! Content-Security-Policy and with the content-hashed file names of a release build.
//!
//! Leptos' own `HydrationScripts` puts the nonce of its `<link rel="modulepreload">` into `crossorigin` rather
//! than `nonce`, so under `script-src 'nonce-…'` Chromium blocks that preload and reports a violation on every
//! page. These are the same tags with the nonce where CSP looks for it. The module the inline script imports
//! inherits the script's nonce, so no other source has to be allowed.

use leptos::prelude::*;

/// The names of the app's files under `/<pkg>/`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssetNames {
    pub js: String,
    pub wasm: String,
    pub css: String,
}

impl AssetNames {
    /// The names without hashes. cargo-leptos renames wasm-bindgen's `<name>_bg.wasm` to `<name>.wasm`; builds
    /// without it keep the suffix (the same rule Leptos applies).
    pub fn plain(output_name: &str, built_by_cargo_leptos: bool) -> Self {
        let wasm = if built_by_cargo_leptos { output_name.to_owned() } else { format!("{output_name}_bg") };
        Self { js: format!("{output_name}.js"), wasm: format!("{wasm}.wasm"), css: format!("{output_name}.css") }
    }

    /// The names a `hash-files` build gave the files, from the hash file cargo-leptos writes (`js: <hash>` lines).
    /// `None` if a line is missing: a page that names files which do not exist must not be served.
    pub fn hashed(output_name: &str, hash_file: &str) -> Option<Self> {
        let hash_of = |kind: &str| {
            hash_file.lines().find_map(|line| {
                let (name, hash) = line.split_once(':')?;
                (name.trim() == kind && !hash.trim().is_empty())
                    .then(|| format!("{output_name}.{}.{kind}", hash.trim()))
            })
        };
        Some(Self { js: hash_of("js")?, wasm: hash_of("wasm")?, css: hash_of("css")? })
    }

    /// Whether cargo-leptos built this binary with `hash-files` (then the names come from its hash file).
    pub fn built_with_hashes() -> bool {
        option_env!("LEPTOS_HASH_FILES") == Some("true")
    }

    /// This server's names, worked out once: hashed when cargo-leptos built the binary with `hash-files` (it then
    /// writes the hash file beside the binary), plain otherwise (tests, `cargo build`).
    pub fn of_this_build(options: &LeptosOptions) -> Self {
        static NAMES: std::sync::OnceLock<AssetNames> = std::sync::OnceLock::new();
        NAMES
            .get_or_init(|| {
                let built_by_cargo_leptos = option_env!("LEPTOS_OUTPUT_NAME").is_some();
                let plain = Self::plain(&options.output_name, built_by_cargo_leptos);
                if !Self::built_with_hashes() {
                    return plain;
                }
                let hash_file = option_env!("LEPTOS_HASH_FILE_NAME").unwrap_or("hash.txt");
                let path = std::env::current_exe().ok().and_then(|exe| Some(exe.parent()?.join(hash_file)));
                let hashed = path
                    .as_ref()
                    .and_then(|path| std::fs::read_to_string(path).ok())
                    .and_then(|text| Self::hashed(&options.output_name, &text));
                hashed.unwrap_or_else(|| {
                    tracing::error!(
                        path = ?path,
                        "built with hashed file names but the hash file is missing or incomplete; pages name the \
                         unhashed files"
                    );
                    plain
                })
            })
            .clone()
    }
}

#[component]
pub fn HydrationScripts(options: LeptosOptions) -> impl IntoView {
    let nonce = leptos::nonce::use_nonce();
    let names = AssetNames::of_this_build(&options);
    let pkg = format!("/{}", options.site_pkg_dir);
    let js = format!("{pkg}/{}", names.js);
    let wasm = format!("{pkg}/{}", names.wasm);
    let css = format!("{pkg}/{}", names.css);
    let start =
        format!("import({js:?}).then(app => app.default({{module_or_path: {wasm:?}}}).then(() => app.hydrate()));");
    view! {
        // `id="leptos"`: the stylesheet `cargo leptos watch` swaps when the CSS changes.
        <link rel="stylesheet" id="leptos" href=css/>
        <link rel="modulepreload" href=js nonce=nonce.clone()/>
        <link rel="preload" href=wasm r#as="fetch" r#type="application/wasm" crossorigin=""/>
        // A classic script runs as soon as it is parsed: the feed's first page is on its way before the app's
        // script has even arrived (client/early_feed.rs).
        <script nonce=nonce.clone()>{crate::client::early_feed::script()}</script>
        <script type="module" nonce=nonce>{start}</script>
    }
}

#[cfg(test)]
mod tests {
    use super::AssetNames;

    #[test]
    fn a_hash_file_names_each_file_after_its_hash() {
        let text = "js: AbC\nwasm: dEf-_1\ncss: XyZ\n";
        assert_eq!(
            AssetNames::hashed("bulletin", text),
            Some(AssetNames {
                js: "bulletin.AbC.js".into(),
                wasm: "bulletin.dEf-_1.wasm".into(),
                css: "bulletin.XyZ.css".into()
            })
        );
    }

    #[test]
    fn an_incomplete_hash_file_is_not_used() {
        assert_eq!(AssetNames::hashed("bulletin", "js: AbC\nwasm: dEf\n"), None);
        assert_eq!(AssetNames::hashed("bulletin", "js: AbC\nwasm: \ncss: x"), None);
    }

    #[test]
    fn without_hashes_the_names_follow_the_builder() {
        assert_eq!(AssetNames::plain("bulletin", true).wasm, "bulletin.wasm");
        assert_eq!(AssetNames::plain("bulletin", false).wasm, "bulletin_bg.wasm");
        assert_eq!(AssetNames::plain("bulletin", false).css, "bulletin.css");
    }
}
