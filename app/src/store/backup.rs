//! Backups of the SQLite database: a consistent copy taken while the board keeps serving, and putting one back.
//!
//! A copy of the file alone is not a backup: the newest commits may still be in the write-ahead log beside it,
//! and a copy taken while a checkpoint writes pages is torn. `VACUUM INTO` reads one snapshot (a read
//! transaction, so writers go on) and writes it out as a complete database file.
//!
//! Restoring swaps files under the server's feet, so it refuses while any process holds the database's lock file
//! (`sqlite_file::InUse`): every server, and `bulletin seed`, holds it shared for as long as it runs.

use super::sqlite_file::{InUse, is_in_memory};
use sqlx::sqlite::{SqliteConnectOptions, SqliteLockingMode};
use sqlx::{ConnectOptions, Connection, SqliteConnection};
use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

/// What a backup holds, as printed after writing or checking one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupSummary {
    pub bytes: u64,
    pub members: i64,
    pub posts: i64,
    pub comments: i64,
    /// The newest migration it has (its schema version).
    pub schema_version: i64,
}

/// What a restore did.
#[derive(Clone, Debug)]
pub struct Restored {
    pub summary: BackupSummary,
    /// What was at the database's name and beside it, kept under these names (none: there was nothing).
    pub previous: Vec<PathBuf>,
}

/// The file a `sqlite:` URL names; `None` for an in-memory database.
pub fn sqlite_path(url: &str) -> Result<Option<PathBuf>, String> {
    let options = SqliteConnectOptions::from_str(url).map_err(|e| format!("invalid DATABASE_URL: {e}"))?;
    let path = options.get_filename().to_path_buf();
    Ok((!is_in_memory(&path)).then_some(path))
}

/// Writes a consistent copy of the database at `url` to `target`, which must not exist: first under a temporary
/// name in the same directory, readable by this user only, then synced and renamed to `target` (a rename that
/// fails rather than replace a file that appeared meanwhile), so `target` is either absent or a whole backup, even
/// if the machine stops half-way.
pub async fn write_backup(url: &str, target: &Path) -> Result<BackupSummary, String> {
    let source = sqlite_path(url)?.ok_or("an in-memory database cannot be backed up")?;
    if !source.is_file() {
        return Err(format!("there is no database at {}", source.display()));
    }
    if target.exists() {
        return Err(format!("{} exists already; name a new file", target.display()));
    }
    // Shared, like a server's: no restore swaps the database while it is being copied.
    let _reading = InUse::shared(&source)?;
    let temporary = temporary_beside(target, "partial");
    // Empty, so VACUUM INTO accepts it, and private from its first byte: it will hold password hashes.
    create_private_file(&temporary).map_err(|e| format!("cannot create {}: {e}", temporary.display()))?;
    let written = async {
        // Never created, never switched to another journal mode: this connection only reads the source.
        let mut source = SqliteConnectOptions::new()
            .filename(&source)
            .create_if_missing(false)
            .busy_timeout(Duration::from_secs(30))
            .connect()
            .await
            .map_err(|e| format!("cannot open {}: {e}", source.display()))?;
        let into = temporary.to_str().ok_or("the backup's path must be valid UTF-8")?;
        sqlx::query("VACUUM INTO $1").bind(into).execute(&mut source).await.map_err(|e| format!("copying: {e}"))?;
        source.close().await.map_err(|e| format!("closing the database: {e}"))?;
        File::open(&temporary).and_then(|file| file.sync_all()).map_err(|e| format!("syncing the backup: {e}"))?;
        let summary = summarize(&temporary).await?;
        rename_no_replace(&temporary, target).map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => format!("{} exists already; name a new file", target.display()),
            _ => format!("naming the backup {}: {e}", target.display()),
        })?;
        Ok(summary)
    }
    .await;
    let _ = std::fs::remove_file(&temporary);
    if written.is_ok() {
        sync_directory_of(target)?;
    }
    written
}

/// Checks that `file` is a whole Bulletin database this build can open: SQLite's full integrity check, and every
/// migration it has is one this build knows, unchanged (a backup from a newer Bulletin is refused: this one would
/// not know its schema).
pub async fn check_backup(file: &Path) -> Result<BackupSummary, String> {
    if !file.is_file() {
        return Err(format!("there is no file at {}", file.display()));
    }
    let mut conn = open_read_only(file).await?;
    let problems: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut conn)
        .await
        .map_err(|e| format!("{} is damaged or not a SQLite database: {e}", file.display()))?;
    if problems != ["ok"] {
        return Err(format!("{} fails SQLite's integrity check: {}", file.display(), problems.join("; ")));
    }
    let applied: Vec<(i64, Vec<u8>, bool)> =
        sqlx::query_as("SELECT version, checksum, success FROM _sqlx_migrations ORDER BY version")
            .fetch_all(&mut conn)
            .await
            .map_err(|_| format!("{} is not a Bulletin database (it has no schema history)", file.display()))?;
    let known: HashMap<i64, &[u8]> =
        super::SQLITE_MIGRATIONS.iter().map(|m| (m.version, m.checksum.as_ref())).collect();
    let newest_known = known.keys().max().copied().unwrap_or(0);
    for (version, checksum, success) in &applied {
        match known.get(version) {
            None => {
                return Err(format!(
                    "{} has schema version {version}, newer than this Bulletin knows ({newest_known}): restore it \
                     with the Bulletin that wrote it",
                    file.display()
                ));
            }
            Some(expected) if *expected != checksum.as_slice() => {
                return Err(format!("{}'s migration {version} differs from this Bulletin's", file.display()));
            }
            Some(_) if !success => return Err(format!("{}'s migration {version} did not finish", file.display())),
            Some(_) => {}
        }
    }
    if applied.is_empty() {
        return Err(format!("{} is not a Bulletin database (no migration was applied)", file.display()));
    }
    drop(conn);
    summarize(file).await
}

/// Replaces the database at `url` with the backup `file`, after checking it (`check_backup`). Refused while a
/// server (or a seed, a backup, or another restore) uses the database, or any other program has it open, and when
/// its directory does not exist (a relative `DATABASE_URL` read from the wrong directory would otherwise make a new
/// database nobody serves). What it replaces is kept beside it as `NAME.before-restore-TIME` (with its log, if it
/// had one that could not be folded in).
pub async fn restore(url: &str, file: &Path) -> Result<Restored, String> {
    let target = sqlite_path(url)?.ok_or("an in-memory database cannot be restored into")?;
    let dir = directory_of(&target);
    if !dir.is_dir() {
        return Err(format!("{} does not exist: create it first, or check DATABASE_URL", dir.display()));
    }
    if std::fs::symlink_metadata(&target).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(format!("{} is a symbolic link: set DATABASE_URL to the file it points to", target.display()));
    }
    let _restoring = InUse::exclusive(&target)?;
    remove_stale_temporaries(&target);
    if std::fs::metadata(with_suffix(file, "-wal")).is_ok_and(|m| m.len() > 0) {
        return Err(format!(
            "{} has a write-ahead log beside it: it is a live database, not a backup (make one with bulletin backup)",
            file.display()
        ));
    }
    // The copy is what gets checked and then moved into place: the file cannot change between the two.
    let incoming = temporary_beside(&target, "restoring");
    let prepared = async {
        copy_privately(file, &incoming).map_err(|e| format!("copying {}: {e}", file.display()))?;
        let summary = check_backup(&incoming)
            .await
            .map_err(|e| e.replace(&*incoming.to_string_lossy(), &file.to_string_lossy()))?;
        give_to_owner_of(if target.exists() { &target } else { dir }, &incoming)?;
        let old = fold(&target).await;
        if old == OldDatabase::InUse {
            return Err(format!("another program has {} open: stop it first, then restore", target.display()));
        }
        Ok::<_, String>((summary, old))
    }
    .await;
    let (summary, old) = match prepared {
        Ok(prepared) => prepared,
        Err(err) => {
            let _ = std::fs::remove_file(&incoming);
            return Err(err);
        }
    };
    // From here until the last rename the name may hold no database: the marker makes every server refuse to
    // start (and create an empty one there) until a restore has finished.
    let marker = with_suffix(&target, ".restoring");
    File::create(&marker).and_then(|f| f.sync_all()).map_err(|e| format!("creating {}: {e}", marker.display()))?;
    sync_directory_of(&target)?;
    let previous = set_aside(&target, old)?;
    std::fs::rename(&incoming, &target).map_err(|e| format!("moving the backup into place: {e}"))?;
    sync_directory_of(&target)?;
    std::fs::remove_file(&marker).map_err(|e| format!("removing {}: {e}", marker.display()))?;
    sync_directory_of(&target)?;
    Ok(Restored { summary, previous })
}

/// What was at the database's name before a restore.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum OldDatabase {
    Absent,
    /// Opened alone (SQLite's exclusive lock), its write-ahead log folded into it and emptied.
    Folded,
    /// Another process has it open: nothing may be moved.
    InUse,
    /// It does not open as a database, or has a rollback journal of an unfinished transaction beside it: kept as
    /// it is, with its files.
    Unreadable,
}

/// Opens the current database with SQLite's exclusive lock (so no other program has it open, whether or not it
/// takes Bulletin's lock file) and folds its write-ahead log into it.
async fn fold(target: &Path) -> OldDatabase {
    if !target.exists() {
        return OldDatabase::Absent;
    }
    if std::fs::symlink_metadata(with_suffix(target, "-journal")).is_ok() {
        return OldDatabase::Unreadable;
    }
    let options = SqliteConnectOptions::new()
        .filename(target)
        .create_if_missing(false)
        .busy_timeout(Duration::from_millis(500))
        .locking_mode(SqliteLockingMode::Exclusive);
    let Ok(mut conn) = options.connect().await else { return OldDatabase::Unreadable };
    let locked = sqlx::query("BEGIN EXCLUSIVE").execute(&mut conn).await;
    if let Err(err) = locked {
        let busy = err.as_database_error().and_then(|e| e.code()).is_some_and(|code| code.starts_with('5'));
        return if busy { OldDatabase::InUse } else { OldDatabase::Unreadable };
    }
    let committed = sqlx::query("COMMIT").execute(&mut conn).await.is_ok();
    let checkpoint: Result<(i64, i64, i64), _> =
        sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)").fetch_one(&mut conn).await;
    let closed = conn.close().await.is_ok();
    let log_empty = std::fs::metadata(with_suffix(target, "-wal")).map_or(true, |m| m.len() == 0);
    if committed && matches!(checkpoint, Ok((0, _, _))) && closed && log_empty {
        OldDatabase::Folded
    } else {
        OldDatabase::Unreadable
    }
}

/// Keeps what is at the database's name (and beside it) under `NAME.before-restore-TIME`, and clears the files
/// SQLite keeps beside a database: a write-ahead log left there would be replayed onto the restored database
/// (SQLite cannot tell whose log it is), so none may stay, even with no database beside it. Every file is linked
/// to its kept name before anything is removed, and the kept files keep SQLite's naming (`KEPT-wal`), so the
/// kept database opens with everything it had. The database's own name is left for the final rename.
fn set_aside(target: &Path, old: OldDatabase) -> Result<Vec<PathBuf>, String> {
    let kept_base = with_suffix(target, &format!(".before-restore-{}", utc_stamp()));
    let suffixes: &[&str] = match old {
        OldDatabase::Folded => &[""],
        _ => &["", "-wal", "-journal"],
    };
    let mut kept = Vec::new();
    for suffix in suffixes {
        let from = with_suffix(target, suffix);
        if std::fs::symlink_metadata(&from).is_ok() {
            let to = with_suffix(&kept_base, suffix);
            std::fs::hard_link(&from, &to)
                .or_else(|_| std::fs::copy(&from, &to).and_then(|_| File::open(&to)?.sync_all()))
                .map_err(|e| format!("keeping {} as {}: {e}", from.display(), to.display()))?;
            kept.push(to);
        }
    }
    sync_directory_of(target)?;
    for suffix in ["-wal", "-shm", "-journal"] {
        remove_if_present(&with_suffix(target, suffix))?;
    }
    Ok(kept)
}

fn remove_if_present(path: &Path) -> Result<(), String> {
    match std::fs::remove_file(path) {
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => Err(format!("removing {}: {err}", path.display())),
        _ => Ok(()),
    }
}

/// Copies a restore that stopped half-way left (`.NAME.restoring-PID`): the exclusive lock is held, so no other
/// restore is writing one now.
fn remove_stale_temporaries(target: &Path) {
    let Some(name) = target.file_name().map(|n| n.to_string_lossy().into_owned()) else { return };
    let prefix = format!(".{name}.restoring-");
    let Ok(entries) = std::fs::read_dir(directory_of(target)) else { return };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(&prefix) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Run as root (say, by an operator restoring a service's database), the restored file would belong to root and
/// the service could not open it: it is given to whoever owns the database's directory.
fn give_to_owner_of(dir: &Path, file: &Path) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt;
    if !rustix::process::geteuid().is_root() {
        return Ok(());
    }
    let owner = std::fs::metadata(dir).map_err(|e| format!("reading {}: {e}", dir.display()))?;
    std::os::unix::fs::chown(file, Some(owner.uid()), Some(owner.gid()))
        .map_err(|e| format!("giving {} to the directory's owner: {e}", file.display()))
}

fn directory_of(path: &Path) -> &Path {
    path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// Counts what the database file holds, opened read-only.
async fn summarize(file: &Path) -> Result<BackupSummary, String> {
    let mut conn = open_read_only(file).await?;
    let counted: Result<(i64, i64, i64, i64), sqlx::Error> = sqlx::query_as(
        "SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM posts), (SELECT count(*) FROM comments),
                (SELECT coalesce(max(version), 0) FROM _sqlx_migrations WHERE success)",
    )
    .fetch_one(&mut conn)
    .await;
    let (members, posts, comments, schema_version) =
        counted.map_err(|e| format!("{} is not a Bulletin database: {e}", file.display()))?;
    let bytes = std::fs::metadata(file).map_err(|e| e.to_string())?.len();
    Ok(BackupSummary { bytes, members, posts, comments, schema_version })
}

/// A read-only connection that leaves no file beside `file` (`immutable`: a backup has no log and nobody
/// writes it).
async fn open_read_only(file: &Path) -> Result<SqliteConnection, String> {
    SqliteConnectOptions::new()
        .filename(file)
        .read_only(true)
        .immutable(true)
        .connect()
        .await
        .map_err(|e| format!("cannot open {}: {e}", file.display()))
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// `.NAME.WHAT-PID` in `path`'s directory: the same file system, so the final rename is atomic.
fn temporary_beside(path: &Path, what: &str) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!(".{name}.{what}-{}", std::process::id()))
}

fn create_private_file(path: &Path) -> std::io::Result<File> {
    OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)
}

fn copy_privately(from: &Path, to: &Path) -> std::io::Result<()> {
    let mut source = File::open(from)?;
    let mut copy = create_private_file(to)?;
    std::io::copy(&mut source, &mut copy)?;
    copy.sync_all()
}

/// Renames `from` to `to` unless `to` exists (then `AlreadyExists`), in one step; where the file system cannot
/// (`RENAME_NOREPLACE` is Linux's, and not on every file system), by a hard link and an unlink.
fn rename_no_replace(from: &Path, to: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    match renameat_with(CWD, from, CWD, to, RenameFlags::NOREPLACE) {
        Ok(()) => Ok(()),
        Err(rustix::io::Errno::EXIST) => Err(std::io::ErrorKind::AlreadyExists.into()),
        Err(rustix::io::Errno::INVAL | rustix::io::Errno::NOSYS | rustix::io::Errno::OPNOTSUPP) => {
            std::fs::hard_link(from, to)?;
            std::fs::remove_file(from)
        }
        Err(err) => Err(err.into()),
    }
}

/// Makes a rename in `path`'s directory durable.
fn sync_directory_of(path: &Path) -> Result<(), String> {
    let dir = directory_of(path);
    File::open(dir).and_then(|d| d.sync_all()).map_err(|e| format!("syncing {}: {e}", dir.display()))
}

/// UTC `YYYYMMDDTHHMMSSZ`, for the kept database's name.
fn utc_stamp() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string().replace(['-', ':'], "")
}
