//! `/visits`, `/clients/{id}/visits`, `/tasks`, `/reminders`, `/me/calendar`
//! and the calendar feed itself.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::agenda::calendar::FeedKeys;
use crate::agenda::service::{self, NextStep, ReminderChange, ReminderView, TaskView, VisitInput, VisitView};
use crate::api::{Json, Page, PageParams};
use crate::auth::extract::CurrentUser;
use crate::enums::{ReminderStatus, TaskStatus};
use crate::error::ApiResult;
use crate::idempotency::IdempotencyKey;
use crate::ids::{ClientId, ContactId, ReminderId, TaskId, UserId};
use crate::state::State;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(create_visit)
        .service(client_visits)
        .service(list_tasks)
        .service(complete_task)
        .service(list_reminders)
        .service(reminder_done)
        .service(snooze_reminder)
        .service(reassign_reminder)
        .service(get_calendar)
        .service(rotate_calendar)
        .service(calendar_feed);
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NextStepInput {
    #[schema(max_length = 200)]
    pub title: String,
    pub due_on: NaiveDate,
    /// Who does it (default: me).
    pub assignee_id: Option<UserId>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewVisitRequest {
    pub client_id: ClientId,
    pub visited_on: NaiveDate,
    #[serde(default)]
    pub contact_ids: Vec<ContactId>,
    /// Why: 例行拜访, 方案交流 …
    #[schema(max_length = 200)]
    pub purpose: String,
    #[serde(default)]
    #[schema(max_length = 5000)]
    pub summary: String,
    /// Next steps, each a task with a due date and an assignee.
    #[serde(default)]
    pub next_steps: Vec<NextStepInput>,
}

/// Record a visit or call (拜访记录) on a client you own (or reviewers,
/// admins); its next steps become tasks.
#[utoipa::path(tag = "agenda", request_body = NewVisitRequest,
    responses((status = 201, body = VisitView), (status = 403), (status = 404), (status = 422)))]
#[post("/visits")]
async fn create_visit(
    state: State,
    me: CurrentUser,
    key: IdempotencyKey,
    body: Json<NewVisitRequest>,
) -> ApiResult<HttpResponse> {
    let b = body.0;
    let input = VisitInput {
        client_id: b.client_id,
        visited_on: b.visited_on,
        contact_ids: b.contact_ids,
        purpose: b.purpose,
        summary: b.summary,
        next_steps: b
            .next_steps
            .into_iter()
            .map(|s| NextStep { title: s.title, due_on: s.due_on, assignee_id: s.assignee_id })
            .collect(),
    };
    let user = me.id;
    state
        .write_once(user, key, StatusCode::CREATED, move |conn| service::record_visit(conn, &me, input))
        .await
}

/// A client's visits, latest first (its owners, reviewers, admins).
#[utoipa::path(tag = "agenda", params(PageParams),
    responses((status = 200, body = Page<VisitView>), (status = 403), (status = 404)))]
#[get("/clients/{id}/visits")]
async fn client_visits(
    state: State,
    me: CurrentUser,
    id: web::Path<ClientId>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let (id, page) = (id.into_inner(), page.into_inner());
    let (items, total) =
        state.read(move |conn| service::visits(conn, &me, id, page.offset(), page.per_page())).await?;
    Ok(HttpResponse::Ok().json(Page { items, total }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TaskQuery {
    /// `open` or `done`; all when absent.
    pub status: Option<TaskStatus>,
}

/// My tasks (我的待办), soonest due first.
#[utoipa::path(tag = "agenda", params(TaskQuery, PageParams), responses((status = 200, body = Page<TaskView>)))]
#[get("/tasks")]
async fn list_tasks(
    state: State,
    me: CurrentUser,
    query: web::Query<TaskQuery>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let (status, page) = (query.into_inner().status, page.into_inner());
    let (items, total) =
        state.read(move |conn| service::my_tasks(conn, &me, status, page.offset(), page.per_page())).await?;
    Ok(HttpResponse::Ok().json(Page { items, total }))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskResult {
    /// What came of it.
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub result: String,
}

/// Close a task with its result (its assignee, the client's owners, reviewers, admins).
#[utoipa::path(tag = "agenda", request_body = TaskResult,
    responses((status = 200, body = TaskView), (status = 404), (status = 409), (status = 422)))]
#[post("/tasks/{id}/done")]
async fn complete_task(
    state: State,
    me: CurrentUser,
    id: web::Path<TaskId>,
    body: Json<Option<TaskResult>>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let result = body.0.unwrap_or_default().result;
    let view = state.write(move |conn| service::complete_task(conn, &me, id, &result)).await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReminderQuery {
    /// `open` (default), `snoozed` or `done`.
    pub status: Option<ReminderStatus>,
}

/// My reminders: dates from adopted entries and due tasks, soonest first.
#[utoipa::path(tag = "agenda", params(ReminderQuery, PageParams), responses((status = 200, body = Page<ReminderView>)))]
#[get("/reminders")]
async fn list_reminders(
    state: State,
    me: CurrentUser,
    query: web::Query<ReminderQuery>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let (status, page) = (query.into_inner().status, page.into_inner());
    let (items, total) = state
        .read(move |conn| service::my_reminders(conn, &me, status, page.offset(), page.per_page()))
        .await?;
    Ok(HttpResponse::Ok().json(Page { items, total }))
}

async fn change(
    state: State,
    me: CurrentUser,
    id: ReminderId,
    change: ReminderChange,
) -> ApiResult<HttpResponse> {
    let view = state.write(move |conn| service::change_reminder(conn, &me, id, change)).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Mark my reminder done.
#[utoipa::path(tag = "agenda", responses((status = 200, body = ReminderView), (status = 404)))]
#[post("/reminders/{id}/done")]
async fn reminder_done(state: State, me: CurrentUser, id: web::Path<ReminderId>) -> ApiResult<HttpResponse> {
    change(state, me, id.into_inner(), ReminderChange::Done).await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SnoozeRequest {
    /// A day after today; the reminder is open again from then.
    pub until: NaiveDate,
}

/// Put my reminder off until a later day.
#[utoipa::path(tag = "agenda", request_body = SnoozeRequest,
    responses((status = 200, body = ReminderView), (status = 404), (status = 422)))]
#[post("/reminders/{id}/snooze")]
async fn snooze_reminder(
    state: State,
    me: CurrentUser,
    id: web::Path<ReminderId>,
    body: Json<SnoozeRequest>,
) -> ApiResult<HttpResponse> {
    change(state, me, id.into_inner(), ReminderChange::Snooze(body.0.until)).await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReassignRequest {
    pub user_id: UserId,
}

/// Hand my reminder to a colleague.
#[utoipa::path(tag = "agenda", request_body = ReassignRequest,
    responses((status = 200, body = ReminderView), (status = 404), (status = 422)))]
#[post("/reminders/{id}/reassign")]
async fn reassign_reminder(
    state: State,
    me: CurrentUser,
    id: web::Path<ReminderId>,
    body: Json<ReassignRequest>,
) -> ApiResult<HttpResponse> {
    change(state, me, id.into_inner(), ReminderChange::Reassign(body.0.user_id)).await
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarUrl {
    /// A private iCalendar feed of my open reminders and tasks: no sign-in
    /// needed, so keep it to yourself; rotate it when it leaked.
    pub url: String,
}

fn absolute(state: &State, path: &str) -> CalendarUrl {
    CalendarUrl { url: format!("{}{path}", state.settings.public_url.trim_end_matches('/')) }
}

/// The URL of my private calendar feed (Outlook, a phone's calendar).
#[utoipa::path(tag = "agenda", responses((status = 200, body = CalendarUrl)))]
#[get("/me/calendar")]
async fn get_calendar(state: State, keys: web::Data<FeedKeys>, me: CurrentUser) -> ApiResult<HttpResponse> {
    let path = state.read(move |conn| service::calendar_path(conn, &keys, &me)).await?;
    Ok(HttpResponse::Ok().json(absolute(&state, &path)))
}

/// Replace my calendar feed's URL; the old one stops working.
#[utoipa::path(tag = "agenda", responses((status = 200, body = CalendarUrl)))]
#[post("/me/calendar/rotate")]
async fn rotate_calendar(
    state: State,
    keys: web::Data<FeedKeys>,
    me: CurrentUser,
) -> ApiResult<HttpResponse> {
    let path = state.write(move |conn| service::rotate_calendar(conn, &keys, &me)).await?;
    Ok(HttpResponse::Ok().json(absolute(&state, &path)))
}

/// A calendar feed (iCalendar), for the holder of its URL; no sign-in.
#[utoipa::path(tag = "agenda", security(()),
    responses((status = 200, content_type = "text/calendar", body = String), (status = 404)))]
#[get("/calendar/{token}")]
async fn calendar_feed(
    state: State,
    keys: web::Data<FeedKeys>,
    token: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let token = token.into_inner();
    let base = state.settings.public_url.trim_end_matches('/').to_owned();
    let feed = state.read(move |conn| service::calendar_feed(conn, &keys, &token, &base)).await?;
    Ok(HttpResponse::Ok().content_type("text/calendar; charset=utf-8").body(feed))
}
