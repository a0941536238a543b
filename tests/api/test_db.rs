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

/// An empty schema of its own; its URL makes it the connection's search path.
pub struct TestDatabase {
    schema: String,
    url: String,
}

impl TestDatabase {
    /// Creates the schema (blocking: call it off the async runtime).
    pub fn create() -> TestDatabase {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let schema = format!(
            "zhiku_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst),
            chrono::Utc::now().timestamp_subsec_nanos()
        );
        sql_query(format!("CREATE SCHEMA {schema}")).execute(&mut connect()).expect("create schema");
        let base = postgres_base_url();
        let separator = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{separator}options=-c%20search_path%3D{schema}");
        TestDatabase { schema, url }
    }

    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Ok(mut conn) = PgConnection::establish(&postgres_base_url()) {
            let _ = sql_query(format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema)).execute(&mut conn);
        }
    }
}
