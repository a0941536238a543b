//! The scheduled jobs over HTTP (admins).

use actix_web::{get, post, web, HttpResponse};
use chrono::Utc;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::extract::CurrentUser;
use crate::error::ApiResult;
use crate::jobs::service::{self, JobView};
use crate::jobs::JobRun;
use crate::notify::sender::MailHandle;
use crate::state::State;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_jobs).service(run_job);
}

/// The scheduled jobs and their latest runs (admins).
#[utoipa::path(tag = "admin", responses((status = 200, body = Vec<JobView>), (status = 403)))]
#[get("/jobs")]
async fn list_jobs(state: State, me: CurrentUser) -> ApiResult<HttpResponse> {
    let views = state.read(move |conn| service::list(conn, &me, Utc::now())).await?;
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
    sender: web::Data<MailHandle>,
    me: CurrentUser,
    name: web::Path<String>,
    query: web::Query<RunQuery>,
) -> ApiResult<HttpResponse> {
    let name = name.into_inner();
    let force = query.force.unwrap_or(false);
    let done = state.report(move |conn| service::run(conn, &me, &name, force)).await?;
    sender.wake();
    Ok(HttpResponse::Ok().json(done))
}
