use diesel::prelude::*;
use diesel::result::QueryResult;

use crate::db::schema::follows;
use crate::db::DbConn;
use crate::enums::FollowTarget;
use crate::follows::model::{Follow, NewFollow};
use crate::ids::{FollowId, UserId};
use crate::with_conn;

/// Inserts a follow; `None` when the user already follows that.
pub fn insert(conn: &mut DbConn, follow: &NewFollow) -> QueryResult<Option<Follow>> {
    with_conn!(conn, |c| diesel::insert_into(follows::table)
        .values(follow)
        .on_conflict((follows::user_id, follows::target, follows::value))
        .do_nothing()
        .returning(Follow::as_returning())
        .get_result(c)
        .optional())
}

pub fn of_user(conn: &mut DbConn, user: UserId) -> QueryResult<Vec<Follow>> {
    with_conn!(conn, |c| follows::table
        .filter(follows::user_id.eq(user))
        .order(follows::id.desc())
        .select(Follow::as_select())
        .load(c))
}

/// Deletes `user`'s follow `id`; whether it existed.
pub fn delete(conn: &mut DbConn, user: UserId, id: FollowId) -> QueryResult<bool> {
    let deleted = with_conn!(conn, |c| diesel::delete(
        follows::table.filter(follows::id.eq(id)).filter(follows::user_id.eq(user))
    )
    .execute(c))?;
    Ok(deleted == 1)
}

/// Changes how `user`'s follow `id` mails; the follow, if it is theirs.
pub fn set_delivery(
    conn: &mut DbConn,
    user: UserId,
    id: FollowId,
    delivery: crate::enums::Delivery,
) -> QueryResult<Option<Follow>> {
    with_conn!(conn, |c| diesel::update(
        follows::table.filter(follows::id.eq(id)).filter(follows::user_id.eq(user))
    )
    .set(follows::delivery.eq(delivery))
    .returning(Follow::as_returning())
    .get_result(c)
    .optional())
}

/// Every follow with one of the (target, value) pairs.
pub fn matching(conn: &mut DbConn, keys: &[(FollowTarget, String)]) -> QueryResult<Vec<Follow>> {
    let mut found = Vec::new();
    for target in FollowTarget::ALL {
        let values: Vec<&String> = keys.iter().filter(|(t, _)| t == target).map(|(_, v)| v).collect();
        if values.is_empty() {
            continue;
        }
        let rows: Vec<Follow> = with_conn!(conn, |c| follows::table
            .filter(follows::target.eq(*target))
            .filter(follows::value.eq_any(&values))
            .select(Follow::as_select())
            .load(c))?;
        found.extend(rows);
    }
    Ok(found)
}

/// Follows of a client (for the handover preview).
pub fn of_client(conn: &mut DbConn, client: &str) -> QueryResult<Vec<Follow>> {
    with_conn!(conn, |c| follows::table
        .filter(follows::target.eq(FollowTarget::Client))
        .filter(follows::value.eq(client))
        .select(Follow::as_select())
        .load(c))
}
