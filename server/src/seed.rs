//! `bulletin seed`: fills an empty database with demo data, for benchmarks (`make bench`) and demos.

use crate::config::Config;
use app::security::PasswordHasher;
use app::store::Db;
use app::store::seed::{SeedPlan, seed};
use clap::Args;
use std::time::Instant;

/// The password of every seeded member (`member_1`, `member_2`, …).
pub const SEED_PASSWORD: &str = "bench password";

// `bulletin seed`'s own flags; the database and BCRYPT_COST come from the settings (see `config::Command::Seed`
// for the description `--help` shows: a doc comment here would be overridden by that one).
#[derive(Debug, Clone, Args)]
pub struct SeedArgs {
    /// Members to create: member_1..member_N
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(i64).range(0..))]
    pub members: i64,
    /// Posts to create
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(i64).range(0..))]
    pub posts: i64,
    /// Comments beyond post 1's 50, spread over the other posts
    #[arg(long, default_value_t = 1_000, value_parser = clap::value_parser!(i64).range(0..))]
    pub comments: i64,
    /// Upvotes, spread over members and posts (each pair at most once)
    #[arg(long, default_value_t = 5_000, value_parser = clap::value_parser!(i64).range(0..))]
    pub upvotes: i64,
}

impl SeedArgs {
    fn plan(&self, password_hash: String) -> SeedPlan {
        SeedPlan {
            members: self.members,
            posts: self.posts,
            // A post page with a realistic thread, for the read benchmark.
            comments_on_first_post: 50,
            comments: self.comments,
            upvotes: self.upvotes,
            password_hash,
        }
    }
}

pub async fn run(config: &Config, args: &SeedArgs) -> Result<(), String> {
    let started = Instant::now();
    let password_hash =
        PasswordHasher::new(config.bcrypt_cost).hash(SEED_PASSWORD).await.map_err(|e| format!("hashing: {e}"))?;
    let plan = args.plan(password_hash);
    let db =
        Db::connect(&config.database_url, config.db).await.map_err(|e| format!("cannot open DATABASE_URL: {e}"))?;
    seed(&db, &plan).await?;
    println!(
        "seeded {} members, {} posts, {} comments, {} upvotes in {:.1} s",
        plan.members,
        plan.posts,
        plan.comments + plan.comments_on_first_post,
        app::store::seed::distinct_upvotes(&plan),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::config::{Cli, Command};

    fn seed_args(args: &[&str]) -> Result<super::SeedArgs, clap::Error> {
        let argv = ["bulletin", "seed"].iter().chain(args);
        match Cli::parse_with(argv.copied(), |_| None)?.command {
            Some(Command::Seed(args)) => Ok(args),
            other => panic!("not seed: {other:?}"),
        }
    }

    #[test]
    fn options_set_the_plan_and_bad_ones_are_refused() {
        let plan = seed_args(&["--posts", "1000000", "--members", "500"]).unwrap().plan(String::new());
        assert_eq!((plan.posts, plan.members, plan.comments_on_first_post), (1_000_000, 500, 50));
        assert_eq!((plan.comments, plan.upvotes), (1_000, 5_000));
        assert!(seed_args(&["--posts"]).is_err());
        assert!(seed_args(&["--posts", "-5"]).is_err());
        assert!(seed_args(&["--posts=-5"]).is_err());
        assert!(seed_args(&["--colour", "1"]).is_err());
    }
}
