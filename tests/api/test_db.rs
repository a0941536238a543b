//! A PostgreSQL schema per test, migrated by the server it is given to and
//! dropped with this value.
//!
//! Cloning a migrated template database per test was measured and is slower
//! on PostgreSQL 15 with fsync on: `CREATE DATABASE … TEMPLATE` copies and
//! syncs every catalog page and `DROP DATABASE` forces a checkpoint, together
//! about twice the cost of creating a schema, migrating and dropping it.

use std::sync::atomic::{AtomicU64, Ordering};

use diesel::{sql_query, Connection, PgConnection, RunQueryDsl};

/// The server and database the tests use (`ZHIKU_TEST_PG_URL`).
/// The test server on loopback needs no TLS. Without it libpq never
/// initialises OpenSSL, whose exit handler otherwise races the server threads
/// still holding connections when the test process ends (a crash in
/// libcrypto after every test passed, seen once in two runs).
pub fn postgres_base_url() -> String {
    let url = std::env::var("ZHIKU_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    if url.contains("sslmode=") {
        return url;
    }
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}sslmode=disable")
}

fn connect() -> PgConnection {
    let base = postgres_base_url();
    PgConnection::establish(&base)
        .unwrap_or_else(|e| panic!("PostgreSQL at {base} is required for these tests: {e}"))
}

/// An empty schema of its own (its URL makes it the connection's search
/// path), or a whole empty database.
pub struct TestDatabase {
    schema: String,
    url: String,
    database: Option<String>,
}

fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    format!(
        "{prefix}_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst),
        chrono::Utc::now().timestamp_subsec_nanos()
    )
}

impl TestDatabase {
    /// Creates the schema (blocking: call it off the async runtime).
    pub fn create() -> TestDatabase {
        let schema = unique_name("zhiku_test");
        sql_query(format!("CREATE SCHEMA {schema}")).execute(&mut connect()).expect("create schema");
        let base = postgres_base_url();
        let separator = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{separator}options=-c%20search_path%3D{schema}");
        TestDatabase { schema, url, database: None }
    }

    /// A fresh database of its own, with nothing in its `public` schema (as
    /// a restore starts from). Blocking.
    pub fn create_database() -> TestDatabase {
        let name = unique_name("zhiku_restore");
        sql_query(format!("CREATE DATABASE {name}")).execute(&mut connect()).expect("create database");
        let base = postgres_base_url();
        let (address, query) = base.split_once('?').unwrap_or((&base, ""));
        let server = address.rsplit_once('/').map_or(address, |(server, _)| server);
        let url = format!("{server}/{name}?{query}");
        TestDatabase { schema: "public".into(), url, database: Some(name) }
    }

    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Ok(mut conn) = PgConnection::establish(&postgres_base_url()) {
            let drop = match &self.database {
                // A server may still hold connections to it.
                Some(name) => format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                None => format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema),
            };
            let _ = sql_query(drop).execute(&mut conn);
        }
    }
}
