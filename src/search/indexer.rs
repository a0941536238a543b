//! The one writer of a process's index. It tails the search outbox, applies
//! changes in batches and commits on a trigger (elapsed time, batch size,
//! shutdown) with the last applied outbox id as the commit payload, so a
//! restart resumes exactly where the last commit ended.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::{Arc, RwLock, Weak};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use tantivy::{IndexWriter, TantivyDocument};

use crate::db::search_outbox as outbox;
use crate::db::search_outbox::Target;
use crate::db::Pool;
use crate::ids::IntelId;
use crate::search::document::{self, Context};
use crate::search::index::{current_generation, remove_other_generations, search_root, SearchIndex};

/// The live index generation, shared by request handlers and the indexer.
pub struct SearchHandle {
    current: RwLock<Arc<SearchIndex>>,
}

impl SearchHandle {
    pub fn new(index: SearchIndex) -> Self {
        SearchHandle { current: RwLock::new(Arc::new(index)) }
    }

    pub fn get(&self) -> Arc<SearchIndex> {
        self.current.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn set(&self, index: Arc<SearchIndex>) {
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = index;
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

    fn commit(&mut self) -> anyhow::Result<()> {
        let mut prepared = self.writer.prepare_commit()?;
        prepared.set_payload(&self.applied.to_string());
        prepared.commit()?;
        self.index.reader.reload()?;
        self.dirty = false;
        self.last_commit = Instant::now();
        Ok(())
    }
}

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

fn run(pool: Pool, data_dir: PathBuf, handle: Weak<SearchHandle>, config: IndexerConfig) {
    let mut writer: Option<Writer> = None;
    let mut failures = 0u32;
    loop {
        let Some(live) = handle.upgrade() else {
            if let Some(w) = writer.as_mut().filter(|w| w.dirty) {
                if let Err(error) = w.commit() {
                    tracing::warn!(%error, "final index commit failed");
                }
            }
            return;
        };
        match step(&pool, &data_dir, &live, &mut writer, config) {
            Ok(true) => failures = 0,
            Ok(false) => {
                failures = 0;
                drop(live);
                std::thread::sleep(config.poll_interval);
            }
            Err(error) => {
                failures = failures.saturating_add(1);
                if failures <= 3 || failures.is_power_of_two() {
                    tracing::warn!(error = format!("{error:#}"), failures, "indexer step failed; retrying");
                }
                drop(live);
                writer = None;
                std::thread::sleep(config.poll_interval * failures.min(50));
            }
        }
    }
}

/// One round: follow a generation swap, apply a batch, commit when due.
/// Returns whether it did work (so the loop polls again at once).
fn step(
    pool: &Pool,
    data_dir: &std::path::Path,
    live: &SearchHandle,
    writer: &mut Option<Writer>,
    config: IndexerConfig,
) -> anyhow::Result<bool> {
    let root = search_root(data_dir);
    let current = live.get();
    if let Some(generation) = current_generation(&root).filter(|g| *g != current.generation) {
        if let Some(w) = writer.as_mut().filter(|w| w.dirty) {
            w.commit()?;
        }
        *writer = None;
        let swapped = Arc::new(SearchIndex::open(&root, &generation, current.jieba.clone())?);
        live.set(swapped);
        remove_other_generations(&root, &generation);
        tracing::info!(%generation, "switched to a rebuilt search index");
        return Ok(true);
    }
    if writer.as_ref().is_none_or(|w| !Arc::ptr_eq(&w.index, &current)) {
        *writer = Some(Writer::open(current)?);
    }
    let Some(w) = writer.as_mut() else { return Ok(false) };

    let mut conn = pool.get().context("database connection for the indexer")?;
    let changes = outbox::after(&mut conn, w.applied, config.batch)?;
    let Some((last, _)) = changes.last().copied() else {
        if w.dirty && w.last_commit.elapsed() >= config.commit_interval {
            w.commit()?;
        }
        return Ok(false);
    };
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
    drop(conn);
    for id in &ids {
        w.writer.delete_term(document::id_term(&w.index.fields, *id));
    }
    for entry in &entries {
        w.writer.add_document(document::document(&w.index.fields, entry, &context))?;
    }
    w.applied = last;
    w.dirty = true;
    if changes.len() as i64 >= config.batch || w.last_commit.elapsed() >= config.commit_interval {
        w.commit()?;
    }
    Ok(true)
}
