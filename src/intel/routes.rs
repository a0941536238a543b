use actix_web::http::StatusCode;
use actix_web::{get, post, put, web, HttpResponse};
use serde::Deserialize;
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};

use crate::api::{Json, Page, PageParams};
use crate::auth::extract::CurrentUser;
use crate::enums::{IntelStatus, Source};
use crate::error::{ApiError, ApiResult, Fields};
use crate::idempotency::IdempotencyKey;
use crate::ids::{ClientId, IntelId, UserId};
use crate::intel::model::Subject;
use crate::intel::service::{self, check_text, parse_observed_at, Content, Edit};
use crate::intel::store::IntelFilter;
use crate::intel::view::IntelView;
use crate::state::State;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(create_intel)
        .service(list_intel)
        .service(get_intel)
        .service(update_intel)
        .service(revise_intel)
        .service(verify_intel)
        .service(retract_intel);
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateIntel {
    /// The client the entry is about. A competitor entry may give null (the
    /// whole market) and name the clients it concerns in `client_ids`.
    #[serde(default)]
    pub client_id: Option<ClientId>,
    /// More clients a competitor entry concerns (at most 50).
    #[serde(default)]
    pub client_ids: Vec<ClientId>,
    /// Category key: basic, profile, business, credit, competitor, opportunity or service.
    #[schema(example = "business")]
    pub category: String,
    #[schema(example = "财务副总反映话费报销手续繁琐", max_length = 200)]
    pub title: String,
    #[serde(default)]
    #[schema(max_length = 20000)]
    pub body: String,
    /// Template values by field key.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub fields: Map<String, Value>,
    pub source: Source,
    /// When the fact was true: `YYYY-MM-DD` or RFC 3339.
    #[schema(example = "2026-11-20")]
    pub observed_at: String,
    /// Save as a draft instead of submitting for review.
    #[serde(default)]
    pub draft: bool,
}

/// Parses title, body and observed_at, collecting every problem.
fn content(
    title: String,
    body: String,
    fields: Map<String, Value>,
    source: Source,
    observed_at: &str,
) -> ApiResult<Content> {
    let mut problems = Fields::new();
    check_text(&mut problems, Some(&title), Some(&body));
    let observed_at =
        parse_observed_at(observed_at).map_err(|p| problems.insert("observed_at".into(), p.into())).ok();
    match observed_at {
        Some(observed_at) if problems.is_empty() => Ok(Content { title, body, fields, source, observed_at }),
        _ => Err(ApiError::fields(problems)),
    }
}

/// Record intelligence about a client, under your own name.
#[utoipa::path(tag = "intel", request_body = CreateIntel,
    responses((status = 201, body = IntelView), (status = 422, description = "one error per field, `fields.<key>` for template values")))]
#[post("/intel")]
async fn create_intel(
    state: State,
    me: CurrentUser,
    key: IdempotencyKey,
    body: Json<CreateIntel>,
) -> ApiResult<HttpResponse> {
    let input = body.0;
    let content = content(input.title, input.body, input.fields, input.source, &input.observed_at)?;
    let subject = Subject::new(input.client_id, &input.client_ids);
    let user = me.id;
    state
        .write_once(user, key, StatusCode::CREATED, move |conn| {
            service::submit(conn, &me, &subject, &input.category, content, input.draft)
        })
        .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IntelQuery {
    pub author_id: Option<UserId>,
    pub status: Option<IntelStatus>,
    pub client_id: Option<ClientId>,
    pub category: Option<String>,
}

/// Entries you may read, most recently changed first.
#[utoipa::path(tag = "intel", params(IntelQuery, PageParams), responses((status = 200, body = Page<IntelView>)))]
#[get("/intel")]
async fn list_intel(
    state: State,
    me: CurrentUser,
    query: web::Query<IntelQuery>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let query = query.into_inner();
    let page = page.into_inner();
    let filter = IntelFilter {
        author_id: query.author_id,
        status: query.status,
        client_id: query.client_id,
        category: query.category,
    };
    let (items, total) =
        state.read(move |conn| service::list(conn, &me, &filter, page.offset(), page.per_page())).await?;
    Ok(HttpResponse::Ok().json(Page { items, total }))
}

/// One entry (404 when you may not read it).
#[utoipa::path(tag = "intel", responses((status = 200, body = IntelView), (status = 404)))]
#[get("/intel/{id}")]
async fn get_intel(state: State, me: CurrentUser, id: web::Path<IntelId>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let view = state.read(move |conn| service::get(conn, &me, id)).await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct UpdateIntel {
    /// Another client; with `client_ids`, the entry's first client (null: none).
    pub client_id: Option<ClientId>,
    /// Every other client a competitor entry concerns; given, it replaces them
    /// (`[]` with a null `client_id`: the whole market).
    pub client_ids: Option<Vec<ClientId>>,
    pub category: Option<String>,
    #[schema(max_length = 200)]
    pub title: Option<String>,
    #[schema(max_length = 20000)]
    pub body: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub fields: Option<Map<String, Value>>,
    pub source: Option<Source>,
    pub observed_at: Option<String>,
    /// Submit (or resubmit) for review.
    #[serde(default)]
    pub submit: bool,
}

/// Edit your draft or returned entry; `"submit": true` (re)submits it.
#[utoipa::path(tag = "intel", request_body = UpdateIntel,
    responses((status = 200, body = IntelView), (status = 403), (status = 404), (status = 409), (status = 422)))]
#[put("/intel/{id}")]
async fn update_intel(
    state: State,
    me: CurrentUser,
    id: web::Path<IntelId>,
    body: Json<UpdateIntel>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let input = body.0;
    let mut problems = Fields::new();
    check_text(&mut problems, input.title.as_deref(), input.body.as_deref());
    let observed_at = match input.observed_at.as_deref().map(parse_observed_at) {
        Some(Err(problem)) => {
            problems.insert("observed_at".into(), problem.into());
            None
        }
        Some(Ok(at)) => Some(at),
        None => None,
    };
    if !problems.is_empty() {
        return Err(ApiError::fields(problems));
    }
    let subject = match (input.client_id, input.client_ids) {
        (client_id, Some(others)) => Some(Subject::new(client_id, &others)),
        (Some(client_id), None) => Some(Subject::one(client_id)),
        (None, None) => None,
    };
    let edit = Edit {
        subject,
        category: input.category,
        title: input.title,
        body: input.body,
        fields: input.fields,
        source: input.source,
        observed_at,
        submit: input.submit,
    };
    let view = state.write(move |conn| service::update(conn, &me, id, edit)).await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReviseIntel {
    #[schema(max_length = 200)]
    pub title: String,
    #[serde(default)]
    #[schema(max_length = 20000)]
    pub body: String,
    #[serde(default)]
    #[schema(value_type = Object)]
    pub fields: Map<String, Value>,
    pub source: Source,
    pub observed_at: String,
}

/// Propose a revision of an adopted entry (author or the client's owner).
/// The revision is a new entry that waits for review; once adopted it supersedes this one.
#[utoipa::path(tag = "intel", request_body = ReviseIntel,
    responses((status = 201, body = IntelView), (status = 403), (status = 409), (status = 422)))]
#[post("/intel/{id}/revisions")]
async fn revise_intel(
    state: State,
    me: CurrentUser,
    key: IdempotencyKey,
    id: web::Path<IntelId>,
    body: Json<ReviseIntel>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let input = body.0;
    let content = content(input.title, input.body, input.fields, input.source, &input.observed_at)?;
    let user = me.id;
    state
        .write_once(user, key, StatusCode::CREATED, move |conn| service::revise(conn, &me, id, content))
        .await
}

/// Confirm an adopted entry is still true (author or the client's owner); resets its freshness.
#[utoipa::path(tag = "intel", responses((status = 200, body = IntelView), (status = 403), (status = 409)))]
#[post("/intel/{id}/verify")]
async fn verify_intel(state: State, me: CurrentUser, id: web::Path<IntelId>) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let view = state.write(move |conn| service::confirm_still_true(conn, &me, id)).await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RetractIntel {
    pub comment: String,
}

/// Retract an adopted entry found false (reviewers, admins): its points are reversed and 5 deducted.
#[utoipa::path(tag = "review", request_body = RetractIntel,
    responses((status = 200, body = IntelView), (status = 403), (status = 409), (status = 422)))]
#[post("/intel/{id}/retract")]
async fn retract_intel(
    state: State,
    me: CurrentUser,
    id: web::Path<IntelId>,
    body: Json<RetractIntel>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let comment = body.0.comment;
    let view = state.write(move |conn| service::retract_as_false(conn, &me, id, &comment)).await?;
    Ok(HttpResponse::Ok().json(view))
}
