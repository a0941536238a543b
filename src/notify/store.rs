use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::result::QueryResult;
use serde::Serialize;
use utoipa::ToSchema;

use crate::clients::model::ClientId;
use crate::db::schema::notifications;
use crate::db::DbConn;
use crate::intel::model::IntelId;
use crate::users::model::UserId;
use crate::with_conn;

/// Notification kinds.
pub mod kind {
    pub const INTEL_ADOPTED: &str = "intel_adopted";
    pub const INTEL_REJECTED: &str = "intel_rejected";
    pub const INTEL_RETURNED: &str = "intel_returned";
    pub const INTEL_DUPLICATE: &str = "intel_duplicate";
    pub const INTEL_RETRACTED: &str = "intel_retracted";
    pub const INTEL_USED: &str = "intel_used";
    pub const USAGE_OUTCOME: &str = "usage_outcome";
    pub const CLIENT_HANDOVER: &str = "client_handover";
    /// Someone else proposed a revision of your entry.
    pub const INTEL_REVISION_PROPOSED: &str = "intel_revision_proposed";
    /// A revision of your entry by someone else was adopted.
    pub const INTEL_REVISION_ADOPTED: &str = "intel_revision_adopted";
    /// Entries you wrote, or on clients you own, went stale (daily job).
    pub const INTEL_STALE: &str = "intel_stale";
    /// Entries wait for review (reviewers, one message per daily run).
    pub const REVIEW_QUEUE: &str = "review_queue";
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = notifications)]
pub struct Notification {
    pub id: i64,
    pub user_id: UserId,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub intel_id: Option<IntelId>,
    pub client_id: Option<ClientId>,
    pub created_at: NaiveDateTime,
    pub read_at: Option<NaiveDateTime>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationView {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub intel_id: Option<IntelId>,
    pub client_id: Option<ClientId>,
    pub created_at: chrono::DateTime<Utc>,
    pub read: bool,
}

impl From<Notification> for NotificationView {
    fn from(n: Notification) -> Self {
        NotificationView {
            id: n.id,
            kind: n.kind,
            title: n.title,
            body: n.body,
            intel_id: n.intel_id,
            client_id: n.client_id,
            created_at: n.created_at.and_utc(),
            read: n.read_at.is_some(),
        }
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = notifications)]
pub struct NewNotification {
    pub user_id: UserId,
    pub kind: &'static str,
    pub title: String,
    pub body: String,
    pub intel_id: Option<IntelId>,
    pub client_id: Option<ClientId>,
    pub created_at: NaiveDateTime,
}

impl NewNotification {
    pub fn new(user: UserId, kind: &'static str, title: impl Into<String>, body: impl Into<String>) -> Self {
        NewNotification {
            user_id: user,
            kind,
            title: title.into(),
            body: body.into(),
            intel_id: None,
            client_id: None,
            created_at: Utc::now().naive_utc(),
        }
    }

    pub fn intel(mut self, id: IntelId) -> Self {
        self.intel_id = Some(id);
        self
    }

    pub fn client(mut self, id: ClientId) -> Self {
        self.client_id = Some(id);
        self
    }
}

/// Writes a notification in the caller's transaction, with its mail as the
/// recipient wants it (at once, in the daily digest, or none).
pub fn notify(conn: &mut DbConn, notification: NewNotification) -> QueryResult<()> {
    let id: i64 = with_conn!(conn, |c| diesel::insert_into(notifications::table)
        .values(&notification)
        .returning(notifications::id)
        .get_result(c))?;
    crate::mail::outbox::enqueue_notification(
        conn,
        id,
        notification.user_id,
        notification.kind,
        &notification.title,
    )
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
pub fn mark_read(conn: &mut DbConn, user: UserId, id: Option<i64>) -> QueryResult<usize> {
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

pub fn exists(conn: &mut DbConn, user: UserId, id: i64) -> QueryResult<bool> {
    with_conn!(conn, |c| diesel::select(diesel::dsl::exists(
        notifications::table.filter(notifications::id.eq(id)).filter(notifications::user_id.eq(user))
    ))
    .get_result(c))
}
