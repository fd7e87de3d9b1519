//! A fresh, private database for one test: a temporary SQLite file, or a PostgreSQL database created for the test
//! and dropped after it. `BULLETIN_TEST_BACKEND=postgres` selects PostgreSQL (at `TEST_POSTGRES_URL`, default
//! `postgres://postgres@127.0.0.1:5432/postgres`, an administrative connection that may create databases).
//!
//! With `TEST_REPLICA_URL` as well (the administrative URL of a hot standby of `TEST_POSTGRES_URL`'s server, as
//! `make cargo-tests` starts with `scripts/replica-pair.sh`), every PostgreSQL test database also has a replica,
//! which the test servers read from (`TestServer`).

use sqlx::Connection;
use sqlx::postgres::PgConnection;
use std::sync::atomic::{AtomicU32, Ordering};
use tempfile::TempDir;

pub const DEFAULT_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

pub enum TestDatabase {
    Sqlite {
        dir: TempDir,
    },
    /// `replica_admin_url`: a hot standby of `admin_url`'s server, where the database appears too.
    Postgres {
        admin_url: String,
        name: String,
        replica_admin_url: Option<String>,
    },
}

/// Which backend the suite runs on.
pub fn postgres_selected() -> bool {
    match std::env::var("BULLETIN_TEST_BACKEND").as_deref() {
        Ok("postgres") => true,
        Ok("sqlite") | Err(_) => false,
        Ok(other) => panic!("BULLETIN_TEST_BACKEND must be sqlite or postgres, not {other:?}"),
    }
}

pub fn admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_ADMIN_URL.to_owned())
}

impl TestDatabase {
    /// A database on the backend the suite runs on.
    pub async fn fresh() -> TestDatabase {
        if postgres_selected() { TestDatabase::fresh_postgres().await } else { TestDatabase::fresh_sqlite() }
    }

    pub fn fresh_sqlite() -> TestDatabase {
        TestDatabase::Sqlite { dir: tempfile::tempdir().unwrap() }
    }

    /// A new, empty PostgreSQL database, whatever backend the suite runs on (cluster and fault tests need one).
    pub async fn fresh_postgres() -> TestDatabase {
        TestDatabase::fresh_postgres_on(admin_url(), std::env::var("TEST_REPLICA_URL").ok()).await
    }

    /// A new, empty database on the server at `admin_url`, whose hot standby (if any) is at `replica_admin_url`.
    pub async fn fresh_postgres_on(admin_url: String, replica_admin_url: Option<String>) -> TestDatabase {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "bulletin_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed),
            rand::random::<u32>()
        );
        let mut admin = PgConnection::connect(&admin_url).await.unwrap_or_else(|e| {
            panic!(
                "PostgreSQL is not answering at {admin_url} ({e}). Start one (for example `service postgresql \
                 start`, or `bash scripts/ensure-postgres.sh`), or set TEST_POSTGRES_URL."
            )
        });
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.unwrap();
        admin.close().await.ok();
        TestDatabase::Postgres { admin_url, name, replica_admin_url }
    }

    pub fn url(&self) -> String {
        match self {
            TestDatabase::Sqlite { dir } => format!("sqlite://{}/test.db?mode=rwc", dir.path().display()),
            TestDatabase::Postgres { admin_url, name, .. } => with_database(admin_url, name),
        }
    }

    /// This database on its replica, if it has one.
    pub fn replica_url(&self) -> Option<String> {
        match self {
            TestDatabase::Postgres { name, replica_admin_url: Some(replica), .. } => Some(with_database(replica, name)),
            _ => None,
        }
    }
}

/// `url` with its database name replaced.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[scheme_end..].find('/').map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{name}", &base[..path_start]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let TestDatabase::Postgres { admin_url, name, .. } = self {
            let (admin_url, name) = (admin_url.clone(), name.clone());
            // Drop runs inside the test's runtime, which cannot be blocked on; a private one-thread runtime on its
            // own thread does the clean-up. FORCE ends the connections the test's server still holds.
            let cleanup = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                runtime.block_on(async {
                    if let Ok(mut admin) = PgConnection::connect(&admin_url).await {
                        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                            .execute(&mut admin)
                            .await;
                    }
                });
            });
            let _ = cleanup.join();
        }
    }
}
