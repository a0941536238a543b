use actix_web::{get, post, put, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

use crate::api::{Json, PageParams};
use crate::audit;
use crate::auth::extract::CurrentUser;
use crate::categories::store as categories;
use crate::db::write_tx;
use crate::error::{ApiError, ApiResult, Fields};
use crate::intel::model::{IntelId, IntelStatus};
use crate::points::rules::{self, Rules};
use crate::points::store::{self, reason, Award};
use crate::review::store as reviews;
use crate::state::State;
use crate::users::model::{Role, UserId};
use crate::users::store as users;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(ledger).service(get_rules).service(put_rules).service(adjust).service(recalculate);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LedgerQuery {
    /// Whose ledger; default yourself. Others' ledgers are for admins.
    pub user_id: Option<UserId>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LedgerItem {
    pub id: i64,
    pub delta: i32,
    /// adopted, private_source, revision_adopted, review, usage, usage_won, verified, retracted, adjustment
    pub reason: String,
    pub intel_id: Option<IntelId>,
    pub usage_id: Option<i64>,
    pub rule_version: i32,
    pub created_at: DateTime<Utc>,
    pub note: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Ledger {
    pub items: Vec<LedgerItem>,
    pub total: i64,
    /// The sum of the whole ledger.
    pub balance: i64,
}

/// A points ledger, newest first, with the balance.
#[utoipa::path(tag = "points", params(LedgerQuery, PageParams), responses((status = 200, body = Ledger), (status = 403)))]
#[get("/points/ledger")]
async fn ledger(
    state: State,
    me: CurrentUser,
    query: web::Query<LedgerQuery>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let user = query.user_id.unwrap_or(me.id);
    if user != me.id && !me.has(Role::Admin) {
        return Err(ApiError::Forbidden("只能查看自己的积分明细".into()));
    }
    let page = page.into_inner();
    let ledger = state
        .db(move |conn| {
            users::find_user(conn, user)?.ok_or_else(|| ApiError::not_found("用户"))?;
            let (rows, total) = store::ledger(conn, user, page.offset(), page.per_page())?;
            let balance = store::sum(conn, user, None, &[], None)?;
            let items = rows
                .into_iter()
                .map(|r| LedgerItem {
                    id: r.id,
                    delta: r.delta,
                    reason: r.reason,
                    intel_id: r.intel_id,
                    usage_id: r.usage_id,
                    rule_version: r.rule_version,
                    created_at: r.created_at.and_utc(),
                    note: r.note,
                })
                .collect();
            Ok(Ledger { items, total, balance })
        })
        .await?;
    Ok(HttpResponse::Ok().json(ledger))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RuleSet {
    pub version: i32,
    pub rules: Rules,
}

/// The rule set in force.
#[utoipa::path(tag = "points", responses((status = 200, body = RuleSet)))]
#[get("/points/rules")]
async fn get_rules(state: State, _me: CurrentUser) -> ApiResult<HttpResponse> {
    let (version, rules) = state.db(|conn| Ok(store::current_rules(conn)?)).await?;
    Ok(HttpResponse::Ok().json(RuleSet { version, rules }))
}

/// Replace the rule set (admin); every change is a new version. Past awards
/// stay as they are until an admin recalculates.
#[utoipa::path(tag = "admin", request_body = Rules, responses((status = 200, body = RuleSet), (status = 422)))]
#[put("/points/rules")]
async fn put_rules(state: State, me: CurrentUser, body: Json<Rules>) -> ApiResult<HttpResponse> {
    me.require(Role::Admin)?;
    let rules = body.0;
    let problems: Fields = rules.problems().into_iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
    if !problems.is_empty() {
        return Err(ApiError::fields(problems));
    }
    let saved = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let version = store::save_rules(conn, &rules, me.id)?;
                audit::record(
                    conn,
                    Some(me.id),
                    "points.rules",
                    "point_rules",
                    Some(i64::from(version)),
                    json!(rules),
                )?;
                Ok(RuleSet { version, rules })
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(saved))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct Adjustment {
    pub user_id: UserId,
    pub delta: i32,
    pub note: String,
}

/// A manual correction (admin), audited.
#[utoipa::path(tag = "admin", request_body = Adjustment, responses((status = 201, body = LedgerItem), (status = 422)))]
#[post("/points/adjustments")]
async fn adjust(state: State, me: CurrentUser, body: Json<Adjustment>) -> ApiResult<HttpResponse> {
    me.require(Role::Admin)?;
    let input = body.0;
    if input.delta == 0 || input.delta.abs() > 10_000 {
        return Err(ApiError::field("delta", "调整值须为非零且绝对值不超过 10000"));
    }
    if input.note.trim().is_empty() {
        return Err(ApiError::field("note", "须说明调整原因"));
    }
    let item = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                users::find_user(conn, input.user_id)?
                    .ok_or_else(|| ApiError::field("user_id", "用户不存在"))?;
                let (version, _) = store::current_rules(conn)?;
                let key = format!(
                    "adjustment:{}:{}",
                    input.user_id,
                    Utc::now().timestamp_nanos_opt().unwrap_or_default()
                );
                let award = Award::new(input.user_id, input.delta, reason::ADJUSTMENT, key, version)
                    .note(input.note.trim())
                    .by(me.id);
                store::award(conn, &award)?;
                audit::record(
                    conn,
                    Some(me.id),
                    "points.adjust",
                    "user",
                    Some(input.user_id.0),
                    json!({"delta": input.delta, "note": input.note}),
                )?;
                Ok(LedgerItem {
                    id: 0,
                    delta: award.delta,
                    reason: award.reason.to_owned(),
                    intel_id: None,
                    usage_id: None,
                    rule_version: version,
                    created_at: award.created_at.and_utc(),
                    note: award.note,
                })
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(item))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Recalculation {
    pub rule_version: i32,
    /// Entries whose adoption pay changed.
    pub corrected: i64,
    /// Net points written.
    pub delta: i64,
}

/// Recalculate adoption pay under the current rules (admin): writes
/// correcting ledger rows (once per rule version and entry), never rewrites history.
#[utoipa::path(tag = "admin", responses((status = 200, body = Recalculation)))]
#[post("/points/recalculate")]
async fn recalculate(state: State, me: CurrentUser) -> ApiResult<HttpResponse> {
    me.require(Role::Admin)?;
    let result = state.db(move |conn| write_tx(conn, |conn| recalculate_all(conn, me.id))).await?;
    Ok(HttpResponse::Ok().json(result))
}

fn recalculate_all(conn: &mut crate::db::DbConn, admin: UserId) -> ApiResult<Recalculation> {
    use crate::db::schema::intel;
    use crate::with_conn;
    use diesel::prelude::*;

    let (version, rules) = store::current_rules(conn)?;
    let base: std::collections::HashMap<String, i32> =
        categories::list(conn)?.into_iter().map(|c| (c.key, c.base_points)).collect();
    let adopted: Vec<crate::intel::model::Intel> = with_conn!(conn, |c| intel::table
        .filter(intel::status.eq_any([IntelStatus::Adopted.as_str(), IntelStatus::Superseded.as_str()]))
        .select(crate::intel::model::Intel::as_select())
        .load(c))?;
    let (mut corrected, mut net) = (0, 0);
    for entry in adopted {
        let Some(mean) = reviews::for_intel(conn, entry.id)?.into_iter().rev().find_map(|r| r.mean_score)
        else {
            continue;
        };
        let base = base.get(&entry.category).copied().unwrap_or(0);
        let expected = if entry.supersedes_id.is_some() {
            rules::revision(base, mean, entry.is_private(), &rules)
        } else {
            rules::adoption(base, mean, &rules) + rules::private_bonus(entry.is_private(), &rules)
        };
        let paid: i64 = store::rows_for_intel(conn, entry.id)?
            .into_iter()
            .filter(|r| r.user_id == entry.author_id)
            .filter(|r| {
                [reason::ADOPTED, reason::PRIVATE_SOURCE, reason::REVISION_ADOPTED]
                    .contains(&r.reason.as_str())
                    || r.idempotency_key.starts_with("recalc:")
            })
            .map(|r| i64::from(r.delta))
            .sum();
        let diff = i64::from(expected) - paid;
        if diff != 0 {
            let key = format!("recalc:{version}:{}", entry.id.0);
            let award = Award::new(entry.author_id, diff as i32, reason::ADJUSTMENT, key, version)
                .intel(entry.id)
                .note(format!("积分规则 v{version} 重新计算"))
                .by(admin);
            if store::award(conn, &award)?.is_some() {
                corrected += 1;
                net += diff;
            }
        }
    }
    audit::record(
        conn,
        Some(admin),
        "points.recalculate",
        "point_rules",
        Some(i64::from(version)),
        json!({"corrected": corrected, "delta": net}),
    )?;
    Ok(Recalculation { rule_version: version, corrected, delta: net })
}
