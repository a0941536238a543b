//! `/follows`: what I follow.

use actix_web::http::StatusCode;
use actix_web::{delete, get, patch, post, web, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::api::Json;
use crate::auth::extract::CurrentUser;
use crate::enums::{Delivery, FollowTarget};
use crate::error::ApiResult;
use crate::follows::service::{self, FollowView};
use crate::idempotency::IdempotencyKey;
use crate::ids::FollowId;
use crate::state::State;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(create_follow).service(list_follows).service(update_follow).service(delete_follow);
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewFollowRequest {
    pub target: FollowTarget,
    /// A client id (for `client`), or the text: a tag, a competitor as entries
    /// name it (中国电信), an industry or a region.
    #[schema(max_length = 100, example = "中国电信")]
    pub value: serde_json::Value,
    /// How new entries reach me by mail: `immediate` (default), `daily` or `off`.
    pub delivery: Option<Delivery>,
}

/// Follow a client (a group includes its individuals), a tag, a competitor,
/// an industry or a region. Following the same thing twice is 409.
#[utoipa::path(tag = "follows", request_body = NewFollowRequest,
    responses((status = 201, body = FollowView), (status = 409), (status = 422)))]
#[post("/follows")]
async fn create_follow(
    state: State,
    me: CurrentUser,
    key: IdempotencyKey,
    body: Json<NewFollowRequest>,
) -> ApiResult<HttpResponse> {
    let NewFollowRequest { target, value, delivery } = body.0;
    let value = match value {
        serde_json::Value::String(s) => s,
        serde_json::Value::Number(n) => n.to_string(),
        _ => String::new(),
    };
    let user = me.id;
    state
        .write_once(user, key, StatusCode::CREATED, move |conn| {
            service::follow(conn, &me, target, &value, delivery)
        })
        .await
}

/// What I follow, newest first.
#[utoipa::path(tag = "follows", responses((status = 200, body = Vec<FollowView>)))]
#[get("/follows")]
async fn list_follows(state: State, me: CurrentUser) -> ApiResult<HttpResponse> {
    let views = state.read(move |conn| service::list(conn, &me)).await?;
    Ok(HttpResponse::Ok().json(views))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowChange {
    /// `immediate`, `daily` or `off`.
    pub delivery: Delivery,
}

/// Change how a follow of mine reaches me by mail.
#[utoipa::path(tag = "follows", request_body = FollowChange,
    responses((status = 200, body = FollowView), (status = 404), (status = 422)))]
#[patch("/follows/{id}")]
async fn update_follow(
    state: State,
    me: CurrentUser,
    id: web::Path<FollowId>,
    body: Json<FollowChange>,
) -> ApiResult<HttpResponse> {
    let (id, delivery) = (id.into_inner(), body.0.delivery);
    let view = state.write(move |conn| service::set_delivery(conn, &me, id, delivery)).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Stop following.
#[utoipa::path(tag = "follows", responses((status = 204), (status = 404)))]
#[delete("/follows/{id}")]
async fn delete_follow(state: State, me: CurrentUser, id: web::Path<FollowId>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    state.write(move |conn| service::unfollow(conn, &me, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}
