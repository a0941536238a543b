//! Scheduled jobs — the daily stale check, the daily review-queue reminder,
//! the daily and weekly digests — each run once per period however many
//! processes share the database: a run starts by inserting its
//! `(job, period)` row into `job_runs`, in the same transaction as the job's
//! writes, and only the process whose insert wins runs it.

pub mod digest;
pub mod review_queue;
pub mod routes;
pub mod scheduler;
pub mod service;
pub mod stale;
pub mod store;

use chrono::{DateTime, Datelike, SecondsFormat, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::{self, DbConn};
use crate::enums::Job;
use crate::time::business_zone;

impl Job {
    /// The period a run at `now` belongs to: the business day (UTC+8), or
    /// for the weekly digest the ISO week, e.g. `2026-11-28`, `2026-W48`.
    pub fn period_key(self, now: DateTime<Utc>) -> String {
        let day = now.with_timezone(&business_zone()).date_naive();
        match self {
            Job::WeeklyDigest => {
                let week = day.iso_week();
                format!("{}-W{:02}", week.year(), week.week())
            }
            _ => day.format("%Y-%m-%d").to_string(),
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct JobRun {
    pub job: Job,
    /// The period the run counts for.
    pub period: String,
    /// Whether an admin forced it although the period had run.
    pub forced: bool,
    /// What the run did, e.g. `{"notified": 3}`.
    #[schema(value_type = Object)]
    pub summary: serde_json::Value,
}

/// Runs `job` for the period containing `now` unless some process already
/// did (`None`); a forced run always runs, and is recorded apart.
pub fn run(conn: &mut DbConn, job: Job, now: DateTime<Utc>, force: bool) -> anyhow::Result<Option<JobRun>> {
    let period = job.period_key(now);
    let key = if force {
        format!("{period} forced {}", now.to_rfc3339_opts(SecondsFormat::Micros, true))
    } else {
        period.clone()
    };
    let at = now.naive_utc();
    db::write_tx(conn, |conn| {
        if !store::claim(conn, job.as_str(), &key, at)? {
            return Ok(None);
        }
        let summary = match job {
            Job::StaleCheck => stale::run(conn, at)?,
            Job::ReviewQueue => review_queue::run(conn)?,
            Job::Reminders => {
                crate::agenda::job::run(conn, now.with_timezone(&business_zone()).date_naive(), at)?
            }
            Job::DailyDigest => digest::daily(conn, at)?,
            Job::WeeklyDigest => digest::weekly(conn, now)?,
        };
        store::set_summary(conn, job.as_str(), &key, &summary.to_string())?;
        Ok(Some(JobRun { job, period, forced: force, summary }))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn periods_follow_the_business_day_and_iso_week() {
        // 17:00 UTC on Sunday 29 Nov 2026 is already Monday 30 Nov in UTC+8.
        let now = Utc.with_ymd_and_hms(2026, 11, 29, 17, 0, 0).unwrap();
        assert_eq!(Job::StaleCheck.period_key(now), "2026-11-30");
        assert_eq!(Job::WeeklyDigest.period_key(now), "2026-W49");
        let before = Utc.with_ymd_and_hms(2026, 11, 29, 15, 59, 59).unwrap();
        assert_eq!(Job::DailyDigest.period_key(before), "2026-11-29");
        assert_eq!(Job::WeeklyDigest.period_key(before), "2026-W48");
        let new_year = Utc.with_ymd_and_hms(2026, 12, 31, 20, 0, 0).unwrap();
        assert_eq!(Job::WeeklyDigest.period_key(new_year), "2026-W53");
    }

    #[test]
    fn names_round_trip() {
        for &job in Job::ALL {
            assert_eq!(job.as_str().parse::<Job>(), Ok(job));
        }
        assert!("reindex".parse::<Job>().is_err());
    }
}
