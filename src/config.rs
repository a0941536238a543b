//! Typed settings: defaults < optional `zhiku.toml` < `ZHIKU_*` environment < flags.
//! The result is passed down explicitly; nothing reads the environment later.

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use serde::Deserialize;

use crate::db::DatabaseUrl;

#[derive(Clone, Debug)]
pub struct Settings {
    /// Address `serve` listens on; port 0 picks a free port (tests).
    pub bind: String,
    pub data_dir: PathBuf,
    pub database_url: DatabaseUrl,
    /// HS256 secret; when absent one is generated into the data directory.
    pub jwt_secret: Option<String>,
    pub smtp_url: Option<String>,
    pub mail_from: String,
    /// Base of links in e-mails, and whether cookies are marked `Secure`.
    pub public_url: String,
    pub db_pool_size: u32,
    /// How long a request waits for the database before it is told `503
    /// unavailable`: a pooled connection, a new PostgreSQL connection, an
    /// unanswered PostgreSQL socket (TCP user timeout and keepalives).
    pub db_timeout_seconds: u64,
    /// The longest one statement may run (PostgreSQL `statement_timeout`).
    pub db_statement_timeout_seconds: u64,
    /// What a request may spend on the database in all; a write still
    /// unfinished by then is rolled back, never committed after its answer.
    pub request_budget_seconds: u64,
    /// The same for reports (statistics, exports, recalculation) over the whole history.
    pub report_budget_seconds: u64,
    /// A request body must arrive within this (else 408); slow senders are cut off.
    pub body_timeout_seconds: u64,
    /// Requests one client address may have in progress at once (else 429).
    pub max_requests_per_address: u32,
    /// HTTP worker threads; 0 means one per core.
    pub workers: usize,
    pub log_json: bool,
    pub max_body_bytes: usize,
    pub access_token_minutes: i64,
    pub refresh_token_days: i64,
    /// Failed sign-ins per account, and per client address, before delays start.
    pub login_failures_per_account: u32,
    pub login_failures_per_ip: u32,
    /// How long failures are remembered after the last one, and the longest delay.
    pub login_window_seconds: u64,
    /// The first delay once the free attempts are used up; each further failure doubles it.
    pub login_backoff_seconds: u64,
    /// Reverse proxies whose `X-Forwarded-For` names the real client address.
    pub trusted_proxies: Vec<IpNet>,
    /// The indexer commits pending changes at least this often (milliseconds).
    pub index_commit_ms: u64,
    /// How often the scheduler looks for due jobs (seconds); 0 turns it off.
    pub scheduler_seconds: u64,
    /// Wait before the first retry of a failed mail; each retry doubles it (capped at an hour).
    pub mail_retry_seconds: u64,
    /// Attempts before a mail is marked failed for an admin to see.
    pub mail_max_attempts: u32,
}

/// Optional overrides, in the shape of `zhiku.toml` and of the command line.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overrides {
    pub bind: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub jwt_secret: Option<String>,
    pub smtp_url: Option<String>,
    pub mail_from: Option<String>,
    pub public_url: Option<String>,
    pub db_pool_size: Option<u32>,
    pub db_timeout_seconds: Option<u64>,
    pub db_statement_timeout_seconds: Option<u64>,
    pub request_budget_seconds: Option<u64>,
    pub report_budget_seconds: Option<u64>,
    pub body_timeout_seconds: Option<u64>,
    pub max_requests_per_address: Option<u32>,
    pub workers: Option<usize>,
    pub log_json: Option<bool>,
    pub max_body_bytes: Option<usize>,
    pub access_token_minutes: Option<i64>,
    pub refresh_token_days: Option<i64>,
    pub login_failures_per_account: Option<u32>,
    pub login_failures_per_ip: Option<u32>,
    pub login_window_seconds: Option<u64>,
    pub login_backoff_seconds: Option<u64>,
    /// Comma-separated addresses or CIDR networks, e.g. `10.0.0.5, 192.168.0.0/16`.
    pub trusted_proxies: Option<String>,
    pub index_commit_ms: Option<u64>,
    pub scheduler_seconds: Option<u64>,
    pub mail_retry_seconds: Option<u64>,
    pub mail_max_attempts: Option<u32>,
}

impl Overrides {
    /// Reads the `ZHIKU_*` variables from `env` (a snapshot of the environment).
    pub fn from_env(env: &HashMap<String, String>) -> anyhow::Result<Self> {
        fn get<T: std::str::FromStr>(env: &HashMap<String, String>, name: &str) -> anyhow::Result<Option<T>> {
            match env.get(name).filter(|v| !v.is_empty()) {
                None => Ok(None),
                Some(v) => {
                    v.parse().map(Some).map_err(|_| anyhow::anyhow!("{name}={v} is not a valid value"))
                }
            }
        }
        Ok(Overrides {
            bind: get(env, "ZHIKU_BIND")?,
            data_dir: get(env, "ZHIKU_DATA_DIR")?,
            database_url: get(env, "ZHIKU_DATABASE_URL")?,
            jwt_secret: get(env, "ZHIKU_JWT_SECRET")?,
            smtp_url: get(env, "ZHIKU_SMTP_URL")?,
            mail_from: get(env, "ZHIKU_MAIL_FROM")?,
            public_url: get(env, "ZHIKU_PUBLIC_URL")?,
            db_pool_size: get(env, "ZHIKU_DB_POOL_SIZE")?,
            db_timeout_seconds: get(env, "ZHIKU_DB_TIMEOUT_SECONDS")?,
            db_statement_timeout_seconds: get(env, "ZHIKU_DB_STATEMENT_TIMEOUT_SECONDS")?,
            request_budget_seconds: get(env, "ZHIKU_REQUEST_BUDGET_SECONDS")?,
            report_budget_seconds: get(env, "ZHIKU_REPORT_BUDGET_SECONDS")?,
            body_timeout_seconds: get(env, "ZHIKU_BODY_TIMEOUT_SECONDS")?,
            max_requests_per_address: get(env, "ZHIKU_MAX_REQUESTS_PER_ADDRESS")?,
            workers: get(env, "ZHIKU_WORKERS")?,
            log_json: get(env, "ZHIKU_LOG_JSON")?,
            max_body_bytes: get(env, "ZHIKU_MAX_BODY_BYTES")?,
            access_token_minutes: get(env, "ZHIKU_ACCESS_TOKEN_MINUTES")?,
            refresh_token_days: get(env, "ZHIKU_REFRESH_TOKEN_DAYS")?,
            login_failures_per_account: get(env, "ZHIKU_LOGIN_FAILURES_PER_ACCOUNT")?,
            login_failures_per_ip: get(env, "ZHIKU_LOGIN_FAILURES_PER_IP")?,
            login_window_seconds: get(env, "ZHIKU_LOGIN_WINDOW_SECONDS")?,
            login_backoff_seconds: get(env, "ZHIKU_LOGIN_BACKOFF_SECONDS")?,
            trusted_proxies: get(env, "ZHIKU_TRUSTED_PROXIES")?,
            index_commit_ms: get(env, "ZHIKU_INDEX_COMMIT_MS")?,
            scheduler_seconds: get(env, "ZHIKU_SCHEDULER_SECONDS")?,
            mail_retry_seconds: get(env, "ZHIKU_MAIL_RETRY_SECONDS")?,
            mail_max_attempts: get(env, "ZHIKU_MAIL_MAX_ATTEMPTS")?,
        })
    }

    pub fn from_toml_file(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))
    }

    /// `other` wins wherever it sets a value.
    fn overlay(self, other: Overrides) -> Overrides {
        macro_rules! pick {
            ($($field:ident),*) => { Overrides { $($field: other.$field.or(self.$field)),* } };
        }
        pick!(
            bind,
            data_dir,
            database_url,
            jwt_secret,
            smtp_url,
            mail_from,
            public_url,
            db_pool_size,
            db_timeout_seconds,
            db_statement_timeout_seconds,
            request_budget_seconds,
            report_budget_seconds,
            body_timeout_seconds,
            max_requests_per_address,
            workers,
            log_json,
            max_body_bytes,
            access_token_minutes,
            refresh_token_days,
            login_failures_per_account,
            login_failures_per_ip,
            login_window_seconds,
            login_backoff_seconds,
            trusted_proxies,
            index_commit_ms,
            scheduler_seconds,
            mail_retry_seconds,
            mail_max_attempts
        )
    }
}

impl Settings {
    /// Layers the sources in order of precedence. The config file is
    /// `ZHIKU_CONFIG` when set, else `./zhiku.toml` when it exists.
    pub fn load(env: &HashMap<String, String>, flags: Overrides) -> anyhow::Result<Self> {
        let file = match env.get("ZHIKU_CONFIG") {
            Some(path) => Overrides::from_toml_file(Path::new(path))?,
            None if Path::new("zhiku.toml").exists() => Overrides::from_toml_file(Path::new("zhiku.toml"))?,
            None => Overrides::default(),
        };
        Self::from_overrides(file.overlay(Overrides::from_env(env)?).overlay(flags))
    }

    pub fn from_overrides(o: Overrides) -> anyhow::Result<Self> {
        let data_dir = o.data_dir.unwrap_or_else(|| PathBuf::from("./data"));
        let database_url = match o.database_url {
            Some(url) => DatabaseUrl::parse(&url),
            None => DatabaseUrl::Sqlite(data_dir.join("zhiku.db").to_string_lossy().into_owned()),
        };
        let bind = o.bind.unwrap_or_else(|| "127.0.0.1:8080".to_owned());
        let public_url = o.public_url.unwrap_or_else(|| format!("http://{bind}"));
        let settings = Settings {
            bind,
            data_dir,
            database_url,
            jwt_secret: o.jwt_secret,
            smtp_url: o.smtp_url,
            mail_from: o.mail_from.unwrap_or_else(|| "智库 Zhiku <zhiku@localhost>".to_owned()),
            public_url: public_url.trim_end_matches('/').to_owned(),
            db_pool_size: o.db_pool_size.unwrap_or(10),
            db_timeout_seconds: o.db_timeout_seconds.unwrap_or(2),
            db_statement_timeout_seconds: o.db_statement_timeout_seconds.unwrap_or(30),
            request_budget_seconds: o.request_budget_seconds.unwrap_or(4),
            report_budget_seconds: o.report_budget_seconds.unwrap_or(60),
            body_timeout_seconds: o.body_timeout_seconds.unwrap_or(15),
            max_requests_per_address: o.max_requests_per_address.unwrap_or(256),
            workers: o.workers.unwrap_or(0),
            log_json: o.log_json.unwrap_or(false),
            max_body_bytes: o.max_body_bytes.unwrap_or(1024 * 1024),
            access_token_minutes: o.access_token_minutes.unwrap_or(15),
            refresh_token_days: o.refresh_token_days.unwrap_or(14),
            login_failures_per_account: o.login_failures_per_account.unwrap_or(5),
            login_failures_per_ip: o.login_failures_per_ip.unwrap_or(50),
            login_window_seconds: o.login_window_seconds.unwrap_or(15 * 60),
            login_backoff_seconds: o.login_backoff_seconds.unwrap_or(1),
            trusted_proxies: IpNet::parse_list(o.trusted_proxies.as_deref().unwrap_or(""))
                .context("ZHIKU_TRUSTED_PROXIES")?,
            index_commit_ms: o.index_commit_ms.unwrap_or(200),
            scheduler_seconds: o.scheduler_seconds.unwrap_or(60),
            mail_retry_seconds: o.mail_retry_seconds.unwrap_or(30),
            mail_max_attempts: o.mail_max_attempts.unwrap_or(10),
        };
        settings.validate()?;
        Ok(settings)
    }

    fn validate(&self) -> anyhow::Result<()> {
        if let Some(secret) = &self.jwt_secret {
            if secret.len() < 32 {
                bail!("ZHIKU_JWT_SECRET must be at least 32 bytes long");
            }
        }
        if self.db_pool_size == 0 {
            bail!("db_pool_size must be at least 1");
        }
        if self.body_timeout_seconds == 0 || self.max_requests_per_address == 0 {
            bail!("body_timeout_seconds and max_requests_per_address must be at least 1");
        }
        if self.db_timeout_seconds == 0 || self.db_statement_timeout_seconds == 0 {
            bail!("db_timeout_seconds and db_statement_timeout_seconds must be at least 1");
        }
        if self.request_budget_seconds <= self.db_timeout_seconds
            || self.report_budget_seconds < self.request_budget_seconds
        {
            bail!("request_budget_seconds must exceed db_timeout_seconds, report_budget_seconds be at least request_budget_seconds");
        }
        if !(1..=24 * 60).contains(&self.access_token_minutes) {
            bail!("access_token_minutes must be between 1 and 1440");
        }
        if self.mail_retry_seconds == 0 || self.mail_max_attempts == 0 {
            bail!("mail_retry_seconds and mail_max_attempts must be at least 1");
        }
        if !(1..=7 * 24 * 3600).contains(&self.login_window_seconds) || self.login_backoff_seconds == 0 {
            bail!("login_window_seconds must be between 1 and 604800, login_backoff_seconds at least 1");
        }
        Ok(())
    }

    /// Cookies carry `Secure` when the public URL is served over TLS.
    /// The settings once the listener is bound: a public URL left to its
    /// default names the port actually taken when the bind asked for any (`:0`),
    /// so links in mail and calendar feeds work.
    pub fn with_bound_port(mut self, port: u16) -> Self {
        if let Some(base) = self.public_url.strip_suffix(":0") {
            self.public_url = format!("{base}:{port}");
        }
        self
    }

    /// How the pool bounds its waits (see [`crate::db::Limits`]).
    pub fn db_limits(&self) -> crate::db::Limits {
        crate::db::Limits {
            max_size: self.db_pool_size,
            timeout: std::time::Duration::from_secs(self.db_timeout_seconds),
            statement_timeout: std::time::Duration::from_secs(self.db_statement_timeout_seconds),
        }
    }

    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

/// An address or a CIDR network (`10.0.0.0/8`, `fd00::/8`, `192.0.2.7`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IpNet {
    network: IpAddr,
    prefix: u8,
}

impl IpNet {
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let text = text.trim();
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let address: IpAddr = address.parse().with_context(|| format!("{text:?} is not an IP address"))?;
        let address = canonical(address);
        let max = if address.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => match p.parse::<u8>() {
                Ok(p) if p <= max => p,
                _ => bail!("{text:?} has an invalid prefix length"),
            },
        };
        Ok(IpNet { network: mask(address, prefix), prefix })
    }

    /// Parses a comma-separated list; blanks are skipped.
    pub fn parse_list(text: &str) -> anyhow::Result<Vec<Self>> {
        text.split(',').filter(|part| !part.trim().is_empty()).map(IpNet::parse).collect()
    }

    pub fn contains(&self, address: IpAddr) -> bool {
        let address = canonical(address);
        address.is_ipv4() == self.network.is_ipv4() && mask(address, self.prefix) == self.network
    }
}

/// An IPv4 address written as IPv6 (`::ffff:10.0.0.1`) is the IPv4 address.
pub fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
        v4 => v4,
    }
}

/// The first `prefix` bits of `address`.
pub fn mask(address: IpAddr, prefix: u8) -> IpAddr {
    match canonical(address) {
        IpAddr::V4(v4) => {
            let keep = u32::MAX.checked_shl(32 - u32::from(prefix.min(32))).unwrap_or(0);
            IpAddr::V4((u32::from(v4) & keep).into())
        }
        IpAddr::V6(v6) => {
            let keep = u128::MAX.checked_shl(128 - u32::from(prefix.min(128))).unwrap_or(0);
            IpAddr::V6((u128::from(v6) & keep).into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn defaults_put_sqlite_in_the_data_dir() {
        let s = Settings::from_overrides(Overrides::default()).unwrap();
        assert_eq!(s.bind, "127.0.0.1:8080");
        assert_eq!(s.database_url, DatabaseUrl::Sqlite("./data/zhiku.db".into()));
        assert_eq!(s.public_url, "http://127.0.0.1:8080");
        let any_port = Settings { public_url: "http://127.0.0.1:0".into(), ..s.clone() };
        assert_eq!(any_port.with_bound_port(41234).public_url, "http://127.0.0.1:41234");
        assert_eq!(s.clone().with_bound_port(41234).public_url, "http://127.0.0.1:8080", "a real port stays");
    }

    #[test]
    fn environment_beats_file_and_flags_beat_environment() {
        let file = Overrides { bind: Some("0.0.0.0:1".into()), workers: Some(3), ..Default::default() };
        let from_env = Overrides::from_env(&env(&[
            ("ZHIKU_BIND", "0.0.0.0:2"),
            ("ZHIKU_DATABASE_URL", "postgres://u:secret@h/db"),
        ]))
        .unwrap();
        let flags = Overrides { bind: Some("0.0.0.0:3".into()), ..Default::default() };
        let s = Settings::from_overrides(file.overlay(from_env).overlay(flags)).unwrap();
        assert_eq!(s.bind, "0.0.0.0:3");
        assert_eq!(s.workers, 3);
        assert!(s.database_url.is_postgres());
        assert_eq!(s.database_url.redacted(), "postgres://u:***@h/db");
    }

    #[test]
    fn trusted_proxies_are_addresses_and_networks() {
        let from_env =
            Overrides::from_env(&env(&[("ZHIKU_TRUSTED_PROXIES", "10.0.0.5, 192.168.0.0/16,fd00::/8")]))
                .unwrap();
        let s = Settings::from_overrides(from_env).unwrap();
        let trusted = |ip: &str| s.trusted_proxies.iter().any(|net| net.contains(ip.parse().unwrap()));
        assert!(trusted("10.0.0.5") && trusted("::ffff:10.0.0.5"));
        assert!(!trusted("10.0.0.6"));
        assert!(trusted("192.168.44.1") && !trusted("192.169.0.1"));
        assert!(trusted("fd12::1") && !trusted("fe80::1"));
        assert!(Settings::from_overrides(Overrides::default()).unwrap().trusted_proxies.is_empty());
        for bad in ["10.0.0.0/33", "proxy.local", "::/129"] {
            let o = Overrides { trusted_proxies: Some(bad.into()), ..Default::default() };
            assert!(Settings::from_overrides(o).is_err(), "{bad}");
        }
        assert_eq!(
            IpNet::parse("0.0.0.0/0").map(|n| n.contains("203.0.113.9".parse().unwrap())).ok(),
            Some(true)
        );
    }

    #[test]
    fn bad_values_are_refused() {
        assert!(Overrides::from_env(&env(&[("ZHIKU_WORKERS", "many")])).is_err());
        let short = Overrides { jwt_secret: Some("short".into()), ..Default::default() };
        assert!(Settings::from_overrides(short).is_err());
        for (window, backoff) in [(0, 1), (u64::MAX, 1), (900, 0)] {
            let o = Overrides {
                login_window_seconds: Some(window),
                login_backoff_seconds: Some(backoff),
                ..Default::default()
            };
            assert!(Settings::from_overrides(o).is_err(), "{window} {backoff}");
        }
    }
}
