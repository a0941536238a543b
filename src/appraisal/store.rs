//! The appraisal's queries: what everyone did in a period, the rule
//! versions, and published (frozen) results.

use std::collections::{BTreeMap, HashMap};

use chrono::{Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::result::QueryResult;

use crate::appraisal::model::{AppraisalRules, Facts, PersonAppraisal};
use crate::db::schema::{
    appraisal_results, appraisal_rules, appraisals, intel, reviews, upkeep, usages, users,
};
use crate::db::DbConn;
use crate::enums::{IntelStatus, UpkeepKind, UsageOutcome};
use crate::ids::{DepartmentId, IntelId, UserId};
use crate::with_conn;

/// Rows read at a time from the entry table.
const CHUNK: i64 = 50_000;

/// What everyone did between `from` and `to` (UTC), by person. A pending
/// use's feedback delay counts to `now`; freshness uses each category's window.
pub fn facts(
    conn: &mut DbConn,
    (from, to): (NaiveDateTime, NaiveDateTime),
    now: NaiveDateTime,
    freshness_days: &HashMap<String, i32>,
) -> QueryResult<BTreeMap<UserId, Facts>> {
    let mut facts: BTreeMap<UserId, Facts> = BTreeMap::new();
    kept(conn, to, freshness_days, &mut facts)?;

    let submitted: Vec<(UserId, NaiveDateTime, NaiveDateTime)> = with_conn!(conn, |c| intel::table
        .filter(intel::submitted_at.ge(from).and(intel::submitted_at.lt(to)))
        .filter(intel::imported.eq(false))
        .select((intel::author_id, intel::observed_at, intel::submitted_at.assume_not_null()))
        .load(c))?;
    for (author, observed, submitted) in submitted {
        facts.entry(author).or_default().report_delays.push((submitted - observed).num_seconds());
    }

    let decided: Vec<(UserId, Option<f64>, i32, Option<IntelId>)> = with_conn!(conn, |c| reviews::table
        .inner_join(intel::table.on(intel::id.eq(reviews::intel_id)))
        .filter(reviews::created_at.ge(from).and(reviews::created_at.lt(to)))
        .filter(reviews::mean_score.is_not_null())
        .select((reviews::author_id, reviews::mean_score, reviews::revision, intel::supersedes_id))
        .load(c))?;
    for (author, mean, revision, supersedes) in decided {
        let Some(mean) = mean else { continue };
        let person = facts.entry(author).or_default();
        person.report_scores.push(mean);
        if revision > 1 || supersedes.is_some() {
            person.update_scores.push(mean);
        }
    }

    let upkeeps: Vec<(UserId, NaiveDateTime, NaiveDateTime)> = with_conn!(conn, |c| upkeep::table
        .filter(upkeep::done_at.ge(from).and(upkeep::done_at.lt(to)))
        .select((upkeep::user_id, upkeep::due_at, upkeep::done_at))
        .load(c))?;
    for (user, due, done) in upkeeps {
        facts.entry(user).or_default().upkeep_delays.push((done - due).num_seconds());
    }

    let uses: Vec<(UserId, UsageOutcome, NaiveDateTime, NaiveDateTime)> =
        with_conn!(conn, |c| usages::table
            .inner_join(intel::table.on(intel::id.eq(usages::intel_id)))
            .filter(usages::created_at.ge(from).and(usages::created_at.lt(to)))
            .filter(intel::author_id.ne(usages::user_id))
            .select((usages::user_id, usages::outcome, usages::created_at, usages::updated_at))
            .load(c))?;
    for (user, outcome, created, updated) in uses {
        let answered = if outcome == UsageOutcome::Pending { now } else { updated };
        facts.entry(user).or_default().uses.push(((answered - created).num_seconds(), outcome));
    }
    Ok(facts)
}

/// Everyone's entries in circulation at `end`: adopted before it and not
/// replaced or retracted before it (imported legacy records are nobody's
/// work); fresh when their window had not passed since adoption or the last
/// verification before `end`.
fn kept(
    conn: &mut DbConn,
    end: NaiveDateTime,
    freshness_days: &HashMap<String, i32>,
    facts: &mut BTreeMap<UserId, Facts>,
) -> QueryResult<()> {
    type Row = (
        IntelId,
        UserId,
        String,
        f64,
        Option<NaiveDateTime>,
        Option<NaiveDateTime>,
        IntelStatus,
        NaiveDateTime,
        bool,
    );
    let mut after = IntelId(0);
    loop {
        // A plain walk of the primary key, filtered here: any condition in
        // the query lets a planner pick a status or date index and sort
        // every match again for each chunk.
        let rows: Vec<Row> = with_conn!(conn, |c| intel::table
            .filter(intel::id.gt(after))
            .order(intel::id)
            .limit(CHUNK)
            .select((
                intel::id,
                intel::author_id,
                intel::category,
                intel::completeness,
                intel::adopted_at,
                intel::verified_at,
                intel::status,
                intel::updated_at,
                intel::imported,
            ))
            .load(c))?;
        let Some(last) = rows.last() else { return Ok(()) };
        after = last.0;
        let in_circulation = |r: &Row| {
            let live = match r.6 {
                IntelStatus::Adopted => true,
                IntelStatus::Superseded | IntelStatus::Retracted => r.7 >= end,
                _ => false,
            };
            live && !r.8 && r.4.is_some_and(|adopted| adopted < end)
        };
        let rows: Vec<Row> = rows.into_iter().filter(in_circulation).collect();
        let later: Vec<IntelId> =
            rows.iter().filter(|r| r.5.is_some_and(|v| v >= end)).map(|r| r.0).collect();
        let verified_before = last_verifications(conn, &later, end)?;
        for (id, author, category, completeness, adopted, verified, ..) in rows {
            let Some(adopted) = adopted else { continue };
            let verified = match verified {
                Some(v) if v >= end => verified_before.get(&id).copied(),
                v => v,
            };
            let start = verified.map_or(adopted, |v| v.max(adopted));
            let window = Duration::days(i64::from(freshness_days.get(&category).copied().unwrap_or(365)));
            facts.entry(author).or_default().kept.push((completeness, end - start <= window));
        }
    }
}

/// The last verification before `end` of each of `ids` that had one.
fn last_verifications(
    conn: &mut DbConn,
    ids: &[IntelId],
    end: NaiveDateTime,
) -> QueryResult<HashMap<IntelId, NaiveDateTime>> {
    let mut found = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<(IntelId, Option<NaiveDateTime>)> = with_conn!(conn, |c| upkeep::table
            .filter(upkeep::intel_id.eq_any(chunk))
            .filter(upkeep::kind.eq(UpkeepKind::Verify.as_str()))
            .filter(upkeep::done_at.lt(end))
            .group_by(upkeep::intel_id)
            .select((upkeep::intel_id, diesel::dsl::max(upkeep::done_at)))
            .load(c))?;
        found.extend(rows.into_iter().filter_map(|(id, at)| Some((id, at?))));
    }
    Ok(found)
}

/// Every active person's roles.
pub fn active_roles(conn: &mut DbConn) -> QueryResult<Vec<(UserId, crate::enums::Roles)>> {
    with_conn!(conn, |c| users::table
        .filter(users::is_active.eq(true))
        .select((users::id, users::roles))
        .load(c))
}

/// The rule set in force: its version, when it was made, the rules.
pub fn current_rules(conn: &mut DbConn) -> QueryResult<(i32, NaiveDateTime, AppraisalRules)> {
    let (version, at, text): (i32, NaiveDateTime, String) = with_conn!(conn, |c| appraisal_rules::table
        .order(appraisal_rules::version.desc())
        .select((appraisal_rules::version, appraisal_rules::created_at, appraisal_rules::rules))
        .first(c))?;
    Ok((version, at, parse_rules(&text)))
}

pub fn rules_of(conn: &mut DbConn, version: i32) -> QueryResult<(NaiveDateTime, AppraisalRules)> {
    let (at, text): (NaiveDateTime, String) = with_conn!(conn, |c| appraisal_rules::table
        .find(version)
        .select((appraisal_rules::created_at, appraisal_rules::rules))
        .first(c))?;
    Ok((at, parse_rules(&text)))
}

fn parse_rules(text: &str) -> AppraisalRules {
    serde_json::from_str(text).unwrap_or_default()
}

/// Saves a new version; on PostgreSQL the rules table is locked first so
/// two admins saving at once get consecutive versions.
pub fn save_rules(conn: &mut DbConn, rules: &AppraisalRules, by: UserId) -> QueryResult<i32> {
    if let DbConn::Pg(c) = conn {
        diesel::sql_query("LOCK TABLE appraisal_rules IN EXCLUSIVE MODE").execute(c)?;
    }
    let (current, _, _) = current_rules(conn)?;
    let version = current + 1;
    let text = serde_json::to_string(rules).unwrap_or_default();
    with_conn!(conn, |c| diesel::insert_into(appraisal_rules::table)
        .values((
            appraisal_rules::version.eq(version),
            appraisal_rules::rules.eq(text),
            appraisal_rules::created_by.eq(Some(by)),
            appraisal_rules::created_at.eq(Utc::now().naive_utc()),
        ))
        .execute(c))?;
    Ok(version)
}

/// A published appraisal's header.
#[derive(Debug, Clone, Queryable)]
pub struct Published {
    pub id: i64,
    pub period: String,
    pub starts_on: chrono::NaiveDate,
    pub ends_on: chrono::NaiveDate,
    pub rules_version: i32,
    pub published_by: UserId,
    pub published_at: NaiveDateTime,
    pub people: i32,
    pub publisher_name: String,
}

macro_rules! published_columns {
    () => {
        (
            appraisals::id,
            appraisals::period,
            appraisals::starts_on,
            appraisals::ends_on,
            appraisals::rules_version,
            appraisals::published_by,
            appraisals::published_at,
            appraisals::people,
            users::real_name,
        )
    };
}

pub fn find_published(conn: &mut DbConn, period: &str) -> QueryResult<Option<Published>> {
    with_conn!(conn, |c| appraisals::table
        .inner_join(users::table)
        .filter(appraisals::period.eq(period))
        .select(published_columns!())
        .first(c)
        .optional())
}

pub fn list_published(conn: &mut DbConn) -> QueryResult<Vec<Published>> {
    with_conn!(conn, |c| appraisals::table
        .inner_join(users::table)
        .order((appraisals::starts_on.desc(), appraisals::ends_on.desc()))
        .select(published_columns!())
        .load(c))
}

/// Stores a published period and its rows; `None` when it was published
/// meanwhile (the period is unique).
#[allow(clippy::too_many_arguments)]
pub fn publish(
    conn: &mut DbConn,
    period: &str,
    span: (chrono::NaiveDate, chrono::NaiveDate),
    rules_version: i32,
    by: UserId,
    at: NaiveDateTime,
    rows: &[PersonAppraisal],
) -> QueryResult<Option<i64>> {
    let inserted: Option<i64> = with_conn!(conn, |c| diesel::insert_into(appraisals::table)
        .values((
            appraisals::period.eq(period),
            appraisals::starts_on.eq(span.0),
            appraisals::ends_on.eq(span.1),
            appraisals::rules_version.eq(rules_version),
            appraisals::published_by.eq(by),
            appraisals::published_at.eq(at),
            appraisals::people.eq(rows.len() as i32),
        ))
        .on_conflict_do_nothing()
        .returning(appraisals::id)
        .get_result(c)
        .optional())?;
    let Some(id) = inserted else { return Ok(None) };
    for chunk in rows.chunks(500) {
        let values: Vec<_> = chunk
            .iter()
            .map(|r| {
                (
                    appraisal_results::appraisal_id.eq(id),
                    appraisal_results::user_id.eq(r.user_id),
                    appraisal_results::employee_no.eq(&r.employee_no),
                    appraisal_results::real_name.eq(&r.real_name),
                    appraisal_results::department_id.eq(r.department_id),
                    appraisal_results::department.eq(&r.department),
                    appraisal_results::total_milli.eq((r.total * 1000.0).round() as i64),
                    appraisal_results::rank.eq(r.rank),
                    appraisal_results::department_rank.eq(r.department_rank),
                    appraisal_results::detail.eq(serde_json::to_string(&r.activities).unwrap_or_default()),
                )
            })
            .collect();
        with_conn!(conn, |c| diesel::insert_into(appraisal_results::table).values(&values).execute(c))?;
    }
    Ok(Some(id))
}

/// A published appraisal's rows, by rank.
pub fn results(conn: &mut DbConn, appraisal: i64) -> QueryResult<Vec<PersonAppraisal>> {
    type Row = (UserId, String, String, Option<DepartmentId>, Option<String>, i64, i32, i32, String);
    let rows: Vec<Row> = with_conn!(conn, |c| appraisal_results::table
        .filter(appraisal_results::appraisal_id.eq(appraisal))
        .order((appraisal_results::rank, appraisal_results::employee_no))
        .select((
            appraisal_results::user_id,
            appraisal_results::employee_no,
            appraisal_results::real_name,
            appraisal_results::department_id,
            appraisal_results::department,
            appraisal_results::total_milli,
            appraisal_results::rank,
            appraisal_results::department_rank,
            appraisal_results::detail,
        ))
        .load(c))?;
    rows.into_iter()
        .map(
            |(
                user_id,
                employee_no,
                real_name,
                department_id,
                department,
                total,
                rank,
                department_rank,
                detail,
            )| {
                let activities = serde_json::from_str(&detail)
                    .map_err(|e| diesel::result::Error::DeserializationError(Box::new(e)))?;
                Ok(PersonAppraisal {
                    user_id,
                    employee_no,
                    real_name,
                    department_id,
                    department,
                    total: total as f64 / 1000.0,
                    rank,
                    department_rank,
                    activities,
                })
            },
        )
        .collect()
}
