use std::collections::BTreeMap;

use actix_web::{get, post, put, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::{Json, Page, PageParams};
use crate::auth::extract::CurrentUser;
use crate::enums::{Delivery, MailStatus, NotificationKind};
use crate::error::ApiResult;
use crate::notify::mail::MailView;
use crate::notify::preferences::KindInfo;
use crate::notify::sender::MailHandle;
use crate::notify::service;
use crate::state::State;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(get_preferences).service(put_preferences).service(list_outbox).service(retry_mail);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PreferenceView {
    /// The notification kind, e.g. `intel_adopted`, or `weekly_digest`.
    pub kind: NotificationKind,
    pub label: &'static str,
    /// How mail of this kind reaches me.
    pub email: Delivery,
    pub default: Delivery,
    pub choices: Vec<Delivery>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Preferences {
    pub items: Vec<PreferenceView>,
}

fn view(choices: Vec<(&'static KindInfo, Delivery)>) -> Preferences {
    Preferences {
        items: choices
            .into_iter()
            .map(|(info, email)| PreferenceView {
                kind: info.kind,
                label: info.label,
                email,
                default: info.default,
                choices: info.choices.to_vec(),
            })
            .collect(),
    }
}

/// How I receive mail for each kind of notification (in-app notifications always arrive).
#[utoipa::path(tag = "notifications", responses((status = 200, body = Preferences)))]
#[get("/me/notification-preferences")]
async fn get_preferences(state: State, me: CurrentUser) -> ApiResult<HttpResponse> {
    let choices = state.read(move |conn| service::preferences(conn, me.id)).await?;
    Ok(HttpResponse::Ok().json(view(choices)))
}

/// Changes how I receive mail: `{"<kind>": "immediate" | "daily" | "off", "weekly_digest": "weekly" | "off"}`;
/// kinds left out keep their setting.
#[utoipa::path(tag = "notifications", request_body = BTreeMap<String, Delivery>,
    responses((status = 200, body = Preferences), (status = 422, description = "unknown kind or unavailable choice")))]
#[put("/me/notification-preferences")]
async fn put_preferences(
    state: State,
    me: CurrentUser,
    body: Json<BTreeMap<String, Delivery>>,
) -> ApiResult<HttpResponse> {
    let requested = body.0;
    let choices = state.write(move |conn| service::set_preferences(conn, me.id, &requested)).await?;
    Ok(HttpResponse::Ok().json(view(choices)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutboxQuery {
    /// Only rows in this state, e.g. `failed`.
    pub status: Option<MailStatus>,
}

/// The mail outbox, newest first (admins): what was sent, what waits, what failed and why.
#[utoipa::path(tag = "admin", params(OutboxQuery, PageParams),
    responses((status = 200, body = Page<MailView>), (status = 403)))]
#[get("/mail/outbox")]
async fn list_outbox(
    state: State,
    me: CurrentUser,
    query: web::Query<OutboxQuery>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let status = query.status;
    let page = page.into_inner();
    let (rows, total) =
        state.read(move |conn| service::outbox(conn, &me, status, page.offset(), page.per_page())).await?;
    Ok(HttpResponse::Ok().json(Page { items: rows.into_iter().map(MailView::from).collect(), total }))
}

/// Sends a failed mail again, with a fresh set of attempts (admins).
#[utoipa::path(tag = "admin", responses((status = 200, body = MailView), (status = 403), (status = 404),
    (status = 409, description = "the mail has not failed")))]
#[post("/mail/outbox/{id}/retry")]
async fn retry_mail(
    state: State,
    sender: web::Data<MailHandle>,
    me: CurrentUser,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let mail = state.write(move |conn| service::retry_mail(conn, &me, id)).await?;
    sender.wake();
    Ok(HttpResponse::Ok().json(MailView::from(mail)))
}
