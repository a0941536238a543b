use std::collections::HashMap;

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::result::QueryResult;
use serde::Serialize;

use crate::db::schema::{point_entries, point_rules, users};
use crate::db::DbConn;
use crate::enums::PointReason;
use crate::ids::UserId;
use crate::ids::{IntelId, UsageId};
use crate::points::rules::Rules;
use crate::with_conn;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = point_entries)]
pub struct PointEntry {
    pub id: i64,
    pub user_id: UserId,
    pub delta: i32,
    pub reason: PointReason,
    pub intel_id: Option<IntelId>,
    pub usage_id: Option<UsageId>,
    pub rule_version: i32,
    pub idempotency_key: String,
    pub note: String,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
}

/// One award to write. The key names the event, so the same event can never pay twice.
#[derive(Debug, Insertable)]
#[diesel(table_name = point_entries)]
pub struct Award {
    pub user_id: UserId,
    pub delta: i32,
    pub reason: PointReason,
    pub intel_id: Option<IntelId>,
    pub usage_id: Option<UsageId>,
    pub rule_version: i32,
    pub idempotency_key: String,
    pub note: String,
    pub created_by: Option<UserId>,
    pub created_at: NaiveDateTime,
}

impl Award {
    pub fn new(user: UserId, delta: i32, reason: PointReason, key: String, rule_version: i32) -> Self {
        Award {
            user_id: user,
            delta,
            reason,
            intel_id: None,
            usage_id: None,
            rule_version,
            idempotency_key: key,
            note: String::new(),
            created_by: None,
            created_at: Utc::now().naive_utc(),
        }
    }

    pub fn intel(mut self, id: IntelId) -> Self {
        self.intel_id = Some(id);
        self
    }

    pub fn usage(mut self, id: UsageId) -> Self {
        self.usage_id = Some(id);
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.note = note.into();
        self
    }

    pub fn by(mut self, user: UserId) -> Self {
        self.created_by = Some(user);
        self
    }
}

/// Appends an award unless its key was used before; returns the row written.
/// The unique index on the key, not this code, is what makes it exactly once.
pub fn award(conn: &mut DbConn, award: &Award) -> QueryResult<Option<PointEntry>> {
    let written: Option<PointEntry> = with_conn!(conn, |c| diesel::insert_into(point_entries::table)
        .values(award)
        .on_conflict(point_entries::idempotency_key)
        .do_nothing()
        .returning(PointEntry::as_returning())
        .get_result(c)
        .optional())?;
    if let Some(row) = &written {
        crate::db::rollup::paid(conn, row.user_id, row.delta, row.reason, row.created_at)?;
    }
    Ok(written)
}

/// Whether anyone was paid for `reason` about entry `intel`.
pub fn paid_for_entry(conn: &mut DbConn, intel: IntelId, reason: PointReason) -> QueryResult<bool> {
    with_conn!(conn, |c| diesel::select(diesel::dsl::exists(
        point_entries::table
            .filter(point_entries::intel_id.eq(intel))
            .filter(point_entries::reason.eq(reason))
    ))
    .get_result(c))
}

/// Whether `user` exists (a ledger may be asked for anyone).
pub fn user_exists(conn: &mut DbConn, user: UserId) -> QueryResult<bool> {
    with_conn!(conn, |c| diesel::select(diesel::dsl::exists(users::table.find(user))).get_result(c))
}

/// Serialises awards to one user for the rest of the transaction, so caps
/// computed from the ledger hold under concurrent requests. (On SQLite the
/// write transaction already holds the database lock.)
pub fn lock_user(conn: &mut DbConn, user: UserId) -> QueryResult<()> {
    if let DbConn::Pg(c) = conn {
        users::table.find(user).select(users::id).for_update().first::<UserId>(c)?;
    }
    Ok(())
}

pub fn current_rules(conn: &mut DbConn) -> QueryResult<(i32, Rules)> {
    let (version, text): (i32, String) = with_conn!(conn, |c| point_rules::table
        .order(point_rules::version.desc())
        .select((point_rules::version, point_rules::rules))
        .first(c))?;
    Ok((version, serde_json::from_str(&text).unwrap_or_default()))
}

pub fn save_rules(conn: &mut DbConn, rules: &Rules, by: UserId) -> QueryResult<i32> {
    let (current, _) = current_rules(conn)?;
    let version = current + 1;
    let text = serde_json::to_string(rules).unwrap_or_default();
    with_conn!(conn, |c| diesel::insert_into(point_rules::table)
        .values((
            point_rules::version.eq(version),
            point_rules::rules.eq(text),
            point_rules::created_by.eq(Some(by)),
            point_rules::created_at.eq(Utc::now().naive_utc()),
        ))
        .execute(c))?;
    Ok(version)
}

pub fn balances(conn: &mut DbConn, ids: &[UserId]) -> QueryResult<HashMap<UserId, i64>> {
    let rows: Vec<(UserId, Option<i64>)> = with_conn!(conn, |c| point_entries::table
        .filter(point_entries::user_id.eq_any(ids))
        .group_by(point_entries::user_id)
        .select((point_entries::user_id, diesel::dsl::sum(point_entries::delta)))
        .load(c))?;
    Ok(rows.into_iter().map(|(id, sum)| (id, sum.unwrap_or(0))).collect())
}

/// The sum of `user`'s rows matching the optional intel and reasons, in `[from, to)`.
pub fn sum(
    conn: &mut DbConn,
    user: UserId,
    intel: Option<IntelId>,
    reasons: &[PointReason],
    window: Option<(NaiveDateTime, NaiveDateTime)>,
) -> QueryResult<i64> {
    with_conn!(conn, |c| {
        let mut query = point_entries::table.filter(point_entries::user_id.eq(user)).into_boxed();
        if let Some(intel) = intel {
            query = query.filter(point_entries::intel_id.eq(intel));
        }
        if !reasons.is_empty() {
            query = query.filter(point_entries::reason.eq_any(reasons));
        }
        if let Some((from, to)) = window {
            query = query.filter(point_entries::created_at.ge(from)).filter(point_entries::created_at.lt(to));
        }
        query
            .select(diesel::dsl::sum(point_entries::delta))
            .first::<Option<i64>>(c)
            .map(Option::unwrap_or_default)
    })
}

/// The sum of `user`'s rows about any of the entries `ids` (a revision chain).
pub fn sum_over(conn: &mut DbConn, user: UserId, ids: &[IntelId]) -> QueryResult<i64> {
    with_conn!(conn, |c| point_entries::table
        .filter(point_entries::user_id.eq(user))
        .filter(point_entries::intel_id.eq_any(ids))
        .select(diesel::dsl::sum(point_entries::delta))
        .first::<Option<i64>>(c)
        .map(Option::unwrap_or_default))
}

/// Sum of the points every user earned in `[from, to)` (all time when `None`).
pub fn totals(
    conn: &mut DbConn,
    window: Option<(NaiveDateTime, NaiveDateTime)>,
) -> QueryResult<Vec<(UserId, i64)>> {
    let (from, to) = window.unwrap_or_else(crate::time::all_time);
    let rows: Vec<(UserId, Option<i64>)> = with_conn!(conn, |c| point_entries::table
        .filter(point_entries::created_at.ge(from))
        .filter(point_entries::created_at.lt(to))
        .group_by(point_entries::user_id)
        .select((point_entries::user_id, diesel::dsl::sum(point_entries::delta)))
        .load(c))?;
    Ok(rows.into_iter().map(|(id, sum)| (id, sum.unwrap_or(0))).collect())
}

pub fn ledger(
    conn: &mut DbConn,
    user: UserId,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<PointEntry>, i64)> {
    with_conn!(conn, |c| {
        let total = point_entries::table.filter(point_entries::user_id.eq(user)).count().get_result(c)?;
        let rows = point_entries::table
            .filter(point_entries::user_id.eq(user))
            .order(point_entries::id.desc())
            .offset(offset)
            .limit(limit)
            .select(PointEntry::as_select())
            .load(c)?;
        Ok((rows, total))
    })
}

/// Every row that references an entry (for recalculation after a rule change).
pub fn rows_for_intel(conn: &mut DbConn, intel: IntelId) -> QueryResult<Vec<PointEntry>> {
    with_conn!(conn, |c| point_entries::table
        .filter(point_entries::intel_id.eq(intel))
        .select(PointEntry::as_select())
        .load(c))
}

/// What each (entry, user) was paid for adoptions so far: adoption rows and
/// earlier recalculation corrections (for recalculation after a rule change).
pub fn adoption_paid(conn: &mut DbConn) -> QueryResult<HashMap<(IntelId, UserId), i64>> {
    let adoption = [PointReason::Adopted, PointReason::PrivateSource, PointReason::RevisionAdopted];
    let rows: Vec<(Option<IntelId>, UserId, Option<i64>)> = with_conn!(conn, |c| point_entries::table
        .filter(point_entries::intel_id.is_not_null())
        .filter(point_entries::reason.eq_any(adoption).or(point_entries::idempotency_key.like("recalc:%")))
        .group_by((point_entries::intel_id, point_entries::user_id))
        .select((point_entries::intel_id, point_entries::user_id, diesel::dsl::sum(point_entries::delta)))
        .load(c))?;
    Ok(rows.into_iter().filter_map(|(intel, user, sum)| Some(((intel?, user), sum.unwrap_or(0)))).collect())
}
