//! Every GET endpoint the web app calls, at ENTRIES entries of realistic
//! activity (benches/common/world.rs: 2,000 people in 40 departments, 20,000
//! clients, reviews, usages with outcomes, the points ledger, notifications …),
//! on SQLite and on PostgreSQL:
//!
//! 1. build the world with set-based SQL, then the search index with the
//!    release `zhiku reindex`;
//! 2. start the release `zhiku serve` on it, sign in one person per role
//!    (several account managers) once each;
//! 3. call each endpoint as the role that calls it, sequentially, REPEATS times
//!    (at most ~30 s per endpoint) with varied ids, pages, periods and queries;
//!    wall latency over HTTP including the body; p50, p99, max and every status
//!    code seen (a non-2xx answer is printed as a finding);
//! 4. resident memory of the server after all of them.
//!
//!     cargo bench --bench endpoints -- [ENTRIES]
//!
//! ZHIKU_BENCH_BACKENDS=sqlite|postgres (default both); ZHIKU_BENCH_REPEATS
//! (default 20); PostgreSQL at $ZHIKU_BENCH_PG_URL (default
//! postgres://postgres@127.0.0.1:5432/postgres) in a database of its own,
//! dropped afterwards. ZHIKU_BENCH_KEEP=1 keeps the SQLite data directory (at
//! $ZHIKU_BENCH_DIR, which must not hold a previous run) and the PostgreSQL
//! database, and prints where they are. Under `cargo test` it runs unoptimised
//! on 5,000 entries as a smoke test, with no timing assertions.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::SeedableRng;
use zhiku::db::schema::{clients, intel, usages, users};
use zhiku::db::{self, DatabaseUrl, DbConn};

use common::server::{bench_pg_database, login, rss_kib, start_with_env, wait_healthy};
use common::world::{self, employee_no, World};

const ZHIKU: &str = env!("CARGO_BIN_EXE_zhiku");
const CATEGORIES: [&str; 7] =
    ["basic", "profile", "business", "credit", "competitor", "opportunity", "service"];
const PERIODS: [&str; 5] = ["week", "month", "quarter", "year", "all"];

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let smoke = cfg!(debug_assertions);
    let entries: i64 =
        args.first().and_then(|a| a.parse().ok()).unwrap_or(if smoke { 5_000 } else { 1_000_000 });
    let repeats: usize = std::env::var("ZHIKU_BENCH_REPEATS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(if smoke { 3 } else { 20 });
    let backends = std::env::var("ZHIKU_BENCH_BACKENDS").unwrap_or_else(|_| "sqlite,postgres".into());
    let keep = std::env::var("ZHIKU_BENCH_KEEP").is_ok_and(|k| k == "1");
    let temp = tempfile::tempdir()?;
    let dir = match std::env::var("ZHIKU_BENCH_DIR") {
        Ok(dir) if keep => PathBuf::from(dir),
        _ if keep => std::env::temp_dir().join(format!("zhiku-bench-endpoints-{}", std::process::id())),
        _ => temp.path().to_path_buf(),
    };
    println!("# Zhiku endpoints: {entries} entries, up to {repeats} calls per endpoint");
    println!("machine: {} cores; server and benchmark share them", std::thread::available_parallelism()?);
    for backend in backends.split(',').map(str::trim) {
        match backend {
            "sqlite" => {
                let data = dir.join("sqlite-data");
                anyhow::ensure!(!data.exists(), "{} exists: use an empty ZHIKU_BENCH_DIR", data.display());
                std::fs::create_dir_all(&data)?;
                let url = DatabaseUrl::Sqlite(data.join("zhiku.db").to_string_lossy().into_owned());
                run_backend("SQLite", &url, &data, entries, repeats)?;
                if keep {
                    println!("kept: SQLite data directory {}", data.display());
                }
            }
            "postgres" => {
                let (url, drop_database) = match bench_pg_database("endpoints") {
                    Ok(found) => found,
                    Err(error) => {
                        println!("PostgreSQL skipped: {error:#}");
                        continue;
                    }
                };
                let data = dir.join("postgres-data");
                std::fs::create_dir_all(&data)?;
                let outcome =
                    run_backend("PostgreSQL", &DatabaseUrl::Postgres(url.clone()), &data, entries, repeats);
                if keep {
                    println!("kept: PostgreSQL database {url} (search index in {})", data.display());
                } else {
                    drop_database()?;
                }
                outcome?;
            }
            other => anyhow::bail!("unknown backend {other:?} in ZHIKU_BENCH_BACKENDS"),
        }
    }
    Ok(())
}

/// Somebody signed in as the role they play in the benchmark.
struct Person {
    id: i64,
    token: String,
}

/// The people each role is played by (indexes into the signed-in list).
struct Cast {
    admin: usize,
    reviewers: Vec<usize>,
    marketers: Vec<usize>,
    heads: Vec<(usize, i64)>,
    /// Account managers with the clients they own.
    managers: Vec<(usize, Vec<i64>)>,
    employees: Vec<usize>,
}

/// Ids the calls vary over, read from the world before the server starts.
struct Sample {
    adopted: Vec<i64>,
    used: Vec<i64>,
    submitted: Vec<i64>,
    /// Account managers of the cast (owners of the biggest accounts first) and clients they own.
    managers: Vec<(i64, Vec<i64>)>,
    client_names: Vec<(String, String)>,
}

/// One endpoint as one role: the calls to make in turn (caller, path).
struct Probe {
    endpoint: &'static str,
    role: &'static str,
    calls: Vec<(Option<usize>, String)>,
}

struct Measured {
    endpoint: &'static str,
    role: &'static str,
    ms: Vec<f64>,
    statuses: BTreeMap<String, usize>,
    /// The first non-2xx answers: path, status, start of the body.
    failures: Vec<(String, String, String)>,
    /// The server's VmRSS once the calls were done (KiB).
    rss_after: u64,
}

fn run_backend(
    label: &str,
    url: &DatabaseUrl,
    data: &Path,
    entries: i64,
    repeats: usize,
) -> anyhow::Result<()> {
    println!("\n## {label}\n");
    let (world, sample) = {
        let pool = db::connect(url, db::Limits::cli(1))?;
        let mut conn = pool.get()?;
        db::run_migrations(&mut conn)?;
        let world = world::build(&mut conn, entries)?;
        let sample = sample(&mut conn, &world)?;
        (world, sample)
    };
    let mut global = vec!["--data-dir".into(), data.as_os_str().to_owned()];
    if let DatabaseUrl::Postgres(pg) = url {
        global.extend(["--database-url".into(), pg.into()]);
    }
    let global: Vec<&std::ffi::OsStr> = global.iter().map(|s| s.as_os_str()).collect();
    let started = Instant::now();
    let output =
        Command::new(ZHIKU).args(&global).arg("reindex").output().context("running zhiku reindex")?;
    anyhow::ensure!(
        output.status.success(),
        "zhiku reindex failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    println!(
        "reindex: {:.1} s (process start included); zhiku says: {}",
        started.elapsed().as_secs_f64(),
        String::from_utf8_lossy(&output.stdout).trim()
    );
    if let DatabaseUrl::Sqlite(path) = url {
        println!("database: {} MB", std::fs::metadata(path)?.len() / 1_000_000);
    }

    // The scheduler stays off: its first runs over three years of history
    // would compete with the measured requests. Access tokens outlive the run.
    let (server, base) = start_with_env(
        &global,
        &[],
        &[("ZHIKU_SCHEDULER_SECONDS", "0"), ("ZHIKU_ACCESS_TOKEN_MINUTES", "1440")],
    )?;
    let pid = server.0.id();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async {
        let http = reqwest::Client::builder().timeout(Duration::from_secs(120)).build()?;
        let started = Instant::now();
        wait_healthy(&http, &base, started).await?;
        println!("start-up until /healthz answers: {:.2} s", started.elapsed().as_secs_f64());
        println!("resident memory idle: VmRSS {} MB", rss_kib(pid, "VmRSS:") / 1024);
        let (people, cast) = sign_in(&http, &base, &sample).await?;
        let probes = probes(&world, &sample, &people, &cast);
        let cap = Duration::from_secs(if cfg!(debug_assertions) { 60 } else { 30 });
        let mut results = Vec::new();
        for probe in &probes {
            let mut measured = measure(&http, &base, &people, probe, repeats, cap).await;
            measured.rss_after = rss_kib(pid, "VmRSS:");
            results.push(measured);
        }
        print_results(label, &results);
        println!();
        println!(
            "resident memory after all calls: VmRSS {} MB, RssAnon {} MB, peak VmHWM {} MB",
            rss_kib(pid, "VmRSS:") / 1024,
            rss_kib(pid, "RssAnon:") / 1024,
            rss_kib(pid, "VmHWM:") / 1024
        );
        anyhow::Ok(())
    })?;
    drop(server);
    Ok(())
}

/// Ids spread over the history, read through the schema (both backends).
fn sample(conn: &mut DbConn, world: &World) -> anyhow::Result<Sample> {
    let n = world.entries;
    let spread: Vec<i64> = (1..=400).map(|k| (k * n / 401).max(1)).collect();
    let adopted: Vec<i64> = intel::table
        .filter(intel::status.eq("adopted"))
        .filter(intel::id.eq_any(&spread))
        .select(intel::id)
        .order(intel::id)
        .load(conn)?;
    let thirds: Vec<i64> = spread.iter().map(|i| i - i % 3 + 3).collect();
    let used: Vec<i64> = usages::table
        .filter(usages::intel_id.eq_any(&thirds))
        .select(usages::intel_id)
        .distinct()
        .order(usages::intel_id)
        .load(conn)?;
    let submitted: Vec<i64> = intel::table
        .filter(intel::status.eq("submitted"))
        .select(intel::id)
        .order(intel::id.desc())
        .limit(40)
        .load(conn)?;
    // The owners of the biggest accounts (the generator skews entries towards
    // the first clients) and of an ordinary one, active ones only.
    let mut managers: Vec<(i64, Vec<i64>)> = Vec::new();
    for client in [1, 2, 3, 4, 5, world.clients / 2, world.clients - 1] {
        let owner: Option<i64> = clients::table
            .find(client)
            .inner_join(users::table.on(clients::owner_id.eq(users::id.nullable())))
            .filter(users::is_active.eq(true))
            .select(users::id)
            .first(conn)
            .optional()?;
        let Some(owner) = owner else { continue };
        if managers.len() == 4 || managers.iter().any(|(m, _)| *m == owner) {
            continue;
        }
        let owned: Vec<i64> = clients::table
            .filter(clients::owner_id.eq(owner))
            .select(clients::id)
            .order(clients::id)
            .limit(12)
            .load(conn)?;
        managers.push((owner, owned));
    }
    anyhow::ensure!(!managers.is_empty(), "no active owner among the sampled clients");
    let client_names: Vec<(String, String)> = clients::table
        .filter(clients::id.eq_any((0..20).map(|k| k * world.clients / 20 + 1).collect::<Vec<_>>()))
        .select((clients::name, clients::initials))
        .load(conn)?;
    println!(
        "sampled: {} adopted, {} used, {} submitted entries; account managers {:?} with {:?} clients",
        adopted.len(),
        used.len(),
        submitted.len(),
        managers.iter().map(|(m, _)| *m).collect::<Vec<_>>(),
        managers.iter().map(|(_, c)| c.len()).collect::<Vec<_>>()
    );
    Ok(Sample { adopted, used, submitted, managers, client_names })
}

/// Signs user `id` in and adds them to `people`; their index.
async fn sign(
    http: &reqwest::Client,
    base: &str,
    people: &mut Vec<Person>,
    id: i64,
) -> anyhow::Result<usize> {
    let token = login(http, base, &employee_no(id), common::PASSWORD)
        .await
        .with_context(|| format!("signing in {}", employee_no(id)))?;
    people.push(Person { id, token });
    Ok(people.len() - 1)
}

/// Signs each person of the cast in once (the sign-in throttle counts failures
/// per account and address; tokens are reused for every call).
async fn sign_in(http: &reqwest::Client, base: &str, sample: &Sample) -> anyhow::Result<(Vec<Person>, Cast)> {
    let mut people = Vec::new();
    let admin = sign(http, base, &mut people, world::ADMINS.0).await?;
    let reviewers = vec![
        sign(http, base, &mut people, world::REVIEWERS.0).await?,
        sign(http, base, &mut people, world::REVIEWERS.0 + 1).await?,
    ];
    let marketers = vec![
        sign(http, base, &mut people, world::MARKETERS.0).await?,
        sign(http, base, &mut people, world::MARKETERS.0 + 1).await?,
    ];
    let heads = vec![
        (sign(http, base, &mut people, world::HEADS.0).await?, 1),
        (sign(http, base, &mut people, world::HEADS.0 + 1).await?, 2),
    ];
    let mut managers = Vec::new();
    for (id, owned) in &sample.managers {
        managers.push((sign(http, base, &mut people, *id).await?, owned.clone()));
    }
    let employees = vec![
        sign(http, base, &mut people, world::EMPLOYEES.0 + 299).await?,
        sign(http, base, &mut people, world::EMPLOYEES.0 + 499).await?,
    ];
    Ok((people, Cast { admin, reviewers, marketers, heads, managers, employees }))
}

/// Percent-encodes a query value or path segment.
fn enc(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The GET endpoints of frontend/src/api/index.ts, each as the role whose page calls it.
fn probes(world: &World, sample: &Sample, people: &[Person], cast: &Cast) -> Vec<Probe> {
    const API: &str = "/api/v1";
    let mut probes = Vec::new();
    let mut probe = |endpoint: &'static str, role: &'static str, calls: Vec<(Option<usize>, String)>| {
        if !calls.is_empty() {
            probes.push(Probe { endpoint, role, calls });
        }
    };
    let turns = 20usize;
    let ring = |who: &[usize], k: usize| Some(who[k % who.len()]);
    let everyone: Vec<usize> = (0..people.len()).collect();
    let managers: Vec<usize> = cast.managers.iter().map(|(m, _)| *m).collect();
    let employees: Vec<usize> = cast.employees.iter().chain(&managers).copied().collect();
    // (manager, one of their clients) in turn.
    let owned: Vec<(usize, i64)> = (0..turns)
        .filter_map(|k| {
            let (m, clients) = &cast.managers[k % cast.managers.len()];
            clients.get((k / cast.managers.len()) % clients.len().max(1)).map(|c| (*m, *c))
        })
        .collect();
    let pick = |ids: &[i64], k: usize| ids[(k * 7) % ids.len()];
    let admin = Some(cast.admin);
    let tags: Vec<&str> = world.tags.iter().map(String::as_str).collect();

    probe("/readyz", "anyone", (0..turns).map(|_| (None, "/readyz".into())).collect());
    probe("/me", "every role", (0..turns).map(|k| (ring(&everyone, k), format!("{API}/me"))).collect());
    probe(
        "/me/notification-preferences",
        "employee",
        (0..turns).map(|k| (ring(&employees, k), format!("{API}/me/notification-preferences"))).collect(),
    );
    probe(
        "/me/calendar",
        "account manager",
        (0..turns).map(|k| (ring(&managers, k), format!("{API}/me/calendar"))).collect(),
    );
    probe(
        "/me/clients?sort=&page=",
        "account manager",
        (0..turns)
            .map(|k| {
                let sort = ["attention", "contract_end", "name"][k % 3];
                (ring(&managers, k), format!("{API}/me/clients?sort={sort}&page={}&per_page=20", 1 + k % 2))
            })
            .collect(),
    );
    probe(
        "/notifications?unread=&page=",
        "account manager",
        (0..turns)
            .map(|k| {
                let unread = if k % 2 == 0 { "&unread=true" } else { "" };
                (ring(&employees, k), format!("{API}/notifications?page={}&per_page=20{unread}", 1 + k % 3))
            })
            .collect(),
    );
    probe(
        "/reminders?status=open",
        "account manager",
        (0..turns)
            .map(|k| (ring(&managers, k), format!("{API}/reminders?status=open&page={}", 1 + k % 2)))
            .collect(),
    );
    probe(
        "/tasks?status=",
        "account manager",
        (0..turns)
            .map(|k| (ring(&managers, k), format!("{API}/tasks?status={}", ["open", "done"][k % 2])))
            .collect(),
    );
    probe(
        "/follows",
        "account manager",
        (0..turns).map(|k| (ring(&managers, k), format!("{API}/follows"))).collect(),
    );
    probe(
        "/intel?status=adopted&category=&page=",
        "employee",
        (0..turns)
            .map(|k| {
                let category =
                    if k % 4 == 3 { String::new() } else { format!("&category={}", CATEGORIES[k % 7]) };
                (
                    ring(&employees, k),
                    format!("{API}/intel?status=adopted{category}&page={}&per_page=20", 1 + (k * 13) % 50),
                )
            })
            .collect(),
    );
    probe(
        "/intel?author_id=me",
        "account manager",
        (0..turns)
            .map(|k| {
                let m = managers[k % managers.len()];
                (Some(m), format!("{API}/intel?author_id={}&page={}&per_page=20", people[m].id, 1 + k % 3))
            })
            .collect(),
    );
    probe(
        "/intel?client_id=",
        "account manager",
        owned
            .iter()
            .enumerate()
            .map(|(k, (m, c))| (Some(*m), format!("{API}/intel?client_id={c}&page={}", 1 + k % 2)))
            .collect(),
    );
    probe(
        "/intel?status=submitted",
        "reviewer",
        (0..turns)
            .map(|k| {
                (
                    ring(&cast.reviewers, k),
                    format!("{API}/intel?status=submitted&page={}&per_page=20", 1 + k % 5),
                )
            })
            .collect(),
    );
    if !sample.adopted.is_empty() {
        probe(
            "/intel/{id}",
            "employee",
            (0..turns)
                .map(|k| (ring(&employees, k), format!("{API}/intel/{}", pick(&sample.adopted, k))))
                .collect(),
        );
    }
    if !sample.used.is_empty() {
        probe(
            "/intel/{id}/usages",
            "account manager",
            (0..turns)
                .map(|k| (ring(&managers, k), format!("{API}/intel/{}/usages", pick(&sample.used, k))))
                .collect(),
        );
    }
    let similar_ids: Vec<i64> = sample.submitted.iter().chain(&sample.adopted).copied().collect();
    if !similar_ids.is_empty() {
        probe(
            "/intel/{id}/similar",
            "reviewer",
            (0..turns)
                .map(|k| {
                    (
                        ring(&cast.reviewers, k),
                        format!("{API}/intel/{}/similar", similar_ids[k % similar_ids.len()]),
                    )
                })
                .collect(),
        );
    }
    probe(
        "/reviews/queue?category=&page=",
        "reviewer",
        (0..turns)
            .map(|k| {
                let category =
                    if k % 3 == 2 { format!("&category={}", CATEGORIES[k % 7]) } else { String::new() };
                (
                    ring(&cast.reviewers, k),
                    format!("{API}/reviews/queue?page={}&per_page=20{category}", 1 + k % 5),
                )
            })
            .collect(),
    );
    probe(
        "/clients?q=|tag=|owner_id=",
        "employee",
        (0..turns)
            .map(|k| {
                let (name, initials) = &sample.client_names[k % sample.client_names.len()];
                let query = match k % 5 {
                    0 => format!("q={}", enc(&name.chars().take(2).collect::<String>())),
                    1 => format!("q={}", enc(&initials.chars().take(3).collect::<String>())),
                    2 if !tags.is_empty() => format!("tag={}", enc(tags[k % tags.len()])),
                    3 => format!("owner_id={}", people[managers[k % managers.len()]].id),
                    _ => format!("kind={}&page={}", ["group", "individual"][k % 2], 1 + k % 10),
                };
                (ring(&employees, k), format!("{API}/clients?{query}&per_page=20"))
            })
            .collect(),
    );
    probe(
        "/clients/{id}",
        "account manager",
        owned.iter().map(|(m, c)| (Some(*m), format!("{API}/clients/{c}"))).collect(),
    );
    probe(
        "/clients/{id}/dossier?category=&page=",
        "account manager (owner)",
        owned
            .iter()
            .enumerate()
            .map(|(k, (m, c))| {
                let category =
                    if k % 4 == 3 { format!("&category={}", CATEGORIES[k % 7]) } else { String::new() };
                (Some(*m), format!("{API}/clients/{c}/dossier?page={}{category}", 1 + k % 3))
            })
            .collect(),
    );
    probe(
        "/clients/{id}/visits",
        "account manager (owner)",
        owned.iter().map(|(m, c)| (Some(*m), format!("{API}/clients/{c}/visits"))).collect(),
    );
    probe(
        "/clients/{id}/handover?to=",
        "admin",
        owned
            .iter()
            .enumerate()
            .map(|(k, (m, c))| {
                let to = managers
                    .iter()
                    .map(|o| people[*o].id)
                    .find(|o| *o != people[*m].id)
                    .unwrap_or(people[*m].id);
                let to = if k % 2 == 0 { to } else { world::MANAGERS.0 + 100 + k as i64 };
                (admin, format!("{API}/clients/{c}/handover?to={to}"))
            })
            .collect(),
    );
    let mut queries = common::sample_queries(
        &mut StdRng::seed_from_u64(7),
        &world.texts.iter().map(String::as_str).collect::<Vec<_>>(),
        turns,
    );
    queries.extend(["中国电信", "合同到期", "高尔夫", "宽带 专线"].map(String::from));
    probe(
        "/search?q=",
        "employee",
        (0..turns)
            .map(|k| (ring(&employees, k), format!("{API}/search?q={}", enc(&queries[k % queries.len()]))))
            .collect(),
    );
    probe(
        "/search?q=&category=&sort=newest&page=2",
        "account manager",
        (0..turns)
            .map(|k| {
                let q = enc(&queries[(k + 7) % queries.len()]);
                (
                    ring(&managers, k),
                    format!("{API}/search?q={q}&category={}&sort=newest&page=2", CATEGORIES[k % 7]),
                )
            })
            .collect(),
    );
    probe(
        "/search/misses?page=",
        "admin",
        (0..turns).map(|k| (admin, format!("{API}/search/misses?page={}", 1 + k % 5))).collect(),
    );
    probe(
        "/leaderboard?period=&department_id=",
        "employee",
        (0..turns)
            .map(|k| {
                let department =
                    if k % 2 == 0 { format!("&department_id={}", 1 + k % 30) } else { String::new() };
                let staff = if k % 3 == 0 { "&exclude_staff=true" } else { "" };
                (
                    ring(&employees, k),
                    format!("{API}/leaderboard?period={}&limit=20{department}{staff}", PERIODS[k % 5]),
                )
            })
            .collect(),
    );
    probe(
        "/users/{id}/ratings?period=",
        "account manager (own)",
        (0..turns)
            .map(|k| {
                let m = managers[k % managers.len()];
                (Some(m), format!("{API}/users/{}/ratings?period={}", people[m].id, PERIODS[k % 5]))
            })
            .collect(),
    );
    probe(
        "/departments/{id}/ratings?period=",
        "department head (own)",
        (0..turns)
            .map(|k| {
                let (h, department) = cast.heads[k % cast.heads.len()];
                (Some(h), format!("{API}/departments/{department}/ratings?period={}", PERIODS[k % 5]))
            })
            .collect(),
    );
    probe(
        "/departments/{id}/ratings?period=",
        "reviewer",
        (0..turns)
            .map(|k| {
                (
                    ring(&cast.reviewers, k),
                    format!("{API}/departments/{}/ratings?period={}", 1 + (k * 7) % 40, PERIODS[k % 5]),
                )
            })
            .collect(),
    );
    probe(
        "/points/ledger?user_id=me&page=",
        "account manager (own)",
        (0..turns)
            .map(|k| {
                let m = managers[k % managers.len()];
                (Some(m), format!("{API}/points/ledger?user_id={}&page={}", people[m].id, 1 + k % 4))
            })
            .collect(),
    );
    probe(
        "/points/ledger?user_id=",
        "admin",
        (0..turns)
            .map(|k| {
                (admin, format!("{API}/points/ledger?user_id={}", world::MANAGERS.0 + (k as i64 * 53) % 1100))
            })
            .collect(),
    );
    probe(
        "/points/rules",
        "employee",
        (0..turns).map(|k| (ring(&employees, k), format!("{API}/points/rules"))).collect(),
    );
    probe(
        "/stats/overview?period=&department_id=&interval=",
        "marketer",
        (0..turns)
            .map(|k| {
                let department =
                    if k % 3 == 2 { format!("&department_id={}", 1 + k % 40) } else { String::new() };
                let interval = ["week", "month"][k % 2];
                (
                    ring(&cast.marketers, k),
                    format!("{API}/stats/overview?period={}&interval={interval}{department}", PERIODS[k % 5]),
                )
            })
            .collect(),
    );
    probe(
        "/stats/freshness",
        "marketer",
        (0..turns).map(|k| (ring(&cast.marketers, k), format!("{API}/stats/freshness"))).collect(),
    );
    probe(
        "/stats/reviewers?period=",
        "reviewer",
        (0..turns)
            .map(|k| (ring(&cast.reviewers, k), format!("{API}/stats/reviewers?period={}", PERIODS[k % 5])))
            .collect(),
    );
    probe(
        "/stats/assessments?period=&department_id=",
        "reviewer",
        (0..turns)
            .map(|k| {
                let department =
                    if k % 2 == 1 { format!("&department_id={}", 1 + k % 40) } else { String::new() };
                (
                    ring(&cast.reviewers, k),
                    format!("{API}/stats/assessments?period={}{department}", PERIODS[k % 5]),
                )
            })
            .collect(),
    );
    probe(
        "/stats/assessments?department_id=own",
        "department head",
        (0..turns)
            .map(|k| {
                let (h, department) = cast.heads[k % cast.heads.len()];
                (
                    Some(h),
                    format!("{API}/stats/assessments?period={}&department_id={department}", PERIODS[k % 5]),
                )
            })
            .collect(),
    );
    probe(
        "/stats/competitors?period=",
        "marketer",
        (0..turns)
            .map(|k| (ring(&cast.marketers, k), format!("{API}/stats/competitors?period={}", PERIODS[k % 5])))
            .collect(),
    );
    for (path, endpoint) in [
        ("losses", "/stats/losses?period="),
        ("service", "/stats/service?period="),
        ("opportunities", "/stats/opportunities?period="),
    ] {
        probe(
            endpoint,
            "marketer",
            (0..turns)
                .map(|k| (ring(&cast.marketers, k), format!("{API}/stats/{path}?period={}", PERIODS[k % 5])))
                .collect(),
        );
    }
    // The appraisal previews every person's four activities over last month, a quarter, a year.
    let appraisal_periods = ["2026-11", "2026-Q4", "2026"];
    probe(
        "/appraisals/{period} (preview)",
        "reviewer",
        (0..turns)
            .map(|k| (ring(&cast.reviewers, k), format!("{API}/appraisals/{}", appraisal_periods[k % 3])))
            .collect(),
    );
    probe(
        "/clients?segment=&industry=&contract_end_within=&sort=",
        "marketer",
        (0..turns)
            .map(|k| {
                let sort = ["pinyin", "contract_end", "industry", "updated_at"][k % 4];
                (
                    ring(&cast.marketers, k),
                    format!(
                        "{API}/clients?segment=supporter&contract_end_within={}&sort={sort}",
                        30 * (1 + k % 6)
                    ),
                )
            })
            .collect(),
    );
    probe(
        "/stats/clusters?kind=&tier=",
        "marketer",
        (0..turns)
            .map(|k| {
                let filter = match k % 4 {
                    0 => String::new(),
                    1 => "kind=group".into(),
                    2 => "kind=individual".into(),
                    _ => format!("tier={}", ["S", "A", "B"][k % 3]),
                };
                (ring(&cast.marketers, k), format!("{API}/stats/clusters?{filter}"))
            })
            .collect(),
    );
    if !tags.is_empty() {
        probe(
            "/stats/clusters/{tag}/clients",
            "marketer",
            (0..turns)
                .map(|k| {
                    (
                        ring(&cast.marketers, k),
                        format!("{API}/stats/clusters/{}/clients", enc(tags[k % tags.len()])),
                    )
                })
                .collect(),
        );
    }
    probe(
        "/users?q=&page=",
        "employee",
        (0..turns)
            .map(|k| {
                let query = match k % 4 {
                    0 => format!("q={}", enc(["王", "李", "张", "刘"][k % 4])),
                    1 => format!("q=U10{}", 10 + k),
                    2 => format!("department_id={}", 1 + k % 40),
                    _ => format!("page={}", 1 + k % 10),
                };
                (ring(&employees, k), format!("{API}/users?{query}"))
            })
            .collect(),
    );
    probe(
        "/users/{id}",
        "employee",
        (0..turns)
            .map(|k| (ring(&employees, k), format!("{API}/users/{}", 1 + (k as i64 * 97) % world::USERS)))
            .collect(),
    );
    probe(
        "/departments",
        "employee",
        (0..turns).map(|k| (ring(&employees, k), format!("{API}/departments"))).collect(),
    );
    probe(
        "/categories",
        "employee",
        (0..turns).map(|k| (ring(&employees, k), format!("{API}/categories"))).collect(),
    );
    probe(
        "/audit?action=&page=",
        "admin",
        (0..turns)
            .map(|k| {
                let action = ["", "&action=sensitive.read", "&action=user.update"][k % 3];
                (admin, format!("{API}/audit?page={}{action}", 1 + k % 5))
            })
            .collect(),
    );
    probe(
        "/mail/outbox?status=&page=",
        "admin",
        (0..turns)
            .map(|k| {
                let status = ["", "&status=failed", "&status=sent"][k % 3];
                (admin, format!("{API}/mail/outbox?page={}{status}", 1 + k % 5))
            })
            .collect(),
    );
    probe("/jobs", "admin", (0..turns).map(|_| (admin, format!("{API}/jobs"))).collect());
    probe("/auth/throttles", "admin", (0..turns).map(|_| (admin, format!("{API}/auth/throttles"))).collect());
    probes
}

/// Calls `probe` `repeats` times in turn (fewer once `cap` has passed), one
/// after another; latency from sending until the whole body has arrived.
async fn measure(
    http: &reqwest::Client,
    base: &str,
    people: &[Person],
    probe: &Probe,
    repeats: usize,
    cap: Duration,
) -> Measured {
    let mut out = Measured {
        endpoint: probe.endpoint,
        role: probe.role,
        ms: Vec::new(),
        statuses: BTreeMap::new(),
        failures: Vec::new(),
        rss_after: 0,
    };
    let started = Instant::now();
    for (who, path) in probe.calls.iter().cycle().take(repeats) {
        if !out.ms.is_empty() && started.elapsed() > cap {
            break;
        }
        let mut request = http.get(format!("{base}{path}"));
        if let Some(who) = who {
            request = request.bearer_auth(&people[*who].token);
        }
        let sent = Instant::now();
        let (status, body) = match request.send().await {
            Ok(response) => {
                let status = response.status();
                match response.bytes().await {
                    Ok(body) => (status.as_u16().to_string(), (!status.is_success()).then(|| body.to_vec())),
                    Err(error) => ("body error".to_owned(), Some(error.to_string().into_bytes())),
                }
            }
            Err(error) if error.is_timeout() => ("timeout".to_owned(), Some(error.to_string().into_bytes())),
            Err(error) => ("error".to_owned(), Some(error.to_string().into_bytes())),
        };
        out.ms.push(sent.elapsed().as_secs_f64() * 1000.0);
        *out.statuses.entry(status.clone()).or_default() += 1;
        if let Some(body) = body {
            if out.failures.len() < 3 {
                let text: String = String::from_utf8_lossy(&body).chars().take(240).collect();
                out.failures.push((path.clone(), status, text));
            }
        }
    }
    out
}

fn print_results(label: &str, results: &[Measured]) {
    println!();
    println!("| endpoint ({label}) | role | calls | p50 ms | p99 ms | max ms | status codes seen | VmRSS after, MB |");
    println!("|---|---|---|---|---|---|---|---|");
    for r in results {
        let latency = common::summarise(r.ms.clone());
        let statuses: Vec<String> = r.statuses.iter().map(|(s, n)| format!("{s}×{n}")).collect();
        println!(
            "| `{}` | {} | {} | {:.1} | {:.1} | {:.1} | {} | {} |",
            r.endpoint,
            r.role,
            r.ms.len(),
            latency.p50,
            latency.p99,
            latency.max,
            statuses.join(", "),
            r.rss_after / 1024
        );
    }
    let mut slowest: Vec<(&Measured, f64)> =
        results.iter().map(|r| (r, common::summarise(r.ms.clone()).p50)).collect();
    slowest.sort_by(|a, b| b.1.total_cmp(&a.1));
    println!();
    println!(
        "slowest by p50 ({label}): {}",
        slowest
            .iter()
            .take(8)
            .map(|(r, p50)| format!("{} as {} {p50:.0} ms", r.endpoint, r.role))
            .collect::<Vec<_>>()
            .join("; ")
    );
    let failed: Vec<&Measured> = results.iter().filter(|r| !r.failures.is_empty()).collect();
    if failed.is_empty() {
        println!("findings ({label}): every call answered 2xx");
    } else {
        println!("findings ({label}): non-2xx answers");
        for r in failed {
            for (path, status, body) in &r.failures {
                println!("- {} as {}: {status} for {path}: {body}", r.endpoint, r.role);
            }
        }
    }
}
