//! `GET /clients/{id}/handover` (the preview) and `PUT /clients/{id}/owner`.

use actix_web::{get, put, web, HttpResponse};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::api::Json;
use crate::auth::extract::CurrentUser;
use crate::clients::view::ClientView;
use crate::error::ApiResult;
use crate::handover::service::{self, HandoverPreview};
use crate::ids::{ClientId, UserId};
use crate::state::State;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(preview).service(hand_over);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PreviewQuery {
    /// The account manager who would take the client over.
    pub to: UserId,
}

/// What handing the client to `to` would move, and the briefing they would
/// receive (the current owner, reviewers, admins).
#[utoipa::path(tag = "clients", params(PreviewQuery),
    responses((status = 200, body = HandoverPreview), (status = 403), (status = 404), (status = 422)))]
#[get("/clients/{id}/handover")]
async fn preview(
    state: State,
    me: CurrentUser,
    id: web::Path<ClientId>,
    query: web::Query<PreviewQuery>,
) -> ApiResult<HttpResponse> {
    let (id, to) = (id.into_inner(), query.into_inner().to);
    let preview = state.read(move |conn| service::preview(conn, &me, id, to)).await?;
    Ok(HttpResponse::Ok().json(preview))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct Handover {
    pub owner_id: UserId,
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub note: String,
}

/// Hand a client over to another account manager (the current owner,
/// reviewers, admins). Open tasks, reminders and the old owner's follow move
/// along; the new owner is notified with a briefing.
#[utoipa::path(tag = "clients", request_body = Handover,
    responses((status = 200, body = ClientView), (status = 403), (status = 404), (status = 422)))]
#[put("/clients/{id}/owner")]
async fn hand_over(
    state: State,
    me: CurrentUser,
    id: web::Path<ClientId>,
    body: Json<Handover>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let Handover { owner_id, note } = body.0;
    let view = state.write(move |conn| service::hand_over(conn, &me, id, owner_id, &note)).await?;
    Ok(HttpResponse::Ok().json(view))
}
