//! HTTP integration tests; every test runs on SQLite and on PostgreSQL.
//!
//! Support: helpers, test_db, world, smtp.
//! Resources: auth, users, departments, categories, clients, contacts, intel,
//! reviews, usages, points, ratings, search, notifications, mail, jobs, stats,
//! audit, docs.
//! Across resources: errors, cli, backup, crash, damaged_index, demo, faults.
#![allow(clippy::unwrap_used)]

mod helpers;
mod proxy;
mod smtp;
mod test_db;
mod world;

mod agenda;
mod appraisal;
mod audit;
mod auth;
mod categories;
mod clients;
mod contacts;
mod departments;
mod docs;
mod follows;
mod idempotency;
mod intel;
mod jobs;
mod mail;
mod market;
mod notifications;
mod points;
mod ratings;
mod reviews;
mod rollups;
mod scale;
mod search;
mod segments;
mod stats;
mod stats_reports;
mod usages;
mod users;

mod backup;
mod cli;
mod crash;
mod damaged_index;
mod demo;
mod errors;
mod faults;
mod stats_scale;
