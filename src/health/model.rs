//! What readiness reports.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::search::health::SearchHealth;

/// How one component is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ComponentStatus {
    Ok,
    /// Working, but behind or retrying: worth a look.
    Degraded,
    /// Not doing its job: readiness fails.
    Failed,
}

/// The process as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReadyStatus {
    /// Every component is ok (200).
    Ready,
    /// Some component is degraded, none failed (200).
    Degraded,
    /// Some component failed (503).
    Unavailable,
}

impl ReadyStatus {
    /// The overall status of components in these states.
    pub fn of(statuses: impl IntoIterator<Item = ComponentStatus>) -> Self {
        match statuses.into_iter().max() {
            Some(ComponentStatus::Failed) => ReadyStatus::Unavailable,
            Some(ComponentStatus::Degraded) => ReadyStatus::Degraded,
            _ => ReadyStatus::Ready,
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DatabaseComponent {
    pub status: ComponentStatus,
    pub backend: &'static str,
    /// A round trip (`SELECT 1`) with a pooled connection, when it answered.
    pub latency_ms: Option<f64>,
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SearchComponent {
    pub status: ComponentStatus,
    #[serde(flatten)]
    pub health: Option<SearchHealth>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MailComponent {
    pub status: ComponentStatus,
    /// Whether an SMTP server is configured (without one, mail is only logged).
    pub configured: bool,
    /// Mails due to be sent now (pending or being sent).
    pub backlog: i64,
    /// Age in seconds of the oldest of them; 0 when there is none.
    pub oldest_seconds: f64,
    /// Of them, those a failed attempt is being retried for.
    pub retrying: i64,
    /// Mails given up on, waiting for an admin (`/api/v1/mail/outbox?status=failed`).
    pub failed: i64,
    /// The most recent delivery error among the mails not yet sent.
    pub last_error: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SchedulerComponent {
    pub status: ComponentStatus,
    /// Off when `ZHIKU_SCHEDULER_SECONDS=0`.
    pub enabled: bool,
    pub interval_seconds: Option<u64>,
    /// When it last looked for due jobs.
    pub last_tick_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    /// When each job last ran (any process), by job name.
    #[schema(value_type = Object)]
    pub last_runs: BTreeMap<String, DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Components {
    pub database: DatabaseComponent,
    pub search: SearchComponent,
    pub mail: MailComponent,
    pub scheduler: SchedulerComponent,
}

/// The answer of `GET /readyz`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Readiness {
    pub status: ReadyStatus,
    pub components: Components,
    pub checked_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worst_component_decides() {
        use ComponentStatus::*;
        assert_eq!(ReadyStatus::of([Ok, Ok, Ok, Ok]), ReadyStatus::Ready);
        assert_eq!(ReadyStatus::of([Ok, Degraded, Ok, Ok]), ReadyStatus::Degraded);
        assert_eq!(ReadyStatus::of([Degraded, Failed, Ok, Ok]), ReadyStatus::Unavailable);
    }
}
