//! A branch after three years of use, written straight into a migrated
//! database with set-based SQL (`INSERT … SELECT` over a recursive counter,
//! which SQLite and PostgreSQL both accept): 40 departments, 2,000 people in
//! every role, 20,000 clients with tags and contacts, ENTRIES entries in every
//! status (texts, template values and clients from the record generator),
//! their reviews, usages with outcomes, the points ledger, notifications,
//! mail, follows, visits, tasks, reminders, audit rows and search misses.
//!
//! Everything derives from arithmetic on row numbers: the same ENTRIES always
//! give the same world. Ids are explicit where later rows refer to them.

use std::collections::{BTreeSet, HashMap};
use std::time::Instant;

use chrono::{Duration, NaiveDateTime, Utc};
use diesel::connection::SimpleConnection;
use zhiku::auth::password::{Password, Passwords};
use zhiku::categories::template;
use zhiku::db::DbConn;

use super::{Generator, PASSWORD};

pub const DEPARTMENTS: i64 = 40;
pub const USERS: i64 = 2_000;
/// Users 1–3 administer, 4–23 review, 24–43 market; 44–83 head a department
/// each (and manage accounts), 84–1200 manage accounts, the rest are employees.
pub const ADMINS: (i64, i64) = (1, 3);
pub const REVIEWERS: (i64, i64) = (4, 23);
pub const MARKETERS: (i64, i64) = (24, 43);
pub const HEADS: (i64, i64) = (44, 83);
pub const MANAGERS: (i64, i64) = (44, 1200);
pub const EMPLOYEES: (i64, i64) = (1201, USERS);
/// Entries are written over this many days, the newest four days ago.
const SPAN_DAYS: i64 = 3 * 365;
/// At most this many distinct generated texts; entries reuse them in turn.
const MAX_TEMPLATES: usize = 100_000;

/// The employee number of user `id` (`U100001` …), the login of the benchmark.
pub fn employee_no(id: i64) -> String {
    format!("U{}", 100_000 + id)
}

/// What the benchmark needs to know about the world it built.
pub struct World {
    pub entries: i64,
    pub clients: i64,
    /// Texts the entries were cut from (for sampling search queries).
    pub texts: Vec<String>,
    pub tags: Vec<String>,
}

/// SQL that differs between the backends.
struct Dialect {
    pg: bool,
    /// The start of the history, `'YYYY-MM-DD HH:MM:SS'`.
    base: String,
    now: String,
}

impl Dialect {
    /// The timestamp `secs` seconds after the start.
    fn at(&self, secs: &str) -> String {
        if self.pg {
            format!("(TIMESTAMP '{}' + ({secs}) * INTERVAL '1 second')", self.base)
        } else {
            format!("datetime('{}', ({secs}) || ' seconds')", self.base)
        }
    }

    /// Timestamp column `column` moved by `secs` seconds, never past now.
    fn after(&self, column: &str, secs: &str) -> String {
        if self.pg {
            format!("LEAST({column} + ({secs}) * INTERVAL '1 second', TIMESTAMP '{}')", self.now)
        } else {
            format!("min(datetime({column}, ({secs}) || ' seconds'), '{}')", self.now)
        }
    }

    /// The date `days` days from today (negative: ago).
    fn day(&self, days: &str) -> String {
        let today = &self.now[..10];
        if self.pg {
            format!("(DATE '{today}' + CAST(({days}) AS INTEGER))")
        } else {
            format!("date('{today}', ({days}) || ' days')")
        }
    }

    /// Date column `column` moved by `days`.
    fn day_after(&self, column: &str, days: &str) -> String {
        if self.pg {
            format!("({column} + CAST(({days}) AS INTEGER))")
        } else {
            format!("date({column}, ({days}) || ' days')")
        }
    }

    /// `WITH RECURSIVE n(i)` counting 1..=`to` (BIGINT, so products of row
    /// numbers do not overflow on PostgreSQL).
    fn counter(&self, to: i64) -> String {
        format!(
            "WITH RECURSIVE n(i) AS (SELECT CAST(1 AS BIGINT) UNION ALL SELECT i + 1 FROM n WHERE i < {to})"
        )
    }
}

fn text(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn opt_text(s: Option<&str>) -> String {
    s.map_or_else(|| "NULL".to_owned(), text)
}

/// Runs `sql`, printing how long `what` took.
fn step(conn: &mut DbConn, what: &str, sql: &str) -> anyhow::Result<()> {
    let started = Instant::now();
    conn.batch_execute(sql).map_err(|e| anyhow::anyhow!("{what}: {e}"))?;
    println!("  {what}: {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// `INSERT INTO head VALUES (…), (…)` in chunks of 500 rows.
fn insert_rows(conn: &mut DbConn, what: &str, head: &str, rows: &[String]) -> anyhow::Result<()> {
    let started = Instant::now();
    for chunk in rows.chunks(500) {
        conn.batch_execute(&format!("{head} VALUES {}", chunk.join(",")))
            .map_err(|e| anyhow::anyhow!("{what}: {e}"))?;
    }
    println!("  {what}: {} rows in {:.1} s", rows.len(), started.elapsed().as_secs_f64());
    Ok(())
}

const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴孔汤";
const GIVEN: &str = "建国志强秀英海燕明辉丽华卫东晓峰春梅德胜玉兰永红文杰小军桂芳红霞立新俊杰海涛雪梅";
const AREAS: [&str; 10] = ["镜湖", "鸠江", "弋江", "三山", "湾沚", "繁昌", "南陵", "无为", "江北", "城东"];

/// Fills the migrated, empty database behind `conn` with about `entries` entries.
pub fn build(conn: &mut DbConn, entries: i64) -> anyhow::Result<World> {
    let pg = matches!(conn, DbConn::Pg(_));
    let now = Utc::now().naive_utc();
    let fmt = |t: NaiveDateTime| t.format("%Y-%m-%d %H:%M:%S").to_string();
    let d = Dialect { pg, base: fmt(now - Duration::days(SPAN_DAYS + 4)), now: fmt(now) };
    let n = entries;
    let span = SPAN_DAYS * 86_400;
    let started = Instant::now();
    if !pg {
        conn.batch_execute("PRAGMA synchronous = OFF")?;
    }

    // People.
    let mut departments = Vec::new();
    for k in 0..DEPARTMENTS {
        let (unit, kind) = match k {
            0..30 => (["政企客户部", "行业拓展部", "个人客户部"][(k / 10) as usize], "frontline"),
            30..34 => ("信息收集组", "collection"),
            34..37 => ("信息管理部", "management"),
            _ => ("市场经营部", "usage"),
        };
        let name = format!(
            "{}{unit}{}",
            AREAS[(k % 10) as usize],
            if k >= 30 { format!("{}", k - 29) } else { String::new() }
        );
        departments.push(format!("({}, {}, '{kind}', {})", k + 1, text(&name), d.at("0")));
    }
    insert_rows(conn, "departments", "INSERT INTO departments (id, name, kind, created_at)", &departments)?;
    let hash = Passwords::new().hash(&Password::parse(PASSWORD).map_err(anyhow::Error::msg)?);
    let role = |(from, to): (i64, i64)| format!("i BETWEEN {from} AND {to}");
    step(
        conn,
        "users",
        &format!(
            "{counter}
             INSERT INTO users (id, employee_no, real_name, email, department_id, roles, password_hash, is_active,
                 created_at, updated_at)
             SELECT i, 'U' || CAST(100000 + i AS TEXT),
                 substr('{SURNAMES}', 1 + CAST(i % 100 AS INTEGER), 1) || substr('{GIVEN}', 1 + CAST((i * 7) % 40 AS INTEGER), 2),
                 'u' || CAST(100000 + i AS TEXT) || '@bench.example',
                 CASE WHEN {admin} THEN 37 WHEN {reviewer} THEN 35 + i % 3 WHEN {marketer} THEN 38 + i % 3
                      WHEN {head} THEN i - {head0} + 1 WHEN {manager} THEN 1 + i % 30 ELSE 1 + i % 34 END,
                 CASE WHEN {admin} THEN 'employee,admin' WHEN {reviewer} THEN 'employee,reviewer'
                      WHEN {marketer} THEN 'employee,marketer' WHEN {head} THEN 'employee,account_manager,department_head'
                      WHEN {manager} THEN 'employee,account_manager' ELSE 'employee' END,
                 {hash}, i % 97 <> 0 OR {staff}, {created}, {created}
             FROM n",
            counter = d.counter(USERS),
            admin = role(ADMINS),
            reviewer = role(REVIEWERS),
            marketer = role(MARKETERS),
            head = role(HEADS),
            head0 = HEADS.0,
            manager = role(MANAGERS),
            hash = text(&hash),
            staff = role((ADMINS.0, HEADS.1)),
            created = d.at("(i % 300) * 86400"),
        ),
    )?;

    // Clients, from the generator (names, kinds, industries, regions, tags).
    let mut generator = Generator::new(2026, (n as usize * 4 / 5).max(8_000));
    let clients = generator.clients();
    let client_count = clients.len() as i64;
    let managers = MANAGERS.1 - MANAGERS.0 + 1;
    let mut ids: HashMap<(&str, String), i64> = HashMap::new();
    let (mut groups, mut people) = (Vec::new(), Vec::new());
    let mut tag_rows = Vec::new();
    let mut tags = BTreeSet::new();
    let group_ids: Vec<i64> =
        clients.iter().enumerate().filter(|(_, c)| c.kind == "group").map(|(i, _)| i as i64 + 1).collect();
    for (k, c) in clients.iter().enumerate() {
        let id = k as i64 + 1;
        ids.insert((c.kind, c.name.clone()), id);
        let (pinyin, initials) = zhiku::clients::pinyin::keys(&c.name);
        let owner =
            if id % 20 == 7 { "NULL".to_owned() } else { (MANAGERS.0 + (id * 7919) % managers).to_string() };
        let parent = match (c.kind, id % 3) {
            ("individual", 0) if !group_ids.is_empty() => {
                group_ids[(id as usize * 31) % group_ids.len()].to_string()
            }
            _ => "NULL".to_owned(),
        };
        let tier = match id % 25 {
            0 => "S",
            5 | 10 | 15 | 20 => "A",
            x if x % 2 == 0 => "B",
            _ => "C",
        };
        let status = match (id % 20, id % 50) {
            (0, _) => "at_risk",
            (_, 1) => "lost",
            (3, _) => "prospect",
            _ => "active",
        };
        let row = format!(
            "({id}, '{}', {}, {}, {}, '', {}, {}, '{tier}', '{status}', {owner}, {parent}, {}, {}, {})",
            c.kind,
            text(&c.name),
            text(&pinyin),
            text(&initials),
            opt_text(c.industry.as_deref()),
            text(&c.region),
            if owner == "NULL" { ADMINS.0.to_string() } else { owner.clone() },
            d.at(&format!("{} * 86400", id % 400)),
            d.at(&format!("{} * 86400", id % 400)),
        );
        if c.kind == "group" {
            groups.push(row)
        } else {
            people.push(row)
        }
        for tag in c.tags.iter().collect::<BTreeSet<_>>() {
            tag_rows.push(format!("({id}, {})", text(tag)));
            tags.insert(tag.clone());
        }
    }
    let head =
        "INSERT INTO clients (id, kind, name, pinyin, initials, aliases, industry, region, tier, status, \
                owner_id, parent_id, created_by, created_at, updated_at)";
    groups.extend(people);
    insert_rows(conn, "clients", head, &groups)?;
    insert_rows(conn, "client tags", "INSERT INTO client_tags (client_id, tag)", &tag_rows)?;
    step(
        conn,
        "contacts",
        &format!(
            "INSERT INTO contacts (client_id, name, title, is_decision_maker, phone, notes, created_by, created_at, updated_at)
             SELECT id, substr('{SURNAMES}', 1 + CAST(id % 100 AS INTEGER), 1) || '总', '总经理', TRUE,
                 '139' || CAST(10000000 + id AS TEXT), '', created_by, created_at, created_at
             FROM clients WHERE kind = 'group';
             INSERT INTO contacts (client_id, name, title, is_decision_maker, phone, notes, created_by, created_at, updated_at)
             SELECT id, substr('{SURNAMES}', 1 + CAST((id * 7) % 100 AS INTEGER), 1) || '主任', '信息中心主任', FALSE,
                 '138' || CAST(10000000 + id AS TEXT), '负责网络与信息化', created_by, created_at, created_at
             FROM clients WHERE kind = 'group' AND id % 2 = 0;"
        ),
    )?;

    // The texts entries are cut from: generated records on known clients.
    let templates = (n as usize).clamp(1, MAX_TEMPLATES);
    let categories = zhiku::categories::store::list(conn)?;
    let mut rows = Vec::with_capacity(templates);
    let mut texts = Vec::with_capacity(templates);
    for t in 1..=templates {
        let g = generator.next_record();
        let record: serde_json::Value = serde_json::from_str(&g.line)?;
        let kind = if record["client"]["kind"] == "group" { "group" } else { "individual" };
        let name = record["client"]["name"].as_str().unwrap_or_default().to_owned();
        let client = ids.get(&(kind, name)).copied().unwrap_or(1);
        let values = record["fields"].as_object().cloned().unwrap_or_default();
        let category = categories
            .iter()
            .find(|c| c.key == g.category)
            .ok_or_else(|| anyhow::anyhow!("no category {}", g.category))?;
        rows.push(format!(
            "({t}, {client}, '{}', {}, {}, {}, '{}', {}, {})",
            g.category,
            text(record["title"].as_str().unwrap_or_default()),
            text(record["body"].as_str().unwrap_or_default()),
            text(&serde_json::Value::Object(values.clone()).to_string()),
            record["source"].as_str().unwrap_or("public"),
            template::completeness(&category.fields, &values),
            text(&serde_json::to_string(&template::sensitive_keys(&category.fields))?),
        ));
        texts.push(g.searchable);
    }
    conn.batch_execute(
        "CREATE TABLE bench_templates (t BIGINT PRIMARY KEY, client_id BIGINT NOT NULL, category TEXT NOT NULL,
             title TEXT NOT NULL, body TEXT NOT NULL, fields TEXT NOT NULL, source TEXT NOT NULL,
             completeness DOUBLE PRECISION NOT NULL, sensitive_keys TEXT NOT NULL)",
    )?;
    insert_rows(
        conn,
        "entry texts",
        "INSERT INTO bench_templates (t, client_id, category, title, body, fields, source, completeness, sensitive_keys)",
        &rows,
    )?;
    drop(rows);

    // Entries: mostly adopted; the newest 1 % half waiting for review; every
    // 40th superseded by an adopted second revision (the next id); ~2 % are
    // market-wide competitor notes with no client.
    let people = USERS - HEADS.0 + 1;
    step(
        conn,
        "entries",
        &format!(
            "{counter},
             s AS (
               SELECT i,
                 (((CASE WHEN i % 40 = 11 THEN i - 1 ELSE i END) * 7919) % {templates}) + 1 AS t,
                 CASE WHEN i % 40 = 10 THEN 'superseded'
                      WHEN i % 40 = 11 THEN 'adopted'
                      WHEN i % 500 = 3 THEN 'draft'
                      WHEN i > {n} - {n} / 100 AND i % 2 = 0 THEN 'submitted'
                      WHEN i > {n} - {n} / 50 AND i % 10 = 1 THEN 'needs_revision'
                      WHEN i % 25 = 5 THEN 'rejected'
                      WHEN i % 200 = 7 THEN 'duplicate'
                      WHEN i % 1000 = 13 THEN 'retracted'
                      ELSE 'adopted' END AS status,
                 i * {span} / {n} + (i * 7919) % 3600 AS at,
                 i * {span} / {n} + (i * 7919) % 3600 + (1 + (i * 13) % 72) * 3600 AS decided
               FROM n)
             INSERT INTO intel (id, client_id, category, author_id, title, body, fields, source, observed_at,
                 completeness, status, revision, supersedes_id, duplicate_of, quality, created_at, updated_at,
                 submitted_at, decided_at, adopted_at, verified_at, imported, sensitive_keys, urgent)
             SELECT s.i,
                 CASE WHEN b.category = 'competitor' AND s.i % 7 = 0 THEN NULL ELSE b.client_id END,
                 b.category,
                 CASE WHEN s.i % 5 < 3 AND c.owner_id IS NOT NULL THEN c.owner_id
                      ELSE {first} + (s.i * 104729) % {people} END,
                 b.title, b.body, b.fields, b.source, {observed}, b.completeness, s.status,
                 CASE WHEN s.i % 40 = 11 THEN 2 ELSE 1 END,
                 CASE WHEN s.i % 40 = 11 THEN s.i - 1 END,
                 CASE WHEN s.status = 'duplicate' THEN s.i - 1 END,
                 CASE WHEN s.status IN ('adopted', 'superseded', 'retracted')
                      THEN (3 + s.i % 3 + 2 + (s.i / 3) % 4 + 3 + (s.i / 7) % 3 + 3 + (s.i / 11) % 3 + 2 + (s.i / 13) % 4) / 5.0 END,
                 {created},
                 CASE WHEN s.status IN ('draft', 'submitted') THEN {submitted} ELSE {decided} END,
                 CASE WHEN s.status = 'draft' THEN NULL ELSE {submitted} END,
                 CASE WHEN s.status IN ('draft', 'submitted') THEN NULL ELSE {decided} END,
                 CASE WHEN s.status IN ('adopted', 'superseded', 'retracted') THEN {decided} END,
                 CASE WHEN s.status = 'adopted' AND s.i % 17 = 0 THEN {verified} END,
                 FALSE, b.sensitive_keys, s.i % 97 = 0
             FROM s JOIN bench_templates b ON b.t = s.t JOIN clients c ON c.id = b.client_id",
            counter = d.counter(n),
            first = HEADS.0,
            observed = d.at("s.at - ((s.i * 37) % 30) * 86400"),
            created = d.at("s.at - 3600"),
            submitted = d.at("s.at"),
            decided = d.at("s.decided"),
            verified = d.at(&format!("CASE WHEN s.decided + 30 * 86400 < {span} THEN s.decided + 30 * 86400 ELSE s.decided END")),
        ),
    )?;
    step(
        conn,
        "entry clients",
        "INSERT INTO intel_clients (intel_id, client_id) SELECT id, client_id FROM intel WHERE client_id IS NOT NULL;
         DROP TABLE bench_templates;",
    )?;

    // Reviews: one per decision, by one of the 20 reviewers.
    step(
        conn,
        "reviews",
        &format!(
            "INSERT INTO reviews (intel_id, revision, reviewer_id, author_id, decision, truthfulness, relevance,
                 completeness, timeliness, value, mean_score, comment, duplicate_of, created_at)
             SELECT id, revision, {r0} + id % 20, author_id,
                 CASE status WHEN 'rejected' THEN 'reject' WHEN 'duplicate' THEN 'duplicate'
                      WHEN 'needs_revision' THEN 'revise' ELSE 'adopt' END,
                 CASE WHEN status IN ('adopted', 'superseded', 'retracted') THEN 3 + id % 3 WHEN status = 'rejected' THEN 1 + id % 2 END,
                 CASE WHEN status IN ('adopted', 'superseded', 'retracted') THEN 2 + (id / 3) % 4 WHEN status = 'rejected' THEN 2 END,
                 CASE WHEN status IN ('adopted', 'superseded', 'retracted') THEN 3 + (id / 7) % 3 WHEN status = 'rejected' THEN 2 END,
                 CASE WHEN status IN ('adopted', 'superseded', 'retracted') THEN 3 + (id / 11) % 3 WHEN status = 'rejected' THEN 1 END,
                 CASE WHEN status IN ('adopted', 'superseded', 'retracted') THEN 2 + (id / 13) % 4 WHEN status = 'rejected' THEN 1 END,
                 CASE WHEN status IN ('adopted', 'superseded', 'retracted') THEN quality
                      WHEN status = 'rejected' THEN (1 + id % 2 + 6) / 5.0 END,
                 CASE status WHEN 'rejected' THEN '信息无法核实' WHEN 'needs_revision' THEN '请补充合同到期日' ELSE '' END,
                 duplicate_of, decided_at
             FROM intel WHERE decided_at IS NOT NULL",
            r0 = REVIEWERS.0,
        ),
    )?;

    // Usages: a third of the adopted entries used once by an account
    // manager, every 30th twice; outcomes won, lost or still pending.
    let usage = |extra: &str, who: &str, filter: &str| {
        format!(
            "INSERT INTO usages (intel_id, user_id, purpose, outcome, note, created_at, updated_at)
             SELECT id, {who},
                 CASE id % 5 WHEN 0 THEN 'visit' WHEN 1 THEN 'campaign' WHEN 2 THEN 'solution' WHEN 3 THEN 'retention' ELSE 'other' END,
                 CASE WHEN id % 7 IN (0, 1) THEN 'won' WHEN id % 7 = 2 THEN 'lost' ELSE 'pending' END,
                 '', {at}, {at}
             FROM intel WHERE status = 'adopted' AND {filter};",
            at = d.after("adopted_at", &format!("((id{extra}) % 40) * 86400 + 3600")),
        )
    };
    step(
        conn,
        "usages",
        &(usage("", &format!("{} + (id * 7) % {managers}", MANAGERS.0), "id % 3 = 0")
            + &usage(" + 17", &format!("{} + (id * 11) % {managers}", MANAGERS.0), "id % 30 = 0")),
    )?;

    // The points ledger: adoption (base points of the category), private
    // source, reviews, usages, wins, retractions and a few adjustments.
    step(
        conn,
        "points ledger",
        &format!(
            "INSERT INTO point_entries (user_id, delta, reason, intel_id, rule_version, idempotency_key, note, created_at)
             SELECT i.author_id, c.base_points, CASE WHEN i.revision > 1 THEN 'revision_adopted' ELSE 'adopted' END,
                 i.id, 1, 'adopt:' || CAST(i.id AS TEXT), '', i.adopted_at
             FROM intel i JOIN categories c ON c.key = i.category WHERE i.adopted_at IS NOT NULL;
             INSERT INTO point_entries (user_id, delta, reason, intel_id, rule_version, idempotency_key, note, created_at)
             SELECT author_id, 3, 'private_source', id, 1, 'private:' || CAST(id AS TEXT), '', adopted_at
             FROM intel WHERE adopted_at IS NOT NULL AND source = 'private';
             INSERT INTO point_entries (user_id, delta, reason, intel_id, rule_version, idempotency_key, note, created_at)
             SELECT reviewer_id, 1, 'review', intel_id, 1, 'review:' || CAST(id AS TEXT), '', created_at FROM reviews;
             INSERT INTO point_entries (user_id, delta, reason, intel_id, usage_id, rule_version, idempotency_key, note, created_at)
             SELECT i.author_id, 2, 'usage', u.intel_id, u.id, 1, 'usage:' || CAST(u.id AS TEXT), '', u.created_at
             FROM usages u JOIN intel i ON i.id = u.intel_id;
             INSERT INTO point_entries (user_id, delta, reason, intel_id, usage_id, rule_version, idempotency_key, note, created_at)
             SELECT user_id, 10, 'usage_won', intel_id, id, 1, 'won:' || CAST(id AS TEXT), '', updated_at
             FROM usages WHERE outcome = 'won';
             INSERT INTO point_entries (user_id, delta, reason, intel_id, rule_version, idempotency_key, note, created_at)
             SELECT author_id, -5, 'retracted', id, 1, 'retract:' || CAST(id AS TEXT), '', decided_at
             FROM intel WHERE status = 'retracted';
             {counter}
             INSERT INTO point_entries (user_id, delta, reason, rule_version, idempotency_key, note, created_by, created_at)
             SELECT {first} + (i * 7) % {managers}, CASE WHEN i % 3 = 0 THEN -3 ELSE 5 END, 'adjustment', 1,
                 'adjustment:bench:' || CAST(i AS TEXT), '季度评比调整', {admin}, {at}
             FROM n;",
            counter = d.counter(200),
            first = MANAGERS.0,
            admin = ADMINS.0,
            at = d.at(&format!("i * {span} / 200")),
        ),
    )?;

    // Notifications (about 200,000 at a million entries), the older ones read,
    // and the mail sent for every tenth.
    let notify = |kind: &str, title: &str, from: &str, filter: &str, user: &str, at: &str| {
        format!(
            "INSERT INTO notifications (user_id, kind, title, body, intel_id, client_id, created_at, read_at)
             SELECT {user}, '{kind}', '{title}', i.title, i.id, i.client_id, {at},
                 CASE WHEN i.id < {recent} OR i.id % 3 = 0 THEN {read} END
             FROM {from} WHERE {filter};",
            recent = n - n / 20,
            read = d.after(at, "7200"),
        )
    };
    step(
        conn,
        "notifications",
        &[
            notify(
                "intel_adopted",
                "你的情报已被采纳",
                "intel i",
                "i.adopted_at IS NOT NULL AND i.id % 5 = 0",
                "i.author_id",
                "i.adopted_at",
            ),
            notify(
                "intel_rejected",
                "你的情报未被采纳",
                "intel i",
                "i.status = 'rejected' AND i.id % 2 = 0",
                "i.author_id",
                "i.decided_at",
            ),
            notify(
                "intel_returned",
                "你的情报需要补充",
                "intel i",
                "i.status = 'needs_revision'",
                "i.author_id",
                "i.decided_at",
            ),
            notify(
                "intel_used",
                "你的情报被使用",
                "usages u JOIN intel i ON i.id = u.intel_id",
                "u.id % 10 = 0",
                "i.author_id",
                "u.created_at",
            ),
            notify(
                "intel_submitted_for_my_client",
                "你的客户有新情报",
                "intel i JOIN clients c ON c.id = i.client_id",
                "i.status = 'submitted' AND c.owner_id IS NOT NULL",
                "c.owner_id",
                "i.submitted_at",
            ),
        ]
        .concat(),
    )?;
    step(
        conn,
        "mail",
        &format!(
            "INSERT INTO mail_outbox (user_id, recipient, kind, subject, notification_id, payload, status, attempts,
                 next_attempt_at, last_error, created_at, sent_at)
             SELECT x.user_id, u.email, x.kind, x.title, x.id, '',
                 CASE WHEN x.id % 100 = 0 THEN 'failed' ELSE 'sent' END, CASE WHEN x.id % 100 = 0 THEN 10 ELSE 1 END,
                 x.created_at, CASE WHEN x.id % 100 = 0 THEN '550 mailbox unavailable' END, x.created_at,
                 CASE WHEN x.id % 100 = 0 THEN NULL ELSE {sent} END
             FROM notifications x JOIN users u ON u.id = x.user_id WHERE x.id % 10 = 0",
            sent = d.after("x.created_at", "30"),
        ),
    )?;

    // Account managers' loop: follows, visits, tasks, reminders.
    let mut follows = Vec::new();
    let tags: Vec<String> = tags.into_iter().collect();
    for user in MANAGERS.0..=MANAGERS.1 {
        let client = (user * 13) % client_count + 1;
        follows.push(format!(
            "({user}, 'client', '{client}', 'immediate', {})",
            d.at(&format!("{} * 86400", user % 900))
        ));
        if user % 2 == 0 && !tags.is_empty() {
            let tag = &tags[(user as usize * 7) % tags.len()];
            follows.push(format!("({user}, 'tag', {}, 'daily', {})", text(tag), d.at("86400")));
        }
        if user % 5 == 0 {
            follows.push(format!("({user}, 'competitor', '中国电信', 'immediate', {})", d.at("86400")));
        }
    }
    insert_rows(
        conn,
        "follows",
        "INSERT INTO follows (user_id, target, value, delivery, created_at)",
        &follows,
    )?;
    let visits = client_count * 2;
    step(
        conn,
        "visits, tasks, reminders",
        &format!(
            "{counter}
             INSERT INTO visits (client_id, author_id, visited_on, contact_ids, purpose, summary, created_at)
             SELECT c.id, c.owner_id, {visited}, '[]', CASE n.i % 3 WHEN 0 THEN '例行拜访' WHEN 1 THEN '方案交流' ELSE '合同续签' END,
                 '与客户交流了近期业务需求，约定下次提交方案。', {created}
             FROM n JOIN clients c ON c.id = (n.i * 7919) % {client_count} + 1 WHERE c.owner_id IS NOT NULL;
             INSERT INTO tasks (visit_id, client_id, title, due_on, assignee_id, status, result, created_by, created_at, done_at)
             SELECT id, client_id, '提交方案并跟进', {due}, author_id,
                 CASE WHEN id % 8 = 0 THEN 'open' ELSE 'done' END, CASE WHEN id % 8 = 0 THEN '' ELSE '已提交' END,
                 author_id, created_at, CASE WHEN id % 8 = 0 THEN NULL ELSE created_at END
             FROM visits WHERE id % 2 = 0;
             INSERT INTO reminders (user_id, kind, client_id, task_id, field_key, offset_days, due_on, title, status,
                 event_key, created_at, updated_at)
             SELECT assignee_id, 'task', client_id, id, '', 0, due_on, '待办：' || title, 'open',
                 'task:' || CAST(id AS TEXT), created_at, created_at
             FROM tasks WHERE status = 'open';
             INSERT INTO reminders (user_id, kind, client_id, intel_id, field_key, fact_on, offset_days, due_on, title,
                 status, event_key, created_at, updated_at)
             SELECT c.owner_id, 'fact', i.client_id, i.id, 'contract_end', {fact_on}, 30, {fact_due},
                 '合同到期：' || c.name, CASE WHEN i.id % 3 = 0 THEN 'done' ELSE 'open' END,
                 'fact:' || CAST(i.id AS TEXT) || ':contract_end:30', i.adopted_at, i.adopted_at
             FROM intel i JOIN clients c ON c.id = i.client_id
             WHERE i.category = 'business' AND i.status = 'adopted' AND i.id > {recent} AND i.id % 4 = 0
               AND c.owner_id IS NOT NULL;",
            counter = d.counter(visits),
            visited = d.day(&format!("-((n.i * 37) % {SPAN_DAYS})")),
            created = d.at(&format!("{span} - ((n.i * 37) % {SPAN_DAYS}) * 86400")),
            due = d.day_after("visited_on", "14"),
            fact_on = d.day("30 + i.id % 300"),
            fact_due = d.day("i.id % 300"),
            recent = n - n / 10,
        ),
    )?;

    // Administration: audit rows, searches that found nothing.
    step(
        conn,
        "audit, search misses",
        &format!(
            "{counter}
             INSERT INTO audit_events (actor_id, action, target_type, target_id, detail, created_at)
             SELECT CASE WHEN i % 10 = 0 THEN {admin} ELSE {first} + (i * 7) % {managers} END,
                 CASE WHEN i % 10 = 0 THEN 'user.update' WHEN i % 10 = 1 THEN 'export.cluster' ELSE 'sensitive.read' END,
                 CASE WHEN i % 10 = 0 THEN 'user' ELSE 'intel' END, (i * 7919) % {n} + 1, '{{}}', {at}
             FROM n;
             {counter_misses}
             INSERT INTO search_misses (user_id, query, filters, created_at)
             SELECT {first} + (i * 13) % {managers}, '查无此词' || CAST(i % 500 AS TEXT), '{{}}', {miss_at} FROM n;",
            counter = d.counter(20_000),
            counter_misses = d.counter(3_000),
            admin = ADMINS.0,
            first = MANAGERS.0,
            at = d.at(&format!("i * {span} / 20000")),
            miss_at = d.at(&format!("i * {span} / 3000")),
        ),
    )?;

    // Rows written around the app: the statistics rollups are rebuilt from them at the next start.
    conn.batch_execute("DELETE FROM rollup_state")?;
    if pg {
        // Explicit ids leave the identity sequences behind.
        for table in ["departments", "users", "clients", "intel"] {
            conn.batch_execute(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            ))?;
        }
        // What autovacuum would have done by the time anyone looks.
        step(conn, "VACUUM ANALYZE", "VACUUM ANALYZE")?;
    } else {
        conn.batch_execute("PRAGMA synchronous = NORMAL; PRAGMA wal_checkpoint(TRUNCATE)")?;
    }
    println!("world of {n} entries built in {:.1} s", started.elapsed().as_secs_f64());
    Ok(World { entries: n, clients: client_count, texts, tags })
}
