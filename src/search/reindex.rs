//! `zhiku reindex`: builds a fresh index generation beside the live one from
//! the database and swaps it in; running servers follow the swap. A server
//! whose index is damaged runs the same rebuild by itself (`indexer`).

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context as _;
use indicatif::{ProgressBar, ProgressStyle};
use tantivy::TantivyDocument;
use tantivy_jieba::jieba_rs::Jieba;

use crate::db::search_outbox as outbox;
use crate::db::Pool;
use crate::ids::IntelId;
use crate::search::analysis::domain_jieba;
use crate::search::document::{self, Context};
use crate::search::index::{
    new_generation_name, prepare_root, search_root, set_current_generation, SearchIndex,
};

const BATCH: i64 = 2000;
const WRITER_HEAP_BYTES: usize = 256 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct Rebuilt {
    pub generation: String,
    pub entries: u64,
    pub seconds: f64,
}

pub fn rebuild(pool: &Pool, data_dir: &Path, show_progress: bool) -> anyhow::Result<Rebuilt> {
    rebuild_with(pool, data_dir, domain_jieba(), show_progress, &|| false)
}

/// The rebuild, giving up (and removing what it built) as soon as `stop`
/// says so between batches: a server shutting down does not wait for it.
pub fn rebuild_with(
    pool: &Pool,
    data_dir: &Path,
    jieba: Arc<Jieba>,
    show_progress: bool,
    stop: &dyn Fn() -> bool,
) -> anyhow::Result<Rebuilt> {
    let root = search_root(data_dir);
    prepare_root(&root)?;
    let generation = new_generation_name();
    let built = build(pool, &root, &generation, jieba, show_progress, stop);
    if built.is_err() {
        // Best effort: a generation that never became live is garbage.
        let _ = std::fs::remove_dir_all(root.join(&generation));
    }
    built
}

fn build(
    pool: &Pool,
    root: &Path,
    generation: &str,
    jieba: Arc<Jieba>,
    show_progress: bool,
    stop: &dyn Fn() -> bool,
) -> anyhow::Result<Rebuilt> {
    let started = Instant::now();
    let index = SearchIndex::create(root, generation, jieba)?;
    let mut writer =
        index.index.writer::<TantivyDocument>(WRITER_HEAP_BYTES).context("opening the index writer")?;
    let mut conn = pool.get().context("opening a database connection")?;
    // Changes after this id are replayed by the indexer, so nothing is missed.
    let upto = outbox::last_id(&mut conn)?;
    let total = document::count_entries(&mut conn)?;
    let bar = if show_progress { ProgressBar::new(total.max(0) as u64) } else { ProgressBar::hidden() };
    bar.set_style(
        ProgressStyle::with_template("{spinner} 重建索引 [{bar:40}] {pos}/{len} 条 {per_sec} 剩余 {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let mut after = IntelId(0);
    let mut entries = 0u64;
    loop {
        anyhow::ensure!(!stop(), "the rebuild was stopped");
        let batch = document::entries_after(&mut conn, after, BATCH)?;
        let Some(last) = batch.last() else { break };
        after = last.id;
        let context = Context::load(&mut conn, &batch)?;
        for entry in &batch {
            writer.add_document(document::document(&index.fields, entry, &context))?;
        }
        entries += batch.len() as u64;
        bar.inc(batch.len() as u64);
    }
    drop(conn);
    let mut prepared = writer.prepare_commit()?;
    prepared.set_payload(&upto.to_string());
    prepared.commit()?;
    writer.wait_merging_threads()?;
    set_current_generation(root, generation)?;
    bar.finish_and_clear();
    Ok(Rebuilt { generation: generation.to_owned(), entries, seconds: started.elapsed().as_secs_f64() })
}
