use actix_web::{get, web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::{Page, PageParams};
use crate::auth::extract::CurrentUser;
use crate::dossier::service::{self, Dossier, MyClient, MyClientsSort, TimelinePage};
use crate::error::ApiResult;
use crate::ids::ClientId;
use crate::state::State;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(dossier).service(my_clients);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DossierQuery {
    /// Show the timeline of one category only (e.g. `competitor`).
    pub category: Option<String>,
}

/// The client dossier for a handover: a summary of what needs attention,
/// adopted entries (a page of them, optionally of one category), contacts,
/// owner history, the newest usages.
#[utoipa::path(tag = "clients", params(DossierQuery, PageParams), responses((status = 200, body = Dossier), (status = 404)))]
#[get("/clients/{id}/dossier")]
async fn dossier(
    state: State,
    me: CurrentUser,
    id: web::Path<ClientId>,
    query: web::Query<DossierQuery>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let category = query.into_inner().category.filter(|c| !c.trim().is_empty());
    let page = TimelinePage { offset: page.offset(), limit: page.per_page() };
    let dossier = state.read(move |conn| service::dossier(conn, &me, id, category.as_deref(), page)).await?;
    Ok(HttpResponse::Ok().json(dossier))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MyClientsQuery {
    /// `attention` (default), `contract_end` or `name`.
    pub sort: Option<MyClientsSort>,
}

/// 我的客户: the clients I own, each with its summary line (contract end,
/// open opportunities, competitor activity in 30 days, stale facts, pending
/// entries, open tasks), what needs attention first.
#[utoipa::path(tag = "clients", params(MyClientsQuery, PageParams), responses((status = 200, body = Page<MyClient>)))]
#[get("/me/clients")]
async fn my_clients(
    state: State,
    me: CurrentUser,
    query: web::Query<MyClientsQuery>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let (sort, page) = (query.into_inner().sort.unwrap_or_default(), page.into_inner());
    let (items, total) =
        state.read(move |conn| service::my_clients(conn, &me, sort, page.offset(), page.per_page())).await?;
    Ok(HttpResponse::Ok().json(Page { items, total }))
}
