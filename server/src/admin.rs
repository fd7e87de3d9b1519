//! `bulletin admin grant USERNAME ROLE`: the operator's side of `app::service::moderation::grant_role`, which
//! applies the rules (the last admin stays) and writes the log.

use crate::config::{AdminCommand, Config};
use app::model::Role;
use app::store::Db;

pub async fn run(config: &Config, command: AdminCommand) -> Result<(), String> {
    let AdminCommand::Grant { username, role } = command;
    let role: Role = role.parse().map_err(|e: app::error::AppError| e.to_string())?;
    let db =
        Db::connect(&config.database_url, config.db).await.map_err(|e| format!("cannot open DATABASE_URL: {e}"))?;
    let (user_id, changed) =
        app::service::moderation::grant_role(&db, &username, role).await.map_err(|e| format!("{username}: {e}"))?;
    if changed {
        println!("{username} (id {user_id}) is now {role}; running servers apply it within 5 seconds");
    } else {
        println!("{username} (id {user_id}) is already {role}");
    }
    Ok(())
}
