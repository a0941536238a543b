//! Zhiku (智库): a client-intelligence sharing platform for a telecom branch's
//! key accounts. The binary in `main.rs` only parses the command line.

pub mod agenda;
pub mod api;
pub mod app;
pub mod audit;
pub mod auth;
pub mod categories;
pub mod cli;
pub mod clients;
pub mod config;
pub mod db;
pub mod demo;
pub mod docs;
pub mod dossier;
pub mod enums;
pub mod error;
pub mod follows;
pub mod handover;
pub mod ids;
pub mod import;
pub mod intel;
pub mod jobs;
pub mod notify;
pub mod points;
pub mod ratings;
pub mod review;
pub mod search;
pub mod sessions;
pub mod state;
pub mod stats;
pub mod telemetry;
pub mod text;
pub mod time;
pub mod usage;
pub mod users;
pub mod web;
