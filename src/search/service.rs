//! Searching as a reader: the query runs against the index (CPU work, on the
//! caller's blocking thread), hits are re-checked against the database and
//! shown with snippets, misses are kept for admins.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::api::UserRef;
use crate::auth::extract::CurrentUser;
use crate::auth::policy::{self, Denied};
use crate::db::{write_tx, DbConn};
use crate::ids::{ClientId, IntelId};
use crate::intel::model::Intel;
use crate::intel::service::{self as intel, readable, shown, IntelError};
use crate::intel::store as intel_store;
use crate::intel::view::IntelView;
use crate::search::index::SearchIndex;
use crate::search::query::Unit;
use crate::search::snippet::snippet;
use crate::search::store;
use crate::search::{analysis, execute, SearchRequest, SearchResult};

const SIMILAR_LIMIT: usize = 5;
const SIMILAR_WORDS: usize = 24;

crate::service_error! {
    pub enum SearchError {
        #[error("情报不存在")]
        NotFound => NotFound,
        #[error("search failed: {0}")]
        Index(anyhow::Error) => Internal,
    }
}

impl From<IntelError> for SearchError {
    fn from(error: IntelError) -> Self {
        match error {
            IntelError::Db(error) => SearchError::Db(error),
            IntelError::Denied(_) | IntelError::Forbidden(_) => SearchError::Denied(Denied),
            _ => SearchError::NotFound,
        }
    }
}

type Result<T> = std::result::Result<T, SearchError>;

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
    pub category: BTreeMap<String, u64>,
    #[schema(value_type = Object)]
    pub client_kind: BTreeMap<String, u64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResponse {
    pub total: usize,
    pub items: Vec<SearchHit>,
    pub facets: Facets,
}

/// Searches as `me`; a query that finds nothing is recorded as a miss.
pub fn search(
    conn: &mut DbConn,
    index: &SearchIndex,
    me: &CurrentUser,
    mut request: SearchRequest,
) -> Result<SearchResponse> {
    request.owned_clients = intel::read_scope(conn, me)?.owned;
    let result = execute(index, me, &request).map_err(|e| SearchError::Index(e.into()))?;
    let total = result.total;
    let facets = Facets { category: result.category_facet.clone(), client_kind: result.kind_facet.clone() };
    if total == 0 && !result.units.is_empty() {
        let filters = json!({
            "category": request.category, "client_kind": request.client_kind, "client_id": request.client_id,
            "status": request.status, "tag": request.tag,
        });
        let query: String = request.q.chars().take(200).collect();
        write_tx(conn, |conn| {
            store::record_miss(conn, me.id, &query, &filters.to_string(), Utc::now().naive_utc())
        })?;
    }
    Ok(SearchResponse { total, items: hits(conn, me, result)?, facets })
}

/// Likely duplicates of entry `id`: other entries on its client sharing its words.
pub fn similar_to_entry(
    conn: &mut DbConn,
    index: &SearchIndex,
    me: &CurrentUser,
    id: IntelId,
) -> Result<Vec<SearchHit>> {
    let entry = readable(conn, me, id)?;
    let text = format!("{} {}", entry.title, entry.body);
    let client = intel_store::subject(conn, &entry)?.clients().first().copied();
    similar(conn, index, me, client, &text, Some(id))
}

/// Ranks entries on `client` by the text's most telling words (any may match).
pub fn similar(
    conn: &mut DbConn,
    index: &SearchIndex,
    me: &CurrentUser,
    client: Option<ClientId>,
    text: &str,
    exclude: Option<IntelId>,
) -> Result<Vec<SearchHit>> {
    let mut words: Vec<String> = analysis::words(&index.jieba, text)
        .into_iter()
        .map(|w| w.text)
        .filter(|w| w.chars().count() >= 2)
        .collect();
    words.sort();
    words.dedup();
    words.truncate(SIMILAR_WORDS);
    if words.is_empty() {
        return Ok(Vec::new());
    }
    let result = crate::search::similar(index, me, client, &words, exclude, SIMILAR_LIMIT)
        .map_err(|e| SearchError::Index(e.into()))?;
    hits(conn, me, result)
}

/// Views and snippets for hits, in rank order; entries the reader may no
/// longer see (the index lags the database by moments) are dropped.
fn hits(conn: &mut DbConn, me: &CurrentUser, result: SearchResult) -> Result<Vec<SearchHit>> {
    let ids: Vec<IntelId> = result.hits.iter().map(|(id, _)| *id).collect();
    let found = intel_store::find_many(conn, &ids)?;
    let rows: Vec<Intel> = intel::readable_rows(conn, me, found)?;
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
    let snippets: HashMap<IntelId, String> = rows
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
    let mut views: HashMap<IntelId, IntelView> =
        shown(conn, me, rows)?.into_iter().map(|v| (v.id, v)).collect();
    Ok(result
        .hits
        .into_iter()
        .filter_map(|(id, score)| {
            let intel = views.remove(&id)?;
            Some(SearchHit { snippet: snippets.get(&id).cloned().unwrap_or_default(), intel, score })
        })
        .collect())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Miss {
    pub query: String,
    pub user: Option<UserRef>,
    #[schema(value_type = Object)]
    pub filters: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

/// Searches that found nothing, newest first (admins).
pub fn misses(conn: &mut DbConn, me: &CurrentUser, offset: i64, limit: i64) -> Result<(Vec<Miss>, i64)> {
    policy::require_admin(me)?;
    let (rows, total) = store::misses(conn, offset, limit)?;
    let items = rows
        .into_iter()
        .map(|row| Miss {
            query: row.query,
            user: row.user_id.map(|id| UserRef { id, real_name: row.user_name.unwrap_or_default() }),
            filters: serde_json::from_str(&row.filters).unwrap_or_default(),
            created_at: row.created_at.and_utc(),
        })
        .collect();
    Ok((items, total))
}
