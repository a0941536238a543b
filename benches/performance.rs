//! The performance benchmark of docs/BENCHMARKS.md, in one run on the same
//! generated data and queries:
//!
//! 1. generate ENTRIES records (benches/common/generator.rs), import them with
//!    the release `zhiku import` and rebuild the index with `zhiku reindex`
//!    (rates in entries/s);
//! 2. top-20 search latency and recall for Zhiku in process (snippets aside:
//!    facets and the visibility filter included), bare tantivy on the same
//!    index (the bigram phrase queries alone, top 20 and count), SQLite FTS5
//!    with the trigram tokenizer and PostgreSQL with pg_trgm (GIN index,
//!    ILIKE), each against "entries containing every query word";
//! 3. `zhiku serve` on the result: start-up time, resident memory, search over
//!    HTTP, submit-to-searchable latency and (with `wrk` installed)
//!    throughput of search, an authenticated read and `/healthz`.
//!
//!     cargo bench --bench performance -- [ENTRIES] [QUERIES] [ALT_QUERIES]
//!
//! PostgreSQL is reached at $ZHIKU_BENCH_PG_URL (default
//! postgres://postgres@127.0.0.1:5432/postgres); the benchmark creates
//! and drops a database `zhiku_bench_<pid>` there. Without it the pg_trgm row is skipped.
//! Under `cargo test` it runs unoptimised on 10,000 entries as a smoke test,
//! with no timing assertions.

mod common;

use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use rand::rngs::StdRng;
use rand::SeedableRng;
use tantivy::collector::{Count, DocSetCollector, TopDocs};
use tantivy::query::{BooleanQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Term};
use zhiku::auth::extract::CurrentUser;
use zhiku::db::{self, DatabaseUrl};
use zhiku::enums::{Role, Roles};
use zhiku::ids::SessionId;
use zhiku::ids::UserId;
use zhiku::search::{self, SearchRequest};

use common::server::{bench_pg_database, login, rss_kib, start, wait_healthy};
use common::{summarise, Latency};

const ZHIKU: &str = env!("CARGO_BIN_EXE_zhiku");

struct Row {
    system: &'static str,
    latency: Latency,
    recall_min: f64,
    recall_mean: f64,
    /// Whether recall was measured (not for the query-tree row).
    has_recall: bool,
    queries: usize,
    note: String,
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let smoke = cfg!(debug_assertions);
    let entries: usize =
        args.first().and_then(|a| a.parse().ok()).unwrap_or(if smoke { 10_000 } else { 100_000 });
    let queries: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(if smoke { 40 } else { 200 });
    let alt_queries: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(queries).min(queries);
    let keep = std::env::var("ZHIKU_BENCH_DIR").ok();
    let temp = tempfile::tempdir()?;
    let dir = keep.map(std::path::PathBuf::from).unwrap_or_else(|| temp.path().to_path_buf());
    std::fs::create_dir_all(&dir)?;
    let data = dir.join("data");
    // ZHIKU_BENCH_ONLY=search reruns the in-process searches on the data a
    // previous run left in ZHIKU_BENCH_DIR (for profiling); otherwise start empty.
    // ZHIKU_BENCH_ONLY=profile: only Zhiku's searches, in a loop, for a profiler.
    let only = std::env::var("ZHIKU_BENCH_ONLY").unwrap_or_default();
    let search_only = only == "search" || only == "profile";
    // ZHIKU_BENCH_ONLY=writes: only the submit-and-adopt throughput (step 4).
    if only == "writes" {
        return write_throughputs(&dir, if smoke { 1 } else { 10 });
    }
    anyhow::ensure!(
        search_only == data.exists(),
        "{}: use an empty ZHIKU_BENCH_DIR, or one a run filled for ZHIKU_BENCH_ONLY=search",
        data.display()
    );
    println!(
        "# Zhiku performance: {entries} entries, {queries} queries ({alt_queries} for FTS5 and pg_trgm)"
    );
    println!("machine: {}", machine());

    // 1. Generate, import, reindex.
    let url = DatabaseUrl::Sqlite(data.join("zhiku.db").to_string_lossy().into_owned());
    if search_only {
        let mut generator = common::Generator::new(2026, entries);
        let texts: Vec<String> = (0..entries).map(|_| generator.next_record().searchable).collect();
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        let sample = common::sample_queries(&mut StdRng::seed_from_u64(QUERY_SEED), &texts, queries);
        if only == "profile" {
            let index = search::index::open_current(&data, search::analysis::domain_jieba())?;
            let started = Instant::now();
            for q in sample.iter().cycle().take(sample.len() * 5) {
                search::execute(
                    &index,
                    &viewer(),
                    &SearchRequest { q: q.clone(), limit: 20, ..Default::default() },
                )?;
            }
            println!("{} searches in {:.1} s", sample.len() * 5, started.elapsed().as_secs_f64());
            return Ok(());
        }
        let truths = entry_truths(&texts, &sample);
        let rows = [
            zhiku_in_process(&data, &sample, &truths)?,
            tantivy_same_query(&data, &sample)?,
            bare_tantivy(&data, &sample, &truths)?,
        ];
        print_rows(&rows);
        return Ok(());
    }
    {
        let pool = db::connect(&url, db::Limits::cli(1))?;
        let mut conn = pool.get()?;
        db::run_migrations(&mut conn)?;
        common::seed_people(&mut conn)?;
    }
    let file = dir.join("records.jsonl");
    let started = Instant::now();
    let mut generator = common::Generator::new(2026, entries);
    let mut out = std::io::BufWriter::new(std::fs::File::create(&file)?);
    let mut docs: Vec<(String, &'static str, &'static str)> = Vec::with_capacity(entries);
    for _ in 0..entries {
        let g = generator.next_record();
        writeln!(out, "{}", g.line)?;
        docs.push((g.searchable, g.category, g.client_kind));
    }
    out.flush()?;
    drop(out);
    println!("generated {entries} records in {:.1} s", started.elapsed().as_secs_f64());

    let started = Instant::now();
    let output = Command::new(ZHIKU)
        .arg("--data-dir")
        .arg(&data)
        .args(["import", "--reviewer", common::REVIEWER, "--file"])
        .arg(&file)
        .stderr(Stdio::inherit())
        .output()
        .context("running zhiku import")?;
    let import_seconds = started.elapsed().as_secs_f64();
    let said = String::from_utf8_lossy(&output.stdout);
    anyhow::ensure!(output.status.success(), "zhiku import failed: {said}");
    anyhow::ensure!(said.contains(&format!("imported: {entries}, skipped: 0")), "import: {said}");
    let import_rate = entries as f64 / import_seconds;
    println!("import: {entries} lines in {import_seconds:.1} s = {import_rate:.0} entries/s");

    let started = Instant::now();
    let output = Command::new(ZHIKU).arg("--data-dir").arg(&data).arg("reindex").output()?;
    let reindex_seconds = started.elapsed().as_secs_f64();
    anyhow::ensure!(
        output.status.success(),
        "zhiku reindex failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let reindex_rate = entries as f64 / reindex_seconds;
    println!(
        "reindex: {reindex_seconds:.1} s = {reindex_rate:.0} entries/s (process start included); zhiku says: {}",
        String::from_utf8_lossy(&output.stdout).trim()
    );
    let db_bytes = std::fs::metadata(data.join("zhiku.db"))?.len();
    let index_bytes = dir_size(&data.join("search"));

    // 2. Queries and ground truth.
    let texts: Vec<&str> = docs.iter().map(|(t, _, _)| t.as_str()).collect();
    let sample = common::sample_queries(&mut StdRng::seed_from_u64(QUERY_SEED), &texts, queries);
    let started = Instant::now();
    let truths = entry_truths(&texts, &sample);
    let mean_matches = truths.iter().map(Vec::len).sum::<usize>() as f64 / truths.len().max(1) as f64;
    println!(
        "ground truth for {queries} queries in {:.1} s; mean matches {mean_matches:.0}",
        started.elapsed().as_secs_f64()
    );

    let mut rows = vec![
        zhiku_in_process(&data, &sample, &truths)?,
        tantivy_same_query(&data, &sample)?,
        bare_tantivy(&data, &sample, &truths)?,
        sqlite_fts5(&dir, &docs, &sample[..alt_queries], &truths[..alt_queries])?,
    ];
    match postgres_trgm(&dir, &docs, &sample[..alt_queries], &truths[..alt_queries]) {
        Ok(row) => rows.push(row),
        Err(error) => println!("pg_trgm skipped: {error:#}"),
    }
    drop(docs);

    print_rows(&rows);
    println!();
    println!("| measure | value |");
    println!("|---|---|");
    println!("| import (`zhiku import`, SQLite) | {import_rate:.0} entries/s ({import_seconds:.1} s) |");
    println!("| full reindex (`zhiku reindex`, process start included) | {reindex_rate:.0} entries/s ({reindex_seconds:.1} s) |");
    println!(
        "| database / index size | {:.0} MB / {:.0} MB |",
        db_bytes as f64 / 1e6,
        index_bytes as f64 / 1e6
    );

    // 3. The server.
    serve(&data, &sample)?;

    // 4. Submit-and-adopt throughput over HTTP, on SQLite and on PostgreSQL.
    write_throughputs(&dir, if smoke { 1 } else { 10 })?;

    let worst = rows[0].recall_min.min(rows[2].recall_min);
    anyhow::ensure!(worst >= 0.99, "Zhiku recall below 0.99: {worst}");
    Ok(())
}

/// The seed the queries are sampled with.
const QUERY_SEED: u64 = 7;

/// For each query, the ids of the entries containing every word: entry ids
/// are line numbers, the benchmark database having had no entries before.
fn entry_truths(texts: &[&str], sample: &[String]) -> Vec<Vec<i64>> {
    sample.iter().map(|q| common::truth(texts, q).into_iter().map(|i| i as i64 + 1).collect()).collect()
}

fn print_rows(rows: &[Row]) {
    println!();
    println!("| system | queries | p50 ms | p99 ms | mean ms | recall min / mean | p50 vs Zhiku | p99 vs Zhiku | note |");
    println!("|---|---|---|---|---|---|---|---|---|");
    let ours = rows[0].latency;
    for row in rows {
        println!(
            "| {} | {} | {:.2} | {:.2} | {:.2} | {} | {:.1}× | {:.1}× | {} |",
            row.system,
            row.queries,
            row.latency.p50,
            row.latency.p99,
            row.latency.mean,
            if row.has_recall {
                format!("{:.4} / {:.4}", row.recall_min, row.recall_mean)
            } else {
                "—".to_owned()
            },
            row.latency.p50 / ours.p50,
            row.latency.p99 / ours.p99,
            row.note
        );
    }
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_default();
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines().next().map(|l| l.split_whitespace().nth(1).unwrap_or("0").parse::<f64>().unwrap_or(0.0))
        })
        .unwrap_or(0.0);
    format!(
        "{} cores ({cpu}), {:.0} GiB RAM",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        memory / 1024.0 / 1024.0
    )
}

fn dir_size(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| {
                    if e.path().is_dir() {
                        dir_size(&e.path())
                    } else {
                        e.metadata().map_or(0, |m| m.len())
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}

fn viewer() -> CurrentUser {
    // V0001: an employee without entries of their own, so the visibility filter does real work.
    CurrentUser {
        id: UserId(2),
        session: SessionId(0),
        real_name: "查询员".into(),
        department_id: None,
        roles: Roles::new([Role::Employee]),
    }
}

fn timed<T>(f: impl FnOnce() -> anyhow::Result<T>) -> anyhow::Result<(T, f64)> {
    let t = Instant::now();
    let value = f()?;
    Ok((value, t.elapsed().as_secs_f64() * 1000.0))
}

fn row(system: &'static str, ms: Vec<f64>, recalls: &[f64], note: impl Into<String>) -> Row {
    let queries = ms.len();
    Row {
        system,
        latency: summarise(ms),
        recall_min: recalls.iter().copied().fold(1.0, f64::min),
        recall_mean: recalls.iter().sum::<f64>() / recalls.len().max(1) as f64,
        has_recall: !recalls.is_empty(),
        queries,
        note: note.into(),
    }
}

fn zhiku_in_process(data: &Path, sample: &[String], truths: &[Vec<i64>]) -> anyhow::Result<Row> {
    let index = search::index::open_current(data, search::analysis::domain_jieba())?;
    let searcher = index.reader.searcher();
    let viewer = viewer();
    let top20 = |q: &str| SearchRequest { q: q.to_owned(), limit: 20, ..Default::default() };
    for q in sample.iter().take(10) {
        search::execute(&index, &viewer, &top20(q))?;
    }
    let mut ms = Vec::new();
    let mut recalls = Vec::new();
    for (q, truth) in sample.iter().zip(truths) {
        let (_, t) = timed(|| Ok(search::execute(&index, &viewer, &top20(q))?))?;
        ms.push(t);
        // Every match of the very query `execute` runs, and its total agrees.
        let request = top20(q);
        let found = matching_ids(&searcher, &*search::plan(&index, &viewer, &request).query)?;
        let total = search::execute(&index, &viewer, &request)?.total;
        anyhow::ensure!(total == found.len(), "{q}: total {total} but {} matches", found.len());
        recalls.push(common::recall(&found, truth));
    }
    Ok(row("Zhiku `search::execute` (facets, visibility)", ms, &recalls, "in process, relevance order"))
}

/// Zhiku's query tree (recall, ranking terms, visibility) run by tantivy with
/// only top 20 by plain score and a count: no facets, score tweak or id lookup.
fn tantivy_same_query(data: &Path, sample: &[String]) -> anyhow::Result<Row> {
    let index = search::index::open_current(data, search::analysis::domain_jieba())?;
    let viewer = viewer();
    let query = |q: &str| {
        search::plan(&index, &viewer, &SearchRequest { q: q.to_owned(), limit: 20, ..Default::default() })
            .query
    };
    let searcher = index.reader.searcher();
    let collector = (TopDocs::with_limit(20).order_by_score(), Count);
    for q in sample.iter().take(10) {
        searcher.search(&*query(q), &collector)?;
    }
    let mut ms = Vec::new();
    for q in sample {
        let (_, t) = timed(|| Ok(searcher.search(&*query(q), &collector)?))?;
        ms.push(t);
    }
    Ok(row("tantivy, Zhiku's query tree", ms, &[], "top 20 + count; no facets, score tweak or id lookup"))
}

/// The recall part of Zhiku's query alone: every word's bigrams as a phrase, top 20 by score and a count.
fn bare_tantivy(data: &Path, sample: &[String], truths: &[Vec<i64>]) -> anyhow::Result<Row> {
    let index = search::index::open_current(data, search::analysis::domain_jieba())?;
    let grams = index.fields.grams;
    let query = |q: &str| -> Box<dyn Query> {
        let clauses = q
            .split_whitespace()
            .map(|word| {
                let tokens = search::analysis::grams(word);
                let q: Box<dyn Query> = if tokens.len() == 1 {
                    Box::new(TermQuery::new(
                        Term::from_field_text(grams, &tokens[0].text),
                        IndexRecordOption::WithFreqs,
                    ))
                } else {
                    let first = tokens[0].position;
                    Box::new(PhraseQuery::new_with_offset(
                        tokens
                            .iter()
                            .map(|t| (t.position - first, Term::from_field_text(grams, &t.text)))
                            .collect(),
                    ))
                };
                (Occur::Must, q)
            })
            .collect();
        Box::new(BooleanQuery::new(clauses))
    };
    let searcher = index.reader.searcher();
    let collector = (TopDocs::with_limit(20).order_by_score(), Count);
    for q in sample.iter().take(10) {
        searcher.search(&*query(q), &collector)?;
    }
    let mut ms = Vec::new();
    let mut recalls = Vec::new();
    for (q, truth) in sample.iter().zip(truths) {
        let (_, t) = timed(|| Ok(searcher.search(&*query(q), &collector)?))?;
        ms.push(t);
        let found = matching_ids(&searcher, &*query(q))?;
        recalls.push(common::recall(&found, truth));
    }
    Ok(row("bare tantivy, same index", ms, &recalls, "bigram phrases, top 20 + count, no filter or facets"))
}

/// The entry ids of every document `query` matches.
fn matching_ids(searcher: &tantivy::Searcher, query: &dyn Query) -> anyhow::Result<HashSet<i64>> {
    let mut by_segment: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for address in searcher.search(query, &DocSetCollector)? {
        by_segment.entry(address.segment_ord).or_default().push(address.doc_id);
    }
    let mut found = HashSet::new();
    for (segment, docs) in by_segment {
        let ids = searcher.segment_reader(segment).fast_fields().u64("id")?;
        found.extend(docs.into_iter().filter_map(|doc| ids.first(doc)).map(|id| id as i64));
    }
    Ok(found)
}

#[derive(QueryableByName)]
struct Hit {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = Text)]
    category: String,
}

/// What the application would do with the matching rows: the 20 newest and the category facet.
fn top_and_facets(mut hits: Vec<Hit>) -> (Vec<i64>, BTreeMap<String, u64>, HashSet<i64>) {
    let mut facets = BTreeMap::new();
    for hit in &hits {
        *facets.entry(hit.category.clone()).or_insert(0) += 1;
    }
    let found: HashSet<i64> = hits.iter().map(|h| h.id).collect();
    hits.sort_unstable_by_key(|h| std::cmp::Reverse(h.id));
    (hits.iter().take(20).map(|h| h.id).collect(), facets, found)
}

fn like_clauses(words: usize, column: &str, op: &str, placeholder: impl Fn(usize) -> String) -> String {
    (0..words).map(|i| format!("{column} {op} {}", placeholder(i + 1))).collect::<Vec<_>>().join(" AND ")
}

fn sqlite_fts5(
    dir: &Path,
    docs: &[(String, &'static str, &'static str)],
    sample: &[String],
    truths: &[Vec<i64>],
) -> anyhow::Result<Row> {
    let path = dir.join("fts5.db");
    let _ = std::fs::remove_file(&path);
    let mut conn = SqliteConnection::establish(&path.to_string_lossy())?;
    diesel::sql_query("PRAGMA journal_mode = WAL").execute(&mut conn)?;
    diesel::sql_query("PRAGMA synchronous = NORMAL").execute(&mut conn)?;
    diesel::sql_query(
        "CREATE VIRTUAL TABLE docs USING fts5(body, category UNINDEXED, kind UNINDEXED, tokenize = 'trigram')",
    )
    .execute(&mut conn)
    .context("SQLite was built without FTS5 or the trigram tokenizer")?;
    let started = Instant::now();
    conn.transaction::<_, anyhow::Error, _>(|c| {
        for (i, (text, category, kind)) in docs.iter().enumerate() {
            diesel::sql_query("INSERT INTO docs (rowid, body, category, kind) VALUES (?, ?, ?, ?)")
                .bind::<BigInt, _>(i as i64 + 1)
                .bind::<Text, _>(text)
                .bind::<Text, _>(*category)
                .bind::<Text, _>(*kind)
                .execute(c)?;
        }
        Ok(())
    })?;
    println!("FTS5 trigram table built in {:.1} s", started.elapsed().as_secs_f64());
    // LIKE on a trigram FTS5 table uses the index for words of three or more
    // characters and scans the table for shorter ones: what an application does.
    let run = |conn: &mut SqliteConnection, q: &str| -> anyhow::Result<Vec<Hit>> {
        let words: Vec<String> = q.split_whitespace().map(|w| format!("%{w}%")).collect();
        let sql = format!(
            "SELECT rowid AS id, category FROM docs WHERE {}",
            like_clauses(words.len(), "body", "LIKE", |_| "?".into())
        );
        let mut query = diesel::sql_query(sql).into_boxed::<diesel::sqlite::Sqlite>();
        for w in words {
            query = query.bind::<Text, _>(w);
        }
        Ok(query.load(conn)?)
    };
    for q in sample.iter().take(5) {
        run(&mut conn, q)?;
    }
    let mut ms = Vec::new();
    let mut recalls = Vec::new();
    for (q, truth) in sample.iter().zip(truths) {
        let ((_, _, found), t) = timed(|| Ok(top_and_facets(run(&mut conn, q)?)))?;
        ms.push(t);
        recalls.push(common::recall(&found, truth));
    }
    Ok(row("SQLite FTS5 trigram", ms, &recalls, "LIKE '%w%' per word (index for ≥3 chars, scan for 2)"))
}

fn postgres_trgm(
    dir: &Path,
    docs: &[(String, &'static str, &'static str)],
    sample: &[String],
    truths: &[Vec<i64>],
) -> anyhow::Result<Row> {
    let (url, drop_database) = bench_pg_database("trgm")?;
    let mut conn = PgConnection::establish(&url)?;
    diesel::sql_query("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute(&mut conn)?;
    diesel::sql_query("CREATE TABLE docs (id BIGINT PRIMARY KEY, category TEXT NOT NULL, kind TEXT NOT NULL, body TEXT NOT NULL)")
        .execute(&mut conn)?;
    let started = Instant::now();
    let tsv = dir.join("docs.tsv");
    {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&tsv)?);
        for (i, (text, category, kind)) in docs.iter().enumerate() {
            let body = text.replace('\\', "\\\\").replace(['\t', '\n'], " ");
            writeln!(out, "{}\t{category}\t{kind}\t{body}", i + 1)?;
        }
        out.flush()?;
    }
    let status = Command::new("psql")
        .arg(&url)
        .args(["-qc", "COPY docs (id, category, kind, body) FROM STDIN"])
        .stdin(std::fs::File::open(&tsv)?)
        .status()
        .context("running psql for COPY")?;
    anyhow::ensure!(status.success(), "psql COPY failed");
    let _ = std::fs::remove_file(&tsv);
    diesel::sql_query("CREATE INDEX docs_body_trgm ON docs USING gin (body gin_trgm_ops)")
        .execute(&mut conn)?;
    diesel::sql_query("VACUUM ANALYZE docs").execute(&mut conn)?;
    println!("PostgreSQL table and GIN trigram index built in {:.1} s", started.elapsed().as_secs_f64());
    let run = |conn: &mut PgConnection, q: &str| -> anyhow::Result<Vec<Hit>> {
        let words: Vec<String> = q.split_whitespace().map(|w| format!("%{w}%")).collect();
        let sql = format!(
            "SELECT id, category FROM docs WHERE {}",
            like_clauses(words.len(), "body", "ILIKE", |i| format!("${i}"))
        );
        let mut query = diesel::sql_query(sql).into_boxed::<diesel::pg::Pg>();
        for w in words {
            query = query.bind::<Text, _>(w);
        }
        Ok(query.load(conn)?)
    };
    for q in sample.iter().take(5) {
        run(&mut conn, q)?;
    }
    let mut ms = Vec::new();
    let mut recalls = Vec::new();
    for (q, truth) in sample.iter().zip(truths) {
        let ((_, _, found), t) = timed(|| Ok(top_and_facets(run(&mut conn, q)?)))?;
        ms.push(t);
        recalls.push(common::recall(&found, truth));
    }
    drop(conn);
    drop_database()?;
    Ok(row("PostgreSQL 15 pg_trgm (GIN)", ms, &recalls, "ILIKE '%w%' per word"))
}

/// A service-category entry submitted by `author`, adopted by `reviewer`; the entry id.
async fn submit_and_adopt(
    http: &reqwest::Client,
    base: &str,
    author: &str,
    reviewer: &str,
    client_id: i64,
    title: &str,
) -> anyhow::Result<i64> {
    let entry: serde_json::Value = http
        .post(format!("{base}/api/v1/intel"))
        .bearer_auth(author)
        .json(&serde_json::json!({
            "client_id": client_id, "category": "service", "title": title,
            "body": "客户反映装维人员迟到，影响开业，要求尽快处理并给出书面说明。",
            "source": "public", "observed_at": "2026-11-01",
            "fields": {"complaint_type": "装维时效", "severity": "一般"}
        }))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let id = entry["id"].as_i64().unwrap_or_default();
    http.post(format!("{base}/api/v1/intel/{id}/review"))
        .bearer_auth(reviewer)
        .json(&serde_json::json!({"decision": "adopt", "comment": "",
            "scores": {"truthfulness": 4, "relevance": 4, "completeness": 4, "timeliness": 4, "value": 4}}))
        .send()
        .await?
        .error_for_status()?;
    Ok(id)
}

fn serve(data: &Path, sample: &[String]) -> anyhow::Result<()> {
    let started = Instant::now();
    let (server, base) = start(&["--data-dir".as_ref(), data.as_os_str()], &[])?;
    let pid = server.0.id();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async {
        let http = reqwest::Client::new();
        wait_healthy(&http, &base, started).await?;
        let startup = started.elapsed().as_secs_f64();
        let rss_idle = rss_kib(pid, "VmRSS:");
        let rss_idle_anon = rss_kib(pid, "RssAnon:");
        let viewer = login(&http, &base, common::VIEWER, common::PASSWORD).await?;
        let author = login(&http, &base, "E0001", common::PASSWORD).await?;
        let reviewer = login(&http, &base, common::REVIEWER, common::PASSWORD).await?;

        // Search over HTTP: snippets, views, facets, visibility.
        let mut ms = Vec::new();
        for q in sample {
            let t = Instant::now();
            http.get(format!("{base}/api/v1/search"))
                .query(&[("q", q.as_str()), ("per_page", "20")])
                .bearer_auth(&viewer)
                .send()
                .await?
                .error_for_status()?
                .bytes()
                .await?;
            ms.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        let http_latency = summarise(ms);
        let rss_busy = rss_kib(pid, "VmRSS:");
        let rss_busy_anon = rss_kib(pid, "RssAnon:");
        let hwm = rss_kib(pid, "VmHWM:");

        // Submit, adopt, and wait until the viewer finds it.
        let mut visible = Vec::new();
        for n in 0..10 {
            let token = format!("zkprobe{n}x{}", std::process::id());
            let adopted = Instant::now();
            submit_and_adopt(&http, &base, &author, &reviewer, 1, &format!("装维时效投诉 {token}")).await?;
            loop {
                let found: serde_json::Value = http
                    .get(format!("{base}/api/v1/search"))
                    .query(&[("q", token.as_str())])
                    .bearer_auth(&viewer)
                    .send()
                    .await?
                    .json()
                    .await?;
                if found["total"].as_u64() == Some(1) {
                    break;
                }
                anyhow::ensure!(adopted.elapsed() < Duration::from_secs(30), "adopted entry never searchable");
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            visible.push(adopted.elapsed().as_secs_f64() * 1000.0);
        }
        let visible = summarise(visible);

        println!("| `zhiku serve` start-up until /healthz answers | {startup:.2} s |");
        println!(
            "| resident memory (VmRSS) idle / after the searches / peak (VmHWM) | {:.0} / {:.0} / {:.0} MB |",
            rss_idle as f64 / 1024.0,
            rss_busy as f64 / 1024.0,
            hwm as f64 / 1024.0
        );
        println!(
            "| of which anonymous (RssAnon: heap, not the mapped index and database) idle / after the searches | {:.0} / {:.0} MB |",
            rss_idle_anon as f64 / 1024.0,
            rss_busy_anon as f64 / 1024.0
        );
        println!(
            "| search over HTTP, top 20 with snippets (sequential) | p50 {:.2} ms, p99 {:.2} ms |",
            http_latency.p50, http_latency.p99
        );
        println!(
            "| submit + adopt → searchable over HTTP (10 entries) | p50 {:.0} ms, max {:.0} ms |",
            visible.p50,
            visible.p99
        );
        anyhow::Ok(())
    })?;

    if cfg!(debug_assertions) || Command::new("wrk").arg("--version").output().is_err() {
        println!("(throughput skipped: smoke run or no wrk)");
        return Ok(());
    }
    let token = runtime.block_on(login(&reqwest::Client::new(), &base, common::VIEWER, common::PASSWORD))?;
    let hello = hello_world()?;
    // The search row cycles through every sampled query (a wrk Lua script),
    // common words and rare ones alike.
    let encode = |q: &str| q.bytes().map(|b| format!("%{b:02X}")).collect::<String>();
    let script = data.with_file_name("search-rotation.lua");
    let paths: Vec<String> =
        sample.iter().map(|q| format!("  \"/api/v1/search?q={}&per_page=20\",", encode(q))).collect();
    std::fs::write(
        &script,
        format!(
            "local paths = {{\n{}\n}}\nlocal i = 0\nrequest = function()\n  i = i % #paths + 1\n  return wrk.format(\"GET\", paths[i])\nend\n",
            paths.join("\n")
        ),
    )?;
    for (label, url, auth, lua) in [
        ("bare actix-web hello world (same machine, 2 workers)", hello, false, None),
        ("`/healthz` (our middleware, no database)", format!("{base}/healthz"), false, None),
        ("`GET /api/v1/me` (authenticated read)", format!("{base}/api/v1/me"), true, None),
        (
            "`GET /api/v1/search` (the sampled queries in turn, snippets and facets)",
            base.clone(),
            true,
            Some(&script),
        ),
    ] {
        let mut wrk = Command::new("wrk");
        wrk.args(["-t2", "-c32", "-d10s", "--latency"]);
        if auth {
            wrk.args(["-H", &format!("Authorization: Bearer {token}")]);
        }
        if let Some(lua) = lua {
            wrk.arg("-s").arg(lua);
        }
        let output = wrk.arg(url).output()?;
        let text = String::from_utf8_lossy(&output.stdout);
        let rate = text.lines().find(|l| l.starts_with("Requests/sec")).unwrap_or("").trim().to_owned();
        let p99 = text.lines().find(|l| l.trim_start().starts_with("99%")).unwrap_or("").trim().to_owned();
        let non2xx = text.lines().find(|l| l.contains("Non-2xx")).unwrap_or("").trim().to_owned();
        println!(
            "| throughput {label}, wrk 2 threads 32 connections 10 s | {rate}, latency {p99} {non2xx} |"
        );
    }
    drop(server);
    Ok(())
}

/// A bare actix-web hello world on a free loopback port, in a thread of this process.
fn hello_world() -> anyhow::Result<String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let url = format!("http://{}/", listener.local_addr()?);
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let server = actix_web::HttpServer::new(|| {
                actix_web::App::new().route("/", actix_web::web::get().to(|| async { "Hello world!" }))
            })
            .workers(2)
            .listen(listener)?
            .run();
            server.await
        })
    });
    Ok(url)
}

/// Submit-and-adopt throughput over HTTP on SQLite, then on PostgreSQL when reachable.
fn write_throughputs(dir: &Path, seconds: u64) -> anyhow::Result<()> {
    write_throughput("SQLite", &dir.join("write-sqlite"), None, seconds)?;
    match bench_pg_database("write") {
        Ok((url, drop_db)) => {
            let result = write_throughput("PostgreSQL", &dir.join("write-pg"), Some(&url), seconds);
            drop_db()?;
            result
        }
        Err(error) => {
            println!("PostgreSQL write throughput skipped: {error:#}");
            Ok(())
        }
    }
}

/// Submit-and-adopt pairs over HTTP by 8 concurrent clients for `seconds`,
/// against a fresh `zhiku serve --demo` on SQLite or (with `database`) PostgreSQL.
fn write_throughput(label: &str, data: &Path, database: Option<&str>, seconds: u64) -> anyhow::Result<()> {
    std::fs::create_dir_all(data)?;
    let mut args = vec!["--data-dir".as_ref(), data.as_os_str()];
    if let Some(url) = database {
        args.push("--database-url".as_ref());
        args.push(url.as_ref());
    }
    let started = Instant::now();
    let (server, base) = start(&args, &["--demo"])?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    runtime.block_on(async {
        let http = reqwest::Client::new();
        wait_healthy(&http, &base, started).await?;
        let password = zhiku::demo::DEMO_PASSWORD;
        let author = login(&http, &base, "E001", password).await?;
        let reviewer = login(&http, &base, "R001", password).await?;
        let workers = 8;
        let deadline = Instant::now() + Duration::from_secs(seconds);
        let began = Instant::now();
        let mut tasks = Vec::new();
        for worker in 0..workers {
            let (http, base, author, reviewer) = (http.clone(), base.clone(), author.clone(), reviewer.clone());
            tasks.push(tokio::spawn(async move {
                let mut ms = Vec::new();
                while Instant::now() < deadline {
                    let t = Instant::now();
                    let title = format!("装维投诉 压测{worker}-{}", ms.len());
                    submit_and_adopt(&http, &base, &author, &reviewer, 1 + worker as i64, &title).await?;
                    ms.push(t.elapsed().as_secs_f64() * 1000.0);
                }
                anyhow::Ok(ms)
            }));
        }
        let mut ms = Vec::new();
        for task in tasks {
            ms.extend(task.await??);
        }
        let elapsed = began.elapsed().as_secs_f64();
        let pairs = ms.len();
        let latency = summarise(ms);
        println!(
            "| submit + adopt over HTTP, {label}, {workers} concurrent clients | {:.0} entries/s ({:.0} requests/s); pair p50 {:.1} ms, p99 {:.1} ms, max {:.0} ms |",
            pairs as f64 / elapsed,
            2.0 * pairs as f64 / elapsed,
            latency.p50,
            latency.p99,
            latency.max
        );
        anyhow::Ok(())
    })?;
    drop(server);
    Ok(())
}
