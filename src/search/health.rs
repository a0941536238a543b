//! How a process's search index is doing, for readiness checks: whether
//! searches are answered, whether a rebuild runs, and how far the index
//! trails the database.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// Where the index is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum IndexState {
    /// The indexer applies the outbox to a served index.
    Ready,
    /// The index could not be opened or stopped working; a new generation is
    /// being built from the database in the background. Searches answer from
    /// the old index while it still reads (a directory removed under a
    /// running server), else 503.
    Rebuilding,
    /// The last rebuild failed (`last_error` says why); it is retried with
    /// backoff, so the index recovers by itself once the cause is gone.
    Failed,
}

/// The search index's health, as `SearchHandle::health` reports it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SearchHealth {
    pub state: IndexState,
    /// Whether searches are answered (from an index that may trail the
    /// database); false means the search routes answer 503.
    pub searchable: bool,
    /// Outbox rows written after the last change the served index has
    /// committed (0 when it is up to date). Counted by id: on PostgreSQL the
    /// ids of rolled-back transactions in between count too, so this is an
    /// upper bound, exact when it is 0. With no usable index it counts from
    /// where the last one stood (from the beginning after a failed start).
    pub lag_rows: i64,
    /// Age in seconds of the oldest of those rows; 0 when there is none.
    pub lag_seconds: f64,
    /// The latest problem (a damaged index, a failing indexer or rebuild),
    /// kept until the index works again.
    pub last_error: Option<String>,
    /// When the running (or failed) rebuild began; null when ready.
    pub rebuilding_since: Option<DateTime<Utc>>,
}
