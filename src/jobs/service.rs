//! The scheduled jobs as admins see and start them.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::extract::CurrentUser;
use crate::auth::policy::{self};
use crate::db::DbConn;
use crate::enums::Job;
use crate::jobs::{self, store, JobRun};

crate::service_error! {
    pub enum JobError {
        #[error("任务不存在")]
        NotFound => NotFound,
        #[error("本周期已运行过该任务；如需再次运行请加 force=true")]
        AlreadyRan => Conflict,
        #[error("the job failed: {0}")]
        Failed(anyhow::Error) => Internal,
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LastRun {
    pub period: String,
    pub started_at: DateTime<Utc>,
    #[schema(value_type = Object)]
    pub summary: serde_json::Value,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct JobView {
    pub job: Job,
    /// The period a run now would count for.
    pub current_period: String,
    /// Whether the current period has run.
    pub done: bool,
    pub last_run: Option<LastRun>,
}

/// The scheduled jobs and their latest runs (admins).
pub fn list(conn: &mut DbConn, me: &CurrentUser, now: DateTime<Utc>) -> Result<Vec<JobView>, JobError> {
    policy::require_admin(me)?;
    let mut views = Vec::new();
    for &job in Job::ALL {
        let current_period = job.period_key(now);
        let done = store::has_run(conn, job.as_str(), &current_period)?;
        let last_run = store::last_run(conn, job.as_str())?.map(|(period, started_at, summary)| LastRun {
            period,
            started_at: started_at.and_utc(),
            summary: serde_json::from_str(&summary).unwrap_or_default(),
        });
        views.push(JobView { job, current_period, done, last_run });
    }
    Ok(views)
}

/// Runs job `name` now (admins); once per period unless `force`.
pub fn run(conn: &mut DbConn, me: &CurrentUser, name: &str, force: bool) -> Result<JobRun, JobError> {
    policy::require_admin(me)?;
    let job: Job = name.parse().map_err(|_| JobError::NotFound)?;
    jobs::run(conn, job, Utc::now(), force).map_err(JobError::Failed)?.ok_or(JobError::AlreadyRan)
}
