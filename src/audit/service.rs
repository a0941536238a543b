//! The audit log, for admins.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::UserRef;
use crate::audit::store::{self, AuditFilter};
use crate::auth::extract::CurrentUser;
use crate::auth::policy::{self};
use crate::db::DbConn;

crate::service_error! {
    pub enum AuditError {
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEvent {
    pub id: i64,
    pub actor: Option<UserRef>,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<i64>,
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

/// Who did what, newest first (admins).
pub fn list(
    conn: &mut DbConn,
    me: &CurrentUser,
    filter: &AuditFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<AuditEvent>, i64), AuditError> {
    policy::require_admin(me)?;
    let (rows, total) = store::list(conn, filter, offset, limit)?;
    let items = rows
        .into_iter()
        .map(|row| AuditEvent {
            id: row.id,
            actor: row.actor_id.map(|id| UserRef { id, real_name: row.actor_name.unwrap_or_default() }),
            action: row.action,
            target_type: row.target_type,
            target_id: row.target_id,
            detail: serde_json::from_str(&row.detail).unwrap_or_default(),
            created_at: row.created_at.and_utc(),
        })
        .collect();
    Ok((items, total))
}
