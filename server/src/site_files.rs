//! The built browser app (`<site-root>/<pkg>`: script, wasm, stylesheet): served as the precompressed copy the
//! browser accepts, and cached for as long as its name says it cannot change.
//!
//! The release build (`cargo leptos build --release -P`, with `hash-files`) names each file after a hash of its
//! content and writes brotli (`.br`) and gzip (`.gz`) copies beside it at the highest levels, once, at build time.
//! A file whose name carries that hash is the same bytes forever: browsers may keep it a year without asking
//! again, so a repeat visit downloads no script, wasm or stylesheet. Any other file (a build without hashing,
//! wasm-bindgen's snippets) must be revalidated on every use.

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use std::path::Path;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

/// For files whose name carries their content hash.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// For everything else, pages included: the browser may keep a copy but must ask before every use.
pub const REVALIDATE: &str = "no-cache";

/// The length of cargo-leptos' content hashes: an MD5 digest in unpadded URL-safe base64.
const HASH_LEN: usize = 22;

/// Whether `file_name` is `<stem>.<hash>.<extension>` (what cargo-leptos' `hash-files` writes), possibly followed
/// by the `.br` / `.gz` of a precompressed copy.
pub fn is_content_hashed(file_name: &str) -> bool {
    let name = file_name.strip_suffix(".br").or_else(|| file_name.strip_suffix(".gz")).unwrap_or(file_name);
    let mut parts = name.rsplit('.');
    let (Some(_extension), Some(hash), Some(stem)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    // All underscores is cargo-leptos' placeholder in the name of an unhashed build's wasm-split loader.
    !stem.is_empty()
        && hash.len() == HASH_LEN
        && hash.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        && hash.bytes().any(|b| b != b'_')
}

/// Sets `Cache-Control` by the requested name. Only a file that was found is cached for a year: a hashed name
/// that is missing for a moment (an instance still on the previous build during a rolling deploy) must not be
/// remembered as missing.
async fn cache_policy(request: Request, next: Next) -> Response {
    let file_name = request.uri().path().rsplit('/').next().unwrap_or_default();
    let immutable = is_content_hashed(file_name);
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
    let files = ServeDir::new(site_root.join(pkg_dir)).precompressed_br().precompressed_gzip();
    Router::new()
        .nest_service(&format!("/{pkg_dir}"), files)
        .layer(SetResponseHeaderLayer::overriding(header::VARY, HeaderValue::from_static("accept-encoding")))
        .layer(middleware::from_fn(cache_policy))
}

#[cfg(test)]
mod tests {
    use super::is_content_hashed;

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
            assert!(is_content_hashed(hashed), "{hashed}");
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
            assert!(!is_content_hashed(plain), "{plain}");
        }
    }
}
