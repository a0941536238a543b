//! The overview: entries submitted, adopted and used, rates, mean score and
//! review time for a period, by category, client kind, department and over time.
//!
//! The database counts: every query is narrowed to the window on an indexed
//! timestamp and grouped, so a report reads a few hundred rows whatever the
//! size of the tables. Only the decision delays of the window are read one
//! by one, for their median.

use std::collections::{BTreeMap, HashMap};

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use diesel::dsl::{case_when, count, count_star, exists, sql};
use diesel::prelude::*;
use diesel::result::QueryResult;
use diesel::sql_types::Date;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::schema::{clients, intel, reviews, usages, users};
use crate::db::DbConn;
use crate::enums::{ClientKind, Decision, IntelStatus, UsageOutcome};
use crate::ids::DepartmentId;
use crate::ratings::rules::{hours_between, median, ratio, round2, weighted_mean};
use crate::stats::facts::{self, bucket_of, Interval};
use crate::time::{all_time, business_zone, Window};
use crate::with_conn;

#[derive(Debug, Clone, Default, Serialize, ToSchema, PartialEq)]
pub struct Counts {
    pub submitted: i64,
    pub adopted: i64,
    /// Uses by someone other than the author.
    pub uses: i64,
    pub won: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct DepartmentCounts {
    pub department_id: Option<DepartmentId>,
    pub name: String,
    #[serde(flatten)]
    pub counts: Counts,
}

#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct Bucket {
    /// `YYYY-MM` for months, the Monday `YYYY-MM-DD` for weeks (UTC+8).
    pub bucket: String,
    #[serde(flatten)]
    pub counts: Counts,
}

#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct Overview {
    pub submitted: i64,
    pub adopted: i64,
    /// Decisions made in the period.
    pub decided: i64,
    /// Adoptions ÷ decisions.
    pub adoption_rate: Option<f64>,
    /// Share of the entries adopted in the period that someone else used.
    pub usage_rate: Option<f64>,
    pub uses: i64,
    pub won: i64,
    /// Mean rubric score of the decisions.
    pub mean_score: Option<f64>,
    /// Median hours from submission to decision.
    pub median_review_hours: Option<f64>,
    pub by_category: BTreeMap<String, Counts>,
    pub by_client_kind: BTreeMap<String, Counts>,
    pub by_department: Vec<DepartmentCounts>,
    pub series: Vec<Bucket>,
}

/// The client-kind key of entries about no client.
pub const MARKET: &str = "market";

impl Counts {
    fn add(&mut self, other: &Counts) {
        self.submitted += other.submitted;
        self.adopted += other.adopted;
        self.uses += other.uses;
        self.won += other.won;
    }
}

/// What an event is counted under: its entry's category, client kind and
/// author's department.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct EntryKey {
    pub category: String,
    /// `clients.kind`, or [`MARKET`] for entries about no client.
    pub kind: String,
    pub department: Option<DepartmentId>,
}

/// The overview's figures as the database grouped them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Grouped {
    /// Submissions, adoptions and uses by entry key (a key may repeat).
    pub by_entry: Vec<(EntryKey, Counts)>,
    /// The same events by local business day (a day may repeat).
    pub by_day: Vec<(NaiveDate, Counts)>,
    /// Decisions by decision and mean score, with how many.
    pub decisions: Vec<(Decision, Option<f64>, i64)>,
    /// Hours from submission to each decision.
    pub review_hours: Vec<f64>,
    /// Entries adopted in the window that someone other than the author used.
    pub adopted_used: i64,
}

/// The overview of `window`, over everyone's entries or one department's.
pub fn load(
    conn: &mut DbConn,
    window: Window,
    department: Option<DepartmentId>,
    interval: Interval,
) -> QueryResult<Overview> {
    let names = facts::department_names(conn)?;
    let grouped = grouped(conn, window, department)?;
    Ok(overview(&grouped, interval, &names))
}

/// Runs `$run` with `$q` bound to `$query`, narrowed by `$filter` to one
/// department's entries when `$department` is set.
macro_rules! scoped {
    ($department:expr, $query:expr, |$d:ident| $filter:expr, |$q:ident| $run:expr) => {
        match $department {
            Some($d) => {
                let $q = $query.filter($filter);
                $run
            }
            None => {
                let $q = $query;
                $run
            }
        }
    };
}

/// The members of department `$d`: a subquery on users, never a list of ids.
macro_rules! members {
    ($d:expr) => {
        users::table.filter(users::department_id.eq($d)).select(users::id)
    };
}

/// The local business day (UTC+8) of timestamp `column`, in `conn`'s SQL.
fn local_day(conn: &DbConn, column: &str) -> String {
    let offset = business_zone().local_minus_utc();
    match conn {
        DbConn::Sqlite(_) => format!("date({column}, '{offset:+} seconds')"),
        DbConn::Pg(_) => format!("CAST({column} + INTERVAL '{offset} seconds' AS DATE)"),
    }
}

/// An entry key as selected: category, client kind (none without a client), department.
type KeyRow = (String, Option<ClientKind>, Option<DepartmentId>);

fn entry_key((category, kind, department): KeyRow) -> EntryKey {
    // A set client_id always finds its client (a foreign key), so a missing kind is a market entry.
    EntryKey { category, kind: kind.map_or(MARKET, ClientKind::as_str).to_owned(), department }
}

/// Every figure of the overview, counted by the database.
pub fn grouped(conn: &mut DbConn, window: Window, department: Option<DepartmentId>) -> QueryResult<Grouped> {
    let (from, to) = window.unwrap_or_else(all_time);
    let submitted_day = local_day(conn, "intel.submitted_at");
    let adopted_day = local_day(conn, "intel.adopted_at");
    let used_day = local_day(conn, "usages.created_at");
    let counted = intel::status.ne(IntelStatus::Draft);
    let entries = || {
        intel::table
            .inner_join(users::table.on(users::id.eq(intel::author_id)))
            .left_join(clients::table.on(intel::client_id.eq(clients::id.nullable())))
            .filter(counted)
    };
    // COUNT skips the NULL of a use not won.
    let won = || count(case_when(usages::outcome.eq(UsageOutcome::Won), usages::id));
    let key = (intel::category, clients::kind, users::department_id);
    let key_columns = (intel::category, clients::kind.nullable(), users::department_id);
    let used = || {
        usages::table
            .inner_join(intel::table.on(intel::id.eq(usages::intel_id)))
            .filter(counted)
            .filter(usages::user_id.ne(intel::author_id))
    };
    // A review copies its entry's author (`reviews.author_id`), so a department's
    // decisions are found on `reviews (author_id, created_at)`.
    let decided = || {
        reviews::table
            .inner_join(intel::table.on(intel::id.eq(reviews::intel_id)))
            .filter(counted)
            .filter(reviews::created_at.ge(from))
            .filter(reviews::created_at.lt(to))
    };

    with_conn!(conn, |c| {
        let submitted: Vec<(KeyRow, i64)> =
            scoped!(department, entries(), |d| users::department_id.eq(d), |q| q
                .filter(intel::submitted_at.ge(from))
                .filter(intel::submitted_at.lt(to))
                .group_by(key)
                .select((key_columns, count_star()))
                .load(c))?;
        let adopted: Vec<(KeyRow, i64)> =
            scoped!(department, entries(), |d| users::department_id.eq(d), |q| q
                .filter(intel::adopted_at.ge(from))
                .filter(intel::adopted_at.lt(to))
                .group_by(key)
                .select((key_columns, count_star()))
                .load(c))?;
        let uses: Vec<(KeyRow, i64, i64)> = scoped!(
            department,
            used()
                .inner_join(users::table.on(users::id.eq(intel::author_id)))
                .left_join(clients::table.on(intel::client_id.eq(clients::id.nullable()))),
            |d| users::department_id.eq(d),
            |q| q
                .filter(usages::created_at.ge(from))
                .filter(usages::created_at.lt(to))
                .group_by(key)
                .select((key_columns, count_star(), won()))
                .load(c)
        )?;

        let submitted_days: Vec<(NaiveDate, i64)> = scoped!(
            department,
            intel::table.filter(counted),
            |d| intel::author_id.eq_any(members!(d)),
            |q| q
                .filter(intel::submitted_at.ge(from))
                .filter(intel::submitted_at.lt(to))
                .group_by(sql::<Date>(&submitted_day))
                .select((sql::<Date>(&submitted_day), count_star()))
                .load(c)
        )?;
        let adopted_days: Vec<(NaiveDate, i64)> = scoped!(
            department,
            intel::table.filter(counted),
            |d| intel::author_id.eq_any(members!(d)),
            |q| q
                .filter(intel::adopted_at.ge(from))
                .filter(intel::adopted_at.lt(to))
                .group_by(sql::<Date>(&adopted_day))
                .select((sql::<Date>(&adopted_day), count_star()))
                .load(c)
        )?;
        let used_days: Vec<(NaiveDate, i64, i64)> =
            scoped!(department, used(), |d| intel::author_id.eq_any(members!(d)), |q| q
                .filter(usages::created_at.ge(from))
                .filter(usages::created_at.lt(to))
                .group_by(sql::<Date>(&used_day))
                .select((sql::<Date>(&used_day), count_star(), won()))
                .load(c))?;

        let decisions: Vec<(Decision, Option<f64>, i64)> =
            scoped!(department, decided(), |d| reviews::author_id.eq_any(members!(d)), |q| q
                .group_by((reviews::decision, reviews::mean_score))
                .select((reviews::decision, reviews::mean_score, count_star()))
                .load(c))?;
        let delays: Vec<(Option<NaiveDateTime>, NaiveDateTime)> =
            scoped!(department, decided(), |d| reviews::author_id.eq_any(members!(d)), |q| q
                .filter(intel::submitted_at.is_not_null())
                .select((intel::submitted_at, reviews::created_at))
                .load(c))?;
        let used_by_others =
            usages::table.filter(usages::intel_id.eq(intel::id)).filter(usages::user_id.ne(intel::author_id));
        let adopted_used: i64 = scoped!(
            department,
            intel::table.filter(counted),
            |d| intel::author_id.eq_any(members!(d)),
            |q| q
                .filter(intel::adopted_at.ge(from))
                .filter(intel::adopted_at.lt(to))
                .filter(exists(used_by_others))
                .count()
                .get_result(c)
        )?;

        let mut by_entry: Vec<(EntryKey, Counts)> = Vec::new();
        for (key, n) in submitted {
            by_entry.push((entry_key(key), Counts { submitted: n, ..Counts::default() }));
        }
        for (key, n) in adopted {
            by_entry.push((entry_key(key), Counts { adopted: n, ..Counts::default() }));
        }
        for (key, uses, won) in uses {
            by_entry.push((entry_key(key), Counts { uses, won, ..Counts::default() }));
        }
        let by_day = submitted_days
            .into_iter()
            .map(|(day, n)| (day, Counts { submitted: n, ..Counts::default() }))
            .chain(adopted_days.into_iter().map(|(day, n)| (day, Counts { adopted: n, ..Counts::default() })))
            .chain(
                used_days
                    .into_iter()
                    .map(|(day, uses, won)| (day, Counts { uses, won, ..Counts::default() })),
            )
            .collect();
        Ok(Grouped {
            by_entry,
            by_day,
            decisions,
            review_hours: delays
                .into_iter()
                .filter_map(|(submitted, decided)| submitted.map(|s| hours_between(s, decided)))
                .collect(),
            adopted_used,
        })
    })
}

/// The bucket of a local business day.
fn bucket_of_day(day: NaiveDate, interval: Interval) -> String {
    let local_midnight = day.and_time(NaiveTime::MIN);
    bucket_of(local_midnight - Duration::seconds(i64::from(business_zone().local_minus_utc())), interval)
}

/// The overview from its grouped figures; departments are named from
/// `department_names` ("未分配部门" for none).
pub fn overview(
    grouped: &Grouped,
    interval: Interval,
    department_names: &HashMap<DepartmentId, String>,
) -> Overview {
    let mut by_category: BTreeMap<String, Counts> = BTreeMap::new();
    let mut by_kind: BTreeMap<String, Counts> = BTreeMap::new();
    let mut by_department: BTreeMap<Option<DepartmentId>, Counts> = BTreeMap::new();
    let mut total = Counts::default();
    for (key, counts) in &grouped.by_entry {
        total.add(counts);
        by_category.entry(key.category.clone()).or_default().add(counts);
        by_kind.entry(key.kind.clone()).or_default().add(counts);
        by_department.entry(key.department).or_default().add(counts);
    }
    let mut series: BTreeMap<String, Counts> = BTreeMap::new();
    for (day, counts) in &grouped.by_day {
        series.entry(bucket_of_day(*day, interval)).or_default().add(counts);
    }

    let count = |wanted: fn(Decision) -> bool| -> i64 {
        grouped.decisions.iter().filter(|(d, _, _)| wanted(*d)).map(|(_, _, n)| n).sum()
    };
    let decided = count(|_| true);
    let adoptions = count(|d| d == Decision::Adopt);
    let scores: Vec<(f64, i64)> =
        grouped.decisions.iter().filter_map(|(_, s, n)| s.map(|s| (s, *n))).collect();

    Overview {
        submitted: total.submitted,
        adopted: total.adopted,
        decided,
        adoption_rate: ratio(adoptions, decided),
        usage_rate: ratio(grouped.adopted_used, total.adopted),
        uses: total.uses,
        won: total.won,
        mean_score: weighted_mean(&scores).map(round2),
        median_review_hours: median(&grouped.review_hours).map(round2),
        by_category,
        by_client_kind: by_kind,
        by_department: by_department
            .into_iter()
            .map(|(id, counts)| DepartmentCounts {
                name: id
                    .and_then(|d| department_names.get(&d).cloned())
                    .unwrap_or_else(|| "未分配部门".into()),
                department_id: id,
                counts,
            })
            .collect(),
        series: series.into_iter().map(|(bucket, counts)| Bucket { bucket, counts }).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    fn key(category: &str, kind: &str) -> EntryKey {
        EntryKey { category: category.into(), kind: kind.into(), department: None }
    }

    fn submitted(n: i64) -> Counts {
        Counts { submitted: n, ..Counts::default() }
    }

    fn adopted(n: i64) -> Counts {
        Counts { adopted: n, ..Counts::default() }
    }

    fn uses(n: i64, won: i64) -> Counts {
        Counts { uses: n, won, ..Counts::default() }
    }

    /// The reports' known world (four entries by 张伟, three adopted, one used
    /// by someone else and won) as the database groups it.
    fn known() -> Grouped {
        Grouped {
            by_entry: vec![
                (key("business", "group"), submitted(4)),
                (key("business", "group"), adopted(3)),
                (key("business", "group"), uses(1, 1)),
            ],
            by_day: vec![
                (day(2), submitted(1)),
                (day(3), submitted(1)),
                (day(4), submitted(1)),
                (day(6), submitted(1)),
                (day(2), adopted(1)),
                (day(5), adopted(1)),
                (day(6), adopted(1)),
                (day(7), uses(1, 1)),
            ],
            decisions: vec![
                (Decision::Adopt, Some(4.0), 1),
                (Decision::Reject, Some(2.0), 1),
                (Decision::Adopt, Some(3.0), 1),
                (Decision::Adopt, Some(5.0), 1),
            ],
            // decision delays: 4 h, 2 h, 24 h, 1 h
            review_hours: vec![4.0, 2.0, 24.0, 1.0],
            adopted_used: 1,
        }
    }

    #[test]
    fn overview_counts_rates_and_medians() {
        let o = overview(&known(), Interval::Month, &HashMap::new());
        assert_eq!((o.submitted, o.adopted, o.decided, o.uses, o.won), (4, 3, 4, 1, 1));
        assert_eq!(o.adoption_rate, Some(0.75));
        assert_eq!(o.usage_rate, Some(0.33));
        assert_eq!(o.mean_score, Some(3.5));
        assert_eq!(o.median_review_hours, Some(3.0));
        assert_eq!(o.series.len(), 1);
        assert_eq!(o.series[0].bucket, "2026-11");
        assert_eq!(o.series[0].counts, Counts { submitted: 4, adopted: 3, uses: 1, won: 1 });
        assert_eq!(o.by_department.len(), 1);
        assert_eq!(o.by_department[0].name, "未分配部门");
    }

    #[test]
    fn days_fold_into_weeks_starting_on_monday() {
        // 2026-11-02 is a Monday, the 8th a Sunday, the 9th the next Monday.
        let mut grouped = known();
        grouped.by_day.push((day(8), submitted(2)));
        grouped.by_day.push((day(9), uses(1, 0)));
        let o = overview(&grouped, Interval::Week, &HashMap::new());
        let buckets: Vec<(&str, i64, i64)> =
            o.series.iter().map(|b| (b.bucket.as_str(), b.counts.submitted, b.counts.uses)).collect();
        assert_eq!(buckets, [("2026-11-02", 6, 1), ("2026-11-09", 0, 1)]);
    }

    #[test]
    fn one_key_reported_twice_is_added_up() {
        let mut grouped = known();
        grouped.by_entry.push((key("competitor", MARKET), uses(2, 0)));
        grouped.by_entry.push((key("competitor", MARKET), submitted(1)));
        let o = overview(&grouped, Interval::Month, &HashMap::new());
        assert_eq!(o.by_client_kind[MARKET], Counts { submitted: 1, adopted: 0, uses: 2, won: 0 });
        assert_eq!(o.by_category["business"], Counts { submitted: 4, adopted: 3, uses: 1, won: 1 });
        assert_eq!((o.submitted, o.uses, o.won), (5, 3, 1));
    }

    #[test]
    fn a_grouped_mean_score_is_the_mean_of_every_decision() {
        let mut grouped = known();
        grouped.decisions = vec![
            (Decision::Adopt, Some(4.2), 3),
            (Decision::Reject, None, 2),
            (Decision::Revise, Some(1.4), 1),
        ];
        let o = overview(&grouped, Interval::Month, &HashMap::new());
        assert_eq!((o.decided, o.adoption_rate), (6, Some(0.5)));
        assert_eq!(o.mean_score, Some(3.5));
    }
}
