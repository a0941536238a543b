//! The one writer of a process's index. It tails the search outbox, applies
//! changes in batches and commits on a trigger (elapsed time, batch size,
//! shutdown) with the last applied outbox id as the commit payload, so a
//! restart resumes exactly where the last commit ended.
//!
//! It also heals the index. When the index cannot be opened at start, its
//! directory disappears under the running server, or its writer keeps
//! failing, the indexer builds a new generation from the database — the
//! rebuild of `zhiku reindex` — and swaps it in. The rebuilt index is
//! complete up to the outbox id in its payload and the indexer replays what
//! came after, so nothing written meanwhile is lost. A failed rebuild is
//! retried with backoff; failures of the database never count against the
//! index.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, RwLock, Weak};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use diesel::result::QueryResult;
use tantivy::{IndexWriter, TantivyDocument};
use tantivy_jieba::jieba_rs::Jieba;

use crate::db::search_outbox as outbox;
use crate::db::search_outbox::Target;
use crate::db::{DbConn, Pool};
use crate::ids::IntelId;
use crate::intel::model::Intel;
use crate::search::analysis::domain_jieba;
use crate::search::document::{self, Context};
use crate::search::health::{IndexState, SearchHealth};
use crate::search::index::{
    current_generation, open_current, remove_other_generations, search_root, SearchIndex,
};
use crate::search::reindex;

/// The live index generation, shared by request handlers and the indexer,
/// with what the indexer knows of its health.
pub struct SearchHandle {
    /// None while no usable index exists (searches answer 503).
    current: RwLock<Option<Arc<SearchIndex>>>,
    /// The outbox id up to which the served index has committed.
    committed: AtomicI64,
    condition: Mutex<Condition>,
    jieba: Arc<Jieba>,
}

#[derive(Debug, Clone)]
struct Condition {
    state: IndexState,
    last_error: Option<String>,
    rebuilding_since: Option<DateTime<Utc>>,
}

impl SearchHandle {
    /// Opens the live generation under `data_dir` (creating the first one).
    /// It never fails: an index that cannot be opened is logged — one ERROR
    /// naming the path and the cause — and left to the indexer to rebuild,
    /// while the rest of the application serves and searches answer 503.
    pub fn open(data_dir: &Path) -> SearchHandle {
        let jieba = domain_jieba();
        let root = search_root(data_dir);
        let ready = Condition { state: IndexState::Ready, last_error: None, rebuilding_since: None };
        let handle = |current, committed, condition| SearchHandle {
            current: RwLock::new(current),
            committed: AtomicI64::new(committed),
            condition: Mutex::new(condition),
            jieba: jieba.clone(),
        };
        match open_current(data_dir, jieba.clone()).and_then(|index| Ok((index.applied_outbox_id()?, index)))
        {
            Ok((committed, index)) => {
                remove_other_generations(&root, &index.generation);
                handle(Some(Arc::new(index)), committed, ready)
            }
            Err(error) => {
                let cause = format!("{error:#}");
                tracing::error!(
                    path = %root.display(),
                    "the search index cannot be used ({cause}); it is rebuilt from the database in the \
                     background and searches answer 503 until then"
                );
                let rebuilding = Condition {
                    state: IndexState::Rebuilding,
                    last_error: Some(cause),
                    rebuilding_since: Some(Utc::now()),
                };
                handle(None, 0, rebuilding)
            }
        }
    }

    /// The index searches run against; None while no usable one exists.
    pub fn index(&self) -> Option<Arc<SearchIndex>> {
        self.current.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The index's health for readiness checks. The lag is one query on the
    /// outbox's primary key, cheap however far behind the index is.
    pub fn health(&self, conn: &mut DbConn) -> QueryResult<SearchHealth> {
        let (lag_rows, oldest) = outbox::pending_after(conn, self.committed.load(Ordering::Acquire))?;
        let lag_seconds = oldest.map_or(0.0, |written| {
            (Utc::now().naive_utc() - written).num_milliseconds().max(0) as f64 / 1000.0
        });
        let Condition { state, last_error, rebuilding_since } = self.condition();
        Ok(SearchHealth {
            state,
            searchable: self.index().is_some(),
            lag_rows,
            lag_seconds,
            last_error,
            rebuilding_since,
        })
    }

    fn condition(&self) -> Condition {
        self.condition.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn update(&self, change: impl FnOnce(&mut Condition)) {
        change(&mut self.condition.lock().unwrap_or_else(|p| p.into_inner()));
    }

    fn set(&self, index: Arc<SearchIndex>, committed: i64) {
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = Some(index);
        self.committed.store(committed, Ordering::Release);
    }

    /// The index is unusable: from now on the indexer rebuilds it (searches
    /// keep the old reader meanwhile, if there is one).
    fn start_rebuilding(&self, cause: String) {
        tracing::error!(
            "the search index stopped working ({cause}); it is rebuilt from the database in the background"
        );
        self.update(|c| {
            c.state = IndexState::Rebuilding;
            c.rebuilding_since.get_or_insert_with(Utc::now);
            c.last_error = Some(cause);
        });
    }

    fn rebuild_failed(&self, cause: String) {
        self.update(|c| {
            c.state = IndexState::Failed;
            c.last_error = Some(cause);
        });
    }

    fn recovered(&self) {
        self.update(|c| {
            *c = Condition { state: IndexState::Ready, last_error: None, rebuilding_since: None }
        });
    }

    /// A problem the indexer retries without rebuilding (so far).
    fn note(&self, problem: Option<String>) {
        self.update(|c| c.last_error = problem);
    }
}

#[derive(Debug, Clone, Copy)]
pub struct IndexerConfig {
    /// Commit at least this often while changes are pending.
    pub commit_interval: Duration,
    /// How often an idle indexer looks for new outbox rows.
    pub poll_interval: Duration,
    /// Outbox rows read per batch; a batch this large also triggers a commit.
    pub batch: i64,
}

impl Default for IndexerConfig {
    fn default() -> Self {
        IndexerConfig {
            commit_interval: Duration::from_millis(200),
            poll_interval: Duration::from_millis(100),
            batch: 1000,
        }
    }
}

const WRITER_HEAP_BYTES: usize = 64 * 1024 * 1024;

struct Writer {
    index: Arc<SearchIndex>,
    writer: IndexWriter<TantivyDocument>,
    /// Outbox id up to which changes are in the writer (committed or not).
    applied: i64,
    dirty: bool,
    last_commit: Instant,
}

impl Writer {
    fn open(index: Arc<SearchIndex>) -> anyhow::Result<Writer> {
        let writer = index.index.writer(WRITER_HEAP_BYTES).context("opening the index writer")?;
        let applied = index.applied_outbox_id()?;
        Ok(Writer { index, writer, applied, dirty: false, last_commit: Instant::now() })
    }

    /// Commits what the writer holds; `live` then tells readiness how far
    /// the served index has come.
    fn commit(&mut self, live: Option<&SearchHandle>) -> anyhow::Result<()> {
        let mut prepared = self.writer.prepare_commit()?;
        prepared.set_payload(&self.applied.to_string());
        prepared.commit()?;
        self.index.reader.reload()?;
        self.dirty = false;
        self.last_commit = Instant::now();
        if let Some(live) = live {
            live.committed.store(self.applied, Ordering::Release);
        }
        Ok(())
    }
}

/// Consecutive failures of the index (not the database) after which the
/// indexer gives the index up and rebuilds it.
const INDEX_FAILURES_BEFORE_REBUILD: u32 = 5;

/// The longest wait between two attempts at a rebuild that keeps failing.
const MAX_REBUILD_BACKOFF: Duration = Duration::from_secs(30);

/// Starts the indexer thread. It stops when the handle is dropped (the
/// application shut down), committing what it applied.
pub fn spawn(
    pool: Pool,
    data_dir: PathBuf,
    handle: &Arc<SearchHandle>,
    config: IndexerConfig,
) -> std::thread::JoinHandle<()> {
    let weak = Arc::downgrade(handle);
    std::thread::Builder::new()
        .name("zhiku-indexer".into())
        .spawn(move || run(pool, data_dir, weak, config))
        .unwrap_or_else(|error| panic!("cannot start the indexer thread: {error}"))
}

/// Why a round failed: the index, or the database (which a rebuild would not cure).
enum Failure {
    /// The generation's files are gone.
    Gone(String),
    Index(anyhow::Error),
    Database(anyhow::Error),
}

fn run(pool: Pool, data_dir: PathBuf, handle: Weak<SearchHandle>, config: IndexerConfig) {
    let mut writer: Option<Writer> = None;
    let mut failures = 0u32;
    let mut index_failures = 0u32;
    let mut failed_rebuilds = 0u32;
    loop {
        let Some(live) = handle.upgrade() else {
            if let Some(w) = writer.as_mut().filter(|w| w.dirty) {
                if let Err(error) = w.commit(None) {
                    tracing::warn!(%error, "final index commit failed");
                }
            }
            return;
        };
        if live.condition().state != IndexState::Ready {
            writer = None;
            drop(live);
            match rebuild(&pool, &data_dir, &handle) {
                Ok(()) => (failures, index_failures, failed_rebuilds) = (0, 0, 0),
                Err(error) => {
                    failed_rebuilds = failed_rebuilds.saturating_add(1);
                    let Some(live) = handle.upgrade() else { continue };
                    let cause = format!("rebuilding the search index failed: {error:#}");
                    let wait =
                        Duration::from_secs(1 << (failed_rebuilds - 1).min(5)).min(MAX_REBUILD_BACKOFF);
                    if failed_rebuilds <= 3 || failed_rebuilds.is_power_of_two() {
                        tracing::error!(
                            attempts = failed_rebuilds,
                            "{cause}; retrying in {} s",
                            wait.as_secs()
                        );
                    }
                    live.rebuild_failed(cause);
                    drop(live);
                    nap(&handle, wait);
                }
            }
            continue;
        }
        match step(&pool, &data_dir, &live, &mut writer, config) {
            Ok(worked) => {
                // Applying works even where committing does not: only a
                // commit (or nothing left to commit) shows the index works.
                if failures > 0 && writer.as_ref().is_none_or(|w| !w.dirty) {
                    live.note(None);
                    (failures, index_failures) = (0, 0);
                }
                if !worked {
                    drop(live);
                    std::thread::sleep(config.poll_interval);
                }
            }
            Err(failure) => {
                failures = failures.saturating_add(1);
                writer = None;
                let error = match failure {
                    Failure::Gone(cause) => {
                        live.start_rebuilding(cause);
                        continue;
                    }
                    Failure::Index(error) => {
                        index_failures += 1;
                        if index_failures >= INDEX_FAILURES_BEFORE_REBUILD {
                            let dir = live.index().map(|i| search_root(&data_dir).join(&i.generation));
                            let dir = dir.map_or_else(String::new, |d| format!(" in {}", d.display()));
                            live.start_rebuilding(format!(
                                "the index{dir} failed {index_failures} times in a row, last: {error:#}"
                            ));
                            continue;
                        }
                        error
                    }
                    Failure::Database(error) => error,
                };
                let error = format!("{error:#}");
                if failures <= 3 || failures.is_power_of_two() {
                    tracing::warn!(error, failures, "indexer step failed; retrying");
                }
                live.note(Some(error));
                drop(live);
                std::thread::sleep(config.poll_interval * failures.min(50));
            }
        }
    }
}

/// Builds a new generation from the database and serves it.
fn rebuild(pool: &Pool, data_dir: &Path, handle: &Weak<SearchHandle>) -> anyhow::Result<()> {
    let Some(jieba) = handle.upgrade().map(|live| live.jieba.clone()) else { return Ok(()) };
    tracing::info!("rebuilding the search index from the database");
    let rebuilt = reindex::rebuild_with(pool, data_dir, jieba, false, &|| handle.strong_count() == 0)?;
    let Some(live) = handle.upgrade() else { return Ok(()) };
    swap(&live, &search_root(data_dir), &rebuilt.generation)?;
    live.recovered();
    tracing::info!(
        generation = %rebuilt.generation,
        entries = rebuilt.entries,
        seconds = rebuilt.seconds,
        "search index rebuilt from the database; searches are answered again"
    );
    Ok(())
}

/// Serves generation `generation` and removes the others.
fn swap(live: &SearchHandle, root: &Path, generation: &str) -> anyhow::Result<()> {
    let index = SearchIndex::open(root, generation, live.jieba.clone())?;
    let committed = index.applied_outbox_id()?;
    live.set(Arc::new(index), committed);
    remove_other_generations(root, generation);
    Ok(())
}

/// Sleeps for `wait`, or less when the application shuts down.
fn nap(handle: &Weak<SearchHandle>, wait: Duration) {
    let until = Instant::now() + wait;
    while handle.strong_count() > 0 && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(100).min(until.saturating_duration_since(Instant::now())));
    }
}

/// One round: notice a vanished index, follow a generation swap, apply a
/// batch, commit when due. Returns whether it did work (so the loop polls
/// again at once).
fn step(
    pool: &Pool,
    data_dir: &Path,
    live: &SearchHandle,
    writer: &mut Option<Writer>,
    config: IndexerConfig,
) -> Result<bool, Failure> {
    let root = search_root(data_dir);
    let Some(current) = live.index() else { return Err(Failure::Gone("there is no index".into())) };
    if !current.is_on_disk(&root) {
        let dir = root.join(&current.generation);
        return Err(Failure::Gone(format!("{} disappeared", dir.join("meta.json").display())));
    }
    if let Some(generation) = current_generation(&root).filter(|g| *g != current.generation) {
        if let Some(w) = writer.as_mut().filter(|w| w.dirty) {
            w.commit(Some(live)).map_err(Failure::Index)?;
        }
        *writer = None;
        swap(live, &root, &generation).map_err(Failure::Index)?;
        tracing::info!(%generation, "switched to a rebuilt search index");
        return Ok(true);
    }
    if writer.as_ref().is_none_or(|w| !Arc::ptr_eq(&w.index, &current)) {
        *writer = Some(Writer::open(current).map_err(Failure::Index)?);
    }
    let Some(w) = writer.as_mut() else { return Ok(false) };

    let Batch { rows, ids, entries, context, last } = match changes(pool, w.applied, config.batch) {
        Ok(Some(batch)) => batch,
        Ok(None) => {
            if w.dirty && w.last_commit.elapsed() >= config.commit_interval {
                w.commit(Some(live)).map_err(Failure::Index)?;
            }
            return Ok(false);
        }
        Err(error) => return Err(Failure::Database(error)),
    };
    let applied = (|| -> anyhow::Result<()> {
        for id in &ids {
            w.writer.delete_term(document::id_term(&w.index.fields, *id));
        }
        for entry in &entries {
            w.writer.add_document(document::document(&w.index.fields, entry, &context))?;
        }
        w.applied = last;
        w.dirty = true;
        if rows as i64 >= config.batch || w.last_commit.elapsed() >= config.commit_interval {
            w.commit(Some(live))?;
        }
        Ok(())
    })();
    applied.map_err(Failure::Index)?;
    Ok(true)
}

/// A batch of outbox rows as the index needs it.
struct Batch {
    /// Outbox rows read.
    rows: usize,
    /// Entries whose documents are replaced (those still existing are in `entries`).
    ids: Vec<IntelId>,
    entries: Vec<Intel>,
    context: Context,
    /// The last row's outbox id.
    last: i64,
}

/// Up to `batch` outbox rows after `applied`, read from the database.
fn changes(pool: &Pool, applied: i64, batch: i64) -> anyhow::Result<Option<Batch>> {
    let mut conn = pool.get().context("database connection for the indexer")?;
    let changes = outbox::after(&mut conn, applied, batch)?;
    let Some((last, _)) = changes.last().copied() else { return Ok(None) };
    let mut ids = BTreeSet::new();
    for (_, target) in &changes {
        match *target {
            Target::Intel(id) => {
                ids.insert(id);
            }
            Target::Client(client) => ids.extend(document::entry_ids_of_client(&mut conn, client)?),
            Target::User(user) => ids.extend(document::entry_ids_of_author(&mut conn, user)?),
        }
    }
    let ids: Vec<IntelId> = ids.into_iter().collect();
    let entries = document::entries_by_ids(&mut conn, &ids)?;
    let context = Context::load(&mut conn, &entries)?;
    Ok(Some(Batch { rows: changes.len(), ids, entries, context, last }))
}
