use std::collections::BTreeMap;

use actix_web::{get, post, put, web, HttpResponse};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::{Json, Page, PageParams};
use crate::auth::extract::CurrentUser;
use crate::db::write_tx;
use crate::error::{ApiError, ApiResult};
use crate::mail::model::{MailStatus, MailView};
use crate::mail::outbox;
use crate::mail::preferences::{self, Delivery, KindInfo};
use crate::state::State;
use crate::users::model::Role;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(get_preferences).service(put_preferences).service(list_outbox).service(retry_mail);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PreferenceView {
    /// The notification kind, e.g. `intel_adopted`, or `weekly_digest`.
    pub kind: &'static str,
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
    let choices = state.db(move |conn| Ok(preferences::list(conn, me.id)?)).await?;
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
    let changes = preferences::parse_changes(&body.0).map_err(ApiError::fields)?;
    let choices = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                preferences::set(conn, me.id, &changes)?;
                Ok(preferences::list(conn, me.id)?)
            })
        })
        .await?;
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
    me.require(Role::Admin)?;
    let status = query.status;
    let page = page.into_inner();
    let (rows, total) =
        state.db(move |conn| Ok(outbox::list(conn, status, page.offset(), page.per_page())?)).await?;
    Ok(HttpResponse::Ok().json(Page { items: rows.into_iter().map(MailView::from).collect(), total }))
}

/// Sends a failed mail again, with a fresh set of attempts (admins).
#[utoipa::path(tag = "admin", responses((status = 200, body = MailView), (status = 403), (status = 404),
    (status = 409, description = "the mail has not failed")))]
#[post("/mail/outbox/{id}/retry")]
async fn retry_mail(state: State, me: CurrentUser, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    me.require(Role::Admin)?;
    let id = id.into_inner();
    let mail = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                outbox::find(conn, id)?.ok_or_else(|| ApiError::not_found("邮件"))?;
                if !outbox::retry(conn, id, Utc::now().naive_utc())? {
                    return Err(ApiError::Conflict("只有发送失败的邮件可以重发".into()));
                }
                outbox::find(conn, id)?.ok_or_else(|| ApiError::not_found("邮件"))
            })
        })
        .await?;
    state.mail.wake();
    Ok(HttpResponse::Ok().json(MailView::from(mail)))
}
