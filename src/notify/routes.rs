use actix_web::{get, post, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::PageParams;
use crate::auth::extract::CurrentUser;
use crate::error::ApiResult;
use crate::ids::NotificationId;
use crate::notify::model::NotificationView;
use crate::notify::service;
use crate::state::State;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_notifications).service(read_all).service(read_one);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NotificationQuery {
    /// Only unread notifications.
    pub unread: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationPage {
    pub items: Vec<NotificationView>,
    pub total: i64,
    /// Unread notifications of the user, whatever the filter.
    pub unread: i64,
}

/// My notifications, newest first, with the unread count.
#[utoipa::path(tag = "notifications", params(NotificationQuery, PageParams), responses((status = 200, body = NotificationPage)))]
#[get("/notifications")]
async fn list_notifications(
    state: State,
    me: CurrentUser,
    query: web::Query<NotificationQuery>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let unread_only = query.unread.unwrap_or(false);
    let page = page.into_inner();
    let (items, total, unread) = state
        .read(move |conn| service::list(conn, me.id, unread_only, page.offset(), page.per_page()))
        .await?;
    Ok(HttpResponse::Ok().json(NotificationPage { items, total, unread }))
}

/// Mark one notification read.
#[utoipa::path(tag = "notifications", responses((status = 204), (status = 404)))]
#[post("/notifications/{id}/read")]
async fn read_one(state: State, me: CurrentUser, id: web::Path<NotificationId>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    state.write(move |conn| service::mark_read(conn, me.id, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Mark all my notifications read.
#[utoipa::path(tag = "notifications", responses((status = 204)))]
#[post("/notifications/read-all")]
async fn read_all(state: State, me: CurrentUser) -> ApiResult<HttpResponse> {
    state.write(move |conn| service::mark_all_read(conn, me.id)).await?;
    Ok(HttpResponse::NoContent().finish())
}
