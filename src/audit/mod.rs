//! The audit trail: who read sensitive data, exported, changed roles or rules.

pub mod routes;
pub mod service;
pub mod store;

use chrono::Utc;
use diesel::prelude::*;
use diesel::result::QueryResult;

use crate::db::schema::audit_events;
use crate::db::DbConn;
use crate::enums::AuditAction;
use crate::ids::UserId;
use crate::with_conn;

#[derive(Insertable)]
#[diesel(table_name = audit_events)]
struct NewAuditEvent<'a> {
    actor_id: Option<UserId>,
    action: AuditAction,
    target_type: &'a str,
    target_id: Option<i64>,
    detail: String,
    created_at: chrono::NaiveDateTime,
}

/// A sensitive value shown unmasked to someone other than its author; the
/// service that showed it audits it in its transaction.
#[derive(Debug, Clone)]
pub struct SensitiveRead {
    pub target_type: &'static str,
    pub target_id: i64,
    pub detail: serde_json::Value,
}

/// Audits what `actor` read unmasked.
pub fn sensitive_reads(conn: &mut DbConn, actor: UserId, reads: &[SensitiveRead]) -> QueryResult<()> {
    for read in reads {
        let detail = read.detail.clone();
        record(
            conn,
            Some(actor),
            AuditAction::SensitiveRead,
            read.target_type,
            Some(read.target_id),
            detail,
        )?;
    }
    Ok(())
}

/// Appends one audit row; call it in the same transaction as the audited act.
pub fn record(
    conn: &mut DbConn,
    actor: Option<UserId>,
    action: AuditAction,
    target_type: &str,
    target_id: Option<i64>,
    detail: serde_json::Value,
) -> QueryResult<()> {
    let row = NewAuditEvent {
        actor_id: actor,
        action,
        target_type,
        target_id,
        detail: detail.to_string(),
        created_at: Utc::now().naive_utc(),
    };
    with_conn!(conn, |c| diesel::insert_into(audit_events::table).values(&row).execute(c))?;
    Ok(())
}
