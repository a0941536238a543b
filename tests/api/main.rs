//! HTTP integration tests; every test runs on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used)]

mod helpers;

mod auth;
mod errors;
mod intel_loop;
mod users;
mod world;
