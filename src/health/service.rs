//! The readiness rules: each component's status from what it reports, and
//! the check itself (a handful of aggregate queries, bounded like any request).

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use diesel::result::QueryResult;

use crate::db::DbConn;
use crate::health::model::{
    ComponentStatus, Components, DatabaseComponent, MailComponent, Readiness, ReadyStatus,
    SchedulerComponent, SearchComponent,
};
use crate::health::store;
use crate::jobs::scheduler::Beat;
use crate::search::health::{IndexState, SearchHealth};
use crate::search::indexer::SearchHandle;

/// The index may trail the database this long before it is called degraded.
const INDEX_LAG_DEGRADED: f64 = 60.0;
/// Mail due this long is late (degraded), and this long means the sender is not sending (failed).
const MAIL_LATE: f64 = 5.0 * 60.0;
const MAIL_STUCK: f64 = 60.0 * 60.0;

pub fn search_status(health: &SearchHealth) -> ComponentStatus {
    if !health.searchable || health.state == IndexState::Failed {
        ComponentStatus::Failed
    } else if health.state == IndexState::Rebuilding || health.lag_seconds > INDEX_LAG_DEGRADED {
        ComponentStatus::Degraded
    } else {
        ComponentStatus::Ok
    }
}

pub fn mail_status(oldest_seconds: f64, retrying: i64, failed: i64) -> ComponentStatus {
    if oldest_seconds > MAIL_STUCK {
        ComponentStatus::Failed
    } else if oldest_seconds > MAIL_LATE || retrying > 0 || failed > 0 {
        ComponentStatus::Degraded
    } else {
        ComponentStatus::Ok
    }
}

/// The scheduler looks for due jobs every interval: two intervals and a
/// minute without a look means it is stuck; a failed look is degraded.
pub fn scheduler_status(beat: &Beat, now: DateTime<Utc>) -> ComponentStatus {
    let Some(interval) = beat.interval else { return ComponentStatus::Ok };
    let patience =
        chrono::Duration::from_std(interval * 2 + Duration::from_secs(60)).unwrap_or(chrono::Duration::MAX);
    match beat.last_tick_at {
        Some(at) if now - at > patience => ComponentStatus::Failed,
        Some(_) if beat.last_error.is_some() => ComponentStatus::Degraded,
        Some(_) => ComponentStatus::Ok,
        None => ComponentStatus::Degraded,
    }
}

fn scheduler(
    beat: &Beat,
    last_runs: std::collections::BTreeMap<String, DateTime<Utc>>,
    now: DateTime<Utc>,
) -> SchedulerComponent {
    SchedulerComponent {
        status: scheduler_status(beat, now),
        enabled: beat.interval.is_some(),
        interval_seconds: beat.interval.map(|i| i.as_secs()),
        last_tick_at: beat.last_tick_at,
        last_error: beat.last_error.clone(),
        last_runs,
    }
}

/// What the process knows of itself without the database.
#[derive(Clone)]
pub struct Local {
    pub backend: &'static str,
    pub mail_configured: bool,
    pub beat: Beat,
    pub search: Arc<SearchHandle>,
}

/// Checks every component on `conn`.
pub fn check(conn: &mut DbConn, local: &Local) -> QueryResult<Readiness> {
    let now = Utc::now();
    let started = Instant::now();
    store::ping(conn)?;
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    let search = local.search.health(conn)?;
    let (backlog, oldest, retrying) = store::mail_due(conn, now.naive_utc())?;
    let failed = store::mail_failed(conn)?;
    let oldest_seconds =
        oldest.map_or(0.0, |at| ((now.naive_utc() - at).num_milliseconds() as f64 / 1000.0).max(0.0));
    let mail = MailComponent {
        status: mail_status(oldest_seconds, retrying, failed),
        configured: local.mail_configured,
        backlog,
        oldest_seconds,
        retrying,
        failed,
        last_error: store::last_mail_error(conn)?,
    };
    let last_runs = store::last_job_runs(conn)?.into_iter().map(|(job, at)| (job, at.and_utc())).collect();
    let components = Components {
        database: DatabaseComponent {
            status: ComponentStatus::Ok,
            backend: local.backend,
            latency_ms: Some(latency_ms),
            error: None,
        },
        search: SearchComponent { status: search_status(&search), health: Some(search) },
        mail,
        scheduler: scheduler(&local.beat, last_runs, now),
    };
    Ok(readiness(components, now))
}

/// Readiness when the database did not answer: nothing that needs it can be checked.
pub fn database_down(local: &Local, error: String) -> Readiness {
    let now = Utc::now();
    let unknown = Some("数据库不可用，无法检查".to_owned());
    let components = Components {
        database: DatabaseComponent {
            status: ComponentStatus::Failed,
            backend: local.backend,
            latency_ms: None,
            error: Some(error),
        },
        search: SearchComponent { status: ComponentStatus::Degraded, health: None },
        mail: MailComponent {
            status: ComponentStatus::Degraded,
            configured: local.mail_configured,
            backlog: 0,
            oldest_seconds: 0.0,
            retrying: 0,
            failed: 0,
            last_error: unknown,
        },
        scheduler: scheduler(&local.beat, Default::default(), now),
    };
    readiness(components, now)
}

fn readiness(components: Components, now: DateTime<Utc>) -> Readiness {
    let status = ReadyStatus::of([
        components.database.status,
        components.search.status,
        components.mail.status,
        components.scheduler.status,
    ]);
    Readiness { status, components, checked_at: now }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(state: IndexState, searchable: bool, lag_seconds: f64) -> SearchHealth {
        SearchHealth { state, searchable, lag_rows: 0, lag_seconds, last_error: None, rebuilding_since: None }
    }

    #[test]
    fn an_index_that_cannot_answer_fails_and_a_rebuild_or_lag_degrades() {
        assert_eq!(search_status(&index(IndexState::Ready, true, 0.5)), ComponentStatus::Ok);
        assert_eq!(search_status(&index(IndexState::Ready, true, 120.0)), ComponentStatus::Degraded);
        assert_eq!(search_status(&index(IndexState::Rebuilding, true, 0.0)), ComponentStatus::Degraded);
        assert_eq!(search_status(&index(IndexState::Rebuilding, false, 0.0)), ComponentStatus::Failed);
        assert_eq!(search_status(&index(IndexState::Failed, true, 0.0)), ComponentStatus::Failed);
    }

    #[test]
    fn mail_is_late_then_stuck_and_retries_or_failures_degrade() {
        assert_eq!(mail_status(10.0, 0, 0), ComponentStatus::Ok);
        assert_eq!(mail_status(10.0, 1, 0), ComponentStatus::Degraded);
        assert_eq!(mail_status(10.0, 0, 3), ComponentStatus::Degraded);
        assert_eq!(mail_status(600.0, 0, 0), ComponentStatus::Degraded);
        assert_eq!(mail_status(7200.0, 0, 0), ComponentStatus::Failed);
    }

    #[test]
    fn a_scheduler_that_stops_looking_fails() {
        let now = Utc::now();
        let minute = Duration::from_secs(60);
        let beat = |ago: Option<i64>, error: Option<&str>| Beat {
            interval: Some(minute),
            last_tick_at: ago.map(|s| now - chrono::Duration::seconds(s)),
            last_error: error.map(str::to_owned),
        };
        assert_eq!(scheduler_status(&Beat::default(), now), ComponentStatus::Ok, "turned off");
        assert_eq!(scheduler_status(&beat(Some(30), None), now), ComponentStatus::Ok);
        assert_eq!(scheduler_status(&beat(Some(30), Some("no database")), now), ComponentStatus::Degraded);
        assert_eq!(scheduler_status(&beat(Some(181), None), now), ComponentStatus::Failed);
        assert_eq!(scheduler_status(&beat(None, None), now), ComponentStatus::Degraded);
    }
}
