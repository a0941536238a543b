//! HTTP integration tests; every test runs on SQLite and on PostgreSQL.
//!
//! Support: helpers, test_db, world, smtp.
//! Resources: auth, users, departments, categories, clients, contacts, intel,
//! reviews, usages, points, ratings, search, notifications, mail, jobs, stats,
//! audit, docs.
//! Across resources: errors, cli, backup, crash, demo.
#![allow(clippy::unwrap_used)]

mod helpers;
mod smtp;
mod test_db;
mod world;

mod agenda;
mod audit;
mod auth;
mod categories;
mod clients;
mod contacts;
mod departments;
mod docs;
mod follows;
mod intel;
mod jobs;
mod mail;
mod market;
mod notifications;
mod points;
mod ratings;
mod reviews;
mod search;
mod stats;
mod usages;
mod users;

mod backup;
mod cli;
mod crash;
mod demo;
mod errors;
