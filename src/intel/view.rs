//! The `Intel` shape of the API, built in bulk for one reader: sensitive
//! template values masked unless the reader may see them (what was shown to
//! someone other than the author is returned for the service to audit), stale
//! flag, usage count and the latest reviewer feedback. Building a view reads only.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::result::QueryResult;
use serde::Serialize;
use serde_json::{json, Map, Value};
use utoipa::ToSchema;

use crate::api::UserRef;
use crate::audit::SensitiveRead;
use crate::auth::extract::CurrentUser;
use crate::auth::policy;
use crate::categories::model::Category;
use crate::categories::{store as categories, template};
use crate::clients::store as clients;
use crate::db::DbConn;
use crate::enums::{ClientKind, Decision, IntelStatus, Source};
use crate::ids::ClientId;
use crate::ids::IntelId;
use crate::ids::UserId;
use crate::intel::model::{Intel, Subject};
use crate::intel::{freshness, store};
use crate::users::view::user_refs;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClientRef {
    pub id: ClientId,
    pub name: String,
    pub kind: ClientKind,
}

/// The latest decision on an entry, shown to its author and reviewers.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReviewSummary {
    pub decision: Decision,
    pub comment: String,
    pub mean_score: Option<f64>,
    pub reviewer: Option<UserRef>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IntelView {
    pub id: IntelId,
    /// The client the entry is about; null for a competitor entry about the
    /// whole market (or naming several clients without a first one).
    pub client: Option<ClientRef>,
    /// Every client the entry is about, `client` first; empty for the whole market.
    pub clients: Vec<ClientRef>,
    /// Category key, e.g. `business`.
    pub category: String,
    pub category_name: String,
    pub title: String,
    pub body: String,
    /// Template values; sensitive ones are `***` for readers who may not see them.
    #[schema(value_type = Object)]
    pub fields: Map<String, Value>,
    /// Whether some values were masked for this reader.
    pub masked: bool,
    pub source: Source,
    pub observed_at: DateTime<Utc>,
    pub status: IntelStatus,
    pub author: UserRef,
    /// Share of template fields filled (required ones weigh double), 0–1.
    pub completeness: f64,
    pub revision: i32,
    /// Mean rubric score of the decided revision.
    pub quality: Option<f64>,
    pub created_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub adopted_at: Option<DateTime<Utc>>,
    pub verified_at: Option<DateTime<Utc>>,
    pub stale: bool,
    pub usage_count: i64,
    pub supersedes_id: Option<IntelId>,
    pub duplicate_of: Option<IntelId>,
    pub last_review: Option<ReviewSummary>,
    /// Marked urgent by a reviewer.
    pub urgent: bool,
}

pub fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

/// Views of `rows` as `viewer` may see them, and the sensitive values shown
/// to someone other than their author. Callers have already checked that the
/// viewer may read each row.
pub fn intel_views(
    conn: &mut DbConn,
    viewer: &CurrentUser,
    rows: Vec<Intel>,
) -> QueryResult<(Vec<IntelView>, Vec<SensitiveRead>)> {
    let mut unmasked = Vec::new();
    if rows.is_empty() {
        return Ok((Vec::new(), unmasked));
    }
    let ids: Vec<IntelId> = rows.iter().map(|r| r.id).collect();
    let mut named = store::clients_of(conn, &ids)?;
    let client_ids: Vec<ClientId> = named.values().flatten().copied().collect();
    let clients = clients::find_many(conn, &client_ids)?;
    let client_ref =
        |id: &ClientId| clients.get(id).map(|c| ClientRef { id: c.id, name: c.name.clone(), kind: c.kind });
    let categories: HashMap<String, Category> =
        categories::list(conn)?.into_iter().map(|c| (c.key.clone(), c)).collect();
    let mut latest = store::latest_reviews(conn, &ids)?;
    let mut people: Vec<UserId> = rows.iter().map(|r| r.author_id).collect();
    people.extend(latest.values().map(|r| r.reviewer_id));
    let people = user_refs(conn, &people)?;
    let usage_counts = store::usage_counts(conn, &ids)?;
    let now = Utc::now().naive_utc();

    let mut views = Vec::with_capacity(rows.len());
    for row in rows {
        let subject = Subject::new(row.client_id, &named.remove(&row.id).unwrap_or_default());
        let owners: Vec<UserId> =
            subject.clients().iter().filter_map(|c| clients.get(c).and_then(|c| c.owner_id)).collect();
        let category = categories.get(&row.category);
        let template = category.map(|c| c.fields.as_slice()).unwrap_or_default();
        let mut fields = row.field_values();
        let recorded = row.recorded_sensitive_keys();
        let sensitive = template::has_sensitive_values(template, &recorded, &fields);
        let may_unmask = policy::can_unmask(viewer, Some(row.author_id), &owners);
        if sensitive && !may_unmask {
            template::mask(template, &recorded, &mut fields);
        } else if sensitive && row.author_id != viewer.id {
            unmasked.push(SensitiveRead {
                target_type: "intel",
                target_id: row.id.0,
                detail: json!({"client_id": row.client_id}),
            });
        }
        let stale = freshness::is_stale(
            row.status == IntelStatus::Adopted,
            row.adopted_at,
            row.verified_at,
            category.map_or(i32::MAX, |c| c.freshness_days),
            now,
        );
        let own_or_privileged = row.author_id == viewer.id || policy::is_privileged(viewer);
        let last_review = latest.remove(&row.id).filter(|_| own_or_privileged).map(|r| ReviewSummary {
            decision: r.decision,
            comment: r.comment,
            mean_score: r.mean_score,
            reviewer: people.get(&r.reviewer_id).cloned(),
            created_at: utc(r.created_at),
        });
        views.push(IntelView {
            id: row.id,
            client: subject.primary().as_ref().and_then(client_ref),
            clients: subject.clients().iter().filter_map(client_ref).collect(),
            category_name: category.map(|c| c.name.clone()).unwrap_or_default(),
            category: row.category,
            title: row.title,
            body: row.body,
            masked: sensitive && !may_unmask,
            fields,
            source: row.source,
            observed_at: utc(row.observed_at),
            status: row.status,
            author: people
                .get(&row.author_id)
                .cloned()
                .unwrap_or(UserRef { id: row.author_id, real_name: String::new() }),
            completeness: row.completeness,
            revision: row.revision,
            quality: row.quality,
            created_at: utc(row.created_at),
            submitted_at: row.submitted_at.map(utc),
            adopted_at: row.adopted_at.map(utc),
            verified_at: row.verified_at.map(utc),
            stale,
            usage_count: usage_counts.get(&row.id).copied().unwrap_or(0),
            supersedes_id: row.supersedes_id,
            duplicate_of: row.duplicate_of,
            last_review,
            urgent: row.urgent,
        });
    }
    Ok((views, unmasked))
}

pub fn intel_view(
    conn: &mut DbConn,
    viewer: &CurrentUser,
    row: Intel,
) -> QueryResult<(IntelView, Vec<SensitiveRead>)> {
    let (mut views, unmasked) = intel_views(conn, viewer, vec![row])?;
    Ok((views.remove(0), unmasked))
}
