//! Queries on in-app notifications.

use chrono::Utc;
use diesel::prelude::*;
use diesel::result::QueryResult;

use crate::db::schema::notifications;
use crate::db::DbConn;
use crate::ids::{NotificationId, UserId};
use crate::notify::model::{NewNotification, Notification};
use crate::with_conn;

/// Stores a notification; returns its id.
pub fn insert(conn: &mut DbConn, notification: &NewNotification) -> QueryResult<NotificationId> {
    with_conn!(conn, |c| diesel::insert_into(notifications::table)
        .values(notification)
        .returning(notifications::id)
        .get_result(c))
}

pub fn list(
    conn: &mut DbConn,
    user: UserId,
    unread_only: bool,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<Notification>, i64, i64)> {
    with_conn!(conn, |c| {
        let query = || {
            let mut query = notifications::table.filter(notifications::user_id.eq(user)).into_boxed();
            if unread_only {
                query = query.filter(notifications::read_at.is_null());
            }
            query
        };
        let total = query().count().get_result(c)?;
        let unread = notifications::table
            .filter(notifications::user_id.eq(user))
            .filter(notifications::read_at.is_null())
            .count()
            .get_result(c)?;
        let rows = query()
            .order(notifications::id.desc())
            .offset(offset)
            .limit(limit)
            .select(Notification::as_select())
            .load(c)?;
        Ok((rows, total, unread))
    })
}

/// Marks one (or, with `None`, every) notification of `user` read; returns how many changed.
pub fn mark_read(conn: &mut DbConn, user: UserId, id: Option<NotificationId>) -> QueryResult<usize> {
    let now = Utc::now().naive_utc();
    with_conn!(conn, |c| {
        let mut query = diesel::update(notifications::table)
            .filter(notifications::user_id.eq(user))
            .filter(notifications::read_at.is_null())
            .into_boxed();
        if let Some(id) = id {
            query = query.filter(notifications::id.eq(id));
        }
        query.set(notifications::read_at.eq(now)).execute(c)
    })
}

pub fn exists(conn: &mut DbConn, user: UserId, id: NotificationId) -> QueryResult<bool> {
    with_conn!(conn, |c| diesel::select(diesel::dsl::exists(
        notifications::table.filter(notifications::id.eq(id)).filter(notifications::user_id.eq(user))
    ))
    .get_result(c))
}
