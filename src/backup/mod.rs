//! `zhiku backup DIR` and `zhiku restore DIR`.
//!
//! A backup is a directory: the database (an online SQLite copy, or a
//! `pg_dump -Fc` archive), the live search-index generation, the generated
//! JWT secret (which also keys calendar-feed URLs) and `manifest.json` with a
//! SHA-256 of every file. The index is copied before the database is, so the
//! copied index never holds a change the copied database lacks; on restore
//! the indexer replays the rest from the search outbox, and an index that is
//! missing, does not open or does not fit is rebuilt.

pub mod manifest;
pub mod postgres;
pub mod sqlite;

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context};

use crate::auth::tokens::{write_private, SECRET_FILE};
use crate::config::Settings;
use crate::db::{self, DatabaseUrl};
use crate::search::{index::search_root, reindex, snapshot};
use manifest::{
    fingerprint, inside, FileEntry, IndexInfo, Manifest, PostgresInfo, SecretInfo, FORMAT, MANIFEST_FILE,
};

const SQLITE_FILE: &str = "zhiku.db";
const POSTGRES_FILE: &str = "zhiku.pgdump";
const INDEX_DIR: &str = "search";

#[derive(Debug)]
pub struct BackupSummary {
    pub manifest: Manifest,
    pub bytes: u64,
    pub seconds: f64,
    /// What the operator should know (an index that could not be copied).
    pub notes: Vec<String>,
}

#[derive(Debug)]
pub struct RestoreSummary {
    pub manifest: Manifest,
    pub migrations_applied: usize,
    /// `Some(entries)` when the index was rebuilt rather than taken from the backup.
    pub index_rebuilt: Option<u64>,
    pub seconds: f64,
    pub notes: Vec<String>,
}

fn backend_name(url: &DatabaseUrl) -> &'static str {
    if url.is_postgres() {
        "postgres"
    } else {
        "sqlite"
    }
}

/// Whether `dir` is missing or holds nothing.
fn is_empty_dir(dir: &Path) -> anyhow::Result<bool> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => Ok(entries.next().is_none()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(true),
        Err(error) => Err(error).with_context(|| format!("reading {}", dir.display())),
    }
}

fn create_private_dir(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .with_context(|| format!("restricting {}", dir.display()))?;
    }
    Ok(())
}

/// Every file under `dir` but the manifest, as `/`-separated relative paths.
fn files_under(dir: &Path) -> anyhow::Result<Vec<String>> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) -> anyhow::Result<()> {
        for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                walk(root, &path, out)?;
            } else {
                let relative = path.strip_prefix(root).unwrap_or(&path);
                let parts: Vec<String> =
                    relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
                out.push(parts.join("/"));
            }
        }
        Ok(())
    }
    let mut files = Vec::new();
    walk(dir, dir, &mut files)?;
    files.retain(|f| f != MANIFEST_FILE);
    files.sort();
    Ok(files)
}

/// Writes a backup of the running (or stopped) installation of `settings`
/// into `dir`, which must be new or empty; a failed backup leaves it so.
pub fn backup(settings: &Settings, dir: &Path) -> anyhow::Result<BackupSummary> {
    if !is_empty_dir(dir)? {
        bail!(
            "备份目录 {} 不为空：请指定一个新的或空的目录 (the backup directory is not empty)",
            dir.display()
        );
    }
    let existed = dir.exists();
    let written = write_backup(settings, dir);
    if written.is_err() {
        let cleaned = if existed {
            std::fs::read_dir(dir).and_then(|entries| {
                entries.flatten().try_for_each(|entry| {
                    let path = entry.path();
                    if path.is_dir() {
                        std::fs::remove_dir_all(path)
                    } else {
                        std::fs::remove_file(path)
                    }
                })
            })
        } else {
            std::fs::remove_dir_all(dir)
        };
        if let Err(error) = cleaned {
            tracing::warn!(%error, dir = %dir.display(), "could not remove the incomplete backup");
        }
    }
    written
}

/// The database to back up, with what was checked about PostgreSQL's.
enum Source<'a> {
    Sqlite(&'a str),
    Postgres { url: &'a str, server: postgres::Server, pg_dump_version: String },
}

fn write_backup(settings: &Settings, dir: &Path) -> anyhow::Result<BackupSummary> {
    let started = Instant::now();
    // Refuse early when pg_dump is missing or too old, before anything is copied.
    let source = match &settings.database_url {
        DatabaseUrl::Sqlite(path) => Source::Sqlite(path),
        DatabaseUrl::Postgres(url) => {
            let (server, pg_dump_version) = postgres::check_dump(url)?;
            Source::Postgres { url, server, pg_dump_version }
        }
    };
    create_private_dir(dir)?;
    let mut notes = Vec::new();
    // The index first: whatever it has applied is then in the database copy too.
    let index_dir = dir.join(INDEX_DIR);
    let search_index = match snapshot::copy_live(&settings.data_dir, &index_dir) {
        Ok(Some(copied)) => Some(IndexInfo {
            path: format!("{INDEX_DIR}/{}", copied.generation),
            generation: copied.generation,
            applied_outbox_id: copied.applied_outbox_id,
            entries: copied.entries,
        }),
        Ok(None) => {
            notes.push(
                "数据目录中没有搜索索引，恢复时将重建 (no search index here; restore rebuilds it)".into(),
            );
            None
        }
        Err(error) => {
            notes.push(format!("搜索索引未能复制，恢复时将重建 (the index was not copied: {error:#})"));
            None
        }
    };
    if search_index.is_none() && index_dir.exists() {
        std::fs::remove_dir_all(&index_dir).with_context(|| format!("removing {}", index_dir.display()))?;
    }

    let (database, migration, postgres) = match source {
        Source::Sqlite(path) => {
            let migration = sqlite::copy_online(path, &dir.join(SQLITE_FILE))?;
            (SQLITE_FILE, migration, None)
        }
        Source::Postgres { url, server, pg_dump_version } => {
            let pool = db::connect(&settings.database_url, db::Limits::cli(1))?;
            let migration =
                db::applied_migration(&mut *pool.get().context("opening a database connection")?)?
                    .context("the database has never been migrated: nothing to back up")?;
            drop(pool);
            postgres::dump(url, &server, &dir.join(POSTGRES_FILE))?;
            let info =
                PostgresInfo { schema: server.schema, server_version: server.version, pg_dump_version };
            (POSTGRES_FILE, migration, Some(info))
        }
    };

    let jwt_secret = match &settings.jwt_secret {
        Some(secret) => SecretInfo::Settings { fingerprint: fingerprint(secret.as_bytes()) },
        None => match std::fs::read_to_string(settings.data_dir.join(SECRET_FILE)) {
            Ok(secret) => {
                write_private(&dir.join(SECRET_FILE), &secret).context("copying the JWT secret")?;
                SecretInfo::DataDir { path: SECRET_FILE.to_owned() }
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => SecretInfo::None,
            Err(error) => return Err(error).context("reading the JWT secret"),
        },
    };

    let files =
        files_under(dir)?.iter().map(|f| FileEntry::of(dir, f)).collect::<anyhow::Result<Vec<_>>>()?;
    let manifest = Manifest {
        format: FORMAT,
        zhiku_version: env!("CARGO_PKG_VERSION").to_owned(),
        created_at: chrono::Utc::now(),
        backend: backend_name(&settings.database_url).to_owned(),
        migration,
        database: database.to_owned(),
        postgres,
        search_index,
        jwt_secret,
        files,
    };
    manifest.write(dir)?;
    let bytes = manifest.files.iter().map(|f| f.bytes).sum();
    Ok(BackupSummary { manifest, bytes, seconds: started.elapsed().as_secs_f64(), notes })
}

/// Restores the backup in `dir` into the data directory and database of
/// `settings`, which must be empty unless `force`.
pub fn restore(settings: &Settings, dir: &Path, force: bool) -> anyhow::Result<RestoreSummary> {
    let started = Instant::now();
    let manifest = Manifest::read_verified(dir)?;
    let target_backend = backend_name(&settings.database_url);
    if manifest.backend != target_backend {
        bail!(
            "备份来自 {}，目标数据库是 {target_backend}：只能恢复到同一种数据库 \
             (a {} backup restores into {} only)",
            manifest.backend,
            manifest.backend,
            manifest.backend
        );
    }
    let latest = db::latest_migration(&settings.database_url)?;
    if manifest.migration > latest {
        bail!(
            "备份来自更新的智库版本 {}（迁移 {}，本程序只到 {latest}）：请用该版本或更新的版本恢复 \
             (the backup is newer than this build)",
            manifest.zhiku_version,
            manifest.migration
        );
    }

    // Every refusal before anything is changed.
    let data_dir = &settings.data_dir;
    let data_dir_used = !is_empty_dir(data_dir)?;
    if data_dir_used && !force {
        bail!(
            "目标数据目录 {} 不为空：确认要覆盖请加 --force (the target data directory is not empty; use --force)",
            data_dir.display()
        );
    }
    let database = inside(dir, &manifest.database)?;
    match &settings.database_url {
        DatabaseUrl::Sqlite(path) => {
            if sqlite::has_database(path) && !force {
                bail!("目标数据库 {path} 已存在：确认要覆盖请加 --force (the target database exists; use --force)");
            }
        }
        DatabaseUrl::Postgres(url) => {
            let info = manifest.postgres.as_ref().context("the manifest lacks its PostgreSQL details")?;
            postgres::tool_major("pg_restore")?;
            postgres::check_target(url, &info.schema, force)?;
        }
    }

    if data_dir_used {
        remove_restorable(data_dir)?;
    }
    create_private_dir(data_dir)?;
    match &settings.database_url {
        DatabaseUrl::Sqlite(path) => {
            sqlite::remove_database(path)?;
            sqlite::put_in_place(&database, path)?;
        }
        DatabaseUrl::Postgres(url) => {
            let info = manifest.postgres.as_ref().context("the manifest lacks its PostgreSQL details")?;
            postgres::restore(url, &database, &info.schema, &info.pg_dump_version, data_dir, force)?;
        }
    }

    let mut notes = Vec::new();
    match &manifest.jwt_secret {
        SecretInfo::DataDir { path } => {
            let secret =
                std::fs::read_to_string(inside(dir, path)?).context("reading the backed-up secret")?;
            write_private(&data_dir.join(SECRET_FILE), &secret).context("restoring the JWT secret")?;
            if settings.jwt_secret.is_some() {
                notes.push(
                    "已恢复数据目录中的 JWT 密钥，但当前设置了 ZHIKU_JWT_SECRET，服务器会用设置的密钥：旧的登录和日历链接将失效 \
                     (ZHIKU_JWT_SECRET overrides the restored secret)"
                        .into(),
                );
            }
        }
        SecretInfo::Settings { fingerprint: expected } => {
            let same = settings.jwt_secret.as_ref().is_some_and(|s| &fingerprint(s.as_bytes()) == expected);
            if !same {
                notes.push(
                    "备份时的 JWT 密钥来自设置（ZHIKU_JWT_SECRET），未包含在备份中：恢复后的服务器须设置同一密钥，否则旧的登录和日历链接失效 \
                     (set the same ZHIKU_JWT_SECRET as the backed-up server)"
                        .into(),
                );
            }
        }
        SecretInfo::None => {}
    }

    let pool = db::connect(&settings.database_url, db::Limits::cli(2))?;
    let migrations_applied = {
        let mut conn = pool.get().context("opening a database connection")?;
        db::run_migrations(&mut conn)?
    };
    let index_rebuilt = restore_index(&manifest, dir, data_dir, &pool, migrations_applied, &mut notes)?;
    Ok(RestoreSummary {
        manifest,
        migrations_applied,
        index_rebuilt,
        seconds: started.elapsed().as_secs_f64(),
        notes,
    })
}

/// With `--force`: what a restore replaces in a used data directory.
fn remove_restorable(data_dir: &Path) -> anyhow::Result<()> {
    let index = search_root(data_dir);
    if index.exists() {
        std::fs::remove_dir_all(&index).with_context(|| format!("removing {}", index.display()))?;
    }
    match std::fs::remove_file(data_dir.join(SECRET_FILE)) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
            Err(error).context("removing the old secret")
        }
        _ => Ok(()),
    }
}

/// Installs the backed-up index when it fits the restored database, else
/// rebuilds it from the database; returns the entries of a rebuilt index.
fn restore_index(
    manifest: &Manifest,
    dir: &Path,
    data_dir: &Path,
    pool: &db::Pool,
    migrations_applied: usize,
    notes: &mut Vec<String>,
) -> anyhow::Result<Option<u64>> {
    let copied = manifest
        .search_index
        .as_ref()
        .filter(|_| migrations_applied == 0 && manifest.zhiku_version == env!("CARGO_PKG_VERSION"));
    if let Some(info) = copied {
        let prefix = format!("{}/", info.path);
        let files: Vec<(String, PathBuf)> = manifest
            .files
            .iter()
            .filter_map(|f| f.path.strip_prefix(&prefix).map(|name| (name.to_owned(), f.path.clone())))
            .map(|(name, path)| inside(dir, &path).map(|p| (name, p)))
            .collect::<anyhow::Result<_>>()?;
        let outbox_last_id = {
            let mut conn = pool.get().context("opening a database connection")?;
            crate::db::search_outbox::last_id(&mut conn)?
        };
        match snapshot::install(&files, &info.generation, data_dir, outbox_last_id)? {
            Ok(_) => return Ok(None),
            Err(why) => {
                notes.push(format!("备份中的搜索索引不可用，已重建 (the backed-up index was rebuilt: {why})"))
            }
        }
    }
    let rebuilt = reindex::rebuild(pool, data_dir, true)?;
    Ok(Some(rebuilt.entries))
}
