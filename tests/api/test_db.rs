//! A PostgreSQL database per test, cloned from a migrated template.
//!
//! The template is migrated once per migration set: its name carries a digest
//! of `migrations/postgres`, so a changed migration makes a new template and a
//! stale one is never used. Test processes (several `cargo test` runs, other
//! work trees on the same server) build it under an advisory lock and publish
//! it by renaming, so nobody clones a half-migrated database.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use diesel::sql_types::{BigInt, Text};
use diesel::{sql_query, Connection, PgConnection, QueryableByName, RunQueryDsl};
use sha2::{Digest, Sha256};

/// The advisory lock under which a test process builds the template.
const TEMPLATE_LOCK: i64 = 0x7a68_696b_7574_706c;

/// The server and database the tests start from (`ZHIKU_TEST_PG_URL`).
pub fn postgres_base_url() -> String {
    std::env::var("ZHIKU_TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// `base` pointing at the database `name` on the same server.
fn url_of(base: &str, name: &str) -> String {
    let authority = base.find("://").map_or(0, |at| at + 3);
    let path = base[authority..].find('/').map_or(base.len(), |at| authority + at);
    let query = base[path..].find('?').map_or("", |at| &base[path + at..]);
    format!("{}/{name}{query}", &base[..path])
}

fn connect(url: &str) -> PgConnection {
    PgConnection::establish(url)
        .unwrap_or_else(|e| panic!("PostgreSQL at {url} is required for these tests: {e}"))
}

fn execute(conn: &mut PgConnection, sql: &str) {
    sql_query(sql).execute(conn).unwrap_or_else(|e| panic!("{sql}: {e}"));
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    count: i64,
}

fn database_exists(conn: &mut PgConnection, name: &str) -> bool {
    let found: Count = sql_query("SELECT COUNT(*) AS count FROM pg_database WHERE datname = $1")
        .bind::<Text, _>(name)
        .get_result(conn)
        .expect("look up pg_database");
    found.count > 0
}

/// A digest of every file of `migrations/postgres`, names and contents.
fn migrations_digest() -> String {
    fn collect(dir: &std::path::Path, files: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("migrations folder") {
            let path = entry.expect("migration entry").path();
            if path.is_dir() {
                collect(&path, files);
            } else {
                files.push(path);
            }
        }
    }
    let root = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/postgres"));
    let mut files = Vec::new();
    collect(root, &mut files);
    files.sort();
    let mut hasher = Sha256::new();
    for file in files {
        hasher.update(file.strip_prefix(root).expect("under the root").to_string_lossy().as_bytes());
        hasher.update([0]);
        hasher.update(std::fs::read(&file).expect("migration file"));
        hasher.update([0]);
    }
    hex::encode(&hasher.finalize()[..8])
}

/// The name of the migrated template, built when missing.
fn template() -> &'static str {
    static TEMPLATE: OnceLock<String> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let name = format!("zhiku_template_{}", migrations_digest());
        let base = postgres_base_url();
        let mut conn = connect(&base);
        sql_query("SELECT pg_advisory_lock($1)").bind::<BigInt, _>(TEMPLATE_LOCK).execute(&mut conn).unwrap();
        if !database_exists(&mut conn, &name) {
            // Left over if a process died while building: nobody else builds without the lock.
            let building = format!("{name}_building");
            execute(&mut conn, &format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)"));
            execute(&mut conn, &format!("CREATE DATABASE {building}"));
            let mut target = zhiku::db::DbConn::Pg(connect(&url_of(&base, &building)));
            zhiku::db::run_migrations(&mut target).expect("migrate the template");
            drop(target);
            execute(&mut conn, &format!("ALTER DATABASE {building} RENAME TO {name}"));
            // Nobody may connect to it: a connection would make every clone fail.
            execute(&mut conn, &format!("ALTER DATABASE {name} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false"));
        }
        sql_query("SELECT pg_advisory_unlock($1)").bind::<BigInt, _>(TEMPLATE_LOCK).execute(&mut conn).unwrap();
        name
    })
}

/// A migrated database of its own, dropped with this value.
pub struct TestDatabase {
    name: String,
    url: String,
}

impl TestDatabase {
    /// Clones the template (blocking: call it off the async runtime).
    pub fn create() -> TestDatabase {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let template = template();
        let base = postgres_base_url();
        let name = format!(
            "zhiku_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst),
            chrono::Utc::now().timestamp_subsec_nanos()
        );
        execute(&mut connect(&base), &format!("CREATE DATABASE {name} TEMPLATE {template}"));
        TestDatabase { url: url_of(&base, &name), name }
    }

    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        // FORCE ends the connections of the test's server, which may still run.
        if let Ok(mut conn) = PgConnection::establish(&postgres_base_url()) {
            let _ = sql_query(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)).execute(&mut conn);
        }
    }
}

#[test]
fn database_urls_keep_server_and_options() {
    assert_eq!(url_of("postgres://postgres@127.0.0.1:5432/test", "t1"), "postgres://postgres@127.0.0.1:5432/t1");
    assert_eq!(url_of("postgres://u:p@h/test?sslmode=disable", "t1"), "postgres://u:p@h/t1?sslmode=disable");
    assert_eq!(url_of("postgres://h:5432", "t1"), "postgres://h:5432/t1");
}
