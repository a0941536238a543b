use std::collections::HashMap;

use diesel::prelude::*;
use diesel::result::QueryResult;

use crate::db::schema::reviews;
use crate::db::DbConn;
use crate::intel::model::IntelId;
use crate::review::model::{NewReview, Review};
use crate::with_conn;

/// Inserts a decision; `None` when this revision already has one (the unique
/// key on intel and revision decides races).
pub fn insert(conn: &mut DbConn, review: &NewReview) -> QueryResult<Option<Review>> {
    with_conn!(conn, |c| diesel::insert_into(reviews::table)
        .values(review)
        .on_conflict((reviews::intel_id, reviews::revision))
        .do_nothing()
        .returning(Review::as_returning())
        .get_result(c)
        .optional())
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
