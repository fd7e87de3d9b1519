//! Every setting Bulletin reads, declared once for clap: each is a flag and an environment variable (the flag
//! wins), so `bulletin --help` lists them all with their variables, defaults and meanings. A bad value stops
//! start-up with a message that names the variable.
//!
//! Each flag is its variable in kebab case (`JWT_TTL_SECONDS` is `--jwt-ttl-seconds`), so clap's messages, which
//! quote `--jwt-ttl-seconds <JWT_TTL_SECONDS>`, name both.

use crate::client_addr::TrustedProxies;
use crate::seed::SeedArgs;
use app::security::passkeys::Url;
use app::security::{PasswordHasher, RateLimit, WriteLimits};
use app::store::{DbSettings, Dialect, ReplicaSettings, SearchLaneSettings};
use clap::error::ErrorKind;
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use std::ffi::{OsStr, OsString};
use std::fmt::Display;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/bulletin.db?mode=rwc";

/// Bulletin: a message board, its REST API and its browser app
// `args_override_self`: `parse_with` may pass variables as flags ahead of the command line's, and a flag given on
// the command line must then replace its variable rather than count as given twice.
#[derive(Debug, Parser)]
#[command(version, args_override_self = true)]
pub struct Cli {
    #[command(flatten)]
    pub settings: Settings,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Default, Subcommand)]
pub enum Command {
    /// Serve the board on LEPTOS_SITE_ADDR (the default: what bulletin alone does)
    // The default: `make run`, the tests and bench/run.py start the binary with no arguments.
    #[default]
    Serve,
    /// Fill an empty database with demo data, for benchmarks (make bench) and demos
    ///
    /// Members are member_1..member_N, all with the password "bench password" (hashed once at BCRYPT_COST).
    /// Post 1 gets 50 comments; --comments more are spread over the other posts.
    Seed(SeedArgs),
    /// Write a consistent copy of the SQLite database to FILE while the board keeps serving (PostgreSQL: prints
    /// the pg_dump command to use instead)
    ///
    /// The copy is written under a temporary name, synced and renamed, readable by this user only. The JWT secret
    /// (jwt_secret beside the database) is not part of it: keep it too, or every member signs in again.
    Backup(BackupArgs),
    /// Replace the SQLite database with a backup FILE, keeping the old database beside it; refuses while a
    /// Bulletin server uses the database
    Restore(RestoreArgs),
    /// Manage the board's staff: give a member a role (how the first admin is made)
    #[command(subcommand)]
    Admin(AdminCommand),
}

/// `bulletin admin …`.
#[derive(Debug, Clone, Subcommand)]
pub enum AdminCommand {
    /// Give USERNAME the role ROLE (member, moderator or admin), written to the moderation log; running servers
    /// apply it within 5 seconds. The last admin cannot be made anything else.
    Grant {
        /// The member's name (any case)
        username: String,
        /// member, moderator or admin
        #[arg(value_parser = ["member", "moderator", "admin"])]
        role: String,
    },
}

/// `bulletin backup`'s argument.
#[derive(Debug, Clone, Args)]
pub struct BackupArgs {
    /// Where to write the backup (it must not exist yet)
    pub file: PathBuf,
}

/// `bulletin restore`'s argument.
#[derive(Debug, Clone, Args)]
pub struct RestoreArgs {
    /// A backup written by bulletin backup
    pub file: PathBuf,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LogFormat {
    /// Readable text, one event per line
    #[default]
    Text,
    /// One JSON object per line, with the request's fields (request id, client, user id) as keys
    Json,
}

/// `ATTEMPTS/SECONDS`, or `off` (`None`). An alias because clap reads a field typed `Option<…>` as "may be left
/// out", where this `None` is a value: the limit turned off.
pub type Limit = Option<RateLimit>;

/// `FRONTEND_URL`'s list, parsed whole (an alias for the same reason: clap would take a `Vec` field one item per
/// flag, and refuse the empty items that a trailing comma leaves).
pub type Origins = Vec<String>;

// Every setting, as written: `Settings::into_config` turns them into `Config`. The flags are global so that they
// may follow `serve` or `seed` too, and `bulletin seed --help` lists the database settings it uses. (Plain `//`
// comments on this struct: clap would make a doc comment the whole command's description.)
#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// The database: sqlite://FILE or postgres://USER:PASSWORD@HOST/DB; migrations run at start-up
    // Its value stays out of --help: a PostgreSQL URL may hold a password.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true, default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,

    /// Pool size of this instance, 1-1000 (default: 8 with SQLite, 10 with PostgreSQL)
    #[arg(long, env = "DATABASE_MAX_CONNECTIONS", global = true,
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub database_max_connections: Option<u32>,

    /// Seconds a request waits for a pooled connection before it is answered 503 with Retry-After, 1-300
    #[arg(long, env = "DATABASE_ACQUIRE_TIMEOUT_SECONDS", global = true,
          default_value_t = DbSettings::default().acquire_timeout.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..=300))]
    pub database_acquire_timeout_seconds: u64,

    /// Read replicas: comma-separated postgres:// URLs of hot standbys of DATABASE_URL. The feed, post pages,
    /// profiles and comments are read there; writes, sign-ins and limits stay on the primary (docs/deploy.md)
    // Its value stays out of --help and out of error messages, like DATABASE_URL's.
    #[arg(long, env = "DATABASE_REPLICA_URLS", global = true, hide_env_values = true)]
    pub database_replica_urls: Option<String>,

    /// Milliseconds a replica may be behind the primary; one further behind (or not answering) is left out, and
    /// reads go to the others or the primary until it catches up, 1-3600000
    #[arg(long, env = "DATABASE_REPLICA_MAX_LAG_MS", global = true,
          default_value_t = ReplicaSettings::DEFAULT_MAX_LAG.as_millis() as u64,
          value_parser = clap::value_parser!(u64).range(1..=3_600_000))]
    pub database_replica_max_lag_ms: u64,

    /// Searches and deep numbered pages run on their own pool of this many connections per instance, 1-100, so
    /// they can never take the connections the feed, post pages and writes need
    #[arg(long, env = "SEARCH_CONNECTIONS", global = true,
          default_value_t = SearchLaneSettings::default().connections,
          value_parser = clap::value_parser!(u32).range(1..=100))]
    pub search_connections: u32,

    /// Searches that may wait for a search connection, 0-10000; one more is answered 503 with Retry-After at once
    #[arg(long, env = "SEARCH_QUEUE", global = true, default_value_t = SearchLaneSettings::default().queue,
          value_parser = clap::value_parser!(u32).range(0..=10_000))]
    pub search_queue: u32,

    /// Milliseconds a search may wait for a search connection, and then run, before it is answered 503, 10-60000
    #[arg(long, env = "SEARCH_TIME_LIMIT_MS", global = true,
          default_value_t = SearchLaneSettings::default().time_limit.as_millis() as u64,
          value_parser = clap::value_parser!(u64).range(10..=60_000))]
    pub search_time_limit_ms: u64,

    /// Token signing key, at least 32 bytes, the same on every instance; required with PostgreSQL (with SQLite,
    /// generated once and kept in jwt_secret beside the database file)
    #[arg(long, env = "JWT_SECRET", global = true, hide_env_values = true)]
    pub jwt_secret: Option<String>,

    /// Token lifetime in seconds, 1-86400; the browser app refreshes a token once it is past half its life
    // One hour: a stolen token dies within the hour unless refreshed (and refreshing stops at SESSION_MAX_SECONDS,
    // or at once with "log out everywhere"), while the app refreshes an active member's token after half an hour,
    // so nobody is logged out mid-work.
    #[arg(long, env = "JWT_TTL_SECONDS", global = true, default_value_t = 3_600,
          value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub jwt_ttl_seconds: u64,

    /// Seconds after the password was last typed that a token may still be refreshed, 60-31536000 (30 days)
    #[arg(long, env = "SESSION_MAX_SECONDS", global = true, default_value_t = 30 * 86_400,
          value_parser = clap::value_parser!(u64).range(60..=31_536_000))]
    pub session_max_seconds: u64,

    /// The address people open Bulletin at, as an origin (https://board.example.com); passkeys are bound to its
    /// host name, so it must be a name (not an IP address) and https unless it is localhost
    #[arg(long, env = "PUBLIC_URL", global = true, default_value = app::security::passkeys::DEFAULT_PUBLIC_URL,
          value_parser = app::security::passkeys::public_origin)]
    pub public_url: Url,

    /// bcrypt cost of new password hashes, 4-31
    #[arg(long, env = "BCRYPT_COST", global = true, default_value_t = 12,
          value_parser = clap::value_parser!(u32)
              .range(i64::from(PasswordHasher::MIN_COST)..=i64::from(PasswordHasher::MAX_COST)))]
    pub bcrypt_cost: u32,

    /// Registrations and failed logins per client address, as ATTEMPTS/SECONDS, or off; counted per instance
    #[arg(long, env = "AUTH_RATE_LIMIT", global = true, default_value = "10/3600", value_parser = limit)]
    pub auth_rate_limit: Limit,

    /// Failed logins per username (and per device, and wrong current passwords per member), as ATTEMPTS/SECONDS,
    /// or off; past it 429 until the window ends
    // Five wrong passwords for one name within five minutes close that name until the five minutes are up: slow
    // enough to stop guessing, short enough that an attacker cannot keep a member out for long.
    #[arg(long, env = "LOGIN_FAILURE_LIMIT", global = true, default_value = "5/300", value_parser = limit)]
    pub login_failure_limit: Limit,

    /// Successful logins per client address, as ATTEMPTS/SECONDS, or off
    // Successful logins do not spend AUTH_RATE_LIMIT (an office behind one address logs in all day); they have
    // this larger allowance, which still bounds how many sessions one address can mint.
    #[arg(long, env = "LOGIN_SUCCESS_LIMIT", global = true, default_value = "200/3600", value_parser = limit)]
    pub login_success_limit: Limit,

    /// Passkey sign-ins started per client address, as ATTEMPTS/SECONDS, or off (the login page starts one for
    /// autofill on every visit; each is kept up to 5 minutes)
    #[arg(long, env = "PASSKEY_START_LIMIT", global = true, default_value = "60/60", value_parser = limit)]
    pub passkey_start_limit: Limit,

    // Writes per member: generous for a person and small for a script, so a member can still write all day, but
    // one account can no longer fill the disk at tens of megabytes a second.
    /// New posts and post edits per member, as ATTEMPTS/SECONDS, or off; past it 429 with Retry-After
    #[arg(long, env = "POST_RATE_LIMIT", global = true, default_value = "60/3600", value_parser = limit)]
    pub post_rate_limit: Limit,

    /// Comments per member, as ATTEMPTS/SECONDS, or off
    #[arg(long, env = "COMMENT_RATE_LIMIT", global = true, default_value = "120/3600", value_parser = limit)]
    pub comment_rate_limit: Limit,

    /// Upvotes given or withdrawn per member, as ATTEMPTS/SECONDS, or off
    #[arg(long, env = "UPVOTE_RATE_LIMIT", global = true, default_value = "600/3600", value_parser = limit)]
    pub upvote_rate_limit: Limit,

    /// Bio edits per member, as ATTEMPTS/SECONDS, or off
    #[arg(long, env = "PROFILE_RATE_LIMIT", global = true, default_value = "30/3600", value_parser = limit)]
    pub profile_rate_limit: Limit,

    /// Reports of posts per member, as ATTEMPTS/SECONDS, or off
    #[arg(long, env = "REPORT_RATE_LIMIT", global = true, default_value = "20/3600", value_parser = limit)]
    pub report_rate_limit: Limit,

    /// Searches per member, as ATTEMPTS/SECONDS, or off (the search box asks once a pause in typing)
    #[arg(long, env = "SEARCH_RATE_LIMIT", global = true, default_value = "120/60", value_parser = limit)]
    pub search_rate_limit: Limit,

    /// SQLite: while the disk has less free space than this many MB, writes that add data answer 503 (reading,
    /// signing in and deleting keep working); 0 disables
    #[arg(long, env = "STORAGE_RESERVE_MB", global = true,
          default_value_t = DbSettings::default().storage_reserve_bytes >> 20,
          value_parser = clap::value_parser!(u64).range(0..=1 << 30))]
    pub storage_reserve_mb: u64,

    /// SQLite: MB the write-ahead log is cut back to once it has been copied into the database
    #[arg(long, env = "SQLITE_WAL_LIMIT_MB", global = true,
          default_value_t = DbSettings::default().wal_limit_bytes >> 20,
          value_parser = clap::value_parser!(u64).range(1..=1 << 20))]
    pub sqlite_wal_limit_mb: u64,

    /// Open client connections at most; at the cap a new one displaces the longest-idle one (default: 10000, and
    /// never more than the open-file limit less 128)
    #[arg(long, env = "MAX_CONNECTIONS", global = true, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub max_connections: Option<u64>,

    /// Seconds after which a keep-alive connection with no request in flight is closed, 1-3600
    #[arg(long, env = "IDLE_TIMEOUT_SECONDS", global = true, default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub idle_timeout_seconds: u64,

    /// Comma-separated addresses or CIDR networks (127.0.0.1, 10.0.0.0/8) of proxies whose X-Forwarded-For names
    /// the client (default: none; from anyone else the header is ignored)
    #[arg(long, env = "TRUSTED_PROXIES", global = true)]
    pub trusted_proxies: Option<TrustedProxies>,

    /// Comma-separated origins (https://app.example.com) whose pages may call the REST API from a browser
    /// (default: none, no cross-origin access)
    #[arg(long, env = "FRONTEND_URL", global = true, value_parser = origins)]
    pub frontend_url: Option<Origins>,

    /// true when a TLS proxy serves Bulletin: browsers are told to insist on HTTPS (Strict-Transport-Security)
    // `Set`, not clap's default for a bool (a flag that takes no value): the variable says true or false.
    #[arg(long, env = "BULLETIN_HTTPS", global = true, action = clap::ArgAction::Set, default_value_t = false,
          value_parser = boolean)]
    pub bulletin_https: bool,

    /// Seconds a request may take (408 after); a client that has not sent its request headers by then is
    /// disconnected, 1-600
    #[arg(long, env = "REQUEST_TIMEOUT_SECONDS", global = true, default_value_t = 15,
          value_parser = clap::value_parser!(u64).range(1..=600))]
    pub request_timeout_seconds: u64,

    /// Listen address, IP:PORT
    #[arg(long, env = "LEPTOS_SITE_ADDR", global = true, default_value = "127.0.0.1:3000")]
    pub leptos_site_addr: SocketAddr,

    /// Tracing filter, such as bulletin=debug,tower_http=debug
    #[arg(long, env = "RUST_LOG", global = true, default_value = "info")]
    pub rust_log: String,

    /// Log lines as text (for people) or json (one object per line, for log collectors)
    #[arg(long, env = "LOG_FORMAT", global = true, value_enum, default_value_t = LogFormat::Text, ignore_case = true)]
    pub log_format: LogFormat,

    /// Serve Prometheus metrics at http://IP:PORT/metrics, an address of its own (default: off). Keep it private:
    /// it is never served on LEPTOS_SITE_ADDR
    #[arg(long, env = "METRICS_ADDR", global = true)]
    pub metrics_addr: Option<SocketAddr>,

    /// Seconds between SIGTERM and closing the listener, while /readyz answers 503 and requests are still served,
    /// so a load balancer that polls /readyz stops sending traffic first, 0-300
    #[arg(long, env = "SHUTDOWN_DELAY_SECONDS", global = true, default_value_t = 0,
          value_parser = clap::value_parser!(u64).range(0..=300))]
    pub shutdown_delay_seconds: u64,
}

fn limit(text: &str) -> Result<Limit, String> {
    if text.trim().eq_ignore_ascii_case("off") { Ok(None) } else { text.parse().map(Some) }
}

fn origins(list: &str) -> Result<Origins, String> {
    let origin = |item: &str| {
        parse_origin(item).ok_or_else(|| format!("{item:?} is not an origin such as https://app.example.com"))
    };
    list.split(',').filter(|item| !item.trim().is_empty()).map(origin).collect()
}

/// `true`/`1` or `false`/`0`, in any case (clap's own bool parser knows `true` and `false` only).
fn boolean(text: &str) -> Result<bool, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err("must be true or false".into()),
    }
}

/// A browser origin as browsers send it: `http(s)://host[:port]`, lower case, no path.
fn parse_origin(text: &str) -> Option<String> {
    let text = text.trim().trim_end_matches('/').to_ascii_lowercase();
    let rest = text.strip_prefix("https://").or_else(|| text.strip_prefix("http://"))?;
    let valid = !rest.is_empty() && !rest.contains(['/', '?', '#', '@', ' ', '*']);
    valid.then_some(text)
}

impl Cli {
    /// Parses `args` (the program name first), taking each setting they leave out from `lookup`: the process
    /// environment in `main`, a map in tests. A variable set to blanks counts as unset.
    ///
    /// clap reads each `env` variable itself, from the process, when `Cli::command()` builds the argument. Where
    /// that is what `lookup` says, clap is left to it (so in `main` it always is): it reads variables after the
    /// command line, so flags win and `--help` works whatever the variables hold. Elsewhere (a blank variable,
    /// which clap would hand on as the value "", or a map that differs from the process) the argument's `env` is
    /// switched off for this parse, and `lookup`'s value, if any, is passed as a flag ahead of `args`.
    pub fn parse_with<I, T>(args: I, lookup: impl Fn(&str) -> Option<String>) -> Result<Cli, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString>,
    {
        let mut flags_from_lookup: Vec<OsString> = Vec::new();
        let command = Cli::command().mut_args(|arg| {
            let setting = arg.get_env().and_then(OsStr::to_str).zip(arg.get_long());
            let Some((name, long)) = setting.map(|(name, long)| (name.to_owned(), long.to_owned())) else {
                return arg;
            };
            let value = lookup(name.as_str()).filter(|value| !value.trim().is_empty());
            if std::env::var_os(&name) == value.as_ref().map(OsString::from) {
                return arg;
            }
            if let Some(value) = value {
                flags_from_lookup.push(format!("--{long}={value}").into());
            }
            arg.env(None::<&str>)
        });
        let mut args = args.into_iter().map(Into::<OsString>::into);
        let program = args.next().unwrap_or_else(|| "bulletin".into());
        let matches = command.try_get_matches_from(std::iter::once(program).chain(flags_from_lookup).chain(args))?;
        Cli::from_arg_matches(&matches)
    }
}

/// Everything Bulletin is configured with, checked and in the types the rest of the server uses.
#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub db: DbSettings,
    /// Read replicas of a PostgreSQL database (none by default).
    pub replicas: ReplicaSettings,
    /// `None`: generate one and keep it beside the SQLite file (see `secret_file`).
    pub jwt_secret: Option<String>,
    pub jwt_ttl_seconds: u64,
    /// How long after the password was last typed a token may still be refreshed.
    pub session_max_seconds: u64,
    /// Where people open Bulletin: the passkeys' relying party.
    pub public_url: Url,
    pub bcrypt_cost: u32,
    /// `None`: attempts are not limited.
    pub auth_rate_limit: Option<RateLimit>,
    /// Failed logins per username; `None`: not limited.
    pub login_failure_limit: Option<RateLimit>,
    /// Successful logins per client address; `None`: not limited.
    pub login_success_limit: Option<RateLimit>,
    /// Passkey sign-ins started per client address; `None`: not limited.
    pub passkey_start_limit: Option<RateLimit>,
    /// Writes per member: posts, comments, upvotes, bio edits.
    pub write_limits: WriteLimits,
    pub site_addr: SocketAddr,
    pub log_filter: String,
    pub log_format: LogFormat,
    /// `METRICS_ADDR`: where Prometheus metrics are served; `None`: nowhere.
    pub metrics_addr: Option<SocketAddr>,
    /// `SHUTDOWN_DELAY_SECONDS`: how long after SIGTERM the instance answers "not ready" before it stops accepting.
    pub shutdown_delay: Duration,
    pub http: HttpPolicy,
}

/// How the HTTP server treats requests: deadlines, proxies, and what browsers are told.
#[derive(Debug, Clone)]
pub struct HttpPolicy {
    /// `BULLETIN_HTTPS=true`: served behind TLS, so browsers are told to insist on HTTPS (HSTS).
    pub https: bool,
    /// `FRONTEND_URL`: origins whose pages may call the REST API from a browser.
    pub cors_origins: Vec<String>,
    /// `REQUEST_TIMEOUT_SECONDS`: the most a request may take (408 after), and the most a client may take to send
    /// its request headers (the connection is closed after).
    pub request_timeout: Duration,
    /// `TRUSTED_PROXIES`: peers whose `X-Forwarded-For` names the client.
    pub trusted_proxies: TrustedProxies,
    /// `MAX_CONNECTIONS`: open client connections at most (`None`: as many as file descriptors allow).
    pub max_connections: Option<usize>,
    /// `IDLE_TIMEOUT_SECONDS`: a connection with no request in flight is closed after this long.
    pub idle_timeout: Duration,
}

impl Default for HttpPolicy {
    fn default() -> Self {
        HttpPolicy {
            https: false,
            cors_origins: Vec::new(),
            request_timeout: Duration::from_secs(15),
            trusted_proxies: TrustedProxies::default(),
            max_connections: None,
            idle_timeout: Duration::from_secs(60),
        }
    }
}

/// An error in clap's format, so that `main` reports it as it reports every other bad value.
fn invalid(kind: ErrorKind, variable: &str, problem: impl Display) -> clap::Error {
    clap::Error::raw(kind, format!("invalid {variable}: {problem}")).format(&mut Cli::command())
}

impl Settings {
    /// The checks clap's declarations cannot make: the ones between settings, and the ones on values that must
    /// not be quoted back (clap's messages quote the bad value, and these two may hold a password or the secret).
    pub fn into_config(self) -> Result<Config, clap::Error> {
        let dialect = app::store::supported_url(&self.database_url).ok_or_else(|| {
            invalid(ErrorKind::ValueValidation, "DATABASE_URL", "must start with sqlite:, postgres:// or postgresql://")
        })?;
        if self.jwt_secret.is_none() && dialect == Dialect::Postgres {
            // A generated secret would differ per instance, and each would refuse the others' tokens.
            let problem = "required with PostgreSQL: every instance must sign and check tokens with one shared secret";
            return Err(invalid(ErrorKind::MissingRequiredArgument, "JWT_SECRET", problem));
        }
        let replica_urls: Vec<String> = self
            .database_replica_urls
            .as_deref()
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|url| !url.is_empty())
            .map(str::to_owned)
            .collect();
        if !replica_urls.is_empty() && dialect != Dialect::Postgres {
            let problem = "needs a PostgreSQL DATABASE_URL (replicas are standbys of its primary)";
            return Err(invalid(ErrorKind::ArgumentConflict, "DATABASE_REPLICA_URLS", problem));
        }
        if replica_urls.iter().any(|url| app::store::supported_url(url) != Some(Dialect::Postgres)) {
            let problem = "each URL must start with postgres:// or postgresql://";
            return Err(invalid(ErrorKind::ValueValidation, "DATABASE_REPLICA_URLS", problem));
        }
        if let Some(metrics) = self.metrics_addr
            && metrics.port() == self.leptos_site_addr.port()
            && (metrics.ip() == self.leptos_site_addr.ip()
                || metrics.ip().is_unspecified()
                || self.leptos_site_addr.ip().is_unspecified())
        {
            let problem = "must not be LEPTOS_SITE_ADDR: metrics are for the operator, never on the public listener";
            return Err(invalid(ErrorKind::ArgumentConflict, "METRICS_ADDR", problem));
        }
        let min_secret = app::security::token::MIN_SECRET_BYTES;
        if let Some(secret) = &self.jwt_secret
            && secret.len() < min_secret
        {
            let problem = format!("must be at least {min_secret} bytes (got {})", secret.len());
            return Err(invalid(ErrorKind::ValueValidation, "JWT_SECRET", problem));
        }

        Ok(Config {
            database_url: self.database_url,
            db: DbSettings {
                max_connections: self.database_max_connections,
                acquire_timeout: Duration::from_secs(self.database_acquire_timeout_seconds),
                storage_reserve_bytes: self.storage_reserve_mb << 20,
                wal_limit_bytes: self.sqlite_wal_limit_mb << 20,
                search: SearchLaneSettings {
                    connections: self.search_connections,
                    queue: self.search_queue,
                    time_limit: Duration::from_millis(self.search_time_limit_ms),
                },
            },
            replicas: ReplicaSettings {
                urls: replica_urls,
                max_lag: Duration::from_millis(self.database_replica_max_lag_ms),
            },
            jwt_secret: self.jwt_secret,
            jwt_ttl_seconds: self.jwt_ttl_seconds,
            session_max_seconds: self.session_max_seconds,
            public_url: self.public_url,
            bcrypt_cost: self.bcrypt_cost,
            auth_rate_limit: self.auth_rate_limit,
            login_failure_limit: self.login_failure_limit,
            login_success_limit: self.login_success_limit,
            passkey_start_limit: self.passkey_start_limit,
            write_limits: WriteLimits {
                posts: self.post_rate_limit,
                comments: self.comment_rate_limit,
                upvotes: self.upvote_rate_limit,
                profile: self.profile_rate_limit,
                searches: self.search_rate_limit,
                reports: self.report_rate_limit,
            },
            site_addr: self.leptos_site_addr,
            log_filter: self.rust_log,
            log_format: self.log_format,
            metrics_addr: self.metrics_addr,
            shutdown_delay: Duration::from_secs(self.shutdown_delay_seconds),
            http: HttpPolicy {
                https: self.bulletin_https,
                cors_origins: self.frontend_url.unwrap_or_default(),
                request_timeout: Duration::from_secs(self.request_timeout_seconds),
                trusted_proxies: self.trusted_proxies.unwrap_or_default(),
                // At most 1,000,000 (the flag's range): fits any usize Bulletin runs on.
                max_connections: self.max_connections.map(|n| n as usize),
                idle_timeout: Duration::from_secs(self.idle_timeout_seconds),
            },
        })
    }
}

impl Config {
    /// The configuration `bulletin` with no arguments would run with if `lookup` were its environment; the
    /// process environment plays no part (tests pass a map).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, clap::Error> {
        Cli::parse_with(["bulletin"], lookup)?.settings.into_config()
    }

    /// Where a generated JWT secret is kept: beside the SQLite database file.
    pub fn secret_file(&self) -> Option<PathBuf> {
        let rest = self.database_url.strip_prefix("sqlite:")?;
        let path = rest.trim_start_matches("//").split('?').next()?;
        if path.is_empty() || path == ":memory:" {
            return None;
        }
        Some(PathBuf::from(path).with_file_name("jwt_secret"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn parse(vars: &[(&str, &str)]) -> Result<Config, clap::Error> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    const VARIABLES: [&str; 33] = [
        "DATABASE_URL",
        "DATABASE_MAX_CONNECTIONS",
        "DATABASE_ACQUIRE_TIMEOUT_SECONDS",
        "DATABASE_REPLICA_URLS",
        "DATABASE_REPLICA_MAX_LAG_MS",
        "JWT_SECRET",
        "JWT_TTL_SECONDS",
        "SESSION_MAX_SECONDS",
        "PUBLIC_URL",
        "BCRYPT_COST",
        "AUTH_RATE_LIMIT",
        "LOGIN_FAILURE_LIMIT",
        "LOGIN_SUCCESS_LIMIT",
        "PASSKEY_START_LIMIT",
        "POST_RATE_LIMIT",
        "COMMENT_RATE_LIMIT",
        "UPVOTE_RATE_LIMIT",
        "PROFILE_RATE_LIMIT",
        "REPORT_RATE_LIMIT",
        "SEARCH_RATE_LIMIT",
        "SEARCH_CONNECTIONS",
        "SEARCH_QUEUE",
        "SEARCH_TIME_LIMIT_MS",
        "STORAGE_RESERVE_MB",
        "SQLITE_WAL_LIMIT_MB",
        "MAX_CONNECTIONS",
        "IDLE_TIMEOUT_SECONDS",
        "TRUSTED_PROXIES",
        "FRONTEND_URL",
        "BULLETIN_HTTPS",
        "REQUEST_TIMEOUT_SECONDS",
        "LEPTOS_SITE_ADDR",
        "RUST_LOG",
    ];

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn help_names_every_variable() {
        // Whitespace folded, in case help is ever wrapped to the terminal's width.
        let help = Cli::command().render_long_help().to_string().split_whitespace().collect::<Vec<_>>().join(" ");
        for name in VARIABLES {
            assert!(help.contains(&format!("[env: {name}")), "--help does not name {name}:\n{help}");
        }
        assert!(help.contains("[default: 10/3600]"), "{help}");
    }

    #[test]
    fn help_and_version_are_answered_for_every_command() {
        let none = |_: &str| None;
        assert_eq!(Cli::parse_with(["bulletin", "--version"], none).unwrap_err().kind(), ErrorKind::DisplayVersion);
        for command in ["serve", "seed"] {
            let help = Cli::parse_with(["bulletin", command, "--help"], none).unwrap_err();
            assert_eq!(help.kind(), ErrorKind::DisplayHelp);
            // The settings are global: each command's help lists them too.
            assert!(help.to_string().contains("--database-url"), "{help}");
        }
    }

    #[test]
    fn no_command_means_serve_and_seed_takes_its_counts() {
        let cli = Cli::parse_with(["bulletin"], |_| None).unwrap();
        assert!(matches!(cli.command.unwrap_or_default(), Command::Serve));
        assert!(matches!(Cli::parse_with(["bulletin", "serve"], |_| None).unwrap().command, Some(Command::Serve)));
        let command = Cli::parse_with(["bulletin", "seed", "--posts", "5"], |_| None).unwrap().command;
        let Some(Command::Seed(seed)) = command else { panic!("`bulletin seed` is not the seed command") };
        assert_eq!((seed.posts, seed.members), (5, 100));
        assert!(Cli::parse_with(["bulletin", "colour"], |_| None).is_err());
    }

    #[test]
    fn flags_win_over_variables_before_or_after_the_command() {
        let variables = |name: &str| (name == "BCRYPT_COST").then(|| "4".to_owned());
        let cost = |args: &[&str]| Cli::parse_with(args.iter().copied(), variables).unwrap().settings.bcrypt_cost;
        assert_eq!(cost(&["bulletin"]), 4);
        assert_eq!(cost(&["bulletin", "serve"]), 4);
        assert_eq!(cost(&["bulletin", "--bcrypt-cost", "5"]), 5);
        assert_eq!(cost(&["bulletin", "seed", "--bcrypt-cost", "5"]), 5);
    }

    #[test]
    fn defaults_need_no_variables_and_blank_ones_count_as_unset() {
        let none: [(&str, &str); 0] = [];
        let blank = [("DATABASE_URL", ""), ("BCRYPT_COST", "  "), ("BULLETIN_HTTPS", ""), ("FRONTEND_URL", " ")];
        for vars in [&none[..], &blank[..]] {
            let config = parse(vars).unwrap();
            assert_eq!(config.database_url, DEFAULT_DATABASE_URL);
            assert_eq!((config.jwt_ttl_seconds, config.bcrypt_cost), (3_600, 12));
            assert_eq!(config.auth_rate_limit.unwrap().attempts, 10);
            assert_eq!(config.login_failure_limit.unwrap().attempts, 5);
            assert_eq!(config.login_success_limit.unwrap().attempts, 200);
            assert_eq!(config.session_max_seconds, 30 * 86_400);
            assert_eq!(config.http.request_timeout, Duration::from_secs(15));
            assert!(!config.http.https && config.http.cors_origins.is_empty());
            assert_eq!(config.http.trusted_proxies, TrustedProxies::default());
            assert_eq!(config.site_addr.to_string(), "127.0.0.1:3000");
            assert_eq!(config.log_filter, "info");
            assert_eq!(config.secret_file().unwrap(), PathBuf::from("data/jwt_secret"));
        }
    }

    #[test]
    fn bad_values_name_their_variable() {
        for (name, value) in [
            ("BCRYPT_COST", "3"),
            ("BCRYPT_COST", "32"),
            ("BCRYPT_COST", "twelve"),
            ("JWT_SECRET", "too short"),
            ("JWT_TTL_SECONDS", "-1"),
            ("AUTH_RATE_LIMIT", "10 per hour"),
            ("LEPTOS_SITE_ADDR", "localhost"),
            ("DATABASE_URL", "mysql://x"),
            ("DATABASE_MAX_CONNECTIONS", "0"),
            ("DATABASE_ACQUIRE_TIMEOUT_SECONDS", "soon"),
            ("JWT_TTL_SECONDS", "604800"),
            ("SESSION_MAX_SECONDS", "10"),
            ("LOGIN_FAILURE_LIMIT", "5"),
            ("BULLETIN_HTTPS", "yes please"),
            ("FRONTEND_URL", "https://app.example.com/path"),
            ("FRONTEND_URL", "*"),
            ("REQUEST_TIMEOUT_SECONDS", "0"),
            ("TRUSTED_PROXIES", "nginx"),
            ("STORAGE_RESERVE_MB", "-1"),
            ("SQLITE_WAL_LIMIT_MB", "0"),
            ("POST_RATE_LIMIT", "lots"),
            ("COMMENT_RATE_LIMIT", "0/60"),
            ("UPVOTE_RATE_LIMIT", "5"),
            ("PROFILE_RATE_LIMIT", "5/"),
            ("MAX_CONNECTIONS", "0"),
            ("IDLE_TIMEOUT_SECONDS", "0"),
            ("PUBLIC_URL", "http://127.0.0.1:3000"),
            ("PUBLIC_URL", "http://board.example.com"),
            ("PUBLIC_URL", "https://board.example.com/forum"),
            ("PASSKEY_START_LIMIT", "many"),
        ] {
            let err = parse(&[(name, value)]).expect_err(name);
            let message = err.to_string();
            assert_eq!(err.kind(), ErrorKind::ValueValidation, "{message}");
            assert!(message.contains(name), "{message}");
            // clap quotes the bad value, except for the two that may hold a secret.
            if !["JWT_SECRET", "DATABASE_URL"].contains(&name) {
                assert!(message.contains(&format!("'{value}'")), "{message}");
            }
        }
    }

    #[test]
    fn replicas_are_postgres_standbys_of_a_postgres_primary() {
        let primary = [
            ("DATABASE_URL", "postgres://bulletin@primary/board"),
            ("JWT_SECRET", "a-shared-secret-of-at-least-thirty-two-bytes"),
        ];
        let config = parse(&primary).unwrap();
        assert_eq!(config.replicas, ReplicaSettings { urls: vec![], max_lag: Duration::from_millis(1000) });
        let with = |extra: &[(&'static str, &'static str)]| parse(&[&primary[..], extra].concat());
        let config = with(&[
            ("DATABASE_REPLICA_URLS", " postgres://r:hunter2@standby-1/board, ,postgresql://standby-2/board,"),
            ("DATABASE_REPLICA_MAX_LAG_MS", "250"),
        ])
        .unwrap();
        assert_eq!(config.replicas.urls, ["postgres://r:hunter2@standby-1/board", "postgresql://standby-2/board"]);
        assert_eq!(config.replicas.max_lag, Duration::from_millis(250));

        let message = with(&[("DATABASE_REPLICA_URLS", "mysql://r:hunter2@standby/board")]).unwrap_err().to_string();
        assert!(message.contains("invalid DATABASE_REPLICA_URLS") && !message.contains("hunter2"), "{message}");
        let on_sqlite = parse(&[("DATABASE_REPLICA_URLS", "postgres://standby/board")]).unwrap_err();
        assert!(on_sqlite.to_string().contains("needs a PostgreSQL DATABASE_URL"), "{on_sqlite}");
        for lag in ["0", "3600001", "soon"] {
            let message = with(&[("DATABASE_REPLICA_MAX_LAG_MS", lag)]).unwrap_err().to_string();
            assert!(message.contains("DATABASE_REPLICA_MAX_LAG_MS"), "{message}");
        }
    }

    #[test]
    fn secrets_are_not_quoted_back() {
        let message = parse(&[("JWT_SECRET", "hunter2-but-short")]).unwrap_err().to_string();
        assert!(message.contains("invalid JWT_SECRET: must be at least 32 bytes (got 17)"), "{message}");
        assert!(!message.contains("hunter2"), "{message}");
        let message = parse(&[("DATABASE_URL", "mysql://board:hunter2@db/board")]).unwrap_err().to_string();
        assert!(message.contains("invalid DATABASE_URL") && !message.contains("hunter2"), "{message}");
    }

    #[test]
    fn postgres_urls_are_accepted_with_a_shared_secret_and_pool_settings() {
        let config = parse(&[
            ("DATABASE_URL", "postgresql://bulletin@db.internal/board"),
            ("JWT_SECRET", "a-shared-secret-of-at-least-thirty-two-bytes"),
            ("DATABASE_MAX_CONNECTIONS", "20"),
            ("DATABASE_ACQUIRE_TIMEOUT_SECONDS", "2"),
        ])
        .unwrap();
        assert_eq!(config.db.max_connections, Some(20));
        assert_eq!(config.db.acquire_timeout, std::time::Duration::from_secs(2));
        assert_eq!(config.secret_file(), None);
        let without_secret = parse(&[("DATABASE_URL", "postgres://localhost/board")]).unwrap_err();
        assert_eq!(without_secret.kind(), ErrorKind::MissingRequiredArgument);
        let message = without_secret.to_string();
        assert!(message.contains("invalid JWT_SECRET: required with PostgreSQL"), "{message}");
    }

    #[test]
    fn browser_and_proxy_settings_parse() {
        let config = parse(&[
            ("BULLETIN_HTTPS", "true"),
            ("FRONTEND_URL", "https://App.example.com/, http://localhost:5173,"),
            ("REQUEST_TIMEOUT_SECONDS", "30"),
            ("TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8"),
        ])
        .unwrap();
        assert!(config.http.https);
        assert_eq!(config.http.cors_origins, ["https://app.example.com", "http://localhost:5173"]);
        assert_eq!(config.http.request_timeout, Duration::from_secs(30));
        assert_ne!(config.http.trusted_proxies, TrustedProxies::default());
        for (value, https) in [("1", true), ("TRUE", true), ("0", false), ("False", false)] {
            assert_eq!(parse(&[("BULLETIN_HTTPS", value)]).unwrap().http.https, https, "{value}");
        }
    }

    #[test]
    fn storage_and_write_limits_have_defaults_and_can_be_set() {
        let config = parse(&[]).unwrap();
        assert_eq!((config.db.storage_reserve_bytes, config.db.wal_limit_bytes), (64 << 20, 256 << 20));
        assert_eq!(config.write_limits.posts.unwrap().attempts, 60);
        assert_eq!(config.write_limits.comments.unwrap().attempts, 120);
        assert_eq!(config.write_limits.upvotes.unwrap().attempts, 600);
        assert_eq!(config.write_limits.profile.unwrap().attempts, 30);
        assert_eq!((config.http.max_connections, config.http.idle_timeout), (None, Duration::from_secs(60)));
        let config = parse(&[
            ("STORAGE_RESERVE_MB", "0"),
            ("SQLITE_WAL_LIMIT_MB", "4"),
            ("POST_RATE_LIMIT", "off"),
            ("COMMENT_RATE_LIMIT", "3/60"),
            ("MAX_CONNECTIONS", "500"),
            ("IDLE_TIMEOUT_SECONDS", "5"),
        ])
        .unwrap();
        assert_eq!((config.db.storage_reserve_bytes, config.db.wal_limit_bytes), (0, 4 << 20));
        assert_eq!(config.write_limits.posts, None);
        assert_eq!(config.write_limits.comments, Some(RateLimit { attempts: 3, window: Duration::from_secs(60) }));
        assert_eq!((config.http.max_connections, config.http.idle_timeout), (Some(500), Duration::from_secs(5)));
    }

    #[test]
    fn rate_limit_can_be_turned_off() {
        assert_eq!(parse(&[("AUTH_RATE_LIMIT", "off")]).unwrap().auth_rate_limit, None);
        assert_eq!(parse(&[("LOGIN_FAILURE_LIMIT", "OFF")]).unwrap().login_failure_limit, None);
    }

    #[test]
    fn the_secret_file_sits_beside_the_database() {
        let config = parse(&[("DATABASE_URL", "sqlite:///var/lib/bulletin/board.db?mode=rwc")]).unwrap();
        assert_eq!(config.secret_file().unwrap(), PathBuf::from("/var/lib/bulletin/jwt_secret"));
    }
}
