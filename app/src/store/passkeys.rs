//! Passkeys and the ceremonies that register them and sign in with them.
//!
//! A ceremony's server half lives in `passkey_ceremonies` between its start and its finish, so any instance can
//! finish what another began; its finish takes it with a DELETE, so it is used at most once however many finishes
//! race for it.

use super::{Db, committed_transaction, committed_write, on_pool, single};
use crate::error::AppError;
use crate::model::passkeys::{PASSKEYS_PER_MEMBER_MAX, PasskeySummary};

/// What a ceremony is for; the finish names the kind it expects, so one kind's id cannot finish the other.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CeremonyKind {
    Registration,
    Login,
}

impl CeremonyKind {
    fn as_str(self) -> &'static str {
        match self {
            CeremonyKind::Registration => "registration",
            CeremonyKind::Login => "login",
        }
    }
}

/// A ceremony's server half, as its finish takes it.
#[derive(Debug, sqlx::FromRow)]
pub struct Ceremony {
    /// Registration: the member adding a passkey. Login: the member named at the start, if any and known.
    pub user_id: Option<i64>,
    /// webauthn-rs's state (JSON).
    pub state: String,
    expires_at: i64,
}

impl Ceremony {
    /// Past its time (`now`: Unix seconds): it cannot be finished any more.
    pub fn expired(&self, now: i64) -> bool {
        self.expires_at <= now
    }
}

/// How many sign-ins may be open at once, from everyone: a backstop behind the per-address limit on starting
/// them (`PASSKEY_START_LIMIT`), so that many addresses together cannot grow the table without bound either.
pub const OPEN_SIGN_INS_MAX: i64 = 20_000;

/// Stores a ceremony until `expires_at` (Unix seconds); `false` (nothing stored) when it is a sign-in and
/// `OPEN_SIGN_INS_MAX` are open. Expired ceremonies of everyone are deleted first, and a registration replaces the
/// member's earlier unfinished one: the table holds at most one registration per member and the sign-ins of the
/// last few minutes.
pub async fn begin_ceremony(
    db: &Db,
    id: &str,
    kind: CeremonyKind,
    user_id: Option<i64>,
    state: &str,
    now: i64,
    expires_at: i64,
) -> Result<bool, AppError> {
    db.ensure_room_to_grow()?;
    Ok(committed_transaction!(db, |tx| async {
        sqlx::query("DELETE FROM passkey_ceremonies WHERE expires_at <= $1").bind(now).execute(&mut *tx).await?;
        if kind == CeremonyKind::Login {
            let open: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM passkey_ceremonies WHERE kind = 'login'")
                .fetch_one(&mut *tx)
                .await?;
            if open >= OPEN_SIGN_INS_MAX {
                return Ok(false);
            }
        }
        if kind == CeremonyKind::Registration {
            sqlx::query("DELETE FROM passkey_ceremonies WHERE user_id = $1 AND kind = 'registration'")
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query(
            "INSERT INTO passkey_ceremonies (id, kind, user_id, state, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(kind.as_str())
        .bind(user_id)
        .bind(state)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        Ok::<_, sqlx::Error>(true)
    }
    .await)?)
}

/// Takes (deletes) the ceremony `id` of kind `kind`, begun by member `owner` when one is given; `None` if there
/// is none or it was taken already. An expired one is taken too: the caller tells it apart (`Ceremony::expired`).
pub async fn take_ceremony(
    db: &Db,
    id: &str,
    kind: CeremonyKind,
    owner: Option<i64>,
) -> Result<Option<Ceremony>, AppError> {
    Ok(committed_write!(db, |conn| {
        sqlx::query_as::<_, Ceremony>(
            "DELETE FROM passkey_ceremonies WHERE id = $1 AND kind = $2 AND ($3 IS NULL OR user_id = $3) \
             RETURNING user_id, state, expires_at",
        )
        .bind(id)
        .bind(kind.as_str())
        .bind(owner)
        .fetch_all(&mut *conn)
        .await
        .map(single)
    })?)
}

/// A passkey as a sign-in needs it.
#[derive(Debug, sqlx::FromRow)]
pub struct StoredPasskey {
    pub id: i64,
    pub user_id: i64,
    pub credential_id: String,
    /// webauthn-rs's `Passkey` (JSON).
    pub credential: String,
}

/// The member named `username` (any case), if there is one, and their passkeys' credential ids (base64url): one
/// query whether or not the name exists, so the time a sign-in's start takes does not tell.
pub async fn credential_ids_of_name(db: &Db, username: &str) -> Result<Option<(i64, Vec<String>)>, AppError> {
    let rows: Vec<(i64, Option<String>)> = on_pool!(db, |pool| sqlx::query_as(
        "SELECT u.id, p.credential_id FROM users u LEFT JOIN passkeys p ON p.user_id = u.id \
         WHERE lower(u.username) = lower($1) ORDER BY p.id"
    )
    .bind(username)
    .fetch_all(pool)
    .await?);
    let Some(&(user_id, _)) = rows.first() else { return Ok(None) };
    Ok(Some((user_id, rows.into_iter().filter_map(|(_, id)| id).collect())))
}

/// The member's passkeys as webauthn-rs's JSON, oldest first (for a ceremony's allowed or excluded list).
pub async fn credentials_of(db: &Db, user_id: i64) -> Result<Vec<String>, AppError> {
    Ok(on_pool!(db, |pool| sqlx::query_scalar::<_, String>(
        "SELECT credential FROM passkeys WHERE user_id = $1 ORDER BY id"
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?))
}

/// The passkey with this credential id (base64url), whoever's it is.
pub async fn find_by_credential_id(db: &Db, credential_id: &str) -> Result<Option<StoredPasskey>, AppError> {
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, StoredPasskey>(
        "SELECT id, user_id, credential_id, credential FROM passkeys WHERE credential_id = $1"
    )
    .bind(credential_id)
    .fetch_optional(pool)
    .await?))
}

const SUMMARY: &str = "id, name, created_at, last_used_at";

pub async fn list(db: &Db, user_id: i64) -> Result<Vec<PasskeySummary>, AppError> {
    let sql = format!("SELECT {SUMMARY} FROM passkeys WHERE user_id = $1 ORDER BY id");
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, PasskeySummary>(&sql).bind(user_id).fetch_all(pool).await?))
}

/// Why a new passkey was not stored.
#[derive(Debug)]
pub enum AddRefused {
    /// Its credential id is registered already (to this member or another).
    AlreadyAdded,
    /// The member has `PASSKEYS_PER_MEMBER_MAX` already.
    TooMany,
    Failed(AppError),
}

impl From<AppError> for AddRefused {
    fn from(err: AppError) -> Self {
        AddRefused::Failed(err)
    }
}

/// Stores a verified new passkey. The count and the insert are one transaction: on PostgreSQL the member's row is
/// locked first, so two registrations at once cannot both pass the bound; SQLite's transactions take turns.
pub async fn add(
    db: &Db,
    user_id: i64,
    credential_id: &str,
    name: &str,
    credential: &str,
) -> Result<PasskeySummary, AddRefused> {
    db.ensure_room_to_grow()?;
    let lock_member =
        format!("SELECT id FROM users WHERE id = $1{}", super::moderation::locking(db.dialect(), "NO KEY UPDATE"));
    let insert = format!(
        "INSERT INTO passkeys (user_id, credential_id, name, credential) VALUES ($1, $2, $3, $4) RETURNING {SUMMARY}"
    );
    let added = committed_transaction!(db, |tx| async {
        sqlx::query(&lock_member).bind(user_id).execute(&mut *tx).await?;
        let held: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM passkeys WHERE user_id = $1")
            .bind(user_id)
            .fetch_one(&mut *tx)
            .await?;
        if held >= PASSKEYS_PER_MEMBER_MAX as i64 {
            return Ok(None);
        }
        let rows = sqlx::query_as::<_, PasskeySummary>(&insert)
            .bind(user_id)
            .bind(credential_id)
            .bind(name)
            .bind(credential)
            .fetch_all(&mut *tx)
            .await?;
        Ok::<_, sqlx::Error>(single(rows))
    }
    .await);
    match added {
        Ok(Some(summary)) => Ok(summary),
        Ok(None) => Err(AddRefused::TooMany),
        Err(sqlx::Error::Database(err)) if err.is_unique_violation() => Err(AddRefused::AlreadyAdded),
        Err(err) => Err(AppError::from(err).into()),
    }
}

/// Records a verified sign-in: the updated credential (counter, backup state) and when it was used. Stored only if
/// the new counter is still above the stored one (or the authenticator keeps none: 0 then and now), in the same
/// statement: `false` when another sign-in with this counter or a higher one got there first (a cloned
/// authenticator), or the passkey was removed meanwhile.
pub async fn record_use(db: &Db, id: i64, credential: &str, counter: u32, now: &str) -> Result<bool, AppError> {
    let updated = committed_write!(db, |conn| {
        sqlx::query(
            "UPDATE passkeys SET credential = $2, sign_count = $3, last_used_at = $4 \
             WHERE id = $1 AND (($3 = 0 AND sign_count = 0) OR sign_count < $3)",
        )
        .bind(id)
        .bind(credential)
        .bind(i64::from(counter))
        .bind(now)
        .execute(&mut *conn)
        .await
        .map(|done| done.rows_affected())
    })?;
    Ok(updated == 1)
}

/// Whose a passkey is, for telling "not yours" (403) from "no such passkey" (404).
#[derive(Debug, PartialEq, Eq)]
pub enum Owner {
    Caller,
    Other,
    Nobody,
}

/// Renames the member's passkey; `Err` names whose it is when it is not theirs.
pub async fn rename(db: &Db, user_id: i64, id: i64, name: &str) -> Result<Result<PasskeySummary, Owner>, AppError> {
    let sql = format!("UPDATE passkeys SET name = $3 WHERE id = $1 AND user_id = $2 RETURNING {SUMMARY}");
    let renamed = committed_write!(db, |conn| {
        sqlx::query_as::<_, PasskeySummary>(&sql)
            .bind(id)
            .bind(user_id)
            .bind(name)
            .fetch_all(&mut *conn)
            .await
            .map(single)
    })?;
    match renamed {
        Some(summary) => Ok(Ok(summary)),
        None => Ok(Err(owner(db, user_id, id).await?)),
    }
}

/// Removes the member's passkey; `Err` names whose it is when it is not theirs.
pub async fn remove(db: &Db, user_id: i64, id: i64) -> Result<Result<(), Owner>, AppError> {
    let removed = committed_write!(db, |conn| {
        sqlx::query("DELETE FROM passkeys WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(user_id)
            .execute(&mut *conn)
            .await
            .map(|done| done.rows_affected())
    })?;
    if removed == 1 {
        return Ok(Ok(()));
    }
    Ok(Err(owner(db, user_id, id).await?))
}

async fn owner(db: &Db, user_id: i64, id: i64) -> Result<Owner, AppError> {
    let found = on_pool!(db, |pool| sqlx::query_scalar::<_, i64>("SELECT user_id FROM passkeys WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await?);
    Ok(match found {
        Some(owner) if owner == user_id => Owner::Caller,
        Some(_) => Owner::Other,
        None => Owner::Nobody,
    })
}
