//! Every environment variable Bulletin reads, parsed once at start-up. A bad value stops start-up with one line
//! that names the variable.

use crate::client_addr::TrustedProxies;
use app::security::{PasswordHasher, RateLimit, WriteLimits};
use app::store::{DbSettings, Dialect};
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/bulletin.db?mode=rwc";

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub db: DbSettings,
    /// `None`: generate one and keep it beside the SQLite file (see `secret_file`).
    pub jwt_secret: Option<String>,
    pub jwt_ttl_seconds: u64,
    /// How long after the password was last typed a token may still be refreshed.
    pub session_max_seconds: u64,
    pub bcrypt_cost: u32,
    /// `None`: attempts are not limited.
    pub auth_rate_limit: Option<RateLimit>,
    /// Failed logins per username; `None`: not limited.
    pub login_failure_limit: Option<RateLimit>,
    /// Successful logins per client address; `None`: not limited.
    pub login_success_limit: Option<RateLimit>,
    /// Writes per member: posts, comments, upvotes, bio edits.
    pub write_limits: WriteLimits,
    pub site_addr: SocketAddr,
    pub log_filter: String,
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

/// A browser origin as browsers send it: `http(s)://host[:port]`, lower case, no path.
fn parse_origin(text: &str) -> Option<String> {
    let text = text.trim().trim_end_matches('/').to_ascii_lowercase();
    let rest = text.strip_prefix("https://").or_else(|| text.strip_prefix("http://"))?;
    let valid = !rest.is_empty() && !rest.contains(['/', '?', '#', '@', ' ', '*']);
    valid.then_some(text)
}

/// A whole number (a count, or seconds) within `range`, or the default when unset.
fn number(
    value: Option<String>,
    variable: &'static str,
    range: std::ops::RangeInclusive<u64>,
    default: u64,
) -> Result<u64, ConfigError> {
    match value {
        None => Ok(default),
        Some(v) => v.trim().parse::<u64>().ok().filter(|n| range.contains(n)).ok_or_else(|| {
            invalid(variable, format!("must be a number from {} to {} (got {v:?})", range.start(), range.end()))
        }),
    }
}

fn rate_limit(
    value: Option<String>,
    variable: &'static str,
    default: RateLimit,
) -> Result<Option<RateLimit>, ConfigError> {
    match value {
        None => Ok(Some(default)),
        Some(v) if v.trim().eq_ignore_ascii_case("off") => Ok(None),
        Some(v) => Ok(Some(v.parse::<RateLimit>().map_err(|e| invalid(variable, e))?)),
    }
}

#[derive(Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub variable: &'static str,
    pub problem: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {}: {}", self.variable, self.problem)
    }
}

impl std::error::Error for ConfigError {}

fn invalid(variable: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError { variable, problem: problem.into() }
}

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|name| std::env::var(name).ok())
    }

    /// Parses configuration from any source of variables (the environment, or a map in tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());

        let database_url = get("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        let dialect = app::store::supported_url(&database_url)
            .ok_or_else(|| invalid("DATABASE_URL", "must start with sqlite:, postgres:// or postgresql://"))?;

        let defaults = DbSettings::default();
        let db = DbSettings {
            max_connections: match get("DATABASE_MAX_CONNECTIONS") {
                None => None,
                Some(v) => Some(number(Some(v), "DATABASE_MAX_CONNECTIONS", 1..=1000, 0)? as u32),
            },
            acquire_timeout: Duration::from_secs(number(
                get("DATABASE_ACQUIRE_TIMEOUT_SECONDS"),
                "DATABASE_ACQUIRE_TIMEOUT_SECONDS",
                1..=300,
                defaults.acquire_timeout.as_secs(),
            )?),
            storage_reserve_bytes: number(
                get("STORAGE_RESERVE_MB"),
                "STORAGE_RESERVE_MB",
                0..=1 << 30,
                defaults.storage_reserve_bytes >> 20,
            )? << 20,
            wal_limit_bytes: number(
                get("SQLITE_WAL_LIMIT_MB"),
                "SQLITE_WAL_LIMIT_MB",
                1..=1 << 20,
                defaults.wal_limit_bytes >> 20,
            )? << 20,
        };

        let jwt_secret = get("JWT_SECRET");
        if jwt_secret.is_none() && dialect == Dialect::Postgres {
            // A generated secret would differ per instance, and each would refuse the others' tokens.
            let problem = "required with PostgreSQL: every instance must sign and check tokens with one shared secret";
            return Err(invalid("JWT_SECRET", problem));
        }
        let min_secret = app::security::token::MIN_SECRET_BYTES;
        if let Some(secret) = &jwt_secret
            && secret.len() < min_secret
        {
            let problem = format!("must be at least {min_secret} bytes (got {})", secret.len());
            return Err(invalid("JWT_SECRET", problem));
        }

        // One hour: a stolen token dies within the hour unless refreshed (and refreshing stops at
        // SESSION_MAX_SECONDS, or at once with "log out everywhere"), while the SPA refreshes an active member's
        // token silently after half an hour, so nobody is logged out mid-work.
        let jwt_ttl_seconds = number(get("JWT_TTL_SECONDS"), "JWT_TTL_SECONDS", 1..=86_400, 3_600)?;
        let session_max_seconds =
            number(get("SESSION_MAX_SECONDS"), "SESSION_MAX_SECONDS", 60..=31_536_000, 30 * 86_400)?;

        let bcrypt_cost = match get("BCRYPT_COST") {
            None => 12,
            Some(v) => v
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|c| (PasswordHasher::MIN_COST..=PasswordHasher::MAX_COST).contains(c))
                .ok_or_else(|| invalid("BCRYPT_COST", format!("must be a number from 4 to 31 (got {v:?})")))?,
        };

        let auth_rate_limit = rate_limit(
            get("AUTH_RATE_LIMIT"),
            "AUTH_RATE_LIMIT",
            RateLimit { attempts: 10, window: Duration::from_secs(3600) },
        )?;
        // Five wrong passwords for one name within five minutes close that name until the five minutes are up:
        // slow enough to stop guessing, short enough that an attacker cannot keep a member out for long.
        let login_failure_limit = rate_limit(
            get("LOGIN_FAILURE_LIMIT"),
            "LOGIN_FAILURE_LIMIT",
            RateLimit { attempts: 5, window: Duration::from_secs(300) },
        )?;
        // Successful logins do not spend AUTH_RATE_LIMIT (an office behind one address logs in all day); they
        // have this larger allowance, which still bounds how many sessions one address can mint.
        let login_success_limit = rate_limit(
            get("LOGIN_SUCCESS_LIMIT"),
            "LOGIN_SUCCESS_LIMIT",
            RateLimit { attempts: 200, window: Duration::from_secs(3600) },
        )?;

        // Per member, generous for a person and small for a script: a member can still write all day, but one
        // account can no longer fill the disk at tens of megabytes a second.
        let hour = Duration::from_secs(3600);
        let write_limits = WriteLimits {
            posts: rate_limit(get("POST_RATE_LIMIT"), "POST_RATE_LIMIT", RateLimit { attempts: 60, window: hour })?,
            comments: rate_limit(
                get("COMMENT_RATE_LIMIT"),
                "COMMENT_RATE_LIMIT",
                RateLimit { attempts: 120, window: hour },
            )?,
            upvotes: rate_limit(
                get("UPVOTE_RATE_LIMIT"),
                "UPVOTE_RATE_LIMIT",
                RateLimit { attempts: 600, window: hour },
            )?,
            profile: rate_limit(
                get("PROFILE_RATE_LIMIT"),
                "PROFILE_RATE_LIMIT",
                RateLimit { attempts: 30, window: hour },
            )?,
        };

        let site_addr = match get("LEPTOS_SITE_ADDR") {
            None => SocketAddr::from(([127, 0, 0, 1], 3000)),
            Some(v) => v.trim().parse().map_err(|_| {
                invalid("LEPTOS_SITE_ADDR", format!("must be IP:PORT such as 127.0.0.1:3000 (got {v:?})"))
            })?,
        };

        let log_filter = get("RUST_LOG").unwrap_or_else(|| "info".to_owned());

        let https = match get("BULLETIN_HTTPS").map(|v| v.trim().to_ascii_lowercase()) {
            None => false,
            Some(v) if v == "true" || v == "1" => true,
            Some(v) if v == "false" || v == "0" => false,
            Some(v) => return Err(invalid("BULLETIN_HTTPS", format!("must be true or false (got {v:?})"))),
        };
        let cors_origins = match get("FRONTEND_URL") {
            None => Vec::new(),
            Some(list) => list
                .split(',')
                .filter(|item| !item.trim().is_empty())
                .map(|item| {
                    parse_origin(item).ok_or_else(|| {
                        invalid("FRONTEND_URL", format!("{item:?} is not an origin such as https://app.example.com"))
                    })
                })
                .collect::<Result<Vec<_>, _>>()?,
        };
        let request_timeout =
            Duration::from_secs(number(get("REQUEST_TIMEOUT_SECONDS"), "REQUEST_TIMEOUT_SECONDS", 1..=600, 15)?);
        let trusted_proxies = match get("TRUSTED_PROXIES") {
            None => TrustedProxies::default(),
            Some(v) => v.parse().map_err(|e| invalid("TRUSTED_PROXIES", e))?,
        };
        let max_connections = match get("MAX_CONNECTIONS") {
            None => None,
            Some(v) => Some(number(Some(v), "MAX_CONNECTIONS", 1..=1_000_000, 0)? as usize),
        };
        let idle_timeout =
            Duration::from_secs(number(get("IDLE_TIMEOUT_SECONDS"), "IDLE_TIMEOUT_SECONDS", 1..=3600, 60)?);

        Ok(Config {
            database_url,
            db,
            jwt_secret,
            jwt_ttl_seconds,
            session_max_seconds,
            bcrypt_cost,
            auth_rate_limit,
            login_failure_limit,
            login_success_limit,
            write_limits,
            site_addr,
            log_filter,
            http: HttpPolicy { https, cors_origins, request_timeout, trusted_proxies, max_connections, idle_timeout },
        })
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

    fn parse(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_need_no_variables() {
        let config = parse(&[]).unwrap();
        assert_eq!(config.database_url, DEFAULT_DATABASE_URL);
        assert_eq!((config.jwt_ttl_seconds, config.bcrypt_cost), (3_600, 12));
        assert_eq!(config.auth_rate_limit.unwrap().attempts, 10);
        assert_eq!(config.login_failure_limit.unwrap().attempts, 5);
        assert_eq!(config.session_max_seconds, 30 * 86_400);
        assert_eq!(config.http.request_timeout, Duration::from_secs(15));
        assert!(!config.http.https && config.http.cors_origins.is_empty());
        assert_eq!(config.site_addr.to_string(), "127.0.0.1:3000");
        assert_eq!(config.secret_file().unwrap(), PathBuf::from("data/jwt_secret"));
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
        ] {
            let err = parse(&[(name, value)]).expect_err(name);
            assert_eq!(err.variable, name);
            assert!(err.to_string().starts_with(&format!("invalid {name}: ")), "{err}");
        }
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
        assert_eq!(without_secret.variable, "JWT_SECRET");
    }

    #[test]
    fn browser_and_proxy_settings_parse() {
        let config = parse(&[
            ("BULLETIN_HTTPS", "true"),
            ("FRONTEND_URL", "https://App.example.com/, http://localhost:5173"),
            ("REQUEST_TIMEOUT_SECONDS", "30"),
            ("TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8"),
        ])
        .unwrap();
        assert!(config.http.https);
        assert_eq!(config.http.cors_origins, ["https://app.example.com", "http://localhost:5173"]);
        assert_eq!(config.http.request_timeout, Duration::from_secs(30));
        assert_ne!(config.http.trusted_proxies, TrustedProxies::default());
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
        assert_eq!(parse(&[("LOGIN_FAILURE_LIMIT", "off")]).unwrap().login_failure_limit, None);
    }

    #[test]
    fn the_secret_file_sits_beside_the_database() {
        let config = parse(&[("DATABASE_URL", "sqlite:///var/lib/bulletin/board.db?mode=rwc")]).unwrap();
        assert_eq!(config.secret_file().unwrap(), PathBuf::from("/var/lib/bulletin/jwt_secret"));
    }
}
