//! The ledger as people see it, the rule set and manual adjustments.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::audit;
use crate::auth::extract::CurrentUser;
use crate::auth::policy::{self};
use crate::db::{write_tx, DbConn};
use crate::enums::{AuditAction, PointReason};
use crate::error::Fields;
use crate::ids::{IntelId, UsageId, UserId};
use crate::points::rules::Rules;
use crate::points::store::{self, Award, PointEntry};

crate::service_error! {
    pub enum PointsError {
        #[error("用户不存在")]
        UserNotFound => NotFound,
        #[error("只能查看自己的积分明细")]
        OthersLedger => Forbidden,
    }
}

type Result<T> = std::result::Result<T, PointsError>;

#[derive(Debug, Serialize, ToSchema)]
pub struct LedgerItem {
    pub id: i64,
    pub delta: i32,
    pub reason: PointReason,
    pub intel_id: Option<IntelId>,
    pub usage_id: Option<UsageId>,
    pub rule_version: i32,
    pub created_at: DateTime<Utc>,
    pub note: String,
}

impl From<PointEntry> for LedgerItem {
    fn from(r: PointEntry) -> Self {
        LedgerItem {
            id: r.id,
            delta: r.delta,
            reason: r.reason,
            intel_id: r.intel_id,
            usage_id: r.usage_id,
            rule_version: r.rule_version,
            created_at: r.created_at.and_utc(),
            note: r.note,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Ledger {
    pub items: Vec<LedgerItem>,
    pub total: i64,
    /// The sum of the whole ledger.
    pub balance: i64,
}

/// `user`'s ledger, newest first, with the balance: one's own, or anyone's for admins.
pub fn ledger(conn: &mut DbConn, me: &CurrentUser, user: UserId, offset: i64, limit: i64) -> Result<Ledger> {
    if !policy::may_see_person(me, user) {
        return Err(PointsError::OthersLedger);
    }
    if !store::user_exists(conn, user)? {
        return Err(PointsError::UserNotFound);
    }
    let (rows, total) = store::ledger(conn, user, offset, limit)?;
    let balance = store::sum(conn, user, None, &[], None)?;
    Ok(Ledger { items: rows.into_iter().map(LedgerItem::from).collect(), total, balance })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RuleSet {
    pub version: i32,
    pub rules: Rules,
}

/// The rule set in force.
pub fn rules(conn: &mut DbConn) -> Result<RuleSet> {
    let (version, rules) = store::current_rules(conn)?;
    Ok(RuleSet { version, rules })
}

/// Replaces the rule set (admin) with a new version. Past awards stay as they
/// are until an admin recalculates.
pub fn replace_rules(conn: &mut DbConn, me: &CurrentUser, rules: Rules) -> Result<RuleSet> {
    policy::require_admin(me)?;
    let problems: Fields = rules.problems().into_iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
    if !problems.is_empty() {
        return Err(PointsError::Invalid(problems));
    }
    write_tx(conn, |conn| {
        let version = store::save_rules(conn, &rules, me.id)?;
        let detail = json!(rules);
        audit::record(
            conn,
            Some(me.id),
            AuditAction::PointsRules,
            "point_rules",
            Some(i64::from(version)),
            detail,
        )?;
        Ok(RuleSet { version, rules })
    })
}

/// A manual correction.
#[derive(Debug, Clone)]
pub struct Adjustment {
    pub user_id: UserId,
    pub delta: i32,
    pub note: String,
}

/// Writes a manual correction (admin), audited.
pub fn adjust(conn: &mut DbConn, me: &CurrentUser, input: Adjustment) -> Result<LedgerItem> {
    policy::require_admin(me)?;
    if input.delta == 0 || input.delta.unsigned_abs() > 10_000 {
        return Err(PointsError::field("delta", "调整值须为非零且绝对值不超过 10000"));
    }
    let note = input.note.trim();
    if note.is_empty() {
        return Err(PointsError::field("note", "须说明调整原因"));
    }
    write_tx(conn, |conn| {
        if !store::user_exists(conn, input.user_id)? {
            return Err(PointsError::field("user_id", "用户不存在"));
        }
        let (version, _) = store::current_rules(conn)?;
        let key =
            format!("adjustment:{}:{}", input.user_id, Utc::now().timestamp_nanos_opt().unwrap_or_default());
        let award = Award::new(input.user_id, input.delta, PointReason::Adjustment, key, version)
            .note(note)
            .by(me.id);
        let row = store::award(conn, &award)?.ok_or(diesel::result::Error::NotFound)?;
        let detail = json!({"delta": input.delta, "note": input.note});
        audit::record(conn, Some(me.id), AuditAction::PointsAdjust, "user", Some(input.user_id.0), detail)?;
        Ok(LedgerItem::from(row))
    })
}
