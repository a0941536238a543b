//! The audit log for admins.

use actix_web::{get, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::{Page, PageParams};
use crate::audit::service::{self, AuditEvent};
use crate::audit::store::AuditFilter;
use crate::auth::extract::CurrentUser;
use crate::error::ApiResult;
use crate::ids::UserId;
use crate::state::State;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_audit);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    pub actor_id: Option<UserId>,
    /// e.g. `sensitive.read`, `user.update`, `intel.review`.
    pub action: Option<String>,
    pub target_type: Option<String>,
    pub target_id: Option<i64>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// Who did what: sensitive reads, exports, role and rule changes (admin).
#[utoipa::path(tag = "admin", params(AuditQuery, PageParams), responses((status = 200, body = Page<AuditEvent>), (status = 403)))]
#[get("/audit")]
async fn list_audit(
    state: State,
    me: CurrentUser,
    query: web::Query<AuditQuery>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let q = query.into_inner();
    let filter = AuditFilter {
        actor_id: q.actor_id,
        action: q.action,
        target_type: q.target_type,
        target_id: q.target_id,
        from: q.from,
        to: q.to,
    };
    let page = page.into_inner();
    let (items, total) =
        state.read(move |conn| service::list(conn, &me, &filter, page.offset(), page.per_page())).await?;
    Ok(HttpResponse::Ok().json(Page { items, total }))
}
