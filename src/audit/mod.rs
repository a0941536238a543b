//! The audit trail: who read sensitive data, exported, changed roles or rules.

use chrono::Utc;
use diesel::prelude::*;
use diesel::result::QueryResult;

use crate::db::schema::audit_events;
use crate::db::DbConn;
use crate::users::model::UserId;
use crate::with_conn;

#[derive(Insertable)]
#[diesel(table_name = audit_events)]
struct NewAuditEvent<'a> {
    actor_id: Option<UserId>,
    action: &'a str,
    target_type: &'a str,
    target_id: Option<i64>,
    detail: String,
    created_at: chrono::NaiveDateTime,
}

/// Appends one audit row; call it in the same transaction as the audited act.
pub fn record(
    conn: &mut DbConn,
    actor: Option<UserId>,
    action: &str,
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
