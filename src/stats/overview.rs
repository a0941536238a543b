//! The overview: entries submitted, adopted and used, rates, mean score and
//! review time for a period, by category, client kind, department and over time.
//!
//! The rollup cells count (`db::rollup`): a period reads its own cells (one
//! per department, category and client kind), the series the cells of its
//! buckets, whatever the size of the history. The median review time of a
//! week or a month reads that period's decisions; a longer one reads the
//! cells' histogram.

use std::collections::{BTreeMap, HashMap};

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::result::QueryResult;
use diesel::sql_types::BigInt;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::rollup;
use crate::db::schema::{intel, reviews, users};
use crate::db::DbConn;
use crate::enums::{DelayMeasure, IntelStatus};
use crate::ids::DepartmentId;
use crate::ratings::model::Delays;
use crate::ratings::rules::{hours_between, mean_of_micro, ratio, round2};
use crate::stats::facts::{self, bucket_of, Interval};
use crate::time::{all_time, business_zone, Grain, Span};
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
    /// Median hours from submission to decision (over a quarter or longer,
    /// from 5 %-wide buckets: within 2.5 %).
    pub median_review_hours: Option<f64>,
    pub by_category: BTreeMap<String, Counts>,
    pub by_client_kind: BTreeMap<String, Counts>,
    pub by_department: Vec<DepartmentCounts>,
    pub series: Vec<Bucket>,
}

/// The client-kind key of entries about no client.
pub const MARKET: &str = rollup::MARKET;

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

/// The overview's figures as the rollup cells hold them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Grouped {
    /// Submissions, adoptions and uses by entry key (a key may repeat).
    pub by_entry: Vec<(EntryKey, Counts)>,
    /// The same events by the first local day of a series bucket, or of a
    /// day where the period cuts a bucket (a day may repeat).
    pub by_day: Vec<(NaiveDate, Counts)>,
    /// Decisions, adoptions among them, and the scored ones' mean scores
    /// summed in millionths with how many.
    pub decided: i64,
    pub adoptions: i64,
    pub score_micro: i64,
    pub scored: i64,
    /// From submission to each decision.
    pub review_delays: Delays,
    /// Entries adopted in the period that someone other than the author used.
    pub adopted_used: i64,
}

/// The overview of `span`, over everyone's entries or one department's.
pub fn load(
    conn: &mut DbConn,
    span: Span,
    department: Option<DepartmentId>,
    interval: Interval,
) -> QueryResult<Overview> {
    let names = facts::department_names(conn)?;
    let grouped = grouped(conn, span, department, interval)?;
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

/// The sum of a BIGINT column over a group, as a BIGINT on both backends.
fn total(column: &str) -> diesel::expression::SqlLiteral<BigInt> {
    sql::<BigInt>(&format!("CAST(COALESCE(SUM({column}), 0) AS BIGINT)"))
}

/// Which cells make up `span`'s series by `interval`: the interval's grain,
/// the whole buckets inside the span as `[from, to)` of their first days
/// (`None`: every bucket, for all time), and the days of the buckets the
/// span cuts (a week across two months) as `[from, to)` ranges of day cells.
type Cover = (Grain, Option<(NaiveDate, NaiveDate)>, Vec<(NaiveDate, NaiveDate)>);

fn series_cover(span: Span, interval: Interval) -> Cover {
    let grain = match interval {
        Interval::Week => Grain::Week,
        Interval::Month => Grain::Month,
    };
    let Some(end) = span.ends_before() else {
        return (grain, None, Vec::new());
    };
    let start = span.starts_on;
    let first = Span::containing(grain, start);
    let first_whole = if first.starts_on == start { start } else { first.ends_before().unwrap_or(end) };
    let last_whole_end = Span::containing(grain, end).starts_on;
    if first_whole >= last_whole_end {
        return (grain, Some((start, start)), vec![(start, end)]);
    }
    let days = [(start, first_whole), (last_whole_end, end)].into_iter().filter(|(a, b)| a < b).collect();
    (grain, Some((first_whole, last_whole_end)), days)
}

/// Every figure of the overview, summed from the rollup cells of `span`.
pub fn grouped(
    conn: &mut DbConn,
    span: Span,
    department: Option<DepartmentId>,
    interval: Interval,
) -> QueryResult<Grouped> {
    use crate::db::schema::delay_cells as h;
    use crate::db::schema::stat_cells as s;
    let department_key = department.map(|d| d.0);
    let (series_grain, whole, cut_days) = series_cover(span, interval);
    let histogram = rollup::histogram_grains(DelayMeasure::Review).contains(&span.grain);
    type Row = (i64, String, String, (i64, i64, i64, i64, i64, i64, i64, i64, i64));
    type DayRow = (NaiveDate, i64, i64, i64, i64);
    let (cells, days, histograms) = with_conn!(conn, |c| {
        let cells: Vec<Row> = scoped!(department_key, s::table, |d| s::department_id.eq(d), |q| q
            .filter(s::grain.eq(span.grain.as_str()))
            .filter(s::starts_on.eq(span.starts_on))
            .select((
                s::department_id,
                s::category,
                s::kind,
                (
                    s::submitted,
                    s::adopted,
                    s::adopted_used,
                    s::uses,
                    s::won,
                    s::decided,
                    s::adoptions,
                    s::score_micro,
                    s::scored,
                ),
            ))
            .load(c))?;
        let sums = || (s::starts_on, total("submitted"), total("adopted"), total("uses"), total("won"));
        let mut days: Vec<DayRow> = Vec::new();
        match whole {
            None => days.extend(scoped!(department_key, s::table, |d| s::department_id.eq(d), |q| q
                .filter(s::grain.eq(series_grain.as_str()))
                .group_by(s::starts_on)
                .select(sums())
                .load::<DayRow>(c))?),
            Some(whole) => {
                let ranges =
                    std::iter::once((series_grain, whole)).chain(cut_days.iter().map(|d| (Grain::Day, *d)));
                for (grain, (from, to)) in ranges.filter(|(_, (a, b))| a < b) {
                    days.extend(scoped!(department_key, s::table, |d| s::department_id.eq(d), |q| q
                        .filter(s::grain.eq(grain.as_str()))
                        .filter(s::starts_on.ge(from))
                        .filter(s::starts_on.lt(to))
                        .group_by(s::starts_on)
                        .select(sums())
                        .load::<DayRow>(c))?);
                }
            }
        }
        let histograms: Vec<(i32, i64, i64)> = if histogram {
            scoped!(department_key, h::table, |d| h::owner_id.eq(d), |q| q
                .filter(h::grain.eq(span.grain.as_str()))
                .filter(h::starts_on.eq(span.starts_on))
                .filter(h::measure.eq(DelayMeasure::Review))
                .group_by(h::bucket)
                .select((h::bucket, total("n"), total("seconds")))
                .load(c))?
        } else {
            Vec::new()
        };
        Ok::<_, diesel::result::Error>((cells, days, histograms))
    })?;
    let review_delays = if histogram {
        Delays { hours: Vec::new(), histogram: histograms }
    } else {
        Delays { hours: live_review_hours(conn, span, department)?, histogram: Vec::new() }
    };

    let mut grouped = Grouped { review_delays, ..Grouped::default() };
    for (department, category, kind, v) in cells {
        let (submitted, adopted, adopted_used, uses, won, decided, adoptions, score_micro, scored) = v;
        let department = (department != rollup::NO_DEPARTMENT).then_some(DepartmentId(department));
        grouped
            .by_entry
            .push((EntryKey { category, kind, department }, Counts { submitted, adopted, uses, won }));
        grouped.adopted_used += adopted_used;
        grouped.decided += decided;
        grouped.adoptions += adoptions;
        grouped.score_micro += score_micro;
        grouped.scored += scored;
    }
    grouped.by_day = days
        .into_iter()
        .map(|(day, submitted, adopted, uses, won)| (day, Counts { submitted, adopted, uses, won }))
        .collect();
    Ok(grouped)
}

/// Hours from submission to each decision in `span` (a week or a month),
/// read one by one for an exact median.
fn live_review_hours(
    conn: &mut DbConn,
    span: Span,
    department: Option<DepartmentId>,
) -> QueryResult<Vec<f64>> {
    let (from, to) = span.window().unwrap_or_else(all_time);
    let delays: Vec<(Option<NaiveDateTime>, NaiveDateTime)> = with_conn!(conn, |c| {
        let decided = reviews::table
            .inner_join(intel::table.on(intel::id.eq(reviews::intel_id)))
            .filter(intel::status.ne(IntelStatus::Draft))
            .filter(intel::submitted_at.is_not_null())
            .filter(reviews::created_at.ge(from))
            .filter(reviews::created_at.lt(to))
            .select((intel::submitted_at, reviews::created_at));
        // A review copies its entry's author, so a department's are found on `reviews (author_id, …)`.
        let members = |d| users::table.filter(users::department_id.eq(d)).select(users::id);
        scoped!(department, decided, |d| reviews::author_id.eq_any(members(d)), |q| q.load(c))
    })?;
    Ok(delays
        .into_iter()
        .filter_map(|(submitted, decided)| submitted.map(|s| hours_between(s, decided)))
        .collect())
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

    Overview {
        submitted: total.submitted,
        adopted: total.adopted,
        decided: grouped.decided,
        adoption_rate: ratio(grouped.adoptions, grouped.decided),
        usage_rate: ratio(grouped.adopted_used, total.adopted),
        uses: total.uses,
        won: total.won,
        mean_score: mean_of_micro(grouped.score_micro, grouped.scored),
        median_review_hours: grouped.review_delays.median_hours().map(round2),
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
            // Adopted at 4, 3 and 5, rejected at 2.
            decided: 4,
            adoptions: 3,
            score_micro: 14_000_000,
            scored: 4,
            // decision delays: 4 h, 2 h, 24 h, 1 h
            review_delays: Delays { hours: vec![4.0, 2.0, 24.0, 1.0], histogram: Vec::new() },
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
    fn a_mean_score_and_a_median_from_cells() {
        let mut grouped = known();
        // 4.2 three times, 1.4 once, two decisions unscored.
        (grouped.decided, grouped.adoptions, grouped.score_micro, grouped.scored) = (6, 3, 14_000_000, 4);
        grouped.review_delays = Delays {
            hours: Vec::new(),
            histogram: vec![
                (rollup::bucket_of(3 * 3600), 2, 6 * 3600),
                (rollup::bucket_of(24 * 3600), 1, 24 * 3600),
            ],
        };
        let o = overview(&grouped, Interval::Month, &HashMap::new());
        assert_eq!((o.decided, o.adoption_rate), (6, Some(0.5)));
        assert_eq!(o.mean_score, Some(3.5));
        assert_eq!(o.median_review_hours, Some(3.0));
    }

    #[test]
    fn a_series_reads_whole_buckets_and_the_days_of_cut_ones() {
        let d = |m: u32, day: u32| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        let next_year = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        // A year by month: twelve whole months.
        let year = Span::containing(Grain::Year, d(11, 28));
        assert_eq!(series_cover(year, Interval::Month), (Grain::Month, Some((d(1, 1), next_year)), vec![]));
        // A month by week: November 2026 starts on a Sunday and ends on a Monday.
        let month = Span::containing(Grain::Month, d(11, 28));
        assert_eq!(
            series_cover(month, Interval::Week),
            (Grain::Week, Some((d(11, 2), d(11, 30))), vec![(d(11, 1), d(11, 2)), (d(11, 30), d(12, 1))])
        );
        // A week across two months, by month: its days.
        let week = Span::containing(Grain::Week, d(12, 1));
        assert_eq!(
            series_cover(week, Interval::Month),
            (Grain::Month, Some((d(11, 30), d(11, 30))), vec![(d(11, 30), d(12, 7))])
        );
        assert_eq!(series_cover(Span::ALL, Interval::Week), (Grain::Week, None, vec![]));
    }
}
