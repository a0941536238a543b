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

/// The client-kind code of an entry about no client (market-wide), after every kind's.
pub const MARKET_KIND_CODE: u64 = ClientKind::ALL.len() as u64;

/// The facet key of [`MARKET_KIND_CODE`].
pub const MARKET_KIND: &str = "market";

pub fn kind_code(kind: ClientKind) -> u64 {
    ClientKind::ALL.iter().position(|k| *k == kind).unwrap_or(0) as u64
}

/// Category slots of the facet column: each known category, then any other.
const CATEGORY_SLOTS: u64 = CATEGORY_KEYS.len() as u64 + 1;
/// Kind slots of the facet column: each kind, market-wide, then unknown.
const KIND_SLOTS: u64 = MARKET_KIND_CODE + 2;
/// How many values the facet column takes.
pub const FACET_CODES: usize = (CATEGORY_SLOTS * KIND_SLOTS) as usize;

/// The facet column's value: an entry's category code and client-kind code
/// in one, so that counting both facets (and the total) reads one fast field
/// a match. Unknown codes keep slots of their own, counted in no facet.
pub fn facet_code(category: Option<u64>, kind: u64) -> u64 {
    let category = category.filter(|c| *c < CATEGORY_SLOTS - 1).unwrap_or(CATEGORY_SLOTS - 1);
    let kind = if kind <= MARKET_KIND_CODE { kind } else { KIND_SLOTS - 1 };
    category * KIND_SLOTS + kind
}

/// The category and client-kind codes of a facet value; `None` for an unknown one.
pub fn facet_parts(code: u64) -> (Option<u64>, Option<u64>) {
    let (category, kind) = (code / KIND_SLOTS, code % KIND_SLOTS);
    ((category < CATEGORY_SLOTS - 1).then_some(category), (kind <= MARKET_KIND_CODE).then_some(kind))
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
    /// Category and client kind in one value ([`facet_code`]).
    pub facet: Field,
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
        facet: builder.add_u64_field("facet", FAST),
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
    /// Creates generation `generation` in the existing directory `root`: a
    /// new, empty index.
    pub fn create(root: &Path, generation: &str, jieba: Arc<Jieba>) -> anyhow::Result<Self> {
        let dir = root.join(generation);
        std::fs::create_dir(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let (schema, fields) = schema();
        let directory = tantivy::directory::MmapDirectory::open(&dir)
            .with_context(|| format!("opening the index directory {}", dir.display()))?;
        let index = Index::create(directory, schema, tantivy::IndexSettings::default())
            .with_context(|| format!("creating the search index in {}", dir.display()))?;
        Self::serve(index, fields, jieba, generation)
            .with_context(|| format!("opening the search index in {}", dir.display()))
    }

    /// Opens the existing generation `generation` under `root`. Anything that
    /// keeps it from being served whole — a missing directory or meta.json,
    /// a damaged file, another schema, a payload that is no outbox id — is an
    /// error naming the directory; nothing is created or repaired.
    pub fn open(root: &Path, generation: &str, jieba: Arc<Jieba>) -> anyhow::Result<Self> {
        let dir = root.join(generation);
        let opened = (|| {
            let meta = dir.join("meta.json");
            anyhow::ensure!(meta.is_file(), "{} is missing", meta.display());
            let directory = tantivy::directory::MmapDirectory::open(&dir)?;
            let index = Index::open(directory)?;
            let (schema, fields) = schema();
            anyhow::ensure!(index.schema() == schema, "the index was built with another schema");
            let index = Self::serve(index, fields, jieba, generation)?;
            index.applied_outbox_id()?;
            Ok(index)
        })();
        opened.with_context(|| format!("opening the search index in {}", dir.display()))
    }

    /// Readers and analysers for an opened index. Opening the reader opens
    /// every segment file and checks its footer, so a truncated or missing
    /// file fails here rather than in a search.
    fn serve(
        mut index: Index,
        fields: IndexFields,
        jieba: Arc<Jieba>,
        generation: &str,
    ) -> anyhow::Result<Self> {
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
        match self.index.load_metas()?.payload {
            None => Ok(0),
            Some(payload) => payload
                .parse()
                .map_err(|_| anyhow::anyhow!("the commit payload {payload:?} is not an outbox id")),
        }
    }

    /// Whether the generation's files are still where they were opened:
    /// a directory removed under a running server leaves the open reader
    /// working but the writer without a place to commit.
    pub fn is_on_disk(&self, root: &Path) -> bool {
        root.join(&self.generation).join("meta.json").is_file()
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
    std::fs::create_dir_all(root).with_context(|| format!("creating {}", root.display()))?;
    let tmp = root.join("CURRENT.tmp");
    std::fs::write(&tmp, generation).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, root.join("CURRENT")).with_context(|| format!("renaming {}", tmp.display()))?;
    Ok(())
}

/// A new generation name, ordered by creation time.
pub fn new_generation_name() -> String {
    format!("g{}", chrono::Utc::now().timestamp_millis())
}

/// Whether `name` is one `new_generation_name` makes: only those are ever
/// opened or removed.
pub fn is_generation_name(name: &str) -> bool {
    name.strip_prefix('g')
        .is_some_and(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
}

/// Removes every generation directory but `keep`.
pub fn remove_other_generations(root: &Path, keep: &str) {
    let Ok(entries) = std::fs::read_dir(root) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.path().is_dir() && is_generation_name(&name) && name != keep {
            if let Err(error) = std::fs::remove_dir_all(entry.path()) {
                tracing::warn!(%error, generation = %name, "could not remove an old index generation");
            }
        }
    }
}

/// Makes room for generations: something other than a directory where the
/// root should be (a file, a dangling link) is renamed aside, never deleted.
/// The data directory itself is never created here: one removed under a
/// dying server stays removed.
pub fn prepare_root(root: &Path) -> anyhow::Result<()> {
    let in_the_way = std::fs::symlink_metadata(root).is_ok() && !root.is_dir();
    if in_the_way {
        let aside =
            root.with_file_name(format!("search.not-a-directory-{}", chrono::Utc::now().timestamp_millis()));
        std::fs::rename(root, &aside)
            .with_context(|| format!("{} is not a directory and cannot be moved aside", root.display()))?;
        tracing::warn!(path = %root.display(), moved_to = %aside.display(), "moved what was in the way of the search index aside");
    }
    match std::fs::create_dir(root) {
        Err(error) if error.kind() != std::io::ErrorKind::AlreadyExists => {
            Err(error).with_context(|| format!("creating {}", root.display()))
        }
        _ => Ok(()),
    }
}

/// Opens the live generation, creating the first one when there is none.
pub fn open_current(data_dir: &Path, jieba: Arc<Jieba>) -> anyhow::Result<SearchIndex> {
    let root = search_root(data_dir);
    anyhow::ensure!(
        std::fs::symlink_metadata(&root).is_err() || root.is_dir(),
        "{} is not a directory",
        root.display()
    );
    let current = root.join("CURRENT");
    let named = match std::fs::read_to_string(&current) {
        Ok(name) => Some(name.trim().to_owned()).filter(|name| !name.is_empty()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
        Err(error) => return Err(error).with_context(|| format!("reading {}", current.display())),
    };
    match named {
        Some(generation) if is_generation_name(&generation) => SearchIndex::open(&root, &generation, jieba),
        Some(generation) => {
            anyhow::bail!("{} names no index generation: {generation:?}", current.display())
        }
        None => {
            std::fs::create_dir_all(&root).with_context(|| format!("creating {}", root.display()))?;
            let generation = new_generation_name();
            let index = SearchIndex::create(&root, &generation, jieba)?;
            set_current_generation(&root, &generation)?;
            Ok(index)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::analysis::domain_jieba;

    #[test]
    fn a_facet_value_gives_back_its_category_and_kind() {
        let categories = (0..CATEGORY_KEYS.len() as u64).map(Some).chain([None, Some(u64::MAX)]);
        let mut seen = std::collections::HashSet::new();
        for category in categories {
            for kind in (0..=MARKET_KIND_CODE).chain([u64::MAX]) {
                let code = facet_code(category, kind);
                assert!((code as usize) < FACET_CODES, "{code}");
                let known_category = category.filter(|c| *c < CATEGORY_KEYS.len() as u64);
                let known_kind = (kind <= MARKET_KIND_CODE).then_some(kind);
                assert_eq!(facet_parts(code), (known_category, known_kind));
                seen.insert(code);
            }
        }
        assert_eq!(seen.len(), FACET_CODES, "every slot is used, none twice");
    }

    /// A data directory whose live generation holds one document, committed
    /// with outbox payload 7, like a server leaves it.
    fn data_dir_with_an_index() -> (tempfile::TempDir, PathBuf) {
        let data = tempfile::tempdir().expect("temp dir");
        let root = search_root(data.path());
        let index = open_current(data.path(), domain_jieba()).expect("first generation");
        let mut writer = index.index.writer::<tantivy::TantivyDocument>(15_000_000).expect("writer");
        let mut doc = tantivy::TantivyDocument::default();
        doc.add_u64(index.fields.id, 1);
        doc.add_text(index.fields.text, "芜湖长江实业集团");
        writer.add_document(doc).expect("add");
        let mut prepared = writer.prepare_commit().expect("prepare");
        prepared.set_payload("7");
        prepared.commit().expect("commit");
        let dir = root.join(&index.generation);
        (data, dir)
    }

    fn open_error(data: &Path, damage: &str) -> String {
        match open_current(data, domain_jieba()) {
            Ok(_) => panic!("{damage}: the index opened"),
            Err(error) => format!("{error:#}"),
        }
    }

    #[test]
    fn an_intact_index_opens_with_its_payload() {
        let (data, dir) = data_dir_with_an_index();
        let index = open_current(data.path(), domain_jieba()).expect("reopens");
        assert_eq!(index.applied_outbox_id().expect("payload"), 7);
        assert_eq!(index.reader.searcher().num_docs(), 1);
        assert!(index.is_on_disk(&search_root(data.path())));
        std::fs::remove_dir_all(&dir).expect("remove");
        assert!(!index.is_on_disk(&search_root(data.path())), "a removed directory is noticed");
    }

    #[test]
    fn damage_is_an_error_naming_the_directory() {
        type Damage = fn(&Path);
        let damages: [(&str, Damage); 5] = [
            ("corrupt meta.json", |dir| std::fs::write(dir.join("meta.json"), "{\"broken").expect("write")),
            ("truncated segment", |dir| {
                let store = std::fs::read_dir(dir)
                    .expect("list")
                    .flatten()
                    .map(|e| e.path())
                    .find(|p| p.extension().is_some_and(|e| e == "store"))
                    .expect("a segment's store");
                let file = std::fs::OpenOptions::new().write(true).open(store).expect("open");
                file.set_len(10).expect("truncate");
            }),
            ("missing directory", |dir| std::fs::remove_dir_all(dir).expect("remove")),
            ("another schema", |dir| {
                let meta = std::fs::read_to_string(dir.join("meta.json")).expect("read");
                let mut meta: serde_json::Value = serde_json::from_str(&meta).expect("json");
                meta["schema"].as_array_mut().expect("fields").pop();
                std::fs::write(dir.join("meta.json"), meta.to_string()).expect("write");
            }),
            ("payload of another kind", |dir| {
                let meta = std::fs::read_to_string(dir.join("meta.json")).expect("read");
                let mut meta: serde_json::Value = serde_json::from_str(&meta).expect("json");
                meta["payload"] = "x".into();
                std::fs::write(dir.join("meta.json"), meta.to_string()).expect("write");
            }),
        ];
        for (damage, apply) in damages {
            let (data, dir) = data_dir_with_an_index();
            apply(&dir);
            let error = open_error(data.path(), damage);
            assert!(error.contains(&dir.display().to_string()), "{damage}: {error}");
        }
    }

    #[test]
    fn a_file_where_the_root_belongs_is_moved_aside() {
        let data = tempfile::tempdir().expect("temp dir");
        let root = search_root(data.path());
        std::fs::write(&root, "not an index").expect("write");
        assert!(open_error(data.path(), "a file").contains(&format!("{} is not a directory", root.display())));
        prepare_root(&root).expect("moved aside");
        assert!(root.is_dir());
        let kept: Vec<String> = std::fs::read_dir(data.path())
            .expect("list")
            .flatten()
            .filter(|e| e.path().is_file())
            .map(|e| std::fs::read_to_string(e.path()).expect("read"))
            .collect();
        assert_eq!(kept, ["not an index"], "what was in the way is kept");
    }

    #[test]
    fn only_generation_names_are_opened_or_removed() {
        assert!(is_generation_name("g1796412132664"));
        for name in ["g", "gid_map", "../g1", "g1/..", "CURRENT"] {
            assert!(!is_generation_name(name), "{name}");
        }
        let data = tempfile::tempdir().expect("temp dir");
        let root = search_root(data.path());
        set_current_generation(&root, "../../elsewhere").expect("current");
        assert!(open_error(data.path(), "a path").contains("names no index generation"));
        std::fs::create_dir_all(root.join("golden")).expect("dir");
        remove_other_generations(&root, "g1");
        assert!(root.join("golden").is_dir(), "not ours: kept");
    }
}
