//! Telling people: in-app notifications and their e-mail as one feature.
//! A notification and its mail row are written in the event's transaction;
//! each user chooses per kind (at once, daily digest, off); mail is rendered
//! in Chinese (plain text and HTML) and delivered through lettre with retry
//! and backoff, once even with several processes on one PostgreSQL.

pub mod mail;
pub mod mail_routes;
pub mod model;
pub mod outbox;
pub mod preferences;
pub mod render;
pub mod routes;
pub mod sender;
pub mod service;
pub mod store;
pub mod transport;
