use actix_web::{get, web, HttpResponse};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::extract::CurrentUser;
use crate::error::ApiResult;
use crate::ids::{DepartmentId, UserId};
use crate::ratings::model::{Leaderboard, Ratings};
use crate::ratings::service::{self, LeaderboardScope};
use crate::state::State;
use crate::time::{Period, Span};

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(user_ratings).service(department_ratings).service(leaderboard);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// week, month (default), quarter, year or all.
    pub period: Option<Period>,
    /// A local date inside the wanted period (default: today).
    pub date: Option<NaiveDate>,
}

impl PeriodQuery {
    fn resolve(&self) -> (Period, Span) {
        let period = self.period.unwrap_or_default();
        (period, period.span_around(self.date))
    }
}

/// A person's ratings on quality, quantity, usage and timeliness for a calendar period.
///
/// One's own; a department head's for members of their department; anyone's
/// for reviewers and admins (403 otherwise).
#[utoipa::path(tag = "points", params(PeriodQuery), responses((status = 200, body = Ratings), (status = 403), (status = 404)))]
#[get("/users/{id}/ratings")]
async fn user_ratings(
    state: State,
    me: CurrentUser,
    id: web::Path<UserId>,
    query: web::Query<PeriodQuery>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let (period, span) = query.resolve();
    let ratings = state.report(move |conn| service::user_ratings(conn, &me, id, period, span)).await?;
    Ok(HttpResponse::Ok().json(ratings))
}

/// A department's ratings: the same figures over all its members' entries.
///
/// For the department's head, reviewers and admins (403 otherwise).
#[utoipa::path(tag = "points", params(PeriodQuery), responses((status = 200, body = Ratings), (status = 403), (status = 404)))]
#[get("/departments/{id}/ratings")]
async fn department_ratings(
    state: State,
    me: CurrentUser,
    id: web::Path<DepartmentId>,
    query: web::Query<PeriodQuery>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let (period, span) = query.resolve();
    let ratings = state.report(move |conn| service::department_ratings(conn, &me, id, period, span)).await?;
    Ok(HttpResponse::Ok().json(ratings))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LeaderboardQuery {
    pub period: Option<Period>,
    pub date: Option<NaiveDate>,
    pub department_id: Option<DepartmentId>,
    /// At most this many rows (default 20, at most 200).
    #[param(value_type = Option<i64>, minimum = 0, maximum = 4_294_967_295.0)]
    pub limit: Option<u32>,
    /// Leave out admins and reviewers.
    pub exclude_staff: Option<bool>,
}

/// Points earned in a calendar period, dense-ranked, optionally per department.
#[utoipa::path(tag = "points", params(LeaderboardQuery), responses((status = 200, body = Leaderboard)))]
#[get("/leaderboard")]
async fn leaderboard(
    state: State,
    _me: CurrentUser,
    query: web::Query<LeaderboardQuery>,
) -> ApiResult<HttpResponse> {
    let (period, span) = PeriodQuery { period: query.period, date: query.date }.resolve();
    let scope = LeaderboardScope {
        department: query.department_id,
        exclude_staff: query.exclude_staff.unwrap_or(false),
        limit: query.limit.unwrap_or(20).clamp(1, 200) as usize,
    };
    let board = state.report(move |conn| service::leaderboard(conn, period, span, scope)).await?;
    Ok(HttpResponse::Ok().json(board))
}
