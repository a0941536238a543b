//! Running the release `zhiku serve` from a benchmark: start it on a free
//! port, wait for it, sign in, read its memory; and a throwaway PostgreSQL
//! database per run.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use diesel::prelude::*;

const ZHIKU: &str = env!("CARGO_BIN_EXE_zhiku");

/// A fresh database `zhiku_bench_<suffix>_<pid>` on $ZHIKU_BENCH_PG_URL (one
/// per run, so concurrent runs do not collide) and the function that drops it.
pub fn bench_pg_database(suffix: &str) -> anyhow::Result<(String, impl FnOnce() -> anyhow::Result<()>)> {
    let admin_url = std::env::var("ZHIKU_BENCH_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let mut admin = PgConnection::establish(&admin_url).context("connecting to PostgreSQL")?;
    let name = format!("zhiku_bench_{suffix}_{}", std::process::id());
    diesel::sql_query(format!("DROP DATABASE IF EXISTS {name}")).execute(&mut admin)?;
    // A UTF-8 ctype, or pg_trgm sees no word characters in Chinese text.
    diesel::sql_query(format!(
        "CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
    ))
    .execute(&mut admin)?;
    let url = match admin_url.rsplit_once('/') {
        Some((base, _)) => format!("{base}/{name}"),
        None => anyhow::bail!("cannot derive a database URL from {admin_url}"),
    };
    let drop_database = move || -> anyhow::Result<()> {
        diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut admin)?;
        Ok(())
    };
    Ok((url, drop_database))
}

/// A line of /proc/PID/status (`VmRSS:`, `RssAnon:`, `VmHWM:`) in KiB; 0 when unreadable.
pub fn rss_kib(pid: u32, key: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with(key)).and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// A running `zhiku serve`, stopped when dropped.
pub struct Server(pub std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the release `zhiku serve` on a free loopback port with the global
/// options `args` (`--data-dir`, `--database-url`) and the serve `flags`.
pub fn start(args: &[&std::ffi::OsStr], flags: &[&str]) -> anyhow::Result<(Server, String)> {
    start_with_env(args, flags, &[])
}

/// [`start`] with extra `ZHIKU_*` settings in the server's environment.
pub fn start_with_env(
    args: &[&std::ffi::OsStr],
    flags: &[&str],
    env: &[(&str, &str)],
) -> anyhow::Result<(Server, String)> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let server = Server(
        Command::new(ZHIKU)
            .args(args)
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .args(flags)
            .env("RUST_LOG", "warn")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?,
    );
    Ok((server, format!("http://127.0.0.1:{port}")))
}

pub async fn wait_healthy(http: &reqwest::Client, base: &str, started: Instant) -> anyhow::Result<()> {
    loop {
        if http.get(format!("{base}/healthz")).send().await.is_ok_and(|r| r.status().is_success()) {
            return Ok(());
        }
        anyhow::ensure!(started.elapsed() < Duration::from_secs(300), "zhiku serve did not start");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Signs `no` in; the access token.
pub async fn login(http: &reqwest::Client, base: &str, no: &str, password: &str) -> anyhow::Result<String> {
    let body: serde_json::Value = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"login": no, "password": password}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    Ok(body["access_token"].as_str().unwrap_or_default().to_owned())
}
