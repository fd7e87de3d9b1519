//! A real Bulletin server on a random local port, on its own fresh database (SQLite or PostgreSQL, see
//! `database.rs`), for HTTP tests; and reading its answers as the shared model types (`app::model`).
#![allow(dead_code)] // each test file uses a different part of this

pub mod authenticator;
pub mod database;
pub mod ledger;
pub mod observer;
pub mod process;
pub mod replica_pair;

use app::model::{AuthToken, Post};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bulletin::config::Config;
use database::TestDatabase;
use reqwest::{Client, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::collections::HashMap;

pub const SECRET: &str = "integration-test-secret-that-is-32-bytes-or-more";

/// What every test server runs with unless a test says otherwise, in this process or as a process of its own
/// (`process.rs`): the test secret, cheap bcrypt, and no rate limits.
pub const TEST_DEFAULTS: [(&str, &str); 12] = [
    ("JWT_SECRET", SECRET),
    ("BCRYPT_COST", "4"),
    ("AUTH_RATE_LIMIT", "off"),
    ("LOGIN_FAILURE_LIMIT", "off"),
    ("LOGIN_SUCCESS_LIMIT", "off"),
    ("PASSKEY_START_LIMIT", "off"),
    ("POST_RATE_LIMIT", "off"),
    ("COMMENT_RATE_LIMIT", "off"),
    ("UPVOTE_RATE_LIMIT", "off"),
    ("PROFILE_RATE_LIMIT", "off"),
    ("SEARCH_RATE_LIMIT", "off"),
    ("REPORT_RATE_LIMIT", "off"),
];

pub struct TestServer {
    pub base: String,
    pub http: Client,
    /// The database this server owns (and drops with it); `None` for a second instance on another's database.
    pub database: Option<TestDatabase>,
    database_url: String,
    /// The database's replica, when the suite runs with one (`TEST_REPLICA_URL`).
    replica_url: Option<String>,
    /// With such a replica: the read-after position the test, as one reader, has been given (`observer.rs`).
    seen: Option<observer::Seen>,
}

impl TestServer {
    pub async fn start() -> TestServer {
        TestServer::start_with(&[]).await
    }

    /// Starts with `TEST_DEFAULTS`, overridden by `vars`.
    pub async fn start_with(vars: &[(&str, &str)]) -> TestServer {
        TestServer::start_on(TestDatabase::fresh().await, vars).await
    }

    /// Starts on `database` (its URL unless `vars` names another DATABASE_URL).
    pub async fn start_on(database: TestDatabase, vars: &[(&str, &str)]) -> TestServer {
        let mut server = TestServer::start_serving(database.url(), database.replica_url(), None, vars, None).await;
        server.database = Some(database);
        server
    }

    /// Another instance on this server's database, as a second server behind a load balancer would be.
    pub async fn second_instance(&self, vars: &[(&str, &str)]) -> TestServer {
        let (replica, seen) = (self.replica_url.clone(), self.seen.clone());
        TestServer::start_serving(self.database_url.clone(), replica, seen, vars, None).await
    }

    /// Starts with `TEST_DEFAULTS`, serving the app's files from `site_root` (a built site's layout: `pkg/…`).
    pub async fn start_serving_site(site_root: &std::path::Path) -> TestServer {
        let database = TestDatabase::fresh().await;
        let mut server =
            TestServer::start_serving(database.url(), database.replica_url(), None, &[], Some(site_root)).await;
        server.database = Some(database);
        server
    }

    /// `replica_url`: the suite's replica of the database, read from unless `vars` names DATABASE_REPLICA_URLS
    /// (a test about replicas, which then sends read-after positions itself); with it the server is wrapped in an
    /// `observer` sharing `seen` (a new one if `None`).
    async fn start_serving(
        database_url: String,
        replica_url: Option<String>,
        seen: Option<observer::Seen>,
        vars: &[(&str, &str)],
        site_root: Option<&std::path::Path>,
    ) -> TestServer {
        let mut env: HashMap<String, String> = HashMap::from([("DATABASE_URL".into(), database_url)]);
        let replica_url = replica_url.filter(|_| !vars.iter().any(|(name, _)| *name == "DATABASE_REPLICA_URLS"));
        if let Some(replica) = &replica_url {
            env.insert("DATABASE_REPLICA_URLS".into(), replica.clone());
        }
        env.extend(TEST_DEFAULTS.iter().chain(vars).map(|(k, v)| (k.to_string(), v.to_string())));
        let config = Config::from_lookup(|name| env.get(name).cloned()).unwrap();
        let state = bulletin::build_state(&config).await.unwrap();
        let mut options = bulletin::leptos_options(&config);
        if let Some(root) = site_root {
            options.site_root = root.to_str().unwrap().into();
        }
        let router = bulletin::router(options, state, bulletin::readiness::Readiness::ready(), &config.http);
        let seen = replica_url.as_ref().map(|_| seen.unwrap_or_default());
        let router = match &seen {
            Some(seen) => observer::reading_after(router, seen.clone()),
            None => router,
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let policy = config.http.clone();
        tokio::spawn(async move { bulletin::serve(listener, router, &policy, std::future::pending()).await });
        TestServer { base, http: Client::new(), database: None, database_url: config.database_url, replica_url, seen }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn post_json(&self, path: &str, body: Value) -> Response {
        self.http.post(self.url(path)).json(&body).send().await.unwrap()
    }

    /// A server-function call the way the SPA makes it (arguments as a JSON object), to add headers to.
    pub fn server_fn_request(&self, name: &str, args: Value) -> reqwest::RequestBuilder {
        self.http.post(self.url(&format!("/api/{name}"))).json(&args)
    }

    /// Calls a server function the way the SPA does, optionally with a bearer token.
    pub async fn server_fn(&self, name: &str, args: Value, token: Option<&str>) -> Response {
        let mut request = self.server_fn_request(name, args);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.unwrap()
    }

    /// Registers through REST, which must answer 201 with the new member's token.
    pub async fn register(&self, username: &str, password: &str) -> AuthToken {
        let response = self.post_json("/auth/register", json!({"username": username, "password": password})).await;
        expect(response, 201).await
    }

    /// A REST login claiming, in `X-Forwarded-For`, to come from `forwarded_for` (which counts only where the
    /// server trusts this peer as a proxy).
    pub async fn login_from(&self, forwarded_for: &str, username: &str, password: &str) -> Response {
        self.http
            .post(self.url("/auth/login"))
            .header("x-forwarded-for", forwarded_for)
            .json(&json!({"username": username, "password": password}))
            .send()
            .await
            .unwrap()
    }

    pub async fn me(&self, authorization: Option<&str>) -> Response {
        let mut request = self.http.get(self.url("/auth/me"));
        if let Some(value) = authorization {
            request = request.header("Authorization", value);
        }
        request.send().await.unwrap()
    }

    /// Registers a member with a throwaway password ("long enough"): their token, and who they are.
    pub async fn member(&self, username: &str) -> AuthToken {
        self.register(username, "long enough").await
    }

    /// A REST call as `who` (or anonymously), with an optional JSON body.
    pub async fn call(&self, method: &str, path: &str, who: Option<&AuthToken>, body: Option<Value>) -> Response {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = self.http.request(method, self.url(path));
        if let Some(who) = who {
            request = request.bearer_auth(&who.token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap()
    }

    /// Gives `username` the role `role` with `bulletin admin grant`, which must succeed. Before the member's
    /// first authenticated request, so this server has not yet remembered their old role.
    pub async fn grant(&self, username: &str, role: &str) {
        let (ok, printed) = process::run_command(&self.database_url, &["admin", "grant", username, role]).await;
        assert!(ok, "bulletin admin grant {username} {role}: {printed}");
    }

    /// Creates a post through REST, which must answer 201 with it.
    pub async fn post_as(&self, who: &AuthToken, title: &str, body: &str) -> Post {
        let response = self.call("POST", "/posts", Some(who), Some(json!({"title": title, "body": body}))).await;
        expect(response, 201).await
    }
}

/// The body of a response that must have `status`, read as `T`: one of the shared model types (`Post`,
/// `PostPage`, `AuthToken`, ...), or `Value` where the JSON itself is the point. See `exactly`.
pub async fn expect<T: DeserializeOwned + Serialize>(response: Response, status: u16) -> T {
    let actual = response.status().as_u16();
    let text = response.text().await.unwrap();
    assert_eq!(actual, status, "body: {text}");
    exactly(serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}")))
}

/// `received` read as a `T`, which it must be exactly: written back out, the `T` is the JSON that was received.
/// So a field the type does not describe (a password hash, say), or one spelled otherwise, fails here instead
/// of being dropped unseen by the decoding.
pub fn exactly<T: DeserializeOwned + Serialize>(received: Value) -> T {
    let name = std::any::type_name::<T>();
    let decoded: T =
        serde_json::from_value(received.clone()).unwrap_or_else(|e| panic!("not a {name} ({e}): {received}"));
    assert_eq!(serde_json::to_value(&decoded).unwrap(), received, "exactly a {name}");
    decoded
}

/// The JSON body of a response that must have `status`, for answers whose JSON itself is the point.
pub async fn expect_json(response: Response, status: u16) -> Value {
    expect(response, status).await
}

/// Asserts the status and the `{"error": message}` body of a response.
pub async fn assert_error(response: Response, status: u16, message: &str) {
    assert_eq!(response.status().as_u16(), status, "status for {message:?}");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], message, "body: {body}");
}

/// Asserts a 429 whose message says how long to wait, in agreement with its `Retry-After` header.
pub async fn assert_limited(response: Response) {
    assert_eq!(response.status().as_u16(), 429);
    let wait: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], format!("Too many attempts, try again in {}", app::error::wait_text(wait)), "{body}");
}

/// The claims a token carries (its payload, not verified), as JSON: a test reads them, or changes one and signs
/// them again with `sign`.
pub fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("a JWT has a payload");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

/// `claims` signed with `secret` the way the server signs tokens (HS256).
pub fn sign(claims: &Value, secret: &str) -> String {
    let key = jsonwebtoken::EncodingKey::from_secret(secret.as_bytes());
    jsonwebtoken::encode(&jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256), claims, &key).unwrap()
}

/// `claims` with `changes` applied: each field of `changes` set, or removed where it is `null`.
pub fn changed(claims: &Value, changes: Value) -> Value {
    let mut claims = claims.clone();
    let fields = claims.as_object_mut().unwrap();
    for (name, value) in changes.as_object().unwrap() {
        if value.is_null() {
            fields.remove(name);
        } else {
            fields.insert(name.clone(), value.clone());
        }
    }
    claims
}

pub fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
}

/// Whether `text` is an RFC 3339 UTC timestamp as the API writes them (`2024-05-01T12:00:00.000Z`).
pub fn is_rfc3339_utc(text: &str) -> bool {
    text.len() == 24 && text.ends_with('Z') && text.as_bytes()[10] == b'T'
}
