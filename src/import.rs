//! `zhiku import`: loads legacy records (one JSON object a line) as adopted
//! entries decided by a named reviewer, rubric 3 everywhere, no points paid.
//! Lines are imported in chunks of one transaction: each line is checked
//! (a bad one is reported and skipped), then the chunk's entries and
//! decisions are stored with one statement a table — should the database
//! refuse any, line by line in savepoints, so only that line is skipped.

use std::collections::HashMap;
use std::io::BufRead;

use anyhow::{bail, Context as _};
use chrono::Utc;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Deserialize;
use serde_json::{Map, Value};

use diesel::Connection;

use crate::auth::extract::CurrentUser;
use crate::auth::policy;
use crate::categories::model::Category;
use crate::clients::model::Client;
use crate::clients::service::{self as clients, ClientError, ClientInput};
use crate::clients::store as client_store;
use crate::db::{write_tx, DbConn, Pool};
use crate::enums::{ClientKind, ClientStatus, Decision, Source};
use crate::error::Fields;
use crate::ids::ClientId;
use crate::intel::model::NewIntel;
use crate::intel::service::{self, parse_observed_at, Content, IntelError};
use crate::intel::store as intel_store;
use crate::review::model::NewReview;
use crate::review::store as reviews;
use crate::users::model::User;
use crate::users::store as users;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClientRecord {
    kind: ClientKind,
    name: String,
    industry: Option<String>,
    region: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct Record {
    client: ClientRecord,
    category: String,
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    fields: Map<String, Value>,
    source: Source,
    observed_at: String,
    author_employee_no: String,
}

/// Lines per transaction.
const CHUNK: usize = 500;

#[derive(Debug, Default)]
pub struct Summary {
    pub imported: u64,
    pub skipped: Vec<(usize, String)>,
}

pub fn import(
    pool: &Pool,
    reader: impl BufRead,
    total_lines: u64,
    reviewer_no: &str,
    progress: bool,
) -> anyhow::Result<Summary> {
    let mut conn = pool.get().context("opening a database connection")?;
    let reviewer = users::find_by_login(&mut conn, reviewer_no)?
        .with_context(|| format!("reviewer {reviewer_no} does not exist"))?;
    if policy::require_reviewer(&reviewer.clone().acting()).is_err() {
        bail!("{reviewer_no} is neither a reviewer nor an admin");
    }
    let bar = if progress { ProgressBar::new(total_lines) } else { ProgressBar::hidden() };
    bar.set_style(
        ProgressStyle::with_template("导入 [{bar:40}] {pos}/{len} 行 {per_sec}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let mut cache = Cache::default();
    let mut summary = Summary::default();
    let mut lines = reader.lines().enumerate().peekable();
    while lines.peek().is_some() {
        // A chunk of lines shares one transaction.
        let chunk: Vec<(usize, std::io::Result<String>)> = lines.by_ref().take(CHUNK).collect();
        write_tx(&mut conn, |conn| {
            let (mut numbers, mut entries): (Vec<usize>, Vec<NewIntel>) = (Vec::new(), Vec::new());
            for (index, line) in chunk {
                let number = index + 1;
                bar.inc(1);
                let line = match line {
                    Ok(line) if line.trim().is_empty() => continue,
                    Ok(line) => line,
                    Err(error) => {
                        summary.skipped.push((number, format!("unreadable line: {error}")));
                        continue;
                    }
                };
                match prepare_line(conn, &reviewer, &mut cache, &line) {
                    Ok(entry) => {
                        numbers.push(number);
                        entries.push(entry);
                    }
                    Err(problem) => summary.skipped.push((number, problem)),
                }
            }
            // The chunk in one statement a table; should the database refuse
            // any of it, line by line so that only that line is skipped.
            match write_tx(conn, |conn| store(conn, &reviewer, &entries)) {
                Ok(stored) => summary.imported += stored as u64,
                Err(_) => {
                    for (number, entry) in numbers.into_iter().zip(&entries) {
                        match write_tx(conn, |conn| store(conn, &reviewer, std::slice::from_ref(entry))) {
                            Ok(stored) => summary.imported += stored as u64,
                            Err(error) => summary.skipped.push((number, problem(error))),
                        }
                    }
                }
            }
            Ok::<(), diesel::result::Error>(())
        })?;
    }
    bar.finish_and_clear();
    crate::db::refresh_statistics(&mut conn, true).context("refreshing the planner's statistics")?;
    Ok(summary)
}

/// What the lines share: authors, categories and clients already looked up.
/// A client enters once its savepoint was released; a chunk whose
/// transaction fails ends the import.
#[derive(Default)]
struct Cache {
    authors: HashMap<String, Option<CurrentUser>>,
    categories: HashMap<String, Category>,
    clients: HashMap<(ClientKind, String), ClientId>,
}

/// A line checked and made into its entry, its author, category and client
/// looked up (a new client is created in a savepoint of its own).
fn prepare_line(
    conn: &mut DbConn,
    reviewer: &User,
    cache: &mut Cache,
    line: &str,
) -> Result<NewIntel, String> {
    let record: Record = serde_json::from_str(line).map_err(|e| format!("invalid record: {e}"))?;
    let author = match cache.authors.get(&record.author_employee_no) {
        Some(found) => found.clone(),
        None => {
            let found = users::find_by_login(conn, &record.author_employee_no)
                .map_err(|e| e.to_string())?
                .map(User::acting);
            cache.authors.insert(record.author_employee_no.clone(), found.clone());
            found
        }
    };
    let author = author.ok_or_else(|| format!("unknown author {}", record.author_employee_no))?;
    if author.id == reviewer.id {
        return Err("the reviewer cannot adopt their own record".into());
    }
    let observed_at = parse_observed_at(&record.observed_at).map_err(|p| format!("observed_at: {p}"))?;
    let title = record.title.trim().to_owned();
    if title.is_empty() || title.chars().count() > 200 {
        return Err("title: must be 1–200 characters".into());
    }
    let category = match cache.categories.get(&record.category) {
        Some(category) => category.clone(),
        None => {
            let category = service::category(conn, &record.category).map_err(problem)?;
            cache.categories.insert(record.category.clone(), category.clone());
            category
        }
    };
    let client_key = (record.client.kind, record.client.name.trim().to_owned());
    let client_id = match cache.clients.get(&client_key) {
        Some(id) => *id,
        None => {
            let id = conn
                .transaction(|conn| find_or_create_client(conn, reviewer, &record.client).map(|c| c.id))
                .map_err(problem)?;
            cache.clients.insert(client_key, id);
            id
        }
    };
    let content =
        Content { title, body: record.body, fields: record.fields, source: record.source, observed_at };
    service::adopted_entry(&author, client_id, &category, content, 3.0, Utc::now().naive_utc())
        .map_err(problem)
}

/// Stores `entries` with the reviewer's decision on each (rubric 3); how many.
fn store(conn: &mut DbConn, reviewer: &User, entries: &[NewIntel]) -> Result<usize, diesel::result::Error> {
    let stored = intel_store::insert_many(conn, entries)?;
    let decisions: Vec<NewReview> = stored
        .iter()
        .map(|entry| NewReview {
            intel_id: entry.id,
            revision: entry.revision,
            reviewer_id: reviewer.id,
            author_id: entry.author_id,
            decision: Decision::Adopt,
            truthfulness: Some(3),
            relevance: Some(3),
            completeness: Some(3),
            timeliness: Some(3),
            value: Some(3),
            mean_score: Some(3.0),
            comment: "历史数据导入".into(),
            duplicate_of: None,
            created_at: entry.created_at,
        })
        .collect();
    reviews::insert_many(conn, &decisions)?;
    let mut business: Vec<ClientId> = stored
        .iter()
        .filter(|e| e.category == crate::categories::model::BUSINESS)
        .filter_map(|e| e.client_id)
        .collect();
    business.sort();
    business.dedup();
    client_store::refresh_contract_ends(conn, &business)?;
    Ok(stored.len())
}

/// Why a line was skipped.
#[derive(Debug, thiserror::Error)]
enum LineError {
    #[error(transparent)]
    Intel(#[from] IntelError),
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// An error as the one line the summary shows for a skipped record.
fn problem(error: impl Into<LineError>) -> String {
    let fields =
        |fields: Fields| fields.into_iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join("; ");
    match error.into() {
        LineError::Intel(IntelError::Invalid(problems))
        | LineError::Client(ClientError::Invalid(problems)) => fields(problems),
        other => other.to_string(),
    }
}

fn find_or_create_client(
    conn: &mut DbConn,
    reviewer: &User,
    record: &ClientRecord,
) -> Result<Client, LineError> {
    let name = record.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(
            ClientError::Invalid(Fields::from([("client.name".into(), "须为 1–100 个字符".into())])).into()
        );
    }
    if let Some(client) = client_store::find_by_name(conn, record.kind, name)? {
        return Ok(client);
    }
    // Old records are kept as they are: long texts are cut, bad tags left out.
    let clean = |v: &Option<String>| {
        v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(|v| v.chars().take(40).collect())
    };
    let mut tags: Vec<String> = record
        .tags
        .iter()
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty() && t.chars().count() <= 20 && !t.contains(','))
        .collect();
    tags.sort();
    tags.dedup();
    let input = ClientInput {
        kind: record.kind,
        name: name.to_owned(),
        industry: clean(&record.industry),
        region: clean(&record.region),
        tier: None,
        status: ClientStatus::Active,
        owner_id: None,
        parent_id: None,
        aliases: Vec::new(),
        tags,
        segment: None,
    };
    Ok(clients::insert(conn, reviewer.id, input)?)
}
