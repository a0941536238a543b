//! The queries behind ratings, assessments and the leaderboard: they read
//! the rollup cells of one span (`db::rollup`). None binds a list of ids: a
//! department is a subquery.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::result::QueryResult;

use crate::db::rollup;
use crate::db::schema::{author_cells, delay_cells, intel, users};
use crate::db::DbConn;
use crate::enums::{DelayMeasure, IntelStatus, Roles};
use crate::ids::{DepartmentId, UserId};
use crate::ratings::model::{AuthorFacts, Delays};
use crate::ratings::rules::hours_between;
use crate::time::{all_time, Span};
use crate::with_conn;

/// Whose facts count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Authors {
    One(UserId),
    /// Every member of a department, active or not.
    Department(DepartmentId),
    Everyone,
}

/// Runs `$run` on `$query` narrowed to the rows whose `$column` is one of
/// `$authors` (a match, not a boxed query: a boxed query cannot be grouped
/// before its backend is known).
macro_rules! by_authors {
    ($authors:expr, $query:expr, $column:expr, |$q:ident| $run:expr) => {
        match $authors {
            Authors::One(id) => {
                let $q = $query.filter($column.eq(id));
                $run
            }
            Authors::Department(department) => {
                let members = users::table.filter(users::department_id.eq(department)).select(users::id);
                let $q = $query.filter($column.eq_any(members));
                $run
            }
            Authors::Everyone => {
                let $q = $query;
                $run
            }
        }
    };
}

/// What each of `authors` did in `span`, by author (authors who did nothing
/// are absent): their rollup cells, and the delays for the median — a
/// histogram over a long span, the span's submissions otherwise.
pub fn author_facts(
    conn: &mut DbConn,
    authors: Authors,
    span: Span,
) -> QueryResult<BTreeMap<UserId, AuthorFacts>> {
    type Cell = (UserId, [i64; 9]);
    let (grain, starts_on) = (span.grain, span.starts_on);
    let histogram = rollup::histogram_grains(DelayMeasure::Submission).contains(&grain);
    let (cells, delays, histograms) = with_conn!(conn, |c| {
        type Counts = (i64, i64, i64, i64, i64, i64, i64, i64, i64);
        let rows: Vec<(UserId, Counts)> =
            by_authors!(authors, author_cells::table, author_cells::user_id, |q| q
                .filter(author_cells::grain.eq(grain.as_str()))
                .filter(author_cells::starts_on.eq(starts_on))
                .select((
                    author_cells::user_id,
                    (
                        author_cells::submitted,
                        author_cells::updates,
                        author_cells::adopted,
                        author_cells::adopted_used,
                        author_cells::uses,
                        author_cells::decided,
                        author_cells::adoptions,
                        author_cells::score_micro,
                        author_cells::scored,
                    ),
                ))
                .load(c))?;
        let cells: Vec<Cell> =
            rows.into_iter().map(|(id, v)| (id, [v.0, v.1, v.2, v.3, v.4, v.5, v.6, v.7, v.8])).collect();
        let (delays, histograms) = if histogram {
            let cells: Vec<(i64, i32, i64, i64)> =
                by_authors!(authors, delay_cells::table, delay_cells::owner_id, |q| q
                    .filter(delay_cells::grain.eq(grain.as_str()))
                    .filter(delay_cells::starts_on.eq(starts_on))
                    .filter(delay_cells::measure.eq(DelayMeasure::Submission))
                    .select((
                        delay_cells::owner_id,
                        delay_cells::bucket,
                        delay_cells::n,
                        delay_cells::seconds
                    ))
                    .load(c))?;
            (Vec::new(), cells)
        } else {
            let (from, to) = span.window().unwrap_or_else(all_time);
            let delays: Vec<(UserId, NaiveDateTime, Option<NaiveDateTime>)> =
                by_authors!(authors, intel::table, intel::author_id, |q| q
                    .filter(intel::submitted_at.ge(from))
                    .filter(intel::submitted_at.lt(to))
                    .filter(intel::status.ne(IntelStatus::Draft))
                    .select((intel::author_id, intel::observed_at, intel::submitted_at))
                    .load(c))?;
            (delays, Vec::new())
        };
        Ok::<_, diesel::result::Error>((cells, delays, histograms))
    })?;

    let mut facts: BTreeMap<UserId, AuthorFacts> = BTreeMap::new();
    for (
        author,
        [submitted, updates, adopted, adopted_used, uses, decided, adoptions, score_micro, scored],
    ) in cells
    {
        facts.insert(
            author,
            AuthorFacts {
                decided,
                adoptions,
                score_micro,
                scored,
                submitted,
                submission_delays: Delays::default(),
                updates,
                adopted,
                adopted_used,
                uses,
            },
        );
    }
    for (author, observed, submitted) in delays {
        if let (Some(f), Some(submitted)) = (facts.get_mut(&author), submitted) {
            f.submission_delays.hours.push(hours_between(observed, submitted));
        }
    }
    for (owner, bucket, n, seconds) in histograms {
        if let Some(f) = facts.get_mut(&UserId(owner)) {
            f.submission_delays.histogram.push((bucket, n, seconds));
        }
    }
    Ok(facts)
}

/// An active user who earned (or lost) points in a window.
#[derive(Debug, Clone, PartialEq)]
pub struct Earner {
    pub id: UserId,
    pub real_name: String,
    pub department_id: Option<DepartmentId>,
    pub roles: Roles,
    pub points: i64,
}

/// The points each active user (of `department`, when given) earned in `span`.
pub fn earners(conn: &mut DbConn, span: Span, department: Option<DepartmentId>) -> QueryResult<Vec<Earner>> {
    type Row = (UserId, String, Option<DepartmentId>, Roles, i64);
    let rows: Vec<Row> = with_conn!(conn, |c| {
        let earned = author_cells::table
            .inner_join(users::table)
            .filter(author_cells::grain.eq(span.grain.as_str()))
            .filter(author_cells::starts_on.eq(span.starts_on))
            .filter(author_cells::points.ne(0))
            .filter(users::is_active.eq(true))
            .select((users::id, users::real_name, users::department_id, users::roles, author_cells::points));
        match department {
            Some(department) => earned.filter(users::department_id.eq(department)).load(c),
            None => earned.load(c),
        }
    })?;
    Ok(rows
        .into_iter()
        .map(|(id, real_name, department_id, roles, points)| Earner {
            id,
            real_name,
            department_id,
            roles,
            points,
        })
        .collect())
}
