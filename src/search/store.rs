//! Searches that found nothing: kept so admins see what people looked for in vain.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::result::QueryResult;

use crate::db::schema::{search_misses, users};
use crate::db::DbConn;
use crate::ids::UserId;
use crate::with_conn;

/// One search that found nothing, with its user's name.
#[derive(Debug, Queryable)]
pub struct MissRow {
    pub user_id: Option<UserId>,
    pub user_name: Option<String>,
    pub query: String,
    pub filters: String,
    pub created_at: NaiveDateTime,
}

pub fn record_miss(
    conn: &mut DbConn,
    user: UserId,
    query: &str,
    filters: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    with_conn!(conn, |c| diesel::insert_into(search_misses::table)
        .values((
            search_misses::user_id.eq(Some(user)),
            search_misses::query.eq(query),
            search_misses::filters.eq(filters),
            search_misses::created_at.eq(at),
        ))
        .execute(c))?;
    Ok(())
}

/// A page of misses, newest first, and their number.
pub fn misses(conn: &mut DbConn, offset: i64, limit: i64) -> QueryResult<(Vec<MissRow>, i64)> {
    with_conn!(conn, |c| {
        let total: i64 = search_misses::table.count().get_result(c)?;
        let rows = search_misses::table
            .left_join(users::table.on(search_misses::user_id.eq(users::id.nullable())))
            .order(search_misses::id.desc())
            .offset(offset)
            .limit(limit)
            .select((
                search_misses::user_id,
                users::real_name.nullable(),
                search_misses::query,
                search_misses::filters,
                search_misses::created_at,
            ))
            .load(c)?;
        Ok((rows, total))
    })
}
