//! Search over HTTP: extract, parse, one service call on the blocking pool, map.

use std::sync::Arc;

use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use crate::api::{Json, Page, PageParams};
use crate::auth::extract::CurrentUser;
use crate::enums::{ClientKind, IntelStatus};
use crate::error::{ApiError, ApiResult};
use crate::ids::{ClientId, DepartmentId, IntelId, UserId};
use crate::search::index::{category_code, SearchIndex};
use crate::search::indexer::SearchHandle;
use crate::search::service::{self, Miss, SearchHit, SearchResponse};
use crate::search::{SearchRequest, Sort};
use crate::state::State;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(search).service(similar_to_entry).service(similar_to_draft).service(misses);
}

/// How long a client waits before asking again while the index is rebuilt.
const RETRY_AFTER_SECS: u64 = 5;

/// The answer of every route that reads the index while none is usable.
#[derive(utoipa::IntoResponses)]
#[response(
    status = 503,
    description = "unavailable: the search index is being rebuilt from the database (everything but search \
                   keeps working), or the database is down (`Retry-After`)",
    headers(("Retry-After" = u64, description = "seconds to wait before asking again"))
)]
pub struct Rebuilding(pub crate::error::ErrorBody);

/// The index to search, or 503 while none is usable (it is being rebuilt).
fn index(handle: &SearchHandle) -> ApiResult<Arc<SearchIndex>> {
    handle.index().ok_or_else(|| ApiError::unavailable("搜索索引正在重建，请稍后再试", RETRY_AFTER_SECS))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Words (all must appear), "quoted phrases", pinyin of client or author names.
    /// At most 200 characters.
    #[param(max_length = 200)]
    pub q: Option<String>,
    pub category: Option<String>,
    pub client_kind: Option<ClientKind>,
    pub client_id: Option<ClientId>,
    pub status: Option<IntelStatus>,
    pub author_id: Option<UserId>,
    pub department_id: Option<DepartmentId>,
    pub tag: Option<String>,
    /// From this date (YYYY-MM-DD or RFC 3339), by the entry's latest event.
    #[param(schema_with = date_or_time)]
    pub from: Option<String>,
    /// Before this date (a plain date includes the whole day).
    #[param(schema_with = date_or_time)]
    pub to: Option<String>,
    pub sort: Option<Sort>,
}

/// The longest search text: longer is a 422 rather than a slow query.
pub const MAX_QUERY_CHARS: usize = 200;

/// A plain date or an RFC 3339 time, as `parse_date` reads them.
fn date_or_time() -> utoipa::openapi::schema::Schema {
    use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, OneOfBuilder, SchemaFormat, Type};
    let string = |format| {
        ObjectBuilder::new().schema_type(Type::String).format(Some(SchemaFormat::KnownFormat(format)))
    };
    OneOfBuilder::new().item(string(KnownFormat::Date)).item(string(KnownFormat::DateTime)).build().into()
}

fn parse_date(raw: &str, end: bool) -> Result<NaiveDateTime, ApiError> {
    let raw = raw.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Ok(t.with_timezone(&Utc).naive_utc());
    }
    let date = NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map_err(|_| ApiError::BadRequest(format!("日期格式不正确: {raw}")))?;
    let date = if end { date.succ_opt().unwrap_or(date) } else { date };
    Ok(date.and_hms_opt(0, 0, 0).unwrap_or_default())
}

/// Full-text search in Chinese (and pinyin), filtered, faceted and paged.
/// Results, counts and facets only include what you may read.
#[utoipa::path(tag = "search", params(SearchQuery, PageParams), responses((status = 200, body = SearchResponse), (status = 400), (status = 422), Rebuilding))]
#[get("/search")]
async fn search(
    state: State,
    handle: web::Data<SearchHandle>,
    me: CurrentUser,
    query: web::Query<SearchQuery>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let query = query.into_inner();
    let page = page.into_inner();
    if let Some(category) = query.category.as_deref().filter(|c| category_code(c).is_none()) {
        return Err(ApiError::field("category", format!("没有这个分类: {category}")));
    }
    if query.q.as_deref().is_some_and(|q| q.chars().count() > MAX_QUERY_CHARS) {
        return Err(ApiError::field("q", format!("搜索词不能超过 {MAX_QUERY_CHARS} 个字符")));
    }
    let request = SearchRequest {
        q: query.q.clone().unwrap_or_default(),
        category: query.category,
        client_kind: query.client_kind,
        client_id: query.client_id,
        status: query.status,
        author_id: query.author_id,
        department_id: query.department_id,
        tag: query.tag.filter(|t| !t.trim().is_empty()),
        from: query.from.as_deref().map(|d| parse_date(d, false)).transpose()?,
        to: query.to.as_deref().map(|d| parse_date(d, true)).transpose()?,
        sort: query.sort.unwrap_or_default(),
        offset: page.offset() as usize,
        limit: page.per_page() as usize,
        exclude: None,
        owned_clients: Vec::new(),
    };
    let index = index(&handle)?;
    let response = state.read(move |conn| service::search(conn, &index, &me, request)).await?;
    Ok(HttpResponse::Ok().json(response))
}

/// Likely duplicates of an entry: other entries on the same client sharing its words.
#[utoipa::path(tag = "search", responses((status = 200, body = Vec<SearchHit>), (status = 404), Rebuilding))]
#[get("/intel/{id}/similar")]
async fn similar_to_entry(
    state: State,
    handle: web::Data<SearchHandle>,
    me: CurrentUser,
    id: web::Path<IntelId>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let index = index(&handle)?;
    let items = state.read(move |conn| service::similar_to_entry(conn, &index, &me, id)).await?;
    Ok(HttpResponse::Ok().json(items))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct DraftText {
    /// The draft's client; null for a market-wide competitor entry (compared with every entry).
    #[serde(default)]
    pub client_id: Option<ClientId>,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
}

/// Likely duplicates of an entry being written (shown on the submit form).
#[utoipa::path(tag = "search", request_body = DraftText, responses((status = 200, body = Vec<SearchHit>), Rebuilding))]
#[post("/search/similar")]
async fn similar_to_draft(
    state: State,
    handle: web::Data<SearchHandle>,
    me: CurrentUser,
    body: Json<DraftText>,
) -> ApiResult<HttpResponse> {
    let DraftText { client_id, title, body } = body.0;
    let text: String = format!("{title} {body}").chars().take(2000).collect();
    let index = index(&handle)?;
    let items = state.read(move |conn| service::similar(conn, &index, &me, client_id, &text, None)).await?;
    Ok(HttpResponse::Ok().json(items))
}

/// Searches that found nothing, newest first (admin).
#[utoipa::path(tag = "admin", params(PageParams), responses((status = 200, body = Page<Miss>)))]
#[get("/search/misses")]
async fn misses(state: State, me: CurrentUser, page: web::Query<PageParams>) -> ApiResult<HttpResponse> {
    let page = page.into_inner();
    let (items, total) =
        state.read(move |conn| service::misses(conn, &me, page.offset(), page.per_page())).await?;
    Ok(HttpResponse::Ok().json(Page { items, total }))
}
