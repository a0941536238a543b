use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

use crate::api::{Json, Page, PageParams};
use crate::auth::extract::CurrentUser;
use crate::clients::model::{ClientId, ClientKind};
use crate::db::schema::search_misses;
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::intel::model::{Intel, IntelId, IntelStatus};
use crate::intel::service::readable;
use crate::intel::view::{intel_views, IntelView};
use crate::intel::{store as intel_store, visibility};
use crate::search::index::category_code;
use crate::search::query::Unit;
use crate::search::snippet::snippet;
use crate::search::{execute, SearchRequest, SearchResult, Sort};
use crate::state::State;
use crate::users::model::{DepartmentId, Role, UserId};
use crate::users::view::{user_refs, UserRef};
use crate::with_conn;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(search).service(similar_to_entry).service(similar_to_draft).service(misses);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Words (all must appear), "quoted phrases", pinyin of client or author names.
    pub q: Option<String>,
    pub category: Option<String>,
    pub client_kind: Option<ClientKind>,
    pub client_id: Option<ClientId>,
    pub status: Option<IntelStatus>,
    pub author_id: Option<UserId>,
    pub department_id: Option<DepartmentId>,
    pub tag: Option<String>,
    /// From this date (YYYY-MM-DD or RFC 3339), by the entry's latest event.
    pub from: Option<String>,
    /// Before this date (a plain date includes the whole day).
    pub to: Option<String>,
    pub sort: Option<Sort>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchHit {
    pub intel: IntelView,
    pub score: f32,
    /// HTML: the text escaped, matches wrapped in `<mark>`.
    pub snippet: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Facets {
    #[schema(value_type = Object)]
    pub category: std::collections::BTreeMap<String, u64>,
    #[schema(value_type = Object)]
    pub client_kind: std::collections::BTreeMap<String, u64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResponse {
    pub total: usize,
    pub items: Vec<SearchHit>,
    pub facets: Facets,
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
#[utoipa::path(tag = "search", params(SearchQuery, PageParams), responses((status = 200, body = SearchResponse), (status = 400), (status = 422)))]
#[get("/search")]
async fn search(
    state: State,
    me: CurrentUser,
    query: web::Query<SearchQuery>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let query = query.into_inner();
    let page = page.into_inner();
    if let Some(category) = query.category.as_deref().filter(|c| category_code(c).is_none()) {
        return Err(ApiError::field("category", format!("没有这个分类: {category}")));
    }
    let request = SearchRequest {
        q: query.q.clone().unwrap_or_default(),
        category: query.category,
        client_kind: query.client_kind.map(|k| k.as_str().to_owned()),
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
    };
    let result = run(&state, &me, request.clone()).await?;
    let total = result.total;
    let facets = Facets { category: result.category_facet.clone(), client_kind: result.kind_facet.clone() };
    let log_miss = total == 0 && !result.units.is_empty();
    let items = state
        .db(move |conn| {
            if log_miss {
                record_miss(conn, me.id, &request)?;
            }
            hits(conn, &me, result)
        })
        .await?;
    Ok(HttpResponse::Ok().json(SearchResponse { total, items, facets }))
}

async fn run(state: &State, me: &CurrentUser, request: SearchRequest) -> ApiResult<SearchResult> {
    let index = state.search.get();
    let me = me.clone();
    web::block(move || execute(&index, &me, &request)).await?.map_err(ApiError::internal)
}

/// Views and snippets for hits, in rank order; entries the reader may no
/// longer see (the index lags the database by moments) are dropped.
fn hits(conn: &mut DbConn, me: &CurrentUser, result: SearchResult) -> ApiResult<Vec<SearchHit>> {
    let ids: Vec<IntelId> = result.hits.iter().map(|(id, _)| *id).collect();
    let rows: Vec<Intel> = intel_store::find_many(conn, &ids)?
        .into_iter()
        .filter(|row| visibility::can_read(me, row.status(), row.author_id))
        .collect();
    let needles: Vec<String> = result
        .units
        .iter()
        .flat_map(|u| match u {
            Unit::Word(w) => vec![w.clone()],
            Unit::Phrase(p) => {
                std::iter::once(p.clone()).chain(p.split_whitespace().map(str::to_owned)).collect()
            }
        })
        .collect();
    let snippets: std::collections::HashMap<IntelId, String> = rows
        .iter()
        .map(|row| {
            // The body where a word occurs in it, else the title where it does, else the body.
            let contains = |text: &str| {
                let lower = text.to_ascii_lowercase();
                needles.iter().any(|n| lower.contains(&n.to_ascii_lowercase()))
            };
            let use_title = row.body.trim().is_empty() || (!contains(&row.body) && contains(&row.title));
            let text = if use_title { &row.title } else { &row.body };
            (row.id, snippet(text, &needles))
        })
        .collect();
    let mut views: std::collections::HashMap<IntelId, IntelView> =
        intel_views(conn, me, rows)?.into_iter().map(|v| (v.id, v)).collect();
    Ok(result
        .hits
        .into_iter()
        .filter_map(|(id, score)| {
            let intel = views.remove(&id)?;
            Some(SearchHit { snippet: snippets.get(&id).cloned().unwrap_or_default(), intel, score })
        })
        .collect())
}

fn record_miss(conn: &mut DbConn, user: UserId, request: &SearchRequest) -> ApiResult<()> {
    let filters = json!({
        "category": request.category, "client_kind": request.client_kind, "client_id": request.client_id,
        "status": request.status, "tag": request.tag,
    });
    let now = Utc::now().naive_utc();
    with_conn!(conn, |c| diesel::insert_into(search_misses::table)
        .values((
            search_misses::user_id.eq(Some(user)),
            search_misses::query.eq(request.q.chars().take(200).collect::<String>()),
            search_misses::filters.eq(filters.to_string()),
            search_misses::created_at.eq(now),
        ))
        .execute(c))?;
    Ok(())
}

const SIMILAR_LIMIT: usize = 5;

/// Likely duplicates of an entry: other entries on the same client sharing its words.
#[utoipa::path(tag = "search", responses((status = 200, body = Vec<SearchHit>), (status = 404)))]
#[get("/intel/{id}/similar")]
async fn similar_to_entry(state: State, me: CurrentUser, id: web::Path<i64>) -> ApiResult<HttpResponse> {
    let id = IntelId(id.into_inner());
    let viewer = me.clone();
    let entry = state.db(move |conn| readable(conn, &viewer, id)).await?;
    let items =
        similar(&state, &me, entry.client_id, &format!("{} {}", entry.title, entry.body), Some(id)).await?;
    Ok(HttpResponse::Ok().json(items))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct DraftText {
    pub client_id: ClientId,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
}

/// Likely duplicates of an entry being written (shown on the submit form).
#[utoipa::path(tag = "search", request_body = DraftText, responses((status = 200, body = Vec<SearchHit>)))]
#[post("/search/similar")]
async fn similar_to_draft(state: State, me: CurrentUser, body: Json<DraftText>) -> ApiResult<HttpResponse> {
    let DraftText { client_id, title, body } = body.0;
    let text: String = format!("{title} {body}").chars().take(2000).collect();
    let items = similar(&state, &me, client_id, &text, None).await?;
    Ok(HttpResponse::Ok().json(items))
}

/// Ranks entries on the client by the text's most telling words (any may match).
async fn similar(
    state: &State,
    me: &CurrentUser,
    client: ClientId,
    text: &str,
    exclude: Option<IntelId>,
) -> ApiResult<Vec<SearchHit>> {
    let index = state.search.get();
    let mut words: Vec<String> = crate::search::analysis::words(&index.jieba, text)
        .into_iter()
        .map(|w| w.text)
        .filter(|w| w.chars().count() >= 2)
        .collect();
    words.sort();
    words.dedup();
    words.truncate(24);
    if words.is_empty() {
        return Ok(Vec::new());
    }
    let me_clone = me.clone();
    let result =
        web::block(move || crate::search::similar(&index, &me_clone, client, &words, exclude, SIMILAR_LIMIT))
            .await?
            .map_err(ApiError::internal)?;
    let me = me.clone();
    state.db(move |conn| hits(conn, &me, result)).await
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Miss {
    pub query: String,
    pub user: Option<UserRef>,
    #[schema(value_type = Object)]
    pub filters: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

/// Searches that found nothing, newest first (admin).
#[utoipa::path(tag = "admin", params(PageParams), responses((status = 200, body = Page<Miss>)))]
#[get("/search/misses")]
async fn misses(state: State, me: CurrentUser, page: web::Query<PageParams>) -> ApiResult<HttpResponse> {
    me.require(Role::Admin)?;
    let page = page.into_inner();
    let result = state
        .db(move |conn| {
            let (rows, total) = with_conn!(conn, |c| {
                let total: i64 = search_misses::table.count().get_result(c)?;
                let rows: Vec<(Option<UserId>, String, String, NaiveDateTime)> = search_misses::table
                    .order(search_misses::id.desc())
                    .offset(page.offset())
                    .limit(page.per_page())
                    .select((
                        search_misses::user_id,
                        search_misses::query,
                        search_misses::filters,
                        search_misses::created_at,
                    ))
                    .load(c)?;
                diesel::QueryResult::Ok((rows, total))
            })?;
            let users: Vec<UserId> = rows.iter().filter_map(|r| r.0).collect();
            let users = user_refs(conn, &users)?;
            let items = rows
                .into_iter()
                .map(|(user, query, filters, at)| Miss {
                    query,
                    user: user.and_then(|u| users.get(&u).cloned()),
                    filters: serde_json::from_str(&filters).unwrap_or_default(),
                    created_at: at.and_utc(),
                })
                .collect();
            Ok(Page { items, total })
        })
        .await?;
    Ok(HttpResponse::Ok().json(result))
}
