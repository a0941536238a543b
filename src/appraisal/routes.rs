//! The appraisal over HTTP: extract, parse, one service call, map.

use actix_web::http::StatusCode;
use actix_web::{get, post, put, web, HttpResponse};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::api::Json;
use crate::appraisal::model::{Appraisal, AppraisalRuleSet, AppraisalRules, AppraisalSummary};
use crate::appraisal::service;
use crate::auth::extract::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::ids::DepartmentId;
use crate::state::State;
use crate::stats::export::download_book;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(get_appraisal_rules)
        .service(put_appraisal_rules)
        .service(list_appraisals)
        .service(publish_appraisal)
        .service(get_appraisal)
        .service(export_appraisal);
}

/// The scoring standard in force (评分标准): weights, targets and time limits.
#[utoipa::path(tag = "appraisal", responses((status = 200, body = AppraisalRuleSet)))]
#[get("/appraisal/rules")]
async fn get_appraisal_rules(state: State, _me: CurrentUser) -> ApiResult<HttpResponse> {
    let rules = state.read(service::rules).await?;
    Ok(HttpResponse::Ok().json(rules))
}

/// Replace the scoring standard (admin): a new version. Published periods
/// keep the version they were computed by.
#[utoipa::path(tag = "admin", request_body = AppraisalRules,
    responses((status = 200, body = AppraisalRuleSet), (status = 403), (status = 422)))]
#[put("/appraisal/rules")]
async fn put_appraisal_rules(
    state: State,
    me: CurrentUser,
    body: Json<AppraisalRules>,
) -> ApiResult<HttpResponse> {
    let rules = body.0;
    let saved = state.write(move |conn| service::replace_rules(conn, &me, rules)).await?;
    Ok(HttpResponse::Ok().json(saved))
}

/// The published appraisals, newest first.
#[utoipa::path(tag = "appraisal", responses((status = 200, body = Vec<AppraisalSummary>)))]
#[get("/appraisals")]
async fn list_appraisals(state: State, _me: CurrentUser) -> ApiResult<HttpResponse> {
    let list = state.read(service::list).await?;
    Ok(HttpResponse::Ok().json(list))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PublishAppraisal {
    /// `2026-11` (month), `2026-Q4` (quarter) or `2026` (year); it must have ended.
    #[schema(example = "2026-11")]
    pub period: String,
}

/// Publish a period's appraisal (admins; the information-management head):
/// every row is frozen with the rules in force.
#[utoipa::path(tag = "appraisal", request_body = PublishAppraisal,
    responses((status = 201, body = Appraisal), (status = 403), (status = 409, description = "already published"), (status = 422)))]
#[post("/appraisals")]
async fn publish_appraisal(
    state: State,
    me: CurrentUser,
    body: Json<PublishAppraisal>,
) -> ApiResult<HttpResponse> {
    let period = body.0.period;
    let appraisal = state.report(move |conn| service::publish(conn, &me, &period)).await?;
    Ok(HttpResponse::build(StatusCode::CREATED).json(appraisal))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AppraisalQuery {
    /// Only this department's people (its head, reviewers, admins).
    pub department_id: Option<DepartmentId>,
}

/// A period's appraisal: frozen when published, else a live preview. The rows
/// are those the caller may see: everyone's for reviewers and admins, a
/// department head's department, otherwise one's own.
#[utoipa::path(tag = "appraisal", params(("period" = String, Path, example = "2026-11"), AppraisalQuery),
    responses((status = 200, body = Appraisal), (status = 403), (status = 422)))]
#[get("/appraisals/{period}")]
async fn get_appraisal(
    state: State,
    me: CurrentUser,
    period: web::Path<String>,
    query: web::Query<AppraisalQuery>,
) -> ApiResult<HttpResponse> {
    let (period, department) = (period.into_inner(), query.department_id);
    let appraisal = state.report(move |conn| service::view(conn, &me, &period, department)).await?;
    Ok(HttpResponse::Ok().json(appraisal))
}

/// The appraisal as XLSX: 部门排名, then a sheet per department (reviewers,
/// admins; a department head gets their department), audited.
#[utoipa::path(tag = "appraisal", params(("period" = String, Path, example = "2026-11"), AppraisalQuery),
    responses((status = 200, description = "XLSX workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), (status = 403), (status = 422)))]
#[get("/appraisals/{period}/export")]
async fn export_appraisal(
    state: State,
    me: CurrentUser,
    period: web::Path<String>,
    query: web::Query<AppraisalQuery>,
) -> ApiResult<HttpResponse> {
    let (period, department) = (period.into_inner(), query.department_id);
    let name = format!("绩效考核-{period}");
    let sheets = state.report(move |conn| service::export(conn, &me, &period, department)).await?;
    download_book(&sheets, &name).map_err(ApiError::internal)
}
