//! Every kind of write, each aimed at objects of its own, with a record of what the server answered, and a
//! check afterwards that the database agrees with every answer: a 2xx is there, a 503 is not. Fault tests run it
//! while storage is full, the database read-only, or the server is killed, then check once the fault is gone.

use app::model::{AuthToken, Comment, Member, Post, PostPage, PostWithComments, Profile};
use reqwest::Client;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// A server to talk to: an in-process `TestServer` or a spawned `bulletin` process.
#[derive(Clone)]
pub struct Api {
    pub base: String,
    pub http: Client,
}

/// What the server said: a status, or nothing at all (the connection died, e.g. the server was killed).
pub type Answer = Option<(u16, bool)>; // (status, carries Retry-After)

impl Api {
    pub fn new(base: &str) -> Api {
        Api { base: base.to_owned(), http: Client::new() }
    }

    async fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Option<reqwest::Response> {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.ok()
    }

    /// A call whose answer is recorded, with the JSON body when there is one.
    pub async fn write(&self, method: &str, path: &str, token: Option<&str>, body: Option<Value>) -> (Answer, Value) {
        match self.send(method, path, token, body).await {
            None => (None, Value::Null),
            Some(response) => {
                let status = response.status().as_u16();
                let retry_after = response.headers().contains_key("retry-after");
                (Some((status, retry_after)), response.json().await.unwrap_or(Value::Null))
            }
        }
    }

    /// A call that must succeed with `status` (setup and checks, never under the fault).
    pub async fn expect(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        status: u16,
    ) -> Value {
        self.setup(method, path, token, body, status).await.expect("the server answers")
    }

    /// `expect`, its answer read as a `T` (see `super::exactly`).
    pub async fn expect_as<T: DeserializeOwned + Serialize>(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        status: u16,
    ) -> T {
        super::exactly(self.expect(method, path, token, body, status).await)
    }

    /// A setup call: `None` if the server did not answer (it may have been killed), else it must be `status`.
    pub async fn setup(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        status: u16,
    ) -> Option<Value> {
        let response = self.send(method, path, token, body).await?;
        assert_eq!(response.status().as_u16(), status, "{method} {path}");
        Some(response.json().await.unwrap_or(Value::Null))
    }

    /// `setup`, its answer read as a `T` (see `super::exactly`).
    pub async fn setup_as<T: DeserializeOwned + Serialize>(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        status: u16,
    ) -> Option<T> {
        Some(super::exactly(self.setup(method, path, token, body, status).await?))
    }

    async fn status(&self, method: &str, path: &str, token: Option<&str>, body: Option<Value>) -> u16 {
        self.send(method, path, token, body).await.expect("the server answers").status().as_u16()
    }

    async fn login(&self, username: &str, password: &str) -> u16 {
        self.status("POST", "/auth/login", None, Some(json!({"username": username, "password": password}))).await
    }

    pub async fn register(&self, username: &str, password: &str) -> AuthToken {
        let body = json!({"username": username, "password": password});
        self.expect_as("POST", "/auth/register", None, Some(body), 201).await
    }
}

/// One member and the objects their writes act on, made before the fault.
pub struct Actor {
    pub tag: String,
    pub username: String,
    pub user_id: i64,
    pub token: String,
    /// Someone else's post, which the actor comments on and upvotes.
    pub others_post: i64,
    /// The actor's comment on `others_post`, to delete.
    pub own_comment: i64,
    /// The actor's post, to delete.
    pub own_post: i64,
    /// The actor's post that the actor has upvoted, to withdraw the upvote.
    pub upvoted_post: i64,
}

const PASSWORD: &str = "the first password";
const NEW_PASSWORD: &str = "the second password";

/// Makes an actor named after `tag` (letters, digits, underscores; no tag may contain another), with `auditor`
/// writing the post they act on. `None` if the server stopped answering meanwhile.
pub async fn prepare(api: &Api, auditor: &str, tag: &str) -> Option<Actor> {
    let username = format!("a_{tag}");
    let credentials = json!({"username": username, "password": PASSWORD});
    let signed_in: AuthToken = api.setup_as("POST", "/auth/register", None, Some(credentials), 201).await?;
    let (token, user_id) = (signed_in.token, signed_in.user_id);
    let others_post = setup_post(api, auditor, format!("others {tag}")).await?;
    let own_post = setup_post(api, &token, format!("own {tag}")).await?;
    let upvoted_post = setup_post(api, &token, format!("upvoted {tag}")).await?;
    api.setup("POST", &format!("/posts/{upvoted_post}/upvote"), Some(&token), None, 200).await?;
    let comment = json!({"body": format!("to delete {tag}")});
    let own_comment: Comment =
        api.setup_as("POST", &format!("/posts/{others_post}/comments"), Some(&token), Some(comment), 201).await?;
    let own_comment = own_comment.id;
    Some(Actor { tag: tag.to_owned(), username, user_id, token, others_post, own_comment, own_post, upvoted_post })
}

async fn setup_post(api: &Api, token: &str, title: String) -> Option<i64> {
    let body = json!({"title": title, "body": "setup"});
    api.setup_as::<Post>("POST", "/posts", Some(token), Some(body), 201).await.map(|post| post.id)
}

/// The writes, in the order they are sent, with what each must leave behind.
#[derive(Debug)]
pub enum Write {
    Register { username: String, user_id: Option<i64>, token: Option<String> },
    CreatePost { title: String, id: Option<i64> },
    Comment { post: i64, body: String },
    Upvote { post: i64 },
    RemoveUpvote { post: i64 },
    Bio { user: i64, bio: String },
    DeleteComment { post: i64, comment: i64 },
    DeletePost { post: i64 },
    ChangePassword { username: String },
    LogoutAll { token: String },
}

impl Write {
    /// The status that means "done".
    fn success(&self) -> u16 {
        match self {
            Write::Register { .. } | Write::CreatePost { .. } | Write::Comment { .. } => 201,
            Write::DeleteComment { .. } | Write::DeletePost { .. } | Write::LogoutAll { .. } => 204,
            _ => 200,
        }
    }
}

#[derive(Debug)]
pub struct Record {
    pub write: Write,
    pub answer: Answer,
}

impl Record {
    pub fn acknowledged(&self) -> bool {
        self.answer.is_some_and(|(status, _)| status == self.write.success())
    }

    pub fn refused(&self) -> bool {
        self.answer.is_some_and(|(status, _)| status == 503)
    }
}

/// Sends every kind of write for `actor`, stopping early if the server stops answering. Every answer must be
/// the success status or a 503 with Retry-After.
pub async fn write_everything(api: &Api, actor: &Actor) -> Vec<Record> {
    let tag = &actor.tag;
    let mut token = actor.token.clone();
    let mut records = Vec::new();
    macro_rules! send {
        ($write:expr, $method:expr, $path:expr, $token:expr, $body:expr) => {{
            let (answer, body) = api.write($method, &$path, $token, $body).await;
            let record = Record { write: $write, answer };
            if let Some((status, retry_after)) = answer {
                assert!(
                    status == record.write.success() || (status == 503 && retry_after),
                    "{:?} answered {status} (Retry-After: {retry_after}): {body}",
                    record.write
                );
            }
            let dead = answer.is_none();
            records.push(record);
            if dead {
                return records;
            }
            body
        }};
    }
    let username = format!("n_{tag}");
    let credentials = json!({"username": username, "password": PASSWORD});
    let body = send!(
        Write::Register { username: username.clone(), user_id: None, token: None },
        "POST",
        "/auth/register",
        None,
        Some(credentials)
    );
    // A refused write's body is an error, not an `AuthToken`: then there is no member to check for.
    if let Write::Register { user_id, token, .. } = &mut records.last_mut().unwrap().write
        && let Ok(signed_in) = serde_json::from_value::<AuthToken>(body)
    {
        *user_id = Some(signed_in.user_id);
        *token = Some(signed_in.token);
    }
    let title = format!("created {tag}");
    let post = json!({"title": title, "body": format!("body of {title}")});
    let body = send!(Write::CreatePost { title: title.clone(), id: None }, "POST", "/posts", Some(&token), Some(post));
    if let Write::CreatePost { id, .. } = &mut records.last_mut().unwrap().write {
        *id = serde_json::from_value::<Post>(body).ok().map(|post| post.id);
    }
    let comment = format!("comment {tag}");
    send!(
        Write::Comment { post: actor.others_post, body: comment.clone() },
        "POST",
        format!("/posts/{}/comments", actor.others_post),
        Some(&token),
        Some(json!({"body": comment}))
    );
    send!(
        Write::Upvote { post: actor.others_post },
        "POST",
        format!("/posts/{}/upvote", actor.others_post),
        Some(&token),
        None
    );
    send!(
        Write::RemoveUpvote { post: actor.upvoted_post },
        "DELETE",
        format!("/posts/{}/upvote", actor.upvoted_post),
        Some(&token),
        None
    );
    let bio = format!("bio {tag}");
    send!(
        Write::Bio { user: actor.user_id, bio: bio.clone() },
        "PATCH",
        "/auth/me",
        Some(&token),
        Some(json!({"bio": bio}))
    );
    send!(
        Write::DeleteComment { post: actor.others_post, comment: actor.own_comment },
        "DELETE",
        format!("/posts/{}/comments/{}", actor.others_post, actor.own_comment),
        Some(&token),
        None
    );
    send!(
        Write::DeletePost { post: actor.own_post },
        "DELETE",
        format!("/posts/{}", actor.own_post),
        Some(&token),
        None
    );
    let change = json!({"current_password": PASSWORD, "new_password": NEW_PASSWORD});
    let body = send!(
        Write::ChangePassword { username: actor.username.clone() },
        "PATCH",
        "/auth/password",
        Some(&token),
        Some(change)
    );
    if let Ok(fresh) = serde_json::from_value::<AuthToken>(body) {
        token = fresh.token;
    }
    send!(Write::LogoutAll { token: token.clone() }, "POST", "/auth/logout-all", Some(&token), None);
    records
}

/// Checks, with the fault gone, that the database holds every acknowledged write and no refused one. Writes
/// without an answer (the server died mid-request) may have gone either way and are not checked.
pub async fn verify(api: &Api, auditor: &str, records: &[Record]) {
    for record in records.iter().filter(|r| r.answer.is_some()) {
        let done = record.acknowledged();
        let what = format!("{:?} answered {:?}", record.write, record.answer);
        match &record.write {
            Write::Register { username, user_id, token } => {
                assert_eq!(api.login(username, PASSWORD).await, if done { 200 } else { 401 }, "{what}");
                if let (Some(user_id), Some(token)) = (user_id, token) {
                    let me: Member = api.expect_as("GET", "/auth/me", Some(token), None, 200).await;
                    assert_eq!(
                        me,
                        Member { user_id: *user_id, username: username.clone(), role: Default::default() },
                        "{what}"
                    );
                }
            }
            Write::CreatePost { title, id } => {
                let search = format!("/posts?q={}", title.replace(' ', "%20"));
                let found: PostPage = api.expect_as("GET", &search, Some(auditor), None, 200).await;
                let titles: Vec<&str> = found.posts.iter().map(|p| p.title.as_str()).collect();
                assert_eq!(titles, if done { vec![title.as_str()] } else { vec![] }, "{what}");
                if let Some(id) = id {
                    let read: PostWithComments =
                        api.expect_as("GET", &format!("/posts/{id}"), Some(auditor), None, 200).await;
                    assert_eq!(read.post.body, format!("body of {title}"), "{what}");
                }
            }
            Write::Comment { post, body } => {
                let comments: Vec<Comment> =
                    api.expect_as("GET", &format!("/posts/{post}/comments"), Some(auditor), None, 200).await;
                let present = comments.iter().any(|c| c.body == *body);
                assert_eq!(present, done, "{what}");
            }
            Write::Upvote { post } | Write::RemoveUpvote { post } => {
                let read: PostWithComments =
                    api.expect_as("GET", &format!("/posts/{post}"), Some(auditor), None, 200).await;
                let upvoted_now = matches!(record.write, Write::Upvote { .. }) == done;
                assert_eq!(read.post.upvotes, i64::from(upvoted_now), "{what}");
            }
            Write::Bio { user, bio } => {
                let profile: Profile = api.expect_as("GET", &format!("/users/{user}"), Some(auditor), None, 200).await;
                assert_eq!(profile.bio, if done { bio.as_str() } else { "" }, "{what}");
            }
            Write::DeleteComment { post, comment } => {
                let comments: Vec<Comment> =
                    api.expect_as("GET", &format!("/posts/{post}/comments"), Some(auditor), None, 200).await;
                let present = comments.iter().any(|c| c.id == *comment);
                assert_eq!(present, !done, "{what}");
            }
            Write::DeletePost { post } => {
                let status = api.status("GET", &format!("/posts/{post}"), Some(auditor), None).await;
                assert_eq!(status, if done { 404 } else { 200 }, "{what}");
            }
            Write::ChangePassword { username } => {
                assert_eq!(api.login(username, NEW_PASSWORD).await, if done { 200 } else { 401 }, "{what}");
                assert_eq!(api.login(username, PASSWORD).await, if done { 401 } else { 200 }, "{what}");
            }
            Write::LogoutAll { token } => {
                let status = api.status("GET", "/auth/me", Some(token), None).await;
                assert_eq!(status, if done { 401 } else { 200 }, "{what}");
            }
        }
    }
}

/// How many writes were acknowledged and how many refused, for the test's own assertions and its report.
pub fn tally(records: &[Record]) -> (usize, usize) {
    (records.iter().filter(|r| r.acknowledged()).count(), records.iter().filter(|r| r.refused()).count())
}
