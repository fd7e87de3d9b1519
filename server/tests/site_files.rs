//! The browser app's files: the precompressed copy the client accepts, cached for a year when the name carries
//! the content's hash, revalidated otherwise; pages are revalidated, API answers never stored.

mod common;

use bulletin::site_files::{IMMUTABLE, REVALIDATE};
use common::TestServer;
use reqwest::header::{ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, HeaderName, VARY};
use std::path::Path;

/// The raw module's name: the MD5 of its content, in unpadded URL-safe base64, as cargo-leptos names files.
const HASHED_WASM: &str = "bulletin.oAp9bH-r4EMv9pKa1BA2Ww.wasm";
const RAW_MODULE: &str = "the raw module";
/// A name that carried the hash of an earlier content (cargo-leptos rewrites the main script after hashing it).
const REWRITTEN_JS: &str = "bulletin.mh0EFmQk3RXvQr4ivUT1pg.js";

/// A built site as `cargo leptos build --release --precompress` leaves it: each file with its `.br` and `.gz`
/// copies (here with recognisable contents: the server sends the copy, it never compresses these itself), a file
/// whose content no longer matches its name, and one file of a build without hashes.
fn built_site(root: &Path) {
    let pkg = root.join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    for (name, body) in [
        (HASHED_WASM.to_owned(), RAW_MODULE),
        (format!("{HASHED_WASM}.br"), "brotli copy"),
        (format!("{HASHED_WASM}.gz"), "gzip copy"),
        (REWRITTEN_JS.to_owned(), "import './__wasm_split.other.js'"),
        ("bulletin.wasm".to_owned(), "an unhashed module"),
    ] {
        std::fs::write(pkg.join(name), body).unwrap();
    }
}

#[test]
fn the_fixture_is_named_as_cargo_leptos_would_name_it() {
    assert!(bulletin::site_files::named_after(HASHED_WASM, RAW_MODULE.as_bytes()));
}

struct Answer {
    status: u16,
    body: String,
    header: Box<dyn Fn(HeaderName) -> Option<String>>,
}

async fn get(server: &TestServer, path: &str, accept: Option<&str>) -> Answer {
    let mut request = server.http.get(server.url(path));
    if let Some(accept) = accept {
        request = request.header(ACCEPT_ENCODING, accept);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.text().await.unwrap();
    let header = Box::new(move |name: HeaderName| headers.get(name).map(|v| v.to_str().unwrap().to_owned()));
    Answer { status, body, header }
}

#[tokio::test]
async fn a_hashed_file_is_sent_as_the_precompressed_copy_the_client_accepts_and_kept_a_year() {
    let site = tempfile::tempdir().unwrap();
    built_site(site.path());
    let server = TestServer::start_serving_site(site.path()).await;
    let path = format!("/pkg/{HASHED_WASM}");
    for (accept, encoding, body) in [
        (Some("br"), Some("br"), "brotli copy"),
        (Some("gzip, deflate, br"), Some("br"), "brotli copy"),
        (Some("gzip"), Some("gzip"), "gzip copy"),
        (None, None, RAW_MODULE),
    ] {
        let answer = get(&server, &path, accept).await;
        assert_eq!(answer.status, 200, "{accept:?}");
        assert_eq!(answer.body, body, "{accept:?}");
        assert_eq!((answer.header)(CONTENT_ENCODING).as_deref(), encoding, "{accept:?}");
        assert_eq!((answer.header)(CONTENT_TYPE).as_deref(), Some("application/wasm"), "{accept:?}");
        assert_eq!((answer.header)(VARY).as_deref(), Some("accept-encoding"), "{accept:?}");
        assert_eq!((answer.header)(CACHE_CONTROL).as_deref(), Some(IMMUTABLE), "{accept:?}");
    }
}

#[tokio::test]
async fn files_without_a_true_hash_and_missing_files_are_never_kept_without_asking() {
    let site = tempfile::tempdir().unwrap();
    built_site(site.path());
    let server = TestServer::start_serving_site(site.path()).await;
    let unhashed = get(&server, "/pkg/bulletin.wasm", Some("br")).await;
    assert_eq!((unhashed.status, unhashed.body.as_str()), (200, "an unhashed module"));
    assert_eq!((unhashed.header)(CONTENT_ENCODING), None, "no precompressed copy: sent as it is");
    assert_eq!((unhashed.header)(CACHE_CONTROL).as_deref(), Some(REVALIDATE));
    // A hashed name over other bytes than it was made from: served, but asked about again on every use.
    let rewritten = get(&server, &format!("/pkg/{REWRITTEN_JS}"), None).await;
    assert_eq!(rewritten.status, 200);
    assert_eq!((rewritten.header)(CACHE_CONTROL).as_deref(), Some(REVALIDATE));
    // A hashed name this instance does not have (yet): its 404 must not be remembered for a year.
    let missing = get(&server, "/pkg/bulletin.AAAAAAAAAAAAAAAAAAAAAA.js", Some("br")).await;
    assert_eq!(missing.status, 404);
    assert_eq!((missing.header)(CACHE_CONTROL).as_deref(), Some(REVALIDATE));
}

#[tokio::test]
async fn pages_are_revalidated_and_api_answers_are_never_stored() {
    let site = tempfile::tempdir().unwrap();
    built_site(site.path());
    let server = TestServer::start_serving_site(site.path()).await;
    let page = get(&server, "/login", None).await;
    assert_eq!(page.status, 200);
    assert!((page.header)(CONTENT_TYPE).unwrap().starts_with("text/html"));
    assert_eq!((page.header)(CACHE_CONTROL).as_deref(), Some(REVALIDATE));
    let api = get(&server, "/posts", None).await;
    assert_eq!(api.status, 401);
    assert_eq!((api.header)(CACHE_CONTROL).as_deref(), Some("no-store"));
}
