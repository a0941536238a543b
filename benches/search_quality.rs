//! Search quality and speed on realistic Chinese notes, end to end: entries
//! are written to a SQLite database, indexed by `zhiku reindex`'s code path,
//! and queried through the same function the API uses.
//!
//! Recall and precision are measured against the ground truth "entries whose
//! searchable text contains every query word" (plain substring matching).
//!
//!     cargo bench --bench search_quality -- [entries] [queries]

use std::time::Instant;

use chrono::Utc;
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use zhiku::auth::extract::CurrentUser;
use zhiku::db::schema::{clients, intel, users};
use zhiku::db::{self, DatabaseUrl, DbConn};
use zhiku::enums::{Role, Roles};
use zhiku::ids::SessionId;
use zhiku::ids::UserId;
use zhiku::search::{self, SearchRequest, Sort};

const SUBJECTS: &[&str] =
    &["财务副总", "董事长", "信息中心主任", "办公室主任", "采购负责人", "总经理", "客户经理", "副总经理"];
const TOPICS: &[&str] = &[
    "觉得话费报销流程繁琐，希望统一代付",
    "对现有专线带宽不满意，计划扩容到千兆",
    "正在比较中国电信的云视讯方案",
    "月费用户数量本季度明显增长",
    "对大客户专属服务很看重",
    "打算给新厂区部署5G专网和物联网卡",
    "提到合同明年三月到期，续约意向一般",
    "抱怨营业厅办理业务排队时间长",
    "喜欢周末打高尔夫，常去南湖球场",
    "中国联通报价每月低两成，还赠送宽带",
    "信用等级良好，缴费一直按时",
    "近期有欠费，需要关注资信变化",
    "对机场贵宾厅服务很满意",
    "希望把集团V网扩展到下属三家子公司",
    "计划上线智慧园区视频监控",
    "年底有数字化转型预算，约两百万元",
    "投诉网络信号差，装维响应慢",
    "愿意参加下月的网球邀请赛",
];
const FILLER: &[&str] = &[
    "据了解",
    "另外",
    "同时",
    "目前",
    "据悉",
    "此外",
    "总体来看",
    "需要跟进",
    "建议尽快拜访",
    "可以安排交流",
];
const PLACES: &[&str] = &["芜湖", "镜湖区", "鸠江区", "弋江区", "三山区", "繁昌", "南陵", "无为"];
const INDUSTRIES: &[&str] =
    &["汽车零部件", "医药", "港口物流", "建材", "新能源", "电缆", "酒店管理", "农商银行"];

fn pick<'a>(rng: &mut StdRng, items: &[&'a str]) -> &'a str {
    items[rng.gen_range(0..items.len())]
}

fn note(rng: &mut StdRng, client: &str) -> (String, String) {
    let subject = pick(rng, SUBJECTS);
    let topic = pick(rng, TOPICS);
    let title = format!("{subject}{}", topic.chars().take(10).collect::<String>());
    let mut body = format!("{client}的{subject}{topic}。");
    for _ in 0..rng.gen_range(1..4) {
        body.push_str(&format!("{}，{}{}。", pick(rng, FILLER), pick(rng, SUBJECTS), pick(rng, TOPICS)));
    }
    (title, body)
}

fn searchable(title: &str, body: &str, client: &str) -> String {
    format!("{title}\u{1E}{body}\u{1E}{client}").to_lowercase()
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().filter(|a| !a.starts_with("--")).collect();
    // `cargo test` runs this unoptimised as a smoke test; `cargo bench` measures.
    let (default_entries, default_queries) =
        if cfg!(debug_assertions) { (2_000, 100) } else { (20_000, 300) };
    let entries: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(default_entries);
    let queries: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(default_queries);
    let dir = tempfile::tempdir()?;
    let url = DatabaseUrl::Sqlite(dir.path().join("bench.db").to_string_lossy().into_owned());
    let pool = db::connect(&url, db::Limits::cli(2))?;
    let mut conn = pool.get()?;
    db::run_migrations(&mut conn)?;
    let mut rng = StdRng::seed_from_u64(2026);

    let now = Utc::now().naive_utc();
    let texts = seed(&mut conn, &mut rng, entries, now)?;
    drop(conn);

    let started = Instant::now();
    let rebuilt = search::reindex::rebuild(&pool, dir.path(), false)?;
    let reindex_rate = rebuilt.entries as f64 / started.elapsed().as_secs_f64();

    let index = search::index::open_current(dir.path(), search::analysis::domain_jieba())?;
    let viewer = CurrentUser {
        id: UserId(1),
        session: SessionId(0),
        real_name: "评测".into(),
        department_id: None,
        roles: Roles::new([Role::Reviewer]),
    };

    let mut worst_recall: f64 = 1.0;
    let mut worst_precision: f64 = 1.0;
    let (mut recall_sum, mut precision_sum, mut measured) = (0.0, 0.0, 0);
    let mut latencies = Vec::with_capacity(queries);
    let mut worst_query = String::new();
    for n in 0..queries {
        // Mostly two-character words cut from real notes (the common case), some longer, some pairs.
        let (_, text) = &texts[rng.gen_range(0..texts.len())];
        let chars: Vec<char> = text.chars().filter(|c| search::analysis::is_cjk(*c)).collect();
        let word = |rng: &mut StdRng, len: usize| {
            let start = rng.gen_range(0..chars.len().saturating_sub(len).max(1));
            chars[start..(start + len).min(chars.len())].iter().collect::<String>()
        };
        let query = match n % 4 {
            0 | 1 => word(&mut rng, 2),
            2 => {
                let len = rng.gen_range(3..6);
                word(&mut rng, len)
            }
            _ => format!("{} {}", word(&mut rng, 2), word(&mut rng, 2)),
        };
        let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
        let truth: std::collections::HashSet<i64> = texts
            .iter()
            .filter(|(_, t)| words.iter().all(|w| t.contains(w.as_str())))
            .map(|(id, _)| *id)
            .collect();
        let request =
            SearchRequest { q: query.clone(), limit: entries, sort: Sort::Relevance, ..Default::default() };
        let result = search::execute(&index, &viewer, &request)?;
        let found: std::collections::HashSet<i64> = result.hits.iter().map(|(id, _)| id.0).collect();
        let hit = found.intersection(&truth).count() as f64;
        let recall = if truth.is_empty() { 1.0 } else { hit / truth.len() as f64 };
        let precision = if found.is_empty() { 1.0 } else { hit / found.len() as f64 };
        if recall < worst_recall {
            worst_query = query.clone();
        }
        worst_recall = worst_recall.min(recall);
        worst_precision = worst_precision.min(precision);
        recall_sum += recall;
        precision_sum += precision;
        measured += 1;

        let top20 = SearchRequest { q: query, limit: 20, ..Default::default() };
        let t = Instant::now();
        search::execute(&index, &viewer, &top20)?;
        latencies.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    latencies.sort_by(f64::total_cmp);
    let pct = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)];
    println!("entries: {entries}, queries: {measured}");
    println!("reindex: {:.0} entries/s ({:.2} s)", reindex_rate, rebuilt.seconds);
    println!(
        "recall: min {worst_recall:.4} (query {worst_query:?}), mean {:.4}",
        recall_sum / measured as f64
    );
    println!("precision: min {worst_precision:.4}, mean {:.4}", precision_sum / measured as f64);
    println!("top-20 latency with facets and visibility: p50 {:.2} ms, p99 {:.2} ms", pct(0.5), pct(0.99));
    anyhow::ensure!(worst_recall >= 0.99, "recall target missed: {worst_recall} for {worst_query:?}");
    anyhow::ensure!(worst_precision >= 0.99, "precision target missed: {worst_precision}");
    Ok(())
}

/// Writes users, clients and adopted entries; returns each entry's searchable text.
fn seed(
    conn: &mut DbConn,
    rng: &mut StdRng,
    entries: usize,
    now: chrono::NaiveDateTime,
) -> anyhow::Result<Vec<(i64, String)>> {
    let DbConn::Sqlite(c) = conn else { anyhow::bail!("the benchmark seeds SQLite") };
    diesel::insert_into(users::table)
        .values((
            users::employee_no.eq("B1"),
            users::real_name.eq("评测员"),
            users::email.eq("b1@bench"),
            users::roles.eq("employee"),
            users::password_hash.eq("x"),
            users::is_active.eq(true),
            users::created_at.eq(now),
            users::updated_at.eq(now),
        ))
        .execute(c)?;
    let client_names: Vec<String> = (0..500)
        .map(|i| format!("{}{}{}有限公司{i}", pick(rng, PLACES), pick(rng, PLACES), pick(rng, INDUSTRIES)))
        .collect();
    for (i, name) in client_names.iter().enumerate() {
        diesel::insert_into(clients::table)
            .values((
                clients::kind.eq(if i % 5 == 0 { "individual" } else { "group" }),
                clients::name.eq(name),
                clients::pinyin.eq(""),
                clients::initials.eq(""),
                clients::aliases.eq(""),
                clients::status.eq("active"),
                clients::created_by.eq(1i64),
                clients::created_at.eq(now),
                clients::updated_at.eq(now),
            ))
            .execute(c)?;
    }
    let mut texts = Vec::with_capacity(entries);
    c.transaction::<_, anyhow::Error, _>(|c| {
        for n in 0..entries {
            let client = rng.gen_range(0..client_names.len());
            let (title, body) = note(rng, &client_names[client]);
            diesel::insert_into(intel::table)
                .values((
                    intel::client_id.eq(client as i64 + 1),
                    intel::category.eq("business"),
                    intel::author_id.eq(1i64),
                    intel::title.eq(&title),
                    intel::body.eq(&body),
                    intel::fields.eq("{}"),
                    intel::source.eq("public"),
                    intel::observed_at.eq(now),
                    intel::completeness.eq(0.0),
                    intel::status.eq("adopted"),
                    intel::created_at.eq(now),
                    intel::updated_at.eq(now),
                    intel::adopted_at.eq(Some(now)),
                ))
                .execute(c)?;
            texts.push((n as i64 + 1, searchable(&title, &body, &client_names[client])));
        }
        Ok(())
    })?;
    Ok(texts)
}
