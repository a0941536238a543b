//! HTTP integration tests; every test runs on SQLite and on PostgreSQL.

mod helpers;

mod auth;
mod errors;
mod users;
