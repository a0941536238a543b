//! A consistent copy of the live index generation for a backup, taken from
//! another process while the server's indexer writes, and putting one back.
//!
//! Segment files never change once written; only `meta.json` (replaced
//! atomically on each commit) says which of them make up the index. The copy
//! reads `meta.json` and opens every file it names while holding tantivy's
//! meta lock, which the writer's garbage collection takes before it chooses
//! what to delete, so no file of that commit can vanish before it is open. The
//! lock is released before the bytes are copied: an open file stays readable
//! after the writer unlinks it, and the indexer never waits on a backup.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use anyhow::Context;
use tantivy::directory::{Directory, MmapDirectory, META_LOCK};
use tantivy::Index;

use crate::search::analysis::domain_jieba;
use crate::search::index::{current_generation, search_root, set_current_generation, SearchIndex};

const META_FILE: &str = "meta.json";
/// The list of files tantivy may garbage-collect in a directory.
const MANAGED_FILE: &str = ".managed.json";

/// What a copied generation holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub generation: String,
    /// The last search-outbox id the copied commit had applied.
    pub applied_outbox_id: i64,
    pub entries: u64,
    /// File names inside the generation's directory.
    pub files: Vec<String>,
}

/// Copies the live generation under `data_dir` into `dest/<generation>/`;
/// `None` when the data directory has no index (a node that never served).
pub fn copy_live(data_dir: &Path, dest: &Path) -> anyhow::Result<Option<Snapshot>> {
    let root = search_root(data_dir);
    // A reindex may swap generations and remove the old one meanwhile: try the new one.
    for _ in 0..5 {
        let Some(generation) = current_generation(&root) else { return Ok(None) };
        let source = root.join(&generation);
        if source.is_dir() && !source.join(META_FILE).exists() {
            // A generation that never committed holds nothing worth copying.
            return Ok(None);
        }
        let target = dest.join(&generation);
        match copy_generation(&source, &target)? {
            Some(files) => {
                let (applied_outbox_id, entries) = describe(&target)?;
                return Ok(Some(Snapshot { generation, applied_outbox_id, entries, files }));
            }
            None => {
                std::fs::remove_dir_all(&target).with_context(|| format!("removing {}", target.display()))?;
            }
        }
    }
    anyhow::bail!("the search index kept changing generations while it was copied; try again")
}

/// Copies one commit of `source` into `target`; `None` when the generation
/// was removed meanwhile.
fn copy_generation(source: &Path, target: &Path) -> anyhow::Result<Option<Vec<String>>> {
    std::fs::create_dir_all(target).with_context(|| format!("creating {}", target.display()))?;
    let directory = match MmapDirectory::open(source) {
        Ok(directory) => directory,
        Err(_) if !source.exists() => return Ok(None),
        Err(error) => return Err(error).context("opening the live index directory"),
    };
    let lock = match directory.acquire_lock(&META_LOCK) {
        Ok(lock) => lock,
        Err(_) if !source.exists() => return Ok(None),
        Err(error) => return Err(error).context("taking the index meta lock"),
    };
    let meta = match std::fs::read(source.join(META_FILE)) {
        Ok(meta) => meta,
        Err(error) if error.kind() == ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(error).context("reading the index meta file"),
    };
    std::fs::write(target.join(META_FILE), &meta).context("writing the index meta file")?;
    // The commit's own list of files, read back from the copied meta file.
    let candidates = Index::open_in_dir(target)
        .and_then(|index| index.load_metas())
        .context("reading the copied index meta file")?
        .list_segment_files();
    let mut open = Vec::new();
    for name in candidates {
        match File::open(source.join(&name)) {
            Ok(file) => open.push((name, file)),
            // A candidate the commit never wrote (no deletes, no temporary store).
            Err(error) if error.kind() == ErrorKind::NotFound => {}
            Err(error) => return Err(error).with_context(|| format!("opening {}", name.display())),
        }
    }
    drop(lock);
    let mut files = BTreeSet::new();
    for (name, mut file) in open {
        let path = target.join(&name);
        let mut out = File::create(&path).with_context(|| format!("creating {}", path.display()))?;
        std::io::copy(&mut file, &mut out).with_context(|| format!("copying {}", name.display()))?;
        out.sync_all()?;
        files.insert(name);
    }
    // The copied files are the ones tantivy may collect once merges replace them.
    let managed: Vec<&PathBuf> = files.iter().collect();
    std::fs::write(target.join(MANAGED_FILE), serde_json::to_vec(&managed)?)?;
    let mut names: Vec<String> = files.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    names.push(META_FILE.to_owned());
    names.push(MANAGED_FILE.to_owned());
    names.sort();
    Ok(Some(names))
}

/// The copied commit's applied outbox id and number of entries.
fn describe(generation_dir: &Path) -> anyhow::Result<(i64, u64)> {
    let metas = Index::open_in_dir(generation_dir)
        .and_then(|index| index.load_metas())
        .context("reading the copied index")?;
    let applied = metas.payload.as_deref().and_then(|p| p.parse().ok()).unwrap_or(0);
    let entries = metas.segments.iter().map(|s| u64::from(s.num_docs())).sum();
    Ok((applied, entries))
}

/// Makes the backed-up generation `files` (name in the generation, path in
/// the backup) the live index of `data_dir` when it opens with this
/// version's schema and has applied no change the database lacks
/// (`outbox_last_id`); otherwise leaves no index and says why, for the
/// caller to rebuild it.
pub fn install(
    files: &[(String, PathBuf)],
    generation: &str,
    data_dir: &Path,
    outbox_last_id: i64,
) -> anyhow::Result<Result<Snapshot, String>> {
    let root = search_root(data_dir);
    let target = root.join(generation);
    std::fs::create_dir_all(&target).with_context(|| format!("creating {}", target.display()))?;
    for (name, source) in files {
        std::fs::copy(source, target.join(name)).with_context(|| format!("copying {name}"))?;
    }
    let mut files: Vec<String> = files.iter().map(|(name, _)| name.clone()).collect();
    files.sort();
    let verdict = match SearchIndex::open(&root, generation, domain_jieba()) {
        Err(error) => Err(format!("the copied index does not open with this version ({error:#})")),
        Ok(index) => match index.applied_outbox_id() {
            Ok(applied) if applied <= outbox_last_id => {
                let entries = index.reader.searcher().num_docs();
                Ok(Snapshot { generation: generation.to_owned(), applied_outbox_id: applied, entries, files })
            }
            Ok(applied) => Err(format!(
                "the copied index has applied change {applied}, the database ends at {outbox_last_id}"
            )),
            Err(error) => Err(format!("the copied index has no readable commit ({error:#})")),
        },
    };
    match &verdict {
        Ok(_) => set_current_generation(&root, generation)?,
        Err(_) => {
            std::fs::remove_dir_all(&target).with_context(|| format!("removing {}", target.display()))?
        }
    }
    Ok(verdict)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    use tantivy::{doc, TantivyDocument};

    use super::*;

    /// Copies taken while a writer commits, merges and collects garbage are
    /// each one whole commit: the documents of the commit their payload names.
    #[test]
    fn copies_of_an_index_being_written_are_whole_commits() {
        let data = tempfile::tempdir().unwrap();
        let root = search_root(data.path());
        crate::search::index::prepare_root(&root).unwrap();
        let live = SearchIndex::create(&root, "g1", domain_jieba()).unwrap();
        set_current_generation(&root, "g1").unwrap();
        let id = live.fields.id;
        let mut writer = live.index.writer::<TantivyDocument>(15_000_000).unwrap();
        let (started, done) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicBool::new(false)));
        let (copying, finished) = (started.clone(), done.clone());
        let writing = std::thread::spawn(move || {
            while !copying.load(Ordering::SeqCst) {
                std::thread::yield_now();
            }
            for n in 1..=40u64 {
                writer.add_document(doc!(id => n)).unwrap();
                let mut commit = writer.prepare_commit().unwrap();
                commit.set_payload(&n.to_string());
                commit.commit().unwrap();
            }
            writer.wait_merging_threads().unwrap();
            finished.store(true, Ordering::SeqCst);
        });
        let backups = tempfile::tempdir().unwrap();
        let mut copies = 0;
        loop {
            let last = done.load(Ordering::SeqCst);
            let dest = backups.path().join(format!("b{copies}"));
            let copied = copy_live(data.path(), &dest).unwrap().expect("a committed index");
            assert_eq!(copied.entries, copied.applied_outbox_id as u64, "{copied:?}");
            let files: Vec<(String, PathBuf)> =
                copied.files.iter().map(|f| (f.clone(), dest.join("g1").join(f))).collect();
            let restored = tempfile::tempdir().unwrap();
            let installed = install(&files, "g1", restored.path(), i64::MAX).unwrap().expect("it opens");
            assert_eq!(installed.entries, copied.entries, "every document of the commit is readable");
            copies += 1;
            started.store(true, Ordering::SeqCst);
            if last {
                assert_eq!(copied.entries, 40);
                break;
            }
        }
        writing.join().unwrap();
        assert!(copies > 1);
    }
}
