use actix_web::http::StatusCode;
use actix_web::{get, patch, post, web, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::api::Json;
use crate::auth::extract::CurrentUser;
use crate::enums::{UsageOutcome, UsagePurpose};
use crate::error::ApiResult;
use crate::idempotency::IdempotencyKey;
use crate::ids::{IntelId, UsageId};
use crate::state::State;
use crate::usage::service;
use crate::usage::store::UsageView;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(record_usage).service(list_usages).service(update_usage);
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RecordUsage {
    pub purpose: UsagePurpose,
    #[serde(default = "pending")]
    pub outcome: UsageOutcome,
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub note: String,
}

fn pending() -> UsageOutcome {
    UsageOutcome::Pending
}

/// Record that you used an adopted entry; its author is paid (another user,
/// within the caps) and notified.
#[utoipa::path(tag = "usage", request_body = RecordUsage,
    responses((status = 201, body = UsageView), (status = 404), (status = 409), (status = 422)))]
#[post("/intel/{id}/usages")]
async fn record_usage(
    state: State,
    me: CurrentUser,
    key: IdempotencyKey,
    id: web::Path<IntelId>,
    body: Json<RecordUsage>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let input = body.0;
    let user = me.id;
    state
        .write_once(user, key, StatusCode::CREATED, move |conn| {
            service::record_shown(conn, &me, id, input.purpose, input.outcome, &input.note)
        })
        .await
}

/// Uses of an entry, newest first.
#[utoipa::path(tag = "usage", responses((status = 200, body = Vec<UsageView>), (status = 404)))]
#[get("/intel/{id}/usages")]
async fn list_usages(state: State, me: CurrentUser, id: web::Path<IntelId>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let views = state.read(move |conn| service::of_entry(conn, &me, id)).await?;
    Ok(HttpResponse::Ok().json(views))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateUsage {
    pub outcome: UsageOutcome,
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

/// Change a usage's outcome (its recorder or an admin). `won` pays the author once.
#[utoipa::path(tag = "usage", request_body = UpdateUsage,
    responses((status = 200, body = UsageView), (status = 403), (status = 404)))]
#[patch("/usages/{id}")]
async fn update_usage(
    state: State,
    me: CurrentUser,
    id: web::Path<UsageId>,
    body: Json<UpdateUsage>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let input = body.0;
    let view = state
        .write(move |conn| service::change_outcome_shown(conn, &me, id, input.outcome, input.note.as_deref()))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}
