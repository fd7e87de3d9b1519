//! A real Bulletin server on a random local port, on its own fresh database (SQLite or PostgreSQL, see
//! `database.rs`), for HTTP tests.
#![allow(dead_code)] // each test file uses a different part of this

pub mod database;
pub mod ledger;
pub mod process;

use bulletin::config::Config;
use database::TestDatabase;
use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};
use std::collections::HashMap;

pub const SECRET: &str = "integration-test-secret-that-is-32-bytes-or-more";

pub struct TestServer {
    pub base: String,
    pub http: Client,
    /// The database this server owns (and drops with it); `None` for a second instance on another's database.
    pub database: Option<TestDatabase>,
    database_url: String,
}

impl TestServer {
    pub async fn start() -> TestServer {
        TestServer::start_with(&[]).await
    }

    /// Starts with test defaults (cheap bcrypt, no rate limit, a known secret), overridden by `vars`.
    pub async fn start_with(vars: &[(&str, &str)]) -> TestServer {
        TestServer::start_on(TestDatabase::fresh().await, vars).await
    }

    /// Starts on `database` (its URL unless `vars` names another DATABASE_URL).
    pub async fn start_on(database: TestDatabase, vars: &[(&str, &str)]) -> TestServer {
        let mut server = TestServer::start_on_url(database.url(), vars).await;
        server.database = Some(database);
        server
    }

    /// Another instance on this server's database, as a second server behind a load balancer would be.
    pub async fn second_instance(&self, vars: &[(&str, &str)]) -> TestServer {
        TestServer::start_on_url(self.database_url.clone(), vars).await
    }

    async fn start_on_url(database_url: String, vars: &[(&str, &str)]) -> TestServer {
        let mut env: HashMap<String, String> = HashMap::from([
            ("DATABASE_URL".into(), database_url),
            ("JWT_SECRET".into(), SECRET.into()),
            ("BCRYPT_COST".into(), "4".into()),
            ("AUTH_RATE_LIMIT".into(), "off".into()),
            ("LOGIN_FAILURE_LIMIT".into(), "off".into()),
            ("LOGIN_SUCCESS_LIMIT".into(), "off".into()),
            ("POST_RATE_LIMIT".into(), "off".into()),
            ("COMMENT_RATE_LIMIT".into(), "off".into()),
            ("UPVOTE_RATE_LIMIT".into(), "off".into()),
            ("PROFILE_RATE_LIMIT".into(), "off".into()),
        ]);
        env.extend(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let config = Config::from_lookup(|name| env.get(name).cloned()).unwrap();
        let state = bulletin::build_state(&config).await.unwrap();
        let router = bulletin::router(bulletin::leptos_options(&config), state, &config.http);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let policy = config.http.clone();
        tokio::spawn(async move { bulletin::serve(listener, router, &policy, std::future::pending()).await });
        TestServer { base, http: Client::new(), database: None, database_url: config.database_url }
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

    pub async fn register(&self, username: &str, password: &str) -> Value {
        let response = self.post_json("/auth/register", json!({"username": username, "password": password})).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        response.json().await.unwrap()
    }

    pub async fn me(&self, authorization: Option<&str>) -> Response {
        let mut request = self.http.get(self.url("/auth/me"));
        if let Some(value) = authorization {
            request = request.header("Authorization", value);
        }
        request.send().await.unwrap()
    }
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

/// A registered member and their token.
#[derive(Clone)]
pub struct Session {
    pub token: String,
    pub user_id: i64,
    pub username: String,
}

impl TestServer {
    /// Registers a member with a throwaway password.
    pub async fn member(&self, username: &str) -> Session {
        let body = self.register(username, "long enough").await;
        Session {
            token: body["token"].as_str().unwrap().to_owned(),
            user_id: body["userId"].as_i64().unwrap(),
            username: username.to_owned(),
        }
    }

    /// A REST call as `who` (or anonymously), with an optional JSON body.
    pub async fn call(&self, method: &str, path: &str, who: Option<&Session>, body: Option<Value>) -> Response {
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

    /// Creates a post through REST and returns it.
    pub async fn post_as(&self, who: &Session, title: &str, body: &str) -> Value {
        let response = self.call("POST", "/posts", Some(who), Some(json!({"title": title, "body": body}))).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        response.json().await.unwrap()
    }
}

/// The JSON body of a response that must have `status`.
pub async fn expect_json(response: Response, status: u16) -> Value {
    assert_eq!(response.status().as_u16(), status);
    response.json().await.unwrap()
}
