//! The SQLite half: an online copy with `VACUUM INTO` (one read transaction,
//! so a consistent snapshot of the database and its WAL while servers keep
//! writing), and putting a copy in place.

use std::path::Path;

use anyhow::{bail, Context};
use diesel::connection::SimpleConnection;
use diesel::{Connection, SqliteConnection};

use crate::db::{self, DbConn};

/// Writes a consistent copy of the live database at `live` to `copy`;
/// returns the newest migration it holds.
pub fn copy_online(live: &str, copy: &Path) -> anyhow::Result<String> {
    if !Path::new(live).is_file() {
        bail!("没有可备份的 SQLite 数据库：{live} 不存在 (no database at {live})");
    }
    let mut conn = SqliteConnection::establish(live).with_context(|| format!("opening {live}"))?;
    // Wait for a writer's lock as the server does; the snapshot itself never blocks writers.
    conn.batch_execute("PRAGMA busy_timeout = 10000;")?;
    let target = copy.to_str().context("the backup path is not UTF-8")?;
    conn.batch_execute(&format!("VACUUM INTO '{}'", target.replace('\'', "''")))
        .with_context(|| format!("copying {live} with VACUUM INTO"))?;
    drop(conn);
    std::fs::File::open(copy).and_then(|f| f.sync_all()).context("syncing the database copy")?;
    let mut copied = DbConn::Sqlite(
        SqliteConnection::establish(target).with_context(|| format!("opening the copy {target}"))?,
    );
    db::applied_migration(&mut copied)?.context("the database has never been migrated: nothing to back up")
}

/// Whether a database file is there with something in it.
pub fn has_database(path: &str) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.len() > 0)
}

/// Removes the database at `path` with its WAL and shared-memory files.
pub fn remove_database(path: &str) -> anyhow::Result<()> {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let file = format!("{path}{suffix}");
        match std::fs::remove_file(&file) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => return Err(error).with_context(|| format!("removing {file}")),
        }
    }
    Ok(())
}

/// Puts the backed-up database `copy` at `path` (whose old files are gone):
/// copied beside it, synced, then renamed into place.
pub fn put_in_place(copy: &Path, path: &str) -> anyhow::Result<()> {
    let target = Path::new(path);
    if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    }
    let tmp = format!("{path}.restoring");
    std::fs::copy(copy, &tmp).with_context(|| format!("copying the database to {tmp}"))?;
    std::fs::File::open(&tmp).and_then(|f| f.sync_all()).context("syncing the restored database")?;
    std::fs::rename(&tmp, target).with_context(|| format!("moving the database to {path}"))?;
    Ok(())
}
