//! Reading the audit trail.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::result::QueryResult;

use crate::db::schema::{audit_events, users};
use crate::db::DbConn;
use crate::ids::UserId;
use crate::with_conn;

/// Filters of the audit log.
#[derive(Debug, Default, Clone)]
pub struct AuditFilter {
    pub actor_id: Option<UserId>,
    pub action: Option<String>,
    pub target_type: Option<String>,
    pub target_id: Option<i64>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// One audit row with its actor's name.
#[derive(Debug, Queryable)]
pub struct AuditRow {
    pub id: i64,
    pub actor_id: Option<UserId>,
    pub actor_name: Option<String>,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<i64>,
    pub detail: String,
    pub created_at: NaiveDateTime,
}

/// A page of the log, newest first, and the number of matching rows.
pub fn list(
    conn: &mut DbConn,
    filter: &AuditFilter,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<AuditRow>, i64)> {
    with_conn!(conn, |c| {
        let query = || {
            let mut query = audit_events::table.left_join(users::table).into_boxed();
            if let Some(actor) = filter.actor_id {
                query = query.filter(audit_events::actor_id.eq(actor));
            }
            if let Some(action) = &filter.action {
                query = query.filter(audit_events::action.eq(action.clone()));
            }
            if let Some(target_type) = &filter.target_type {
                query = query.filter(audit_events::target_type.eq(target_type.clone()));
            }
            if let Some(target) = filter.target_id {
                query = query.filter(audit_events::target_id.eq(target));
            }
            if let Some(from) = filter.from {
                query = query.filter(audit_events::created_at.ge(from.naive_utc()));
            }
            if let Some(to) = filter.to {
                query = query.filter(audit_events::created_at.lt(to.naive_utc()));
            }
            query
        };
        let total: i64 = query().count().get_result(c)?;
        let rows = query()
            .order(audit_events::id.desc())
            .offset(offset)
            .limit(limit)
            .select((
                audit_events::id,
                audit_events::actor_id,
                users::real_name.nullable(),
                audit_events::action,
                audit_events::target_type,
                audit_events::target_id,
                audit_events::detail,
                audit_events::created_at,
            ))
            .load(c)?;
        Ok((rows, total))
    })
}
