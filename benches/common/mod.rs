//! Shared by the benchmarks: the record generator, the people a benchmark
//! database starts with, query sampling and percentiles; running the server
//! (`server`) and the world of the endpoints benchmark (`world`).
#![allow(dead_code)]

pub mod generator;
pub mod server;
pub mod world;

use chrono::Utc;
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::Rng;
use zhiku::auth::password::{Password, Passwords};
use zhiku::db::schema::{departments, users};
use zhiku::db::DbConn;
use zhiku::enums::DepartmentKind;

pub use generator::{author_no, Generator, AUTHORS, REVIEWER};

/// The password of every benchmark account.
pub const PASSWORD: &str = "bench-password-1";
/// An employee who authored nothing: the viewer of the searches (visibility filter active).
pub const VIEWER: &str = "V0001";

/// Departments, the reviewer `R0001`, the authors `E0001…` and the viewer `V0001`.
pub fn seed_people(conn: &mut DbConn) -> anyhow::Result<()> {
    let DbConn::Sqlite(c) = conn else { anyhow::bail!("the benchmark seeds SQLite") };
    let now = Utc::now().naive_utc();
    let hash = Passwords::new().hash(&Password::parse(PASSWORD).map_err(anyhow::Error::msg)?);
    for (i, name) in ["政企客户一部", "政企客户二部", "行业拓展部", "繁昌分公司", "南陵分公司", "无为分公司"]
        .iter()
        .enumerate()
    {
        diesel::insert_into(departments::table)
            .values((
                departments::id.eq(i as i64 + 1),
                departments::name.eq(*name),
                departments::kind.eq(DepartmentKind::Frontline),
                departments::created_at.eq(now),
            ))
            .execute(c)?;
    }
    let mut people = vec![(REVIEWER.to_owned(), "审核员".to_owned(), "reviewer,employee", None)];
    people.push((VIEWER.to_owned(), "查询员".to_owned(), "employee", Some(1i64)));
    for i in 0..AUTHORS {
        people.push((author_no(i), format!("客户经理{:03}", i + 1), "employee", Some((i % 6) as i64 + 1)));
    }
    for (no, name, roles, department) in people {
        diesel::insert_into(users::table)
            .values((
                users::employee_no.eq(&no),
                users::real_name.eq(&name),
                users::email.eq(format!("{}@bench.example", no.to_lowercase())),
                users::department_id.eq(department),
                users::roles.eq(roles),
                users::password_hash.eq(&hash),
                users::is_active.eq(true),
                users::created_at.eq(now),
                users::updated_at.eq(now),
            ))
            .execute(c)?;
    }
    Ok(())
}

/// Queries cut from the searchable texts: half one two-character word (the
/// common case), a quarter one word of 3–5 characters, a quarter two
/// two-character words.
pub fn sample_queries(rng: &mut StdRng, texts: &[&str], count: usize) -> Vec<String> {
    let mut queries = Vec::with_capacity(count);
    let mut n = 0;
    while queries.len() < count {
        let text = texts[rng.gen_range(0..texts.len())];
        let chars: Vec<char> = text.chars().filter(|c| zhiku::search::analysis::is_cjk(*c)).collect();
        if chars.len() < 8 {
            continue;
        }
        let mut word = |len: usize| {
            let start = rng.gen_range(0..chars.len() - len);
            chars[start..start + len].iter().collect::<String>()
        };
        let query = match n % 4 {
            0 | 1 => word(2),
            2 => {
                let len = 3 + (n / 4) % 3;
                word(len)
            }
            _ => format!("{} {}", word(2), word(2)),
        };
        n += 1;
        queries.push(query);
    }
    queries
}

/// Positions of the texts containing every word of `query` (lower-cased).
pub fn truth(texts: &[&str], query: &str) -> Vec<usize> {
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    texts
        .iter()
        .enumerate()
        .filter(|(_, t)| words.iter().all(|w| t.contains(w.as_str())))
        .map(|(i, _)| i)
        .collect()
}

/// The `p`-quantile of sorted `values` (nearest rank).
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// Latencies in milliseconds, summarised.
#[derive(Debug, Clone, Copy)]
pub struct Latency {
    pub p50: f64,
    pub p99: f64,
    pub mean: f64,
    pub max: f64,
}

pub fn summarise(mut ms: Vec<f64>) -> Latency {
    ms.sort_by(f64::total_cmp);
    let mean = ms.iter().sum::<f64>() / ms.len().max(1) as f64;
    let max = ms.last().copied().unwrap_or(f64::NAN);
    Latency { p50: percentile(&ms, 0.5), p99: percentile(&ms, 0.99), mean, max }
}

/// Recall of `found` against `truth` (both entry ids); 1 when nothing is to be found.
pub fn recall(found: &std::collections::HashSet<i64>, truth: &[i64]) -> f64 {
    if truth.is_empty() {
        return 1.0;
    }
    truth.iter().filter(|id| found.contains(id)).count() as f64 / truth.len() as f64
}
