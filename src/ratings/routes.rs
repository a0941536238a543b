use actix_web::{get, web, HttpResponse};
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::extract::CurrentUser;
use crate::enums::Role;
use crate::error::{ApiError, ApiResult};
use crate::ids::{DepartmentId, UserId};
use crate::points::store as points;
use crate::ratings::compute::{dense_ranks, rate, Ratings};
use crate::ratings::store;
use crate::state::State;
use crate::time::{business_zone, Period};
use crate::users::store as users;
use crate::users::view::DepartmentRef;

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
    fn resolve(&self) -> (Period, Option<(chrono::NaiveDateTime, chrono::NaiveDateTime)>) {
        let period = self.period.unwrap_or_default();
        let day = self.date.unwrap_or_else(|| Utc::now().with_timezone(&business_zone()).date_naive());
        (period, period.window_containing(day))
    }
}

/// A person's ratings on quality, quantity, usage and timeliness for a calendar period.
#[utoipa::path(tag = "points", params(PeriodQuery), responses((status = 200, body = Ratings), (status = 404)))]
#[get("/users/{id}/ratings")]
async fn user_ratings(
    state: State,
    _me: CurrentUser,
    id: web::Path<i64>,
    query: web::Query<PeriodQuery>,
) -> ApiResult<HttpResponse> {
    let id = UserId(id.into_inner());
    let (period, window) = query.resolve();
    let ratings = state
        .read(move |conn| {
            users::find_user(conn, id)?.ok_or_else(|| ApiError::not_found("用户"))?;
            Ok(rate(period.as_str(), &store::facts(conn, &[id], window)?))
        })
        .await?;
    Ok(HttpResponse::Ok().json(ratings))
}

/// A department's ratings: the same figures over all its members' entries.
#[utoipa::path(tag = "points", params(PeriodQuery), responses((status = 200, body = Ratings), (status = 404)))]
#[get("/departments/{id}/ratings")]
async fn department_ratings(
    state: State,
    _me: CurrentUser,
    id: web::Path<i64>,
    query: web::Query<PeriodQuery>,
) -> ApiResult<HttpResponse> {
    let id = DepartmentId(id.into_inner());
    let (period, window) = query.resolve();
    let ratings = state
        .read(move |conn| {
            users::find_department(conn, id)?.ok_or_else(|| ApiError::not_found("部门"))?;
            let (members, _) = users::search_users(conn, None, Some(id), 0, i64::MAX)?;
            let ids: Vec<UserId> = members.iter().map(|u| u.id).collect();
            Ok(rate(period.as_str(), &store::facts(conn, &ids, window)?))
        })
        .await?;
    Ok(HttpResponse::Ok().json(ratings))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LeaderboardQuery {
    pub period: Option<Period>,
    pub date: Option<NaiveDate>,
    pub department_id: Option<DepartmentId>,
    /// At most this many rows (default 20, at most 200).
    pub limit: Option<u32>,
    /// Leave out admins and reviewers.
    pub exclude_staff: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LeaderUser {
    pub id: UserId,
    pub real_name: String,
    pub department: Option<DepartmentRef>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LeaderRow {
    pub rank: i64,
    pub user: LeaderUser,
    pub points: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Leaderboard {
    pub period: String,
    pub items: Vec<LeaderRow>,
}

/// Points earned in a calendar period, dense-ranked, optionally per department.
#[utoipa::path(tag = "points", params(LeaderboardQuery), responses((status = 200, body = Leaderboard)))]
#[get("/leaderboard")]
async fn leaderboard(
    state: State,
    _me: CurrentUser,
    query: web::Query<LeaderboardQuery>,
) -> ApiResult<HttpResponse> {
    let query = query.into_inner();
    let period = query.period.unwrap_or_default();
    let (_, window) = PeriodQuery { period: Some(period), date: query.date }.resolve();
    let limit = query.limit.unwrap_or(20).clamp(1, 200) as usize;
    let board = state
        .read(move |conn| {
            let totals = points::totals(conn, window)?;
            let ids: Vec<UserId> = totals.iter().map(|(id, _)| *id).collect();
            let people = users::find_users(conn, &ids)?;
            let departments = users::list_departments(conn)?;
            let mut rows: Vec<(i64, crate::users::model::User)> = totals
                .into_iter()
                .filter(|(_, total)| *total != 0)
                .filter_map(|(id, total)| people.iter().find(|u| u.id == id).map(|u| (total, u.clone())))
                .filter(|(_, u)| u.is_active)
                .filter(|(_, u)| query.department_id.is_none_or(|d| u.department_id == Some(d)))
                .filter(|(_, u)| {
                    !query.exclude_staff.unwrap_or(false)
                        || !(u.roles().has(Role::Admin) || u.roles().has(Role::Reviewer))
                })
                .collect();
            rows.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.id.cmp(&b.1.id)));
            let ranks = dense_ranks(&rows.iter().map(|(t, _)| *t).collect::<Vec<_>>());
            let items = rows
                .into_iter()
                .zip(ranks)
                .take(limit)
                .map(|((points, user), rank)| LeaderRow {
                    rank,
                    points,
                    user: LeaderUser {
                        department: user.department_id.and_then(|d| {
                            departments
                                .iter()
                                .find(|x| x.id == d)
                                .map(|x| DepartmentRef { id: x.id, name: x.name.clone() })
                        }),
                        id: user.id,
                        real_name: user.real_name,
                    },
                })
                .collect();
            Ok(Leaderboard { period: period.as_str().to_owned(), items })
        })
        .await?;
    Ok(HttpResponse::Ok().json(board))
}
