//! The data layer: one connection enum over SQLite and PostgreSQL, its pool and
//! the embedded migrations of each backend.

pub mod rollup;
pub mod schema;
pub mod search_outbox;

use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::r2d2::{self, ManageConnection, R2D2Connection};
use diesel::sqlite::SqliteConnection;
use diesel::Connection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// A connection to whichever backend the settings chose.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Pg(PgConnection),
    Sqlite(SqliteConnection),
}

/// Runs `$body` with `$c` bound to the concrete connection inside a [`DbConn`],
/// so one query source compiles for both backends with every diesel feature
/// (RETURNING, ON CONFLICT) available.
#[macro_export]
macro_rules! with_conn {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConn::Pg($c) => $body,
            $crate::db::DbConn::Sqlite($c) => $body,
        }
    };
}

pub type Pool = r2d2::Pool<Manager>;
pub type PooledConn = r2d2::PooledConnection<Manager>;

/// Where the data lives, parsed from a database URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DatabaseUrl {
    Postgres(String),
    Sqlite(String),
}

impl DatabaseUrl {
    /// `postgres://…` / `postgresql://…` select PostgreSQL; anything else is a
    /// SQLite path, optionally written as `sqlite://path`.
    pub fn parse(url: &str) -> Self {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            DatabaseUrl::Postgres(url.to_owned())
        } else {
            let path = url.strip_prefix("sqlite://").unwrap_or(url);
            DatabaseUrl::Sqlite(path.to_owned())
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, DatabaseUrl::Postgres(_))
    }

    /// A URL safe to log: the password of a PostgreSQL URL is hidden.
    pub fn redacted(&self) -> String {
        match self {
            DatabaseUrl::Sqlite(path) => format!("sqlite://{path}"),
            DatabaseUrl::Postgres(url) => match (url.find("://"), url.rfind('@')) {
                (Some(scheme), Some(at)) if at > scheme => {
                    let credentials = &url[scheme + 3..at];
                    match credentials.split_once(':') {
                        Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                        None => url.clone(),
                    }
                }
                _ => url.clone(),
            },
        }
    }
}

/// How long the pool and its connections may wait on the database.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_size: u32,
    /// For a pooled connection; for a new PostgreSQL connection to be made;
    /// for a PostgreSQL peer to acknowledge what was sent or answer keepalives.
    pub timeout: Duration,
    /// The longest one PostgreSQL statement may run.
    pub statement_timeout: Duration,
}

impl Limits {
    /// Small limits for the command line (one or two connections).
    pub fn cli(max_size: u32) -> Self {
        Limits { max_size, timeout: Duration::from_secs(15), statement_timeout: Duration::from_secs(3600) }
    }
}

/// A PostgreSQL URL with the connection parameters that bound every wait on
/// an unreachable or silent server, unless the URL sets them itself:
/// `connect_timeout`, TCP keepalives and `tcp_user_timeout` (unacknowledged
/// data), so a dropped network fails a connection in about `timeout`.
pub fn bounded_postgres_url(url: &str, timeout: Duration) -> String {
    let seconds = timeout.as_secs().max(1);
    let params = [
        ("connect_timeout", seconds.to_string()),
        ("keepalives", "1".to_owned()),
        ("keepalives_idle", seconds.to_string()),
        ("keepalives_interval", "1".to_owned()),
        ("keepalives_count", "2".to_owned()),
        ("tcp_user_timeout", (seconds * 1000).to_string()),
    ];
    let query = url.split_once('?').map(|(_, q)| q).unwrap_or("");
    let given: Vec<&str> = query.split('&').filter_map(|kv| kv.split('=').next()).collect();
    let mut bounded = url.to_owned();
    for (key, value) in params {
        if !given.contains(&key) {
            bounded.push(if bounded.contains('?') { '&' } else { '?' });
            bounded.push_str(&format!("{key}={value}"));
        }
    }
    bounded
}

/// r2d2 manager that opens the right backend and applies SQLite's pragmas
/// (PostgreSQL's statement timeout) to every new connection.
#[derive(Debug)]
pub struct Manager {
    url: DatabaseUrl,
    limits: Limits,
}

const SQLITE_PRAGMAS: &str =
    "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
     PRAGMA foreign_keys = ON;";

impl ManageConnection for Manager {
    type Connection = DbConn;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConn, r2d2::Error> {
        match &self.url {
            DatabaseUrl::Postgres(url) => {
                let url = bounded_postgres_url(url, self.limits.timeout);
                let mut conn = PgConnection::establish(&url).map_err(r2d2::Error::ConnectionError)?;
                let statement_ms = self.limits.statement_timeout.as_millis();
                conn.batch_execute(&format!(
                    "SET statement_timeout = {statement_ms}; \
                     SET idle_in_transaction_session_timeout = {statement_ms};"
                ))
                .map_err(r2d2::Error::QueryError)?;
                Ok(DbConn::Pg(conn))
            }
            DatabaseUrl::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(path).map_err(r2d2::Error::ConnectionError)?;
                conn.batch_execute(SQLITE_PRAGMAS).map_err(r2d2::Error::QueryError)?;
                Ok(DbConn::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), r2d2::Error> {
        conn.ping().map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConn) -> bool {
        conn.is_broken()
    }
}

/// Opens a pool; SQLite's parent directory is created when missing. Waiting
/// for a connection gives up after `limits.timeout`.
pub fn connect(url: &DatabaseUrl, limits: Limits) -> anyhow::Result<Pool> {
    if let DatabaseUrl::Sqlite(path) = url {
        if let Some(parent) = Path::new(path).parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        }
    }
    r2d2::Pool::builder()
        .max_size(limits.max_size)
        .connection_timeout(limits.timeout)
        .build(Manager { url: url.clone(), limits })
        .with_context(|| format!("connecting to {}", url.redacted()))
}

/// Applies the pending migrations of the connection's backend, then builds
/// the rollup cells if this version has not (see [`rollup`]); returns how
/// many migrations ran.
pub fn run_migrations(conn: &mut DbConn) -> anyhow::Result<usize> {
    let applied = match conn {
        DbConn::Pg(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|v| v.len()),
        DbConn::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
    };
    let applied = applied.map_err(|e| anyhow::anyhow!("running migrations: {e}"))?;
    rebuild_rollups(conn, false)?;
    Ok(applied)
}

/// Rebuilds the rollup cells from the tables — when `always`, or when they
/// were not built by this version (a new database, an upgrade, rows written
/// around the app).
pub fn rebuild_rollups(conn: &mut DbConn, always: bool) -> anyhow::Result<()> {
    if !always && rollup::is_built(conn)? {
        return Ok(());
    }
    let started = std::time::Instant::now();
    write_tx(conn, rollup::rebuild).map_err(|e| anyhow::anyhow!("building the statistics rollups: {e}"))?;
    tracing::info!(seconds = started.elapsed().as_secs_f64(), "statistics rollups built");
    Ok(())
}

/// The newest migration this build knows for `url`'s backend (`20261204000008`).
pub fn latest_migration(url: &DatabaseUrl) -> anyhow::Result<String> {
    use diesel::migration::MigrationSource;
    use diesel::pg::Pg;
    use diesel::sqlite::Sqlite;

    fn newest<DB: diesel::backend::Backend>(source: &impl MigrationSource<DB>) -> anyhow::Result<String> {
        let migrations = source.migrations().map_err(|e| anyhow::anyhow!("listing migrations: {e}"))?;
        migrations
            .iter()
            .map(|m| m.name().version().to_string())
            .max()
            .context("this build has no migrations")
    }
    match url {
        DatabaseUrl::Postgres(_) => newest::<Pg>(&POSTGRES_MIGRATIONS),
        DatabaseUrl::Sqlite(_) => newest::<Sqlite>(&SQLITE_MIGRATIONS),
    }
}

/// The newest migration applied to the connection's database; `None` before the first.
pub fn applied_migration(conn: &mut DbConn) -> anyhow::Result<Option<String>> {
    use diesel::sql_types::{Nullable, Text};
    use diesel::RunQueryDsl;

    #[derive(diesel::QueryableByName)]
    struct Newest {
        #[diesel(sql_type = Nullable<Text>)]
        version: Option<String>,
    }
    let exists = match conn {
        DbConn::Pg(_) => "SELECT to_regclass('__diesel_schema_migrations') IS NOT NULL AS found",
        DbConn::Sqlite(_) => {
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = '__diesel_schema_migrations') AS found"
        }
    };
    #[derive(diesel::QueryableByName)]
    struct Found {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        found: bool,
    }
    let found: Found = with_conn!(conn, |c| diesel::sql_query(exists).get_result(c))?;
    if !found.found {
        return Ok(None);
    }
    let newest: Newest = with_conn!(conn, |c| diesel::sql_query(
        "SELECT MAX(version) AS version FROM __diesel_schema_migrations"
    )
    .get_result(c))?;
    Ok(newest.version)
}

/// Brings the query planner's statistics up to date where they are missing
/// or stale: without them SQLite guessed that walking the whole entry list in
/// date order beats reading one client's fifty entries (0.6 s against a few
/// milliseconds at a million entries). SQLite analyses only the tables that
/// need it, on a sample (`analysis_limit`), so at start this costs little;
/// PostgreSQL is analysed by its autovacuum, and here only after a bulk load.
pub fn refresh_statistics(conn: &mut DbConn, bulk_loaded: bool) -> diesel::QueryResult<()> {
    match conn {
        DbConn::Sqlite(c) => c.batch_execute("PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002;"),
        DbConn::Pg(c) if bulk_loaded => c.batch_execute("ANALYZE"),
        DbConn::Pg(_) => Ok(()),
    }
}

/// Runs `f` in a transaction meant to write (a savepoint when one is open).
/// On SQLite it queues for the writer lock (see [`writer_gate`]) and starts
/// with `BEGIN IMMEDIATE`, so a read lock never has to be upgraded
/// mid-transaction; on PostgreSQL the search outbox rows it records are
/// written at its end (see [`search_outbox::Deferred`]). On both the rollup
/// cells it changed are written just before the commit ([`rollup::Deferred`]).
pub fn write_tx<T, E>(conn: &mut DbConn, f: impl FnOnce(&mut DbConn) -> Result<T, E>) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};

    let outermost = match conn {
        DbConn::Pg(c) => {
            AnsiTransactionManager::transaction_manager_status_mut(c).transaction_depth()?.is_none()
        }
        DbConn::Sqlite(c) => {
            AnsiTransactionManager::transaction_manager_status_mut(c).transaction_depth()?.is_none()
        }
    };
    // Inside a transaction already (a service called by another): a savepoint.
    if !outermost {
        let pending = rollup::Savepoint::open();
        let result = conn.transaction(f);
        if result.is_err() {
            pending.rolled_back();
        }
        return result;
    }
    let DbConn::Sqlite(sqlite) = conn else {
        // The search outbox rows go in at the end, so its ordering lock is held only to commit.
        return conn.transaction(|conn| {
            let (cells, deferred) = (rollup::Deferred::begin(), search_outbox::Deferred::begin());
            let value = f(conn)?;
            cells.flush(conn)?;
            deferred.flush(conn)?;
            Ok(value)
        });
    };
    let gate = writer_gate(sqlite)?;
    let turn = match &gate {
        Some(gate) => Some(gate.try_lock_for(WRITER_WAIT).ok_or_else(database_locked)?),
        None => None,
    };
    AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")?;
    let cells = rollup::Deferred::begin();
    let result = f(conn).and_then(|value| cells.flush(conn).map(|()| value).map_err(E::from));
    let DbConn::Sqlite(sqlite) = conn else { unreachable!("a connection never changes its backend") };
    let finished = match result {
        Ok(value) => AnsiTransactionManager::commit_transaction(sqlite).map(|()| value).map_err(E::from),
        Err(error) => AnsiTransactionManager::rollback_transaction(sqlite).map_err(E::from).and(Err(error)),
    };
    // Straight to the writer that has waited longest.
    if let Some(turn) = turn {
        parking_lot::MutexGuard::unlock_fair(turn);
    }
    finished
}

/// How long a writer of this process waits for its turn; SQLite's own busy
/// timeout (the pragma) is the same.
const WRITER_WAIT: Duration = Duration::from_secs(10);

/// SQLite admits one writer at a time, and a writer that finds the lock
/// taken polls in SQLite's busy handler, sleeping up to 100 ms between tries:
/// under eight concurrent writers that made the slowest writes wait ten times
/// longer than the queue ahead of them. So the writers of this process queue
/// in order on one lock per database file before `BEGIN IMMEDIATE`, each woken
/// the moment the one before commits; the busy handler is left to arbitrate
/// with other processes (the command line). `None` for an in-memory database.
fn writer_gate(
    sqlite: &mut SqliteConnection,
) -> diesel::QueryResult<Option<std::sync::Arc<parking_lot::Mutex<()>>>> {
    use diesel::sql_types::Text;
    use diesel::RunQueryDsl;
    use std::collections::HashMap;
    use std::sync::{Arc, LazyLock};

    #[derive(diesel::QueryableByName)]
    struct Main {
        #[diesel(sql_type = Text)]
        file: String,
    }
    static GATES: LazyLock<parking_lot::Mutex<HashMap<String, Arc<parking_lot::Mutex<()>>>>> =
        LazyLock::new(Default::default);

    let main: Main =
        diesel::sql_query("SELECT file FROM pragma_database_list WHERE name = 'main'").get_result(sqlite)?;
    if main.file.is_empty() {
        return Ok(None);
    }
    Ok(Some(GATES.lock().entry(main.file).or_default().clone()))
}

/// What SQLite itself answers when its busy timeout runs out.
fn database_locked() -> diesel::result::Error {
    diesel::result::Error::DatabaseError(
        diesel::result::DatabaseErrorKind::Unknown,
        Box::new("database is locked (waited for the other writers of this process)".to_owned()),
    )
}

#[cfg(test)]
mod tests {
    use diesel::connection::SimpleConnection;
    use diesel::sql_types::{BigInt, Text};
    use diesel::{sql_query, Connection, QueryableByName, RunQueryDsl, SqliteConnection};
    use diesel_migrations::MigrationHarness;

    use super::SQLITE_MIGRATIONS;

    #[derive(QueryableByName, Debug, PartialEq)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }

    #[derive(QueryableByName, Debug, PartialEq)]
    struct Row {
        #[diesel(sql_type = Text)]
        text: String,
    }

    fn count(conn: &mut SqliteConnection, sql: &str) -> i64 {
        sql_query(sql).get_result::<Count>(conn).map(|c| c.n).unwrap_or(-1)
    }

    /// The SQLite upgrade that makes `intel.client_id` nullable rebuilds the
    /// table: existing entries, what refers to them, their ids and the
    /// foreign keys all survive, and every entry gets its `intel_clients` row.
    #[test]
    fn the_sqlite_rebuild_for_market_wide_entries_keeps_every_row() {
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        conn.batch_execute("PRAGMA foreign_keys = ON;").unwrap();
        loop {
            let version = conn.run_next_migration(SQLITE_MIGRATIONS).unwrap();
            if version.to_string().starts_with("20261204000007") {
                break;
            }
        }
        conn.batch_execute(
            "INSERT INTO users (id, employee_no, real_name, email, roles, password_hash, created_at, updated_at)
                 VALUES (1, 'E1', '张伟', 'e1@x', '[]', 'x', '2026-11-01', '2026-11-01');
             INSERT INTO clients (id, kind, name, pinyin, initials, created_by, created_at, updated_at)
                 VALUES (7, 'group', '芜湖长江', 'wuhu', 'wh', 1, '2026-11-01', '2026-11-01');
             INSERT INTO intel (id, client_id, category, author_id, title, body, fields, source, observed_at,
                                completeness, status, created_at, updated_at, urgent)
                 VALUES (41, 7, 'competitor', 1, '电信报价', '', '{}', 'public', '2026-11-01', 1, 'adopted',
                         '2026-11-01', '2026-11-01', TRUE),
                        (42, 7, 'business', 1, '续约', '', '{}', 'public', '2026-11-01', 1, 'submitted',
                         '2026-11-01', '2026-11-01', FALSE);
             INSERT INTO usages (intel_id, user_id, purpose, outcome, note, created_at, updated_at)
                 VALUES (41, 1, 'visit', 'pending', '', '2026-11-02', '2026-11-02');
             DELETE FROM intel WHERE id = 42;",
        )
        .unwrap();
        let ran = conn.run_pending_migrations(SQLITE_MIGRATIONS).unwrap();
        assert!(!ran.is_empty());

        assert_eq!(
            count(&mut conn, "SELECT COUNT(*) AS n FROM intel WHERE id = 41 AND urgent AND client_id = 7"),
            1
        );
        assert_eq!(
            count(&mut conn, "SELECT COUNT(*) AS n FROM intel_clients WHERE intel_id = 41 AND client_id = 7"),
            1
        );
        assert_eq!(
            count(&mut conn, "SELECT COUNT(*) AS n FROM usages u JOIN intel i ON i.id = u.intel_id"),
            1
        );
        let problems: Vec<Row> =
            sql_query("SELECT \"table\" || ':' || COALESCE(rowid, 0) AS text FROM pragma_foreign_key_check")
                .load(&mut conn)
                .unwrap();
        assert_eq!(problems, Vec::new(), "no dangling reference");
        let on: Vec<Count> =
            sql_query("SELECT foreign_keys AS n FROM pragma_foreign_keys").load(&mut conn).unwrap();
        assert_eq!(on, vec![Count { n: 1 }], "foreign keys are on again");
        // Ids are never reused (42 was taken once), and an entry may now name no client.
        conn.batch_execute(
            "INSERT INTO intel (client_id, category, author_id, title, body, fields, source, observed_at,
                                completeness, status, created_at, updated_at)
                 VALUES (NULL, 'competitor', 1, '全市场', '', '{}', 'public', '2026-11-03', 1, 'draft',
                         '2026-11-03', '2026-11-03');",
        )
        .unwrap();
        assert_eq!(count(&mut conn, "SELECT MAX(id) AS n FROM intel"), 43);
        for index in [
            "intel_client_idx",
            "intel_author_idx",
            "intel_status_idx",
            "intel_one_pending_revision",
            "intel_supersedes_idx",
        ] {
            let query = format!(
                "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'index' AND tbl_name = 'intel' AND name = '{index}'"
            );
            assert_eq!(count(&mut conn, &query), 1, "{index} of intel is back");
        }
    }
}
