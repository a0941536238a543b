use actix_web::{get, web, HttpResponse};

use crate::auth::extract::CurrentUser;
use crate::dossier::service::{self, Dossier};
use crate::error::ApiResult;
use crate::ids::ClientId;
use crate::state::State;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(dossier);
}

/// The client dossier for a handover: adopted entries, contacts, owner history, usages.
#[utoipa::path(tag = "clients", responses((status = 200, body = Dossier), (status = 404)))]
#[get("/clients/{id}/dossier")]
async fn dossier(state: State, me: CurrentUser, id: web::Path<ClientId>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let dossier = state.read(move |conn| service::dossier(conn, &me, id)).await?;
    Ok(HttpResponse::Ok().json(dossier))
}
