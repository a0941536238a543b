//! HTTP integration tests; every test runs on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used)]

mod helpers;

mod auth;
mod cli;
mod crash;
mod demo;
mod errors;
mod intel_loop;
mod mail;
mod search;
mod stats;
mod users;
mod world;
