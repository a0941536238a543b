//! E-mail for every notification: per-user choices (at once, daily digest,
//! off), an outbox written in the event's transaction, rendering in Chinese
//! (plain text and HTML), and a sender that delivers through lettre with
//! retry and backoff, once even with several processes on one PostgreSQL.

pub mod model;
pub mod outbox;
pub mod preferences;
pub mod render;
pub mod routes;
pub mod sender;
pub mod transport;
