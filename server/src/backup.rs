//! `bulletin backup FILE` and `bulletin restore FILE`: the operator's side of `app::store::backup`, which does
//! the work. With PostgreSQL, whose server has its own tools for this, both say which command to run instead.

use crate::config::Config;
use app::store::backup::{self, BackupSummary};
use app::store::{Dialect, supported_url};
use std::path::Path;
use std::time::Instant;

pub async fn run_backup(config: &Config, file: &Path) -> Result<(), String> {
    if supported_url(&config.database_url) == Some(Dialect::Postgres) {
        return Err(postgres_instead("pg_dump --format=custom --file", file, &config.database_url));
    }
    let started = Instant::now();
    let summary = backup::write_backup(&config.database_url, file).await?;
    println!("wrote {}: {} in {:.1} s", file.display(), describe(&summary), started.elapsed().as_secs_f64());
    if config.jwt_secret.is_none()
        && let Some(secret) = config.secret_file()
    {
        println!("keep {} too: without it every member has to sign in again after a restore", secret.display());
    }
    Ok(())
}

pub async fn run_restore(config: &Config, file: &Path) -> Result<(), String> {
    if supported_url(&config.database_url) == Some(Dialect::Postgres) {
        return Err(postgres_instead("pg_restore --clean --if-exists --dbname", file, &config.database_url));
    }
    let restored = backup::restore(&config.database_url, file).await?;
    let target = backup::sqlite_path(&config.database_url)?.unwrap_or_default();
    let target = std::path::absolute(&target).unwrap_or(target);
    println!("restored {} into {}: {}", file.display(), target.display(), describe(&restored.summary));
    match restored.previous.as_slice() {
        [] => println!("there was no database before it"),
        kept => {
            let names: Vec<String> = kept.iter().map(|p| p.display().to_string()).collect();
            println!("what it replaced is kept as {}", names.join(", "));
        }
    }
    Ok(())
}

fn describe(summary: &BackupSummary) -> String {
    format!(
        "{} bytes, {} members, {} posts, {} comments, schema version {}",
        summary.bytes, summary.members, summary.posts, summary.comments, summary.schema_version
    )
}

/// What to run with PostgreSQL: its own tool, on this very database, with the password left out of the line
/// (it would stay in the shell's history and in `ps`).
fn postgres_instead(tool: &str, file: &Path, url: &str) -> String {
    let (url, had_password) = without_password(url);
    let (file, url) = (shell_quoted(&file.to_string_lossy()), shell_quoted(&url));
    let command =
        if tool.starts_with("pg_dump") { format!("{tool} {file} {url}") } else { format!("{tool} {url} {file}") };
    let password = if had_password { "\n(give the password in PGPASSWORD or ~/.pgpass)" } else { "" };
    format!("a PostgreSQL database is backed up and restored with PostgreSQL's own tools; run:\n  {command}{password}")
}

/// `url` with its password removed (from the user part, and a `password=` parameter), and whether it had one.
fn without_password(url: &str) -> (String, bool) {
    let (url, query) = url.split_once('?').map_or((url, None), |(url, query)| (url, Some(query)));
    let mut had = false;
    let mut kept = url.to_owned();
    if let Some((scheme, rest)) = url.split_once("://") {
        let authority_end = rest.find('/').unwrap_or(rest.len());
        if let Some(at) = rest[..authority_end].rfind('@')
            && let Some((user, _password)) = rest[..at].split_once(':')
        {
            kept = format!("{scheme}://{user}{}", &rest[at..]);
            had = true;
        }
    }
    if let Some(query) = query {
        let secret = |p: &&str| p.starts_with("password=") || p.starts_with("sslpassword=");
        let params: Vec<&str> = query.split('&').filter(|p| !secret(p)).collect();
        had |= params.len() != query.split('&').count();
        if !params.is_empty() {
            kept = format!("{kept}?{}", params.join("&"));
        }
    }
    (kept, had)
}

/// One shell word, whatever `text` holds.
fn shell_quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::{postgres_instead, without_password};
    use std::path::Path;

    #[test]
    fn the_password_never_appears_in_the_command() {
        let (url, had) = without_password("postgres://bulletin:s3cr%40t@db.example:5432/board?sslmode=require");
        assert_eq!((url.as_str(), had), ("postgres://bulletin@db.example:5432/board?sslmode=require", true));
        assert_eq!(without_password("postgres://bulletin@db/board"), ("postgres://bulletin@db/board".into(), false));
        assert_eq!(without_password("postgres://db/board?user=a@b"), ("postgres://db/board?user=a@b".into(), false));
        let (url, had) = without_password("postgres://db/board?user=u&password=pw&sslmode=require");
        assert_eq!((url.as_str(), had), ("postgres://db/board?user=u&sslmode=require", true));
        let told = postgres_instead("pg_dump --format=custom --file", Path::new("it's.dump"), "postgres://u:pw@h/d");
        assert!(told.contains("pg_dump --format=custom --file 'it'\\''s.dump' 'postgres://u@h/d'"), "{told}");
        assert!(!told.contains("pw"), "{told}");
    }
}
