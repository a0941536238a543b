//! Telling someone: the notification and its mail, written together in the
//! event's transaction; listing and marking them read.

use std::collections::BTreeMap;

use chrono::Utc;
use diesel::result::QueryResult;

use crate::auth::extract::CurrentUser;
use crate::auth::policy::{self};
use crate::db::{write_tx, DbConn};
use crate::enums::{Delivery, MailStatus};
use crate::ids::{NotificationId, UserId};
use crate::notify::mail::Mail;
pub use crate::notify::model::NewNotification;
use crate::notify::model::NotificationView;
pub use crate::notify::outbox::MailChoice;
use crate::notify::preferences::{self, KindInfo};
use crate::notify::{outbox, store};

crate::service_error! {
    pub enum NotifyError {
        #[error("通知不存在")]
        NotFound => NotFound,
        #[error("邮件不存在")]
        MailNotFound => NotFound,
        #[error("只有发送失败的邮件可以重发")]
        MailNotFailed => Conflict,
    }
}

/// Writes a notification in the caller's transaction, with its mail as the
/// recipient wants it (at once, in the daily digest, or none).
pub fn notify(conn: &mut DbConn, notification: NewNotification) -> QueryResult<()> {
    notify_as(conn, notification, MailChoice::default())
}

/// Like [`notify`], with the mail delivered as `choice` says (urgent, or a
/// delivery the event carries).
pub fn notify_as(conn: &mut DbConn, notification: NewNotification, choice: MailChoice) -> QueryResult<()> {
    let id = store::insert(conn, &notification)?;
    outbox::enqueue_notification(
        conn,
        id,
        notification.user_id,
        notification.kind,
        &notification.title,
        choice,
    )
}

/// A page of `user`'s notifications, newest first, with the total and unread counts.
pub fn list(
    conn: &mut DbConn,
    user: UserId,
    unread_only: bool,
    offset: i64,
    limit: i64,
) -> Result<(Vec<NotificationView>, i64, i64), NotifyError> {
    let (rows, total, unread) = store::list(conn, user, unread_only, offset, limit)?;
    Ok((rows.into_iter().map(NotificationView::from).collect(), total, unread))
}

/// Marks one of `user`'s notifications read (already read is fine).
pub fn mark_read(conn: &mut DbConn, user: UserId, id: NotificationId) -> Result<(), NotifyError> {
    write_tx(conn, |conn| {
        if !store::exists(conn, user, id)? {
            return Err(NotifyError::NotFound);
        }
        store::mark_read(conn, user, Some(id))?;
        Ok(())
    })
}

/// Marks every notification of `user` read; returns how many changed.
pub fn mark_all_read(conn: &mut DbConn, user: UserId) -> Result<usize, NotifyError> {
    Ok(write_tx(conn, |conn| store::mark_read(conn, user, None))?)
}

/// Every kind of notification with how `user` receives its mail.
pub fn preferences(
    conn: &mut DbConn,
    user: UserId,
) -> Result<Vec<(&'static KindInfo, Delivery)>, NotifyError> {
    Ok(preferences::list(conn, user)?)
}

/// Changes how `user` receives mail (kind → delivery); kinds left out keep their setting.
pub fn set_preferences(
    conn: &mut DbConn,
    user: UserId,
    requested: &BTreeMap<String, Delivery>,
) -> Result<Vec<(&'static KindInfo, Delivery)>, NotifyError> {
    let changes = preferences::parse_changes(requested).map_err(NotifyError::Invalid)?;
    write_tx(conn, |conn| {
        preferences::set(conn, user, &changes)?;
        Ok(preferences::list(conn, user)?)
    })
}

/// The mail outbox, newest first (admins).
pub fn outbox(
    conn: &mut DbConn,
    me: &CurrentUser,
    status: Option<MailStatus>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<Mail>, i64), NotifyError> {
    policy::require_admin(me)?;
    Ok(outbox::list(conn, status, offset, limit)?)
}

/// Queues a failed mail again with a fresh set of attempts (admins).
pub fn retry_mail(conn: &mut DbConn, me: &CurrentUser, id: i64) -> Result<Mail, NotifyError> {
    policy::require_admin(me)?;
    write_tx(conn, |conn| {
        outbox::find(conn, id)?.ok_or(NotifyError::MailNotFound)?;
        if !outbox::retry(conn, id, Utc::now().naive_utc())? {
            return Err(NotifyError::MailNotFailed);
        }
        outbox::find(conn, id)?.ok_or(NotifyError::MailNotFound)
    })
}
