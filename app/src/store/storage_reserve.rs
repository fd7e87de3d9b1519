//! Free space kept back on the file system that holds the SQLite database.
//!
//! A full disk makes every write fail, deletes included, so a board filled up by one member could not even be
//! cleaned up through the app. Refusing writes that add data while free space is below a reserve keeps that last
//! stretch of disk for what must go on working: deleting, signing in, revoking tokens, and SQLite's own log.

use crate::error::AppError;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug)]
pub struct StorageReserve {
    dir: PathBuf,
    bytes: u64,
}

impl StorageReserve {
    /// The reserve for a database at `file`; `None` when there is none to keep (`bytes` is 0).
    pub fn for_file(file: &Path, bytes: u64) -> Option<StorageReserve> {
        let dir = file.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        (bytes > 0).then(|| StorageReserve { dir: dir.to_path_buf(), bytes })
    }

    /// Bytes an unprivileged writer may still use there (root may use blocks reserved for it, but the reserve is
    /// meant for the database, not for root). `None` if the file system cannot be asked.
    fn available(&self) -> Option<u64> {
        let stats = rustix::fs::statvfs(&self.dir).ok()?;
        Some(stats.f_bavail.saturating_mul(stats.f_frsize))
    }

    /// 503 while the free space is below the reserve. One `statvfs` call: microseconds, no I/O.
    pub fn ensure_room(&self) -> Result<(), AppError> {
        match self.available() {
            Some(free) if free < self.bytes => {
                tracing::warn!(
                    free_bytes = free,
                    reserve_bytes = self.bytes,
                    dir = %self.dir.display(),
                    "write refused: free space on the database's file system is below STORAGE_RESERVE_MB"
                );
                Err(AppError::Unavailable)
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_reserve_is_kept_when_none_is_asked_for() {
        assert!(StorageReserve::for_file(Path::new("data/bulletin.db"), 0).is_none());
    }

    #[test]
    fn writes_are_refused_below_the_reserve_and_allowed_above_it() {
        let dir = std::env::temp_dir().join("board.db");
        let tiny = StorageReserve::for_file(&dir, 1).unwrap();
        assert_eq!(tiny.ensure_room(), Ok(()));
        let impossible = StorageReserve::for_file(&dir, u64::MAX).unwrap();
        assert_eq!(impossible.ensure_room(), Err(AppError::Unavailable));
    }

    #[test]
    fn a_bare_file_name_is_in_the_current_directory() {
        assert_eq!(StorageReserve::for_file(Path::new("board.db"), 1).unwrap().dir, Path::new("."));
    }
}
