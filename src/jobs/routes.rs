use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::extract::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::jobs::{self, store, Job, JobRun};
use crate::state::State;
use crate::users::model::Role;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_jobs).service(run_job);
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
#[utoipa::path(tag = "admin", responses((status = 200, body = Vec<JobView>), (status = 403)))]
#[get("/jobs")]
async fn list_jobs(state: State, me: CurrentUser) -> ApiResult<HttpResponse> {
    me.require(Role::Admin)?;
    let views = state
        .db(move |conn| {
            let now = Utc::now();
            let mut views = Vec::new();
            for job in Job::ALL {
                let current_period = job.period_key(now);
                let done = store::has_run(conn, job.name(), &current_period)?;
                let last_run =
                    store::last_run(conn, job.name())?.map(|(period, started_at, summary)| LastRun {
                        period,
                        started_at: started_at.and_utc(),
                        summary: serde_json::from_str(&summary).unwrap_or_default(),
                    });
                views.push(JobView { job, current_period, done, last_run });
            }
            Ok(views)
        })
        .await?;
    Ok(HttpResponse::Ok().json(views))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RunQuery {
    /// Run even though the current period has run.
    pub force: Option<bool>,
}

/// Runs a job now (admins): `stale_check`, `review_queue`, `daily_digest` or
/// `weekly_digest`. Still once per period unless `force=true`.
#[utoipa::path(tag = "admin", params(RunQuery), responses((status = 200, body = JobRun), (status = 403),
    (status = 404), (status = 409, description = "the current period has run")))]
#[post("/jobs/{name}/run")]
async fn run_job(
    state: State,
    me: CurrentUser,
    name: web::Path<String>,
    query: web::Query<RunQuery>,
) -> ApiResult<HttpResponse> {
    me.require(Role::Admin)?;
    let job = Job::parse(&name).ok_or_else(|| ApiError::not_found("任务"))?;
    let force = query.force.unwrap_or(false);
    let done =
        state.db(move |conn| jobs::run(conn, job, Utc::now(), force).map_err(ApiError::Internal)).await?;
    let done =
        done.ok_or_else(|| ApiError::Conflict("本周期已运行过该任务；如需再次运行请加 force=true".into()))?;
    state.mail.wake();
    Ok(HttpResponse::Ok().json(done))
}
