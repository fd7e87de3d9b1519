//! Server-rendered pages: the shell renders, and unknown paths are real 404s.

mod common;

use common::TestServer;
use reqwest::StatusCode;

#[tokio::test]
async fn the_login_page_renders_its_form_with_submit_disabled_until_hydrated() {
    let server = TestServer::start().await;
    let response = server.http.get(server.url("/login")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    assert!(html.contains(r#"<label for="username">Username</label>"#), "{html}");
    assert!(html.contains(r#"<label for="password">Password</label>"#));
    let button = &html[html.find(r#"<button type="submit""#).expect("a submit button")..];
    let button = &button[..button.find('>').unwrap()];
    assert!(button.contains("disabled"), "{button}");
}

#[tokio::test]
async fn an_unknown_path_is_a_404_page() {
    let server = TestServer::start().await;
    let response = server.http.get(server.url("/no/such/page")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(response.text().await.unwrap().contains("Page not found"));
}
