//! The JWT signing secret: from `JWT_SECRET`, or generated once and kept (mode 0600) beside the SQLite file so
//! tokens survive restarts without any set-up. Several instances must share one secret: set `JWT_SECRET` then.

use crate::config::Config;
use app::security::token::MIN_SECRET_BYTES;
use rand::RngCore;
use std::fs;
use std::io::{ErrorKind, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::Path;

pub fn jwt_secret(config: &Config) -> Result<String, String> {
    if let Some(secret) = &config.jwt_secret {
        return Ok(secret.clone());
    }
    let path = config.secret_file().ok_or(
        "invalid JWT_SECRET: required when DATABASE_URL names no database file to keep a generated one beside",
    )?;
    load_or_create(&path)
}

fn load_or_create(path: &Path) -> Result<String, String> {
    let problem = |e: std::io::Error| format!("cannot use generated JWT secret file {}: {e}", path.display());
    // The directory also holds the database: readable by the server's user only.
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::DirBuilder::new().recursive(true).mode(0o700).create(dir).map_err(problem)?;
    }
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let fresh: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    // create_new: if another process got there first, use its secret rather than overwrite it.
    match fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path) {
        Ok(mut file) => {
            file.write_all(fresh.as_bytes()).map_err(problem)?;
            tracing::info!(path = %path.display(), "generated a new JWT secret (set JWT_SECRET to choose one)");
            Ok(fresh)
        }
        Err(e) if e.kind() == ErrorKind::AlreadyExists => {
            let stored = fs::read_to_string(path).map_err(problem)?.trim().to_owned();
            if stored.len() < MIN_SECRET_BYTES {
                return Err(format!("JWT secret file {} holds fewer than {MIN_SECRET_BYTES} bytes", path.display()));
            }
            Ok(stored)
        }
        Err(e) => Err(problem(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_generated_secret_is_private_long_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/jwt_secret");
        let first = load_or_create(&path).unwrap();
        assert!(first.len() >= MIN_SECRET_BYTES);
        assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(fs::metadata(path.parent().unwrap()).unwrap().permissions().mode() & 0o777, 0o700);
        assert_eq!(load_or_create(&path).unwrap(), first, "the second start reuses the secret");
    }
}
