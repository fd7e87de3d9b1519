//! The built browser app (`<site-root>/<pkg>`: script, wasm, stylesheet, lazy routes' chunks): served as the
//! precompressed copy the browser accepts, and cached for as long as its name says it cannot change.
//!
//! The release build (`cargo leptos build --release --precompress`, with `hash-files`) names each file after a hash
//! of its content and writes brotli (`.br`) and gzip (`.gz`) copies beside it at the highest levels, once, at build
//! time. A file whose name is the hash of what it holds is the same bytes forever: browsers may keep it a year
//! without asking again. Not every hashed name is that: with `--split`, cargo-leptos names the main script and wasm
//! after their content and then rewrites the name of the chunk loader inside them, so a build that changed only a
//! lazy route serves new bytes under an old name. So the server checks each name against its file's content when
//! it starts, and only the names that tell the truth are cached for good; the others (and pages) are revalidated
//! on every use (a 304 when nothing changed).

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use md5::{Digest, Md5};
use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// For files whose name carries their content hash.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// For everything else, pages included: the browser may keep a copy but must ask before every use.
pub const REVALIDATE: &str = "no-cache";

/// The length of cargo-leptos' content hashes: an MD5 digest in unpadded URL-safe base64.
const HASH_LEN: usize = 22;

/// The hash in `file_name` if it is `<stem>.<hash>.<extension>` (what cargo-leptos' `hash-files` writes), possibly
/// followed by the `.br` / `.gz` of a precompressed copy.
fn name_hash(file_name: &str) -> Option<&str> {
    let name = file_name.strip_suffix(".br").or_else(|| file_name.strip_suffix(".gz")).unwrap_or(file_name);
    let mut parts = name.rsplit('.');
    let (Some(_extension), Some(hash), Some(stem)) = (parts.next(), parts.next(), parts.next()) else {
        return None;
    };
    // All underscores is cargo-leptos' placeholder in the name of an unhashed build's wasm-split loader.
    let is_hash = !stem.is_empty()
        && hash.len() == HASH_LEN
        && hash.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        && hash.bytes().any(|b| b != b'_');
    is_hash.then_some(hash)
}

/// Whether `content` is what a file named `file_name` must hold: its name carries the hash of exactly these bytes.
pub fn named_after(file_name: &str, content: &[u8]) -> bool {
    name_hash(file_name).is_some_and(|hash| URL_SAFE_NO_PAD.encode(Md5::digest(content)) == hash)
}

/// The names in `dir` (not its copies, not subdirectories) that are the hash of their file's content.
fn truthfully_named(dir: &Path) -> HashSet<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return HashSet::new();
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            // The copies are served for their original's name, which is what gets checked.
            if name.ends_with(".br") || name.ends_with(".gz") {
                return None;
            }
            let content = std::fs::read(entry.path()).ok()?;
            named_after(&name, &content).then_some(name)
        })
        .collect()
}

/// Sets `Cache-Control` by the requested name. Only a file that was found is cached for a year: a hashed name that
/// is missing for a moment (an instance still on the previous build during a rolling deploy) must not be
/// remembered as missing.
async fn cache_policy(State(lasting): State<Arc<HashSet<String>>>, request: Request, next: Next) -> Response {
    let file_name = request.uri().path().rsplit('/').next().unwrap_or_default();
    let immutable = lasting.contains(file_name);
    let mut response = next.run(request).await;
    let found = response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED;
    let policy = if immutable && found { IMMUTABLE } else { REVALIDATE };
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    response
}

/// `/<pkg>/*` served from `<site_root>/<pkg>`. ServeDir picks the `.br`, else the `.gz` copy by the request's
/// `Accept-Encoding` and sets `Content-Encoding`; every answer says it varies by that header, so no cache hands
/// brotli to a client that did not ask for it.
pub fn router<S: Clone + Send + Sync + 'static>(site_root: &Path, pkg_dir: &str) -> Router<S> {
    let dir = site_root.join(pkg_dir);
    let lasting = Arc::new(truthfully_named(&dir));
    let files = ServeDir::new(dir).precompressed_br().precompressed_gzip();
    Router::new()
        .nest_service(&format!("/{pkg_dir}"), files)
        .layer(SetResponseHeaderLayer::overriding(header::VARY, HeaderValue::from_static("accept-encoding")))
        .layer(middleware::from_fn_with_state(lasting, cache_policy))
}

#[cfg(test)]
mod tests {
    use super::{name_hash, named_after};

    #[test]
    fn a_name_tells_the_truth_only_about_the_bytes_it_was_made_from() {
        // MD5 of "hello", in unpadded URL-safe base64, as cargo-leptos writes it.
        assert!(named_after("bulletin.XUFAKrxLKna5cZ2REBfFkg.js", b"hello"));
        assert!(!named_after("bulletin.XUFAKrxLKna5cZ2REBfFkg.js", b"hello, rewritten after hashing"));
        assert!(!named_after("bulletin.js", b"hello"));
    }

    #[test]
    fn names_with_cargo_leptos_hashes_are_recognised_with_or_without_a_compressed_suffix() {
        for hashed in [
            "bulletin.mh0EFmQk3RXvQr4ivUT1pg.wasm",
            "bulletin.mh0EFmQk3RXvQr4ivUT1pg.js",
            "bulletin.Os7PRIzr8S2V1LJkDW-HHQ.css",
            "bulletin.mh0EFmQk3RXvQr4ivUT1pg.wasm.br",
            "bulletin.mh0EFmQk3RXvQr4ivUT1pg.js.gz",
            "__wasm_split.mh0EFmQk3RXvQr4ivUT1pg.js",
        ] {
            assert!(name_hash(hashed).is_some(), "{hashed}");
        }
        for plain in [
            "bulletin.wasm",
            "bulletin.js.br",
            "bulletin_bg.wasm",
            // One character short, one too many, a character base64url never uses, no stem.
            "bulletin.mh0EFmQk3RXvQr4ivUT1p.wasm",
            "bulletin.mh0EFmQk3RXvQr4ivUT1pgg.wasm",
            "bulletin.mh0EFmQk3RXvQr4ivUT1p+.wasm",
            ".mh0EFmQk3RXvQr4ivUT1pg.wasm",
            "__wasm_split.______________________.js",
            "mh0EFmQk3RXvQr4ivUT1pg.wasm",
        ] {
            assert!(name_hash(plain).is_none(), "{plain}");
        }
    }
}
