//! The queries behind ratings, assessments and the leaderboard. None binds a
//! list of ids: a department is a subquery, and facts are grouped by author.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::dsl::{count, count_star, sum};
use diesel::prelude::*;
use diesel::result::QueryResult;

use crate::db::schema::{intel, point_entries, reviews, usages, users};
use crate::db::DbConn;
use crate::enums::Decision;
use crate::enums::Roles;
use crate::ids::{DepartmentId, UserId};
use crate::ratings::model::AuthorFacts;
use crate::ratings::rules::hours_between;
use crate::time::{all_time, Window};
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

/// What each of `authors` did in `window`, by author (authors who did
/// nothing are absent).
pub fn author_facts(
    conn: &mut DbConn,
    authors: Authors,
    window: Window,
) -> QueryResult<BTreeMap<UserId, AuthorFacts>> {
    let (from, to) = window.unwrap_or_else(all_time);
    type Counts = Vec<(UserId, i64)>;
    let (decisions, submissions, adopted, used, uses) = with_conn!(conn, |c| {
        let decisions: Vec<(UserId, Decision, Option<f64>, i64)> =
            by_authors!(authors, reviews::table, reviews::author_id, |q| q
                .filter(reviews::created_at.ge(from))
                .filter(reviews::created_at.lt(to))
                .group_by((reviews::author_id, reviews::decision, reviews::mean_score))
                .select((reviews::author_id, reviews::decision, reviews::mean_score, count_star()))
                .load(c))?;
        // The delays are needed one by one for their median; one row an entry submitted in the window.
        let submissions: Vec<(UserId, NaiveDateTime, Option<NaiveDateTime>, bool)> =
            by_authors!(authors, intel::table, intel::author_id, |q| q
                .filter(intel::submitted_at.ge(from))
                .filter(intel::submitted_at.lt(to))
                .select((
                    intel::author_id,
                    intel::observed_at,
                    intel::submitted_at,
                    intel::supersedes_id.is_not_null(),
                ))
                .load(c))?;
        let adopted: Counts = by_authors!(authors, intel::table, intel::author_id, |q| q
            .filter(intel::adopted_at.ge(from))
            .filter(intel::adopted_at.lt(to))
            .group_by(intel::author_id)
            .select((intel::author_id, count_star()))
            .load(c))?;
        let used: Counts =
            by_authors!(authors, usages::table.inner_join(intel::table), intel::author_id, |q| q
                .filter(intel::adopted_at.ge(from))
                .filter(intel::adopted_at.lt(to))
                .filter(usages::user_id.ne(intel::author_id))
                .group_by(intel::author_id)
                .select((intel::author_id, count(intel::id).aggregate_distinct()))
                .load(c))?;
        let uses: Counts =
            by_authors!(authors, usages::table.inner_join(intel::table), intel::author_id, |q| q
                .filter(usages::user_id.ne(intel::author_id))
                .filter(usages::created_at.ge(from))
                .filter(usages::created_at.lt(to))
                .group_by(intel::author_id)
                .select((intel::author_id, count_star()))
                .load(c))?;
        Ok::<_, diesel::result::Error>((decisions, submissions, adopted, used, uses))
    })?;

    let mut facts: BTreeMap<UserId, AuthorFacts> = BTreeMap::new();
    for (author, decision, mean_score, count) in decisions {
        let f = facts.entry(author).or_default();
        f.decided += count;
        if decision == Decision::Adopt {
            f.adoptions += count;
        }
        f.scores.extend(mean_score.map(|score| (score, count)));
    }
    for (author, observed, submitted, revises) in submissions {
        let f = facts.entry(author).or_default();
        f.submission_delays_hours.extend(submitted.map(|s| hours_between(observed, s)));
        f.updates += i64::from(revises);
    }
    for (author, count) in adopted {
        facts.entry(author).or_default().adopted = count;
    }
    for (author, count) in used {
        facts.entry(author).or_default().adopted_used = count;
    }
    for (author, count) in uses {
        facts.entry(author).or_default().uses = count;
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

/// The points each active user (of `department`, when given) earned in `window`.
pub fn earners(
    conn: &mut DbConn,
    window: Window,
    department: Option<DepartmentId>,
) -> QueryResult<Vec<Earner>> {
    let (from, to) = window.unwrap_or_else(all_time);
    type Row = (UserId, String, Option<DepartmentId>, Roles, Option<i64>);
    let rows: Vec<Row> = with_conn!(conn, |c| {
        let earned = point_entries::table
            .inner_join(users::table)
            .filter(point_entries::created_at.ge(from))
            .filter(point_entries::created_at.lt(to))
            .filter(users::is_active.eq(true))
            .group_by((users::id, users::real_name, users::department_id, users::roles))
            .select((
                users::id,
                users::real_name,
                users::department_id,
                users::roles,
                sum(point_entries::delta),
            ));
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
            points: points.unwrap_or(0),
        })
        .collect())
}
