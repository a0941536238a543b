use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::result::QueryResult;
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::UserRef;
use crate::db::rollup::{self, Scope};
use crate::db::schema::{intel, intel_clients, usages};
use crate::db::DbConn;
use crate::enums::{IntelStatus, UsageOutcome, UsagePurpose};
use crate::ids::{IntelId, UsageId, UserId};
use crate::usage::model::{NewUsage, Usage};
use crate::users::view::user_refs;
use crate::with_conn;

pub fn insert(conn: &mut DbConn, usage: &NewUsage) -> QueryResult<Usage> {
    rollup::track(conn, Scope::Entry(usage.intel_id), |conn| {
        with_conn!(conn, |c| diesel::insert_into(usages::table)
            .values(usage)
            .returning(Usage::as_returning())
            .get_result(c))
    })
}

pub fn find(conn: &mut DbConn, id: UsageId) -> QueryResult<Option<Usage>> {
    with_conn!(conn, |c| usages::table.find(id).select(Usage::as_select()).first(c).optional())
}

pub fn set_outcome(
    conn: &mut DbConn,
    id: UsageId,
    outcome: UsageOutcome,
    note: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<Usage> {
    let entry: IntelId = with_conn!(conn, |c| usages::table.find(id).select(usages::intel_id).first(c))?;
    rollup::track(conn, Scope::Entry(entry), |conn| {
        with_conn!(conn, |c| {
            if let Some(note) = note {
                diesel::update(usages::table.find(id)).set(usages::note.eq(note)).execute(c)?;
            }
            diesel::update(usages::table.find(id))
                .set((usages::outcome.eq(outcome), usages::updated_at.eq(now)))
                .returning(Usage::as_returning())
                .get_result(c)
        })
    })
}

pub fn for_intel(conn: &mut DbConn, ids: &[IntelId]) -> QueryResult<Vec<Usage>> {
    with_conn!(conn, |c| usages::table
        .filter(usages::intel_id.eq_any(ids))
        .order(usages::id.desc())
        .select(Usage::as_select())
        .load(c))
}

/// Usages of the entries about a client, newest first, each with its entry's status
/// and author (so that the caller shows only those of entries the reader may read).
pub fn for_client(
    conn: &mut DbConn,
    client: crate::ids::ClientId,
    limit: i64,
) -> QueryResult<Vec<(Usage, IntelStatus, UserId)>> {
    with_conn!(conn, |c| usages::table
        .inner_join(intel::table)
        .filter(intel::id.eq_any(
            intel_clients::table.filter(intel_clients::client_id.eq(client)).select(intel_clients::intel_id),
        ),)
        .order(usages::id.desc())
        .limit(limit)
        .select((Usage::as_select(), intel::status, intel::author_id))
        .load(c))
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UsageView {
    pub id: UsageId,
    pub intel_id: IntelId,
    pub user: UserRef,
    pub purpose: UsagePurpose,
    pub outcome: UsageOutcome,
    pub note: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

pub fn views(conn: &mut DbConn, usages: Vec<Usage>) -> QueryResult<Vec<UsageView>> {
    let ids: Vec<UserId> = usages.iter().map(|u| u.user_id).collect();
    let people = user_refs(conn, &ids)?;
    Ok(usages
        .into_iter()
        .map(|u| UsageView {
            user: people
                .get(&u.user_id)
                .cloned()
                .unwrap_or(UserRef { id: u.user_id, real_name: String::new() }),
            id: u.id,
            intel_id: u.intel_id,
            purpose: u.purpose,
            outcome: u.outcome,
            note: u.note,
            created_at: u.created_at.and_utc(),
            updated_at: u.updated_at.and_utc(),
        })
        .collect())
}
