//! Recalculating adoption pay after a rule change: an explicit admin act
//! that writes correcting ledger rows, never rewrites history.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::audit;
use crate::auth::extract::CurrentUser;
use crate::auth::policy::{self};
use crate::categories::store as categories;
use crate::db::{write_tx, DbConn};
use crate::enums::{AuditAction, PointReason, Source};
use crate::points::rules;
use crate::points::store::{self as points, Award};
use crate::review::store;

crate::service_error! {
    pub enum RecalculateError {
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Recalculation {
    pub rule_version: i32,
    /// Entries whose adoption pay changed.
    pub corrected: i64,
    /// Net points written.
    pub delta: i64,
}

/// Recalculates adoption pay under the current rules (admin): one correcting
/// row per entry and rule version for the difference between what the rules
/// pay now and what was paid.
pub fn recalculate(conn: &mut DbConn, me: &CurrentUser) -> Result<Recalculation, RecalculateError> {
    policy::require_admin(me)?;
    write_tx(conn, |conn| {
        let (version, rules) = points::current_rules(conn)?;
        let base: HashMap<String, i32> =
            categories::list(conn)?.into_iter().map(|c| (c.key, c.base_points)).collect();
        let paid = points::adoption_paid(conn)?;
        let (mut corrected, mut net) = (0, 0);
        for entry in store::adoption_facts(conn)? {
            let base = base.get(&entry.category).copied().unwrap_or(0);
            let private = entry.source == Source::Private;
            let expected: i32 =
                rules::adoption_awards(base, entry.mean_score, private, entry.revision_of_adopted, &rules)
                    .iter()
                    .map(|(_, delta)| delta)
                    .sum();
            let diff =
                i64::from(expected) - paid.get(&(entry.intel_id, entry.author_id)).copied().unwrap_or(0);
            if diff == 0 {
                continue;
            }
            let key = format!("recalc:{version}:{}", entry.intel_id.0);
            let award = Award::new(entry.author_id, diff as i32, PointReason::Adjustment, key, version)
                .intel(entry.intel_id)
                .note(format!("积分规则 v{version} 重新计算"))
                .by(me.id);
            if points::award(conn, &award)?.is_some() {
                corrected += 1;
                net += diff;
            }
        }
        let detail = json!({"corrected": corrected, "delta": net});
        audit::record(
            conn,
            Some(me.id),
            AuditAction::PointsRecalculate,
            "point_rules",
            Some(i64::from(version)),
            detail,
        )?;
        Ok(Recalculation { rule_version: version, corrected, delta: net })
    })
}
