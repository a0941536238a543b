use actix_web::{get, patch, post, web, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::api::Json;
use crate::auth::extract::CurrentUser;
use crate::db::write_tx;
use crate::error::ApiResult;
use crate::intel::model::IntelId;
use crate::intel::service::readable;
use crate::state::State;
use crate::usage::model::{Outcome, Purpose};
use crate::usage::service;
use crate::usage::store::{self, UsageView};

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(record_usage).service(list_usages).service(update_usage);
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RecordUsage {
    pub purpose: Purpose,
    #[serde(default = "pending")]
    pub outcome: Outcome,
    #[serde(default)]
    pub note: String,
}

fn pending() -> Outcome {
    Outcome::Pending
}

/// Record that you used an adopted entry; its author is paid (another user,
/// within the caps) and notified.
#[utoipa::path(tag = "usage", request_body = RecordUsage,
    responses((status = 201, body = UsageView), (status = 404), (status = 409), (status = 422)))]
#[post("/intel/{id}/usages")]
async fn record_usage(
    state: State,
    me: CurrentUser,
    id: web::Path<i64>,
    body: Json<RecordUsage>,
) -> ApiResult<HttpResponse> {
    let id = IntelId(id.into_inner());
    let input = body.0;
    let view = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let usage = service::record(conn, &me, id, input.purpose, input.outcome, &input.note)?;
                Ok(store::views(conn, vec![usage])?.remove(0))
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// Uses of an entry, newest first.
#[utoipa::path(tag = "usage", responses((status = 200, body = Vec<UsageView>), (status = 404)))]
#[get("/intel/{id}/usages")]
async fn list_usages(state: State, me: CurrentUser, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = IntelId(id.into_inner());
    let views = state
        .db(move |conn| {
            readable(conn, &me, id)?;
            let usages = store::for_intel(conn, &[id])?;
            Ok(store::views(conn, usages)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(views))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateUsage {
    pub outcome: Outcome,
    pub note: Option<String>,
}

/// Change a usage's outcome (its recorder or an admin). `won` pays the author once.
#[utoipa::path(tag = "usage", request_body = UpdateUsage,
    responses((status = 200, body = UsageView), (status = 403), (status = 404)))]
#[patch("/usages/{id}")]
async fn update_usage(
    state: State,
    me: CurrentUser,
    id: web::Path<i64>,
    body: Json<UpdateUsage>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let input = body.0;
    let view = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let usage = service::change_outcome(conn, &me, id, input.outcome, input.note.as_deref())?;
                Ok(store::views(conn, vec![usage])?.remove(0))
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}
