//! The OpenAPI document at /openapi.json against the router that serves the REST API: the same operations,
//! no more and no fewer; and the /docs page that renders it.
//!
//! The REST router and the document are built from one list of handlers (`utoipa_axum::routes!` in
//! rest/mod.rs). These tests check the result from outside, over HTTP: every documented operation is routed
//! to a handler (never to the router's "Not found" / "Method not allowed" fallbacks), every other method on a
//! documented path is refused with 405, and the document holds exactly the operations listed here — so a
//! route added without documentation, or documented without a route, fails one of them.

mod common;

use common::TestServer;
use serde_json::Value;
use std::collections::BTreeSet;

/// Every REST operation Bulletin serves.
const OPERATIONS: &[(&str, &str)] = &[
    ("POST", "/auth/register"),
    ("POST", "/auth/login"),
    ("GET", "/auth/me"),
    ("PATCH", "/auth/me"),
    ("POST", "/auth/refresh"),
    ("POST", "/auth/logout"),
    ("POST", "/auth/logout-all"),
    ("PATCH", "/auth/password"),
    ("POST", "/auth/passkeys/registration"),
    ("PUT", "/auth/passkeys/registration"),
    ("GET", "/auth/passkeys"),
    ("PATCH", "/auth/passkeys/{id}"),
    ("DELETE", "/auth/passkeys/{id}"),
    ("POST", "/auth/passkeys/login"),
    ("PUT", "/auth/passkeys/login"),
    ("GET", "/posts"),
    ("POST", "/posts"),
    ("GET", "/posts/{id}"),
    ("PATCH", "/posts/{id}"),
    ("DELETE", "/posts/{id}"),
    ("POST", "/posts/{id}/upvote"),
    ("DELETE", "/posts/{id}/upvote"),
    ("GET", "/posts/{id}/comments"),
    ("POST", "/posts/{id}/comments"),
    ("DELETE", "/posts/{id}/comments/{comment_id}"),
    ("POST", "/posts/{id}/reports"),
    ("GET", "/users/{id}"),
    ("PATCH", "/users/{id}/role"),
    ("POST", "/users/{id}/suspension"),
    ("DELETE", "/users/{id}/suspension"),
    ("GET", "/moderation/reports"),
    ("PATCH", "/moderation/reports/{id}"),
    ("GET", "/moderation/log"),
    ("GET", "/healthz"),
    ("GET", "/readyz"),
];

const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE"];

async fn document(server: &TestServer) -> Value {
    let response = server.http.get(server.url("/openapi.json")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    response.json().await.unwrap()
}

fn documented(doc: &Value) -> BTreeSet<(String, String)> {
    let mut operations = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys().filter(|m| METHODS.contains(&m.to_uppercase().as_str())) {
            operations.insert((method.to_uppercase(), path.clone()));
        }
    }
    operations
}

/// A concrete URL for a documented path (ids that exist or not do not matter: routing happens first).
fn concrete(path: &str) -> String {
    path.replace("{id}", "1").replace("{comment_id}", "1")
}

#[tokio::test]
async fn the_document_lists_exactly_the_operations_served() {
    let server = TestServer::start().await;
    let doc = document(&server).await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"), "OpenAPI 3.1: {}", doc["openapi"]);
    let expected: BTreeSet<(String, String)> = OPERATIONS.iter().map(|(m, p)| (m.to_string(), p.to_string())).collect();
    assert_eq!(documented(&doc), expected);

    let member = server.member("router_probe").await;
    let paths: BTreeSet<&str> = OPERATIONS.iter().map(|(_, p)| *p).collect();
    for path in paths {
        for method in METHODS {
            let response = server.call(method, &concrete(path), Some(&member), None).await;
            let status = response.status().as_u16();
            let body: Value = response.json().await.unwrap_or(Value::Null);
            let is_documented = OPERATIONS.contains(&(*method, path));
            if is_documented {
                assert_ne!(status, 405, "{method} {path} is documented but not routed");
                assert_ne!(body["error"], "Not found", "{method} {path} is documented but not routed");
            } else {
                assert_eq!(status, 405, "{method} {path} is served but not documented ({body})");
            }
        }
    }
}

#[tokio::test]
async fn the_document_describes_bearer_auth_errors_and_examples() {
    let server = TestServer::start().await;
    let doc = document(&server).await;
    let bearer = &doc["components"]["securitySchemes"]["bearer"];
    assert_eq!((bearer["type"].as_str(), bearer["scheme"].as_str()), (Some("http"), Some("bearer")));
    let error = &doc["components"]["schemas"]["ErrorBody"];
    assert_eq!(error["required"], serde_json::json!(["error"]));

    for (method, path) in OPERATIONS {
        let operation = &doc["paths"][path][method.to_lowercase()];
        let public = ["/auth/register", "/auth/login", "/auth/passkeys/login", "/healthz", "/readyz"].contains(path);
        let security = operation.get("security").unwrap_or(&doc["security"]);
        assert_eq!(security == &serde_json::json!([{}]), public, "{method} {path}: security {security}");
        let responses = operation["responses"].as_object().unwrap();
        assert!(responses.keys().any(|s| s.starts_with('2')), "{method} {path}: a success");
        for status in ["408", "503"] {
            assert!(responses.contains_key(status), "{method} {path}: {status}");
        }
        if !public {
            assert!(responses.contains_key("401"), "{method} {path}: 401");
        }
        if let Some(body) = operation.get("requestBody") {
            assert!(["400", "413", "415"].iter().all(|s| responses.contains_key(*s)), "{method} {path}");
            let schema = &body["content"]["application/json"]["schema"];
            // A body that may be left out is `oneOf: [null, {$ref}]`.
            let optional = schema["oneOf"].as_array().and_then(|items| items.iter().find(|i| i.get("$ref").is_some()));
            let reference = optional.unwrap_or(schema)["$ref"].as_str();
            let name = reference.map(|r| r.rsplit('/').next().unwrap().to_owned());
            let component = name.map_or(schema.clone(), |n| doc["components"]["schemas"][n].clone());
            assert!(component.to_string().contains("example"), "{method} {path}: a request example");
        }
    }
}

#[tokio::test]
async fn the_docs_page_is_served_from_the_binary_under_a_strict_policy() {
    let server = TestServer::start().await;
    let page = server.http.get(server.url("/docs")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let policy = page.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(policy.contains("script-src 'self'") && !policy.contains("unsafe"), "{policy}");
    let html = page.text().await.unwrap();
    assert!(html.contains(r#"src="/docs/viewer.js""#) && !html.contains("http"), "self-hosted, no CDN: {html}");
    for asset in ["/docs/viewer.js", "/docs/viewer.css"] {
        let response = server.http.get(server.url(asset)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{asset}");
        assert!(response.text().await.unwrap().len() > 500, "{asset}");
    }
}
