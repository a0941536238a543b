//! The points ledger, the rule set and adjustments over HTTP.

use actix_web::http::StatusCode;
use actix_web::{get, post, put, web, HttpResponse};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::api::{Json, PageParams};
use crate::auth::extract::CurrentUser;
use crate::error::ApiResult;
use crate::idempotency::IdempotencyKey;
use crate::ids::UserId;
use crate::points::rules::Rules;
use crate::points::service::{self, Ledger, LedgerItem, RuleSet};
use crate::state::State;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(ledger).service(get_rules).service(put_rules).service(adjust);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LedgerQuery {
    /// Whose ledger; default yourself. Others' ledgers are for admins.
    pub user_id: Option<UserId>,
}

/// A points ledger, newest first, with the balance.
#[utoipa::path(tag = "points", params(LedgerQuery, PageParams), responses((status = 200, body = Ledger), (status = 403),
    (status = 404, description = "no such user")))]
#[get("/points/ledger")]
async fn ledger(
    state: State,
    me: CurrentUser,
    query: web::Query<LedgerQuery>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let user = query.user_id.unwrap_or(me.id);
    let page = page.into_inner();
    let ledger =
        state.read(move |conn| service::ledger(conn, &me, user, page.offset(), page.per_page())).await?;
    Ok(HttpResponse::Ok().json(ledger))
}

/// The rule set in force.
#[utoipa::path(tag = "points", responses((status = 200, body = RuleSet)))]
#[get("/points/rules")]
async fn get_rules(state: State, _me: CurrentUser) -> ApiResult<HttpResponse> {
    let rules = state.read(service::rules).await?;
    Ok(HttpResponse::Ok().json(rules))
}

/// Replace the rule set (admin); every change is a new version. Past awards
/// stay as they are until an admin recalculates.
#[utoipa::path(tag = "admin", request_body = Rules, responses((status = 200, body = RuleSet), (status = 422)))]
#[put("/points/rules")]
async fn put_rules(state: State, me: CurrentUser, body: Json<Rules>) -> ApiResult<HttpResponse> {
    let rules = body.0;
    let saved = state.write(move |conn| service::replace_rules(conn, &me, rules)).await?;
    Ok(HttpResponse::Ok().json(saved))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct Adjustment {
    pub user_id: UserId,
    /// Non-zero.
    #[schema(minimum = -10000, maximum = 10000)]
    pub delta: i32,
    pub note: String,
}

/// A manual correction (admin), audited.
#[utoipa::path(tag = "admin", request_body = Adjustment, responses((status = 201, body = LedgerItem), (status = 422)))]
#[post("/points/adjustments")]
async fn adjust(
    state: State,
    me: CurrentUser,
    key: IdempotencyKey,
    body: Json<Adjustment>,
) -> ApiResult<HttpResponse> {
    let Adjustment { user_id, delta, note } = body.0;
    let input = service::Adjustment { user_id, delta, note };
    let user = me.id;
    state.write_once(user, key, StatusCode::CREATED, move |conn| service::adjust(conn, &me, input)).await
}
