use std::collections::HashMap;

use diesel::prelude::*;
use diesel::result::QueryResult;

use crate::db::rollup::{self, Scope};
use crate::db::schema::{intel, reviews};
use crate::db::DbConn;
use crate::enums::{IntelStatus, Source};
use crate::ids::{IntelId, UserId};
use crate::review::model::{NewReview, Review};
use crate::with_conn;

/// Inserts a decision; `None` when this revision already has one (the unique
/// key on intel and revision decides races).
pub fn insert(conn: &mut DbConn, review: &NewReview) -> QueryResult<Option<Review>> {
    rollup::track(conn, Scope::Entry(review.intel_id), |conn| {
        with_conn!(conn, |c| diesel::insert_into(reviews::table)
            .values(review)
            .on_conflict((reviews::intel_id, reviews::revision))
            .do_nothing()
            .returning(Review::as_returning())
            .get_result(c)
            .optional())
    })
}

/// Stores decisions on entries that have none yet, in one statement; how many.
pub fn insert_many(conn: &mut DbConn, new: &[NewReview]) -> QueryResult<usize> {
    if new.is_empty() {
        return Ok(0);
    }
    let entries = Scope::Entries(new.iter().map(|r| r.intel_id).collect());
    rollup::track(conn, entries, |conn| {
        with_conn!(conn, |c| diesel::insert_into(reviews::table).values(new).execute(c))
    })
}

/// The latest decision on each entry.
pub fn latest_for(conn: &mut DbConn, ids: &[IntelId]) -> QueryResult<HashMap<IntelId, Review>> {
    let rows = with_conn!(conn, |c| reviews::table
        .filter(reviews::intel_id.eq_any(ids))
        .order(reviews::id.asc())
        .select(Review::as_select())
        .load(c))?;
    Ok(rows.into_iter().map(|r| (r.intel_id, r)).collect())
}

pub fn for_intel(conn: &mut DbConn, id: IntelId) -> QueryResult<Vec<Review>> {
    with_conn!(conn, |c| reviews::table
        .filter(reviews::intel_id.eq(id))
        .order(reviews::id.asc())
        .select(Review::as_select())
        .load(c))
}

/// What decides an adopted entry's pay: its author, category, source, whether
/// it revises another, and the mean score of its latest scored review.
#[derive(Debug, Clone)]
pub struct AdoptionFacts {
    pub intel_id: IntelId,
    pub author_id: UserId,
    pub category: String,
    pub source: Source,
    pub revision_of_adopted: bool,
    pub mean_score: f64,
}

/// The facts of every adopted or superseded entry that has a scored review,
/// but imported legacy records (which never pay).
pub fn adoption_facts(conn: &mut DbConn) -> QueryResult<Vec<AdoptionFacts>> {
    type Entry = (IntelId, UserId, String, Source, Option<IntelId>);
    let entries: Vec<Entry> = with_conn!(conn, |c| intel::table
        .filter(intel::status.eq_any(IntelStatus::PUBLIC))
        .filter(intel::imported.eq(false))
        .select((intel::id, intel::author_id, intel::category, intel::source, intel::supersedes_id))
        .load(c))?;
    let scores: Vec<(IntelId, Option<f64>)> = with_conn!(conn, |c| reviews::table
        .inner_join(intel::table.on(intel::id.eq(reviews::intel_id)))
        .filter(intel::status.eq_any(IntelStatus::PUBLIC))
        .filter(intel::imported.eq(false))
        .filter(reviews::mean_score.is_not_null())
        .order(reviews::id.asc())
        .select((reviews::intel_id, reviews::mean_score))
        .load(c))?;
    let latest: HashMap<IntelId, f64> =
        scores.into_iter().filter_map(|(id, mean)| Some((id, mean?))).collect();
    Ok(entries
        .into_iter()
        .filter_map(|(intel_id, author_id, category, source, supersedes)| {
            Some(AdoptionFacts {
                mean_score: *latest.get(&intel_id)?,
                intel_id,
                author_id,
                category,
                source,
                revision_of_adopted: supersedes.is_some(),
            })
        })
        .collect())
}
