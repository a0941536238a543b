//! The tantivy index: schema, analysers and the on-disk generations.
//!
//! The index lives in `<data>/search/<generation>/`; `<data>/search/CURRENT`
//! names the live generation, so `zhiku reindex` can build a fresh one beside
//! it and swap it in atomically.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STORED,
    STRING,
};
use tantivy::tokenizer::{LowerCaser, TextAnalyzer, WhitespaceTokenizer};
use tantivy::{Index, IndexReader, ReloadPolicy};
use tantivy_jieba::jieba_rs::Jieba;

use crate::enums::ClientKind;
use crate::enums::IntelStatus;
use crate::search::analysis::{BigramTokenizer, JiebaTokenizer, BIGRAM, JIEBA, KEYS};

/// Category keys in code order (the index stores codes).
pub const CATEGORY_KEYS: [&str; 7] =
    ["basic", "profile", "business", "credit", "competitor", "opportunity", "service"];

pub fn category_code(key: &str) -> Option<u64> {
    CATEGORY_KEYS.iter().position(|k| *k == key).map(|i| i as u64)
}

pub fn kind_code(kind: ClientKind) -> u64 {
    ClientKind::ALL.iter().position(|k| *k == kind).unwrap_or(0) as u64
}

pub fn status_code(status: IntelStatus) -> u64 {
    IntelStatus::ALL.iter().position(|s| *s == status).unwrap_or(0) as u64
}

#[derive(Debug, Clone, Copy)]
pub struct IndexFields {
    pub id: Field,
    pub status: Field,
    pub category: Field,
    pub client_kind: Field,
    pub client_id: Field,
    pub author_id: Field,
    pub department_id: Field,
    pub tags: Field,
    /// Milliseconds since the epoch of the entry's latest event (adoption, submission, creation).
    pub date: Field,
    pub quality: Field,
    /// Jieba words of the title (ranking).
    pub title: Field,
    /// Jieba words of everything searchable (ranking).
    pub text: Field,
    /// CJK bigrams of everything searchable (recall).
    pub grams: Field,
    /// Pinyin keys of the client's and author's names.
    pub names: Field,
}

fn schema() -> (Schema, IndexFields) {
    let mut builder = Schema::builder();
    let number = || NumericOptions::default().set_indexed().set_fast();
    let analysed = |tokenizer: &str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
    };
    let fields = IndexFields {
        id: builder.add_u64_field("id", INDEXED | STORED | FAST),
        status: builder.add_u64_field("status", number()),
        category: builder.add_u64_field("category", number()),
        client_kind: builder.add_u64_field("client_kind", number()),
        client_id: builder.add_u64_field("client_id", number()),
        author_id: builder.add_u64_field("author_id", number()),
        department_id: builder.add_u64_field("department_id", number()),
        tags: builder.add_text_field("tags", STRING),
        date: builder.add_i64_field("date", number()),
        quality: builder.add_f64_field("quality", FAST),
        title: builder.add_text_field("title", analysed(JIEBA)),
        text: builder.add_text_field("text", analysed(JIEBA)),
        grams: builder.add_text_field("grams", analysed(BIGRAM)),
        names: builder.add_text_field("names", analysed(KEYS)),
    };
    (builder.build(), fields)
}

/// An open index generation with its reader.
pub struct SearchIndex {
    pub index: Index,
    pub reader: IndexReader,
    pub fields: IndexFields,
    pub jieba: Arc<Jieba>,
    pub generation: String,
}

impl SearchIndex {
    /// Opens (or creates) generation `generation` under `root`.
    pub fn open(root: &Path, generation: &str, jieba: Arc<Jieba>) -> anyhow::Result<Self> {
        let dir = root.join(generation);
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let (schema, fields) = schema();
        let directory =
            tantivy::directory::MmapDirectory::open(&dir).context("opening the index directory")?;
        let mut index = Index::open_or_create(directory, schema).context("opening the search index")?;
        // A search walks the segments on every core: a common word matches
        // hundreds of thousands of entries at 1M, and hits, counts and facets
        // need all of them.
        index.set_default_multithread_executor().context("starting the search threads")?;
        register_analysers(&index, &jieba);
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        Ok(SearchIndex { index, reader, fields, jieba, generation: generation.to_owned() })
    }

    /// The last outbox id whose change this generation has committed.
    pub fn applied_outbox_id(&self) -> anyhow::Result<i64> {
        let metas = self.index.load_metas()?;
        Ok(metas.payload.and_then(|p| p.parse().ok()).unwrap_or(0))
    }
}

fn register_analysers(index: &Index, jieba: &Arc<Jieba>) {
    let tokenizers = index.tokenizers();
    tokenizers.register(BIGRAM, BigramTokenizer);
    tokenizers.register(JIEBA, JiebaTokenizer(jieba.clone()));
    tokenizers
        .register(KEYS, TextAnalyzer::builder(WhitespaceTokenizer::default()).filter(LowerCaser).build());
}

/// Where the generations live.
pub fn search_root(data_dir: &Path) -> PathBuf {
    data_dir.join("search")
}

/// The live generation's name, if any.
pub fn current_generation(root: &Path) -> Option<String> {
    std::fs::read_to_string(root.join("CURRENT")).ok().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// Makes `generation` the live one, atomically.
pub fn set_current_generation(root: &Path, generation: &str) -> anyhow::Result<()> {
    std::fs::create_dir_all(root)?;
    let tmp = root.join("CURRENT.tmp");
    std::fs::write(&tmp, generation)?;
    std::fs::rename(&tmp, root.join("CURRENT"))?;
    Ok(())
}

/// A new generation name, ordered by creation time.
pub fn new_generation_name() -> String {
    format!("g{}", chrono::Utc::now().timestamp_millis())
}

/// Removes every generation directory but `keep`.
pub fn remove_other_generations(root: &Path, keep: &str) {
    let Ok(entries) = std::fs::read_dir(root) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.path().is_dir() && name.starts_with('g') && name != keep {
            if let Err(error) = std::fs::remove_dir_all(entry.path()) {
                tracing::warn!(%error, generation = %name, "could not remove an old index generation");
            }
        }
    }
}

/// Opens the live generation, creating the first one when there is none.
pub fn open_current(data_dir: &Path, jieba: Arc<Jieba>) -> anyhow::Result<SearchIndex> {
    let root = search_root(data_dir);
    let generation = match current_generation(&root) {
        Some(generation) => generation,
        None => {
            let generation = new_generation_name();
            set_current_generation(&root, &generation)?;
            generation
        }
    };
    SearchIndex::open(&root, &generation, jieba)
}
