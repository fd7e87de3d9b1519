//! `bulletin seed`: fills an empty database with demo data, for benchmarks (`make bench`) and demos.

use crate::config::Config;
use app::security::PasswordHasher;
use app::store::Db;
use app::store::seed::{SeedPlan, seed};
use std::time::Instant;

/// The password of every seeded member (`member_1`, `member_2`, …).
pub const SEED_PASSWORD: &str = "bench password";

const USAGE: &str = "usage: bulletin seed [--members N] [--posts N] [--comments N] [--upvotes N]
Fills the empty database named by DATABASE_URL. Members are member_1..member_N, all with the password
\"bench password\" (hashed once at BCRYPT_COST). Post 1 gets 50 comments; --comments more are spread over the rest.";

fn parse(args: &[String]) -> Result<SeedPlan, String> {
    let mut plan = SeedPlan {
        members: 100,
        posts: 10_000,
        comments_on_first_post: 50,
        comments: 1_000,
        upvotes: 5_000,
        password_hash: String::new(),
    };
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        if flag == "--help" || flag == "-h" {
            return Err(USAGE.into());
        }
        let value = rest.next().and_then(|v| v.parse::<i64>().ok()).filter(|v| *v >= 0);
        let value = value.ok_or_else(|| format!("{flag} needs a whole number\n{USAGE}"))?;
        match flag.as_str() {
            "--members" => plan.members = value,
            "--posts" => plan.posts = value,
            "--comments" => plan.comments = value,
            "--upvotes" => plan.upvotes = value,
            _ => return Err(format!("unknown option {flag}\n{USAGE}")),
        }
    }
    Ok(plan)
}

pub async fn run(config: &Config, args: &[String]) -> Result<(), String> {
    let mut plan = parse(args)?;
    let started = Instant::now();
    plan.password_hash =
        PasswordHasher::new(config.bcrypt_cost).hash(SEED_PASSWORD).await.map_err(|e| format!("hashing: {e}"))?;
    let db =
        Db::connect(&config.database_url, config.db).await.map_err(|e| format!("cannot open DATABASE_URL: {e}"))?;
    seed(&db, &plan).await?;
    println!(
        "seeded {} members, {} posts, {} comments, {} upvotes in {:.1} s",
        plan.members,
        plan.posts,
        plan.comments + plan.comments_on_first_post,
        plan.upvotes.min(plan.members * plan.posts),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn options_set_the_plan_and_bad_ones_are_refused() {
        let plan = parse(&args(&["--posts", "1000000", "--members", "500"])).unwrap();
        assert_eq!((plan.posts, plan.members, plan.comments_on_first_post), (1_000_000, 500, 50));
        assert!(parse(&args(&["--posts"])).is_err());
        assert!(parse(&args(&["--posts", "-5"])).is_err());
        assert!(parse(&args(&["--colour", "1"])).is_err());
    }
}
