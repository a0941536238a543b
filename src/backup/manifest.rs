//! `manifest.json`: what a backup holds, with a SHA-256 of every file, and
//! the check that a backup is whole before anything is restored from it.

use std::io::Read;
use std::path::{Component, Path, PathBuf};

use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub const MANIFEST_FILE: &str = "manifest.json";
/// Bumped when a backup's layout changes in a way an older `restore` cannot read.
pub const FORMAT: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub zhiku_version: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// `sqlite` or `postgres`.
    pub backend: String,
    /// The newest migration applied to the backed-up database.
    pub migration: String,
    /// The database file: a SQLite database, or a `pg_dump -Fc` archive.
    pub database: String,
    pub postgres: Option<PostgresInfo>,
    /// The copied index generation; `None` tells restore to rebuild it.
    pub search_index: Option<IndexInfo>,
    pub jwt_secret: SecretInfo,
    pub files: Vec<FileEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PostgresInfo {
    /// The schema the tables live in (the connection's `current_schema()`).
    pub schema: String,
    pub server_version: String,
    pub pg_dump_version: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IndexInfo {
    pub generation: String,
    /// Directory of the generation's files in the backup.
    pub path: String,
    pub applied_outbox_id: i64,
    pub entries: u64,
}

/// Where the secret that signs access tokens and calendar-feed URLs came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "source")]
pub enum SecretInfo {
    /// The generated `jwt_secret` of the data directory, included as this file.
    DataDir { path: String },
    /// `ZHIKU_JWT_SECRET` (or `jwt_secret` in zhiku.toml): not copied; a
    /// fingerprint lets restore tell whether the same one is set.
    Settings { fingerprint: String },
    /// Neither: the server had never started.
    None,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// Relative to the backup directory, `/`-separated.
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

impl FileEntry {
    /// Describes the file at `dir/relative`.
    pub fn of(dir: &Path, relative: &str) -> anyhow::Result<FileEntry> {
        let (bytes, sha256) = digest(&dir.join(relative))?;
        Ok(FileEntry { path: relative.to_owned(), bytes, sha256 })
    }
}

/// A short fingerprint of a secret (never the secret).
pub fn fingerprint(secret: &[u8]) -> String {
    let mut hash = Sha256::new();
    hash.update(b"zhiku secret fingerprint v1\0");
    hash.update(secret);
    hex::encode(&hash.finalize()[..8])
}

/// Size and SHA-256 of a file, read in pieces.
pub fn digest(path: &Path) -> anyhow::Result<(u64, String)> {
    let mut file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut hash = Sha256::new();
    let mut buffer = vec![0u8; 1 << 16];
    let mut bytes = 0u64;
    loop {
        let read = file.read(&mut buffer).with_context(|| format!("reading {}", path.display()))?;
        if read == 0 {
            break;
        }
        hash.update(&buffer[..read]);
        bytes += read as u64;
    }
    Ok((bytes, hex::encode(hash.finalize())))
}

/// `relative` as a path inside the backup, refusing anything that could
/// point outside it (`..`, absolute paths).
pub fn inside(dir: &Path, relative: &str) -> anyhow::Result<PathBuf> {
    let path = Path::new(relative);
    if relative.is_empty() || !path.components().all(|c| matches!(c, Component::Normal(_))) {
        bail!("备份清单中的路径 {relative:?} 无效 (manifest names a path outside the backup)");
    }
    Ok(dir.join(path))
}

impl Manifest {
    pub fn write(&self, dir: &Path) -> anyhow::Result<()> {
        let tmp = dir.join(format!("{MANIFEST_FILE}.tmp"));
        std::fs::write(&tmp, serde_json::to_vec_pretty(self)?)
            .with_context(|| format!("writing {}", tmp.display()))?;
        std::fs::rename(&tmp, dir.join(MANIFEST_FILE)).context("writing the manifest")?;
        Ok(())
    }

    /// Reads `dir/manifest.json` and checks every file it lists against its
    /// size and SHA-256; a damaged or incomplete backup is refused whole.
    pub fn read_verified(dir: &Path) -> anyhow::Result<Manifest> {
        let path = dir.join(MANIFEST_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => bail!(
                "{} 不是完整的备份：缺少 {MANIFEST_FILE} (not a complete backup: no manifest)",
                dir.display()
            ),
            Err(error) => return Err(error).with_context(|| format!("reading {}", path.display())),
        };
        let manifest: Manifest = serde_json::from_str(&text)
            .with_context(|| format!("{} 无法解析 (the backup manifest is damaged)", path.display()))?;
        if manifest.format != FORMAT {
            bail!(
                "备份格式 {} 不受此版本支持（支持 {FORMAT}）(backup format {} is not supported)",
                manifest.format,
                manifest.format
            );
        }
        let mut damaged = Vec::new();
        for entry in &manifest.files {
            let file = inside(dir, &entry.path)?;
            match digest(&file) {
                Ok((bytes, sha256)) if bytes == entry.bytes && sha256 == entry.sha256 => {}
                Ok((bytes, _)) if bytes != entry.bytes => {
                    damaged.push(format!("{}：大小 {bytes} 字节，应为 {}", entry.path, entry.bytes))
                }
                Ok(_) => damaged.push(format!("{}：SHA-256 校验不符", entry.path)),
                Err(_) => damaged.push(format!("{}：文件缺失或不可读", entry.path)),
            }
        }
        if !damaged.is_empty() {
            bail!(
                "备份已损坏，未做任何改动 (the backup is damaged; nothing was changed): {}",
                damaged.join("; ")
            );
        }
        for listed in std::iter::once(&manifest.database).chain(match &manifest.jwt_secret {
            SecretInfo::DataDir { path } => Some(path),
            _ => None,
        }) {
            if !manifest.files.iter().any(|f| &f.path == listed) {
                bail!("备份清单未列出 {listed} 的校验值 (the manifest has no checksum for {listed})");
            }
        }
        Ok(manifest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_must_stay_inside_the_backup() {
        let dir = Path::new("/backups/b1");
        assert_eq!(inside(dir, "search/g1/meta.json").unwrap(), dir.join("search/g1/meta.json"));
        for bad in ["", "../etc/passwd", "/etc/passwd", "search/../../x", "./zhiku.db"] {
            assert!(inside(dir, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn fingerprints_differ_per_secret_and_hide_it() {
        let a = fingerprint(b"a secret of at least thirty-two bytes!");
        assert_eq!(a.len(), 16);
        assert_eq!(a, fingerprint(b"a secret of at least thirty-two bytes!"));
        assert_ne!(a, fingerprint(b"another secret of at least 32 bytes!!"));
    }
}
