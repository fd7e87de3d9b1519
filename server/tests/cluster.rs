//! Scale-out: three `bulletin` processes on one PostgreSQL database behind nginx, configured by the shipped
//! `deploy/bulletin.nginx.conf`. Nothing correctness depends on may live in one process: tokens, writes,
//! uniqueness and counts must hold across instances. Always runs on PostgreSQL (it is what scale-out means).

mod common;

use app::model::passkeys::{CeremonyOptions, PasskeySummary};
use app::model::{AuthToken, Member, Post, PostPage, PostWithComments};
use common::authenticator::SoftAuthenticator;
use common::database::TestDatabase;
use common::expect;
use common::process::{Bulletin, free_addr, send_sigterm, wait_until_healthy};
use futures_util::future::join_all;
use reqwest::Client;
use serde_json::{Value, json};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tempfile::TempDir;
use tokio::process::{Child, Command};

/// nginx running `deploy/bulletin.nginx.conf` with the instances' ports swapped in, stopped when dropped.
struct Balancer {
    base: String,
    _dir: TempDir,
    process: Child,
}

impl Drop for Balancer {
    fn drop(&mut self) {
        // SIGTERM, not SIGKILL: the master then stops its workers too, instead of leaving them orphaned.
        if let Some(pid) = self.process.id() {
            send_sigterm(pid);
            for _ in 0..50 {
                if matches!(self.process.try_wait(), Ok(Some(_))) {
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }
}

fn nginx_binary() -> PathBuf {
    ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
        .expect("nginx is not installed: `make test-tools` installs it (Debian package nginx)")
}

impl Balancer {
    async fn start(instances: &[Bulletin]) -> Balancer {
        let shipped =
            std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy/bulletin.nginx.conf"))
                .expect("deploy/bulletin.nginx.conf");
        let port = free_addr().rsplit_once(':').unwrap().1.to_owned();
        let mut site = shipped.replace("listen 8080;", &format!("listen 127.0.0.1:{port};"));
        for (default, instance) in ["3001", "3002", "3003"].iter().zip(instances) {
            let from = format!("127.0.0.1:{default} ");
            assert!(site.contains(&from), "the shipped config lists an instance on port {default}");
            site = site.replace(&from, &format!("127.0.0.1:{} ", instance.port()));
        }
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().display();
        std::fs::write(dir.path().join("bulletin.conf"), site).unwrap();
        // Run as root (CI), nginx would switch its workers to an unprivileged user that cannot enter the private
        // temporary directory; keep them as the current user instead.
        let running_as_root = std::process::Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout == b"0\n");
        let user = if running_as_root { "user root;" } else { "" };
        let main = format!(
            "{user}\nworker_processes 2;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\n\
             events {{ worker_connections 1024; }}\n\
             http {{\n  access_log off;\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n  \
             fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n  \
             include {d}/bulletin.conf;\n}}\n"
        );
        std::fs::write(dir.path().join("nginx.conf"), main).unwrap();
        let process = Command::new(nginx_binary())
            .args(["-e", &format!("{d}/error.log"), "-p", &d.to_string(), "-c", &format!("{d}/nginx.conf")])
            .args(["-g", "daemon off;"])
            .kill_on_drop(true)
            .spawn()
            .expect("nginx starts");
        let base = format!("http://127.0.0.1:{port}");
        wait_until_healthy(&format!("{base}/healthz")).await;
        Balancer { base, _dir: dir, process }
    }
}

async fn post_json(http: &Client, url: String, token: Option<&str>, body: Value) -> reqwest::Response {
    let mut request = http.post(url).json(&body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn cluster_of_three_behind_nginx_shares_tokens_writes_uniqueness_and_limits() {
    let database = TestDatabase::fresh_postgres().await;
    let url = database.url();
    // Every instance with the same limits, which the database counts (see the end).
    let limits = [("AUTH_RATE_LIMIT", "30/600"), ("LOGIN_FAILURE_LIMIT", "5/600")];
    // Started together: their migrations race, and must not trip over each other.
    let instances = join_all((0..3).map(|_| Bulletin::start(&url, &limits))).await;
    let balancer = Balancer::start(&instances).await;
    let http = Client::new();
    let [a, b, c] = [&instances[0], &instances[1], &instances[2]].map(|i| i.base.clone());

    // A token signed by instance A is accepted by B and C.
    let response =
        post_json(&http, format!("{a}/auth/register"), None, json!({"username": "alice", "password": "long enough"}))
            .await;
    let alice: AuthToken = expect(response, 201).await;
    let token = alice.token.as_str();
    for other in [&b, &c] {
        let me = http.get(format!("{other}/auth/me")).bearer_auth(token).send().await.unwrap();
        assert_eq!(me.status(), 200, "{other} refused A's token");
        assert_eq!(expect::<Member>(me, 200).await.username, "alice");
    }

    // A passkey ceremony begun on one instance finishes on another (its state is in the database, not in memory):
    // added A → B, signed in with C → A, and once more through nginx, whichever instances it picks.
    let mut phone = SoftAuthenticator::new();
    let options: CeremonyOptions =
        expect(post_json(&http, format!("{a}/auth/passkeys/registration"), Some(token), json!({})).await, 200).await;
    let body = json!({"ceremony": options.ceremony, "name": "Phone", "credential": phone.create(&options.public_key)});
    let finish = http.put(format!("{b}/auth/passkeys/registration")).bearer_auth(token).json(&body).send().await;
    expect::<PasskeySummary>(finish.unwrap(), 201).await;
    for (start, finish) in [(&c, &a), (&balancer.base, &balancer.base)] {
        let options: CeremonyOptions =
            expect(post_json(&http, format!("{start}/auth/passkeys/login"), None, json!({})).await, 200).await;
        let body = json!({"ceremony": options.ceremony, "credential": phone.get(&options.public_key)});
        let signed_in = http.put(format!("{finish}/auth/passkeys/login")).json(&body).send().await.unwrap();
        assert_eq!(expect::<AuthToken>(signed_in, 200).await.username, "alice");
    }

    // A post written through A is read at once through B and C.
    let response =
        post_json(&http, format!("{a}/posts"), Some(token), json!({"title": "Hello cluster", "body": "from A"})).await;
    let post: Post = expect(response, 201).await;
    for other in [&b, &c] {
        let read = http.get(format!("{other}/posts/{}", post.id)).bearer_auth(token).send().await.unwrap();
        assert_eq!(expect::<PostWithComments>(read, 200).await.post.title, "Hello cluster");
    }

    // Twenty registrations of one name, spread over the three instances: the database picks exactly one winner.
    let bases = [&a, &b, &c];
    let attempts = join_all((0..20).map(|i| {
        let body = json!({"username": if i % 2 == 0 { "Popular" } else { "popular" }, "password": "long enough"});
        post_json(&http, format!("{}/auth/register", bases[i % 3]), None, body)
    }))
    .await;
    let mut statuses: Vec<u16> = attempts.iter().map(|r| r.status().as_u16()).collect();
    statuses.sort();
    assert_eq!(statuses, [[201].as_slice(), &[409; 19]].concat());

    // 300 posts through the balancer from 30 concurrent clients: every one created, every one there.
    let lb = balancer.base.clone();
    let created = join_all((0..30).map(|client| {
        let (http, lb) = (Client::new(), lb.clone());
        async move {
            let mut ids = Vec::new();
            for n in 0..10 {
                let body = json!({"title": format!("Client {client} post {n}"), "body": "through nginx"});
                let response = post_json(&http, format!("{lb}/posts"), Some(token), body).await;
                assert_eq!(response.status(), 201, "client {client} post {n}");
                ids.push(expect::<Post>(response, 201).await.id);
            }
            ids
        }
    }))
    .await;
    let created: HashSet<i64> = created.into_iter().flatten().collect();
    assert_eq!(created.len(), 300);

    let mut listed = HashSet::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut url = format!("{lb}/posts?limit=100");
        if let Some(cursor) = &cursor {
            url.push_str(&format!("&cursor={cursor}"));
        }
        let page: PostPage = expect(http.get(url).bearer_auth(token).send().await.unwrap(), 200).await;
        assert_eq!(page.total, 301);
        listed.extend(page.posts.iter().map(|p| p.id));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert!(created.is_subset(&listed), "every post created through the balancer is listed");
    assert_eq!(listed.len(), 301);

    // One limit for the cluster. 21 registrations so far from this address (alice and the 20 racers), of 30.
    // Five failed logins for alice, round-robin: the sixth is refused on the third instance, which has seen two.
    let wrong = || json!({"username": "alice", "password": "wrong password"});
    for (n, base) in [&a, &b, &c, &a, &b].into_iter().enumerate() {
        let response = post_json(&http, format!("{base}/auth/login"), None, wrong()).await;
        assert_eq!(response.status(), 401, "failed login {} through {base}", n + 1);
    }
    let locked = post_json(&http, format!("{c}/auth/login"), None, wrong()).await;
    assert_eq!(locked.status(), 429, "LOGIN_FAILURE_LIMIT=5 counted over the three instances");
    // Attempts 27 to 30 of the address (the locked login did not spend one), then none, on every instance.
    for n in 0..4 {
        let body = json!({"username": format!("late_{n}"), "password": "long enough"});
        let response = post_json(&http, format!("{}/auth/register", bases[n % 3]), None, body).await;
        assert_eq!(response.status(), 201, "registration {n} of the last four");
    }
    for base in bases.into_iter().chain([&lb]) {
        let body = json!({"username": "one_too_many", "password": "long enough"});
        let response = post_json(&http, format!("{base}/auth/register"), None, body).await;
        assert_eq!(response.status(), 429, "AUTH_RATE_LIMIT=30 counted over the three instances ({base})");
        assert!(response.headers().contains_key("retry-after"));
    }
}
