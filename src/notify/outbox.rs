//! The mail outbox: rows written in the transaction of their event, claimed
//! by senders with a lease (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so that
//! several processes never take the same row), and the digests folded from them.

use chrono::{Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::result::QueryResult;

use crate::db::schema::{mail_outbox, notifications};
use crate::db::DbConn;
use crate::enums::{Delivery, MailStatus, NotificationKind};
use crate::ids::{NotificationId, UserId};
use crate::notify::mail::{Mail, NewMail};
use crate::notify::model::Notification;
use crate::notify::preferences;
use crate::users::store as users;
use crate::with_conn;

/// The subject of a notification's mail.
pub fn subject_of(title: &str) -> String {
    format!("【智库】{title}")
}

/// Queues the mail of notification `notification_id` as its recipient wants
/// it: now, in the daily digest, or not at all. Inactive users get no mail.
pub fn enqueue_notification(
    conn: &mut DbConn,
    notification_id: NotificationId,
    user: UserId,
    kind: NotificationKind,
    title: &str,
    choice: MailChoice,
) -> QueryResult<()> {
    let Some(recipient) = users::find_user(conn, user)?.filter(|u| u.is_active) else { return Ok(()) };
    let chosen = match choice.delivery {
        Some(delivery) => delivery,
        None => preferences::delivery_for(conn, user, kind)?,
    };
    let delivery = match chosen {
        Delivery::Daily | Delivery::Weekly if choice.urgent => Delivery::Immediate,
        other => other,
    };
    let status = match delivery {
        Delivery::Off => return Ok(()),
        Delivery::Immediate => MailStatus::Pending,
        Delivery::Daily | Delivery::Weekly => MailStatus::Digest,
    };
    let now = Utc::now().naive_utc();
    insert(
        conn,
        &NewMail {
            user_id: user,
            recipient: recipient.email,
            kind,
            subject: subject_of(title),
            notification_id: Some(notification_id),
            payload: String::new(),
            status,
            next_attempt_at: now,
            created_at: now,
        },
    )?;
    Ok(())
}

/// How a notification's mail is delivered: as the recipient chose for its
/// kind unless the event names a delivery (a follow's own), and at once when
/// it is urgent (urgent skips the digests; "off" stays off).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MailChoice {
    pub delivery: Option<Delivery>,
    pub urgent: bool,
}

pub fn insert(conn: &mut DbConn, mail: &NewMail) -> QueryResult<i64> {
    with_conn!(conn, |c| diesel::insert_into(mail_outbox::table)
        .values(mail)
        .returning(mail_outbox::id)
        .get_result(c))
}

/// Rows to send at `$now`: pending ones whose time has come, and claimed
/// ones whose sender's lease ran out (it crashed).
macro_rules! due {
    ($now:expr) => {
        mail_outbox::status.eq(MailStatus::Pending).and(mail_outbox::next_attempt_at.le($now)).or(
            mail_outbox::status
                .eq(MailStatus::Sending)
                .and(mail_outbox::lease_until.lt($now).assume_not_null()),
        )
    };
}

/// Whether some row is due at `now` (a cheap read before a claiming transaction).
pub fn any_due(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<bool> {
    with_conn!(conn, |c| diesel::select(diesel::dsl::exists(mail_outbox::table.filter(due!(now))))
        .get_result(c))
}

/// Claims up to `limit` due rows for `lease` and returns them. Runs in the
/// caller's write transaction; on PostgreSQL rows another process is claiming
/// right now are skipped, not waited for.
pub fn claim(conn: &mut DbConn, now: NaiveDateTime, lease: Duration, limit: i64) -> QueryResult<Vec<Mail>> {
    let token = format!("{:016x}{:016x}", rand::random::<u64>(), rand::random::<u64>());
    let ids: Vec<i64> = match conn {
        DbConn::Pg(c) => mail_outbox::table
            .filter(due!(now))
            .order(mail_outbox::id)
            .limit(limit)
            .select(mail_outbox::id)
            .for_update()
            .skip_locked()
            .load(c)?,
        DbConn::Sqlite(c) => mail_outbox::table
            .filter(due!(now))
            .order(mail_outbox::id)
            .limit(limit)
            .select(mail_outbox::id)
            .load(c)?,
    };
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    with_conn!(conn, |c| {
        // `due` again: a row another sender claimed meanwhile is left alone.
        diesel::update(mail_outbox::table.filter(mail_outbox::id.eq_any(&ids)).filter(due!(now)))
            .set((
                mail_outbox::status.eq(MailStatus::Sending),
                mail_outbox::claim.eq(&token),
                mail_outbox::lease_until.eq(now + lease),
                mail_outbox::attempts.eq(mail_outbox::attempts + 1),
            ))
            .execute(c)?;
        mail_outbox::table
            .filter(mail_outbox::id.eq_any(&ids))
            .filter(mail_outbox::claim.eq(&token))
            .order(mail_outbox::id)
            .select(Mail::as_select())
            .load(c)
    })
}

/// Marks a claimed row sent; false when the claim was lost (the lease ran out
/// and another sender took the row over).
pub fn mark_sent(conn: &mut DbConn, id: i64, claim: &str, now: NaiveDateTime) -> QueryResult<bool> {
    let changed = with_conn!(conn, |c| diesel::update(
        mail_outbox::table
            .filter(mail_outbox::id.eq(id))
            .filter(mail_outbox::status.eq(MailStatus::Sending))
            .filter(mail_outbox::claim.eq(claim))
    )
    .set((
        mail_outbox::status.eq(MailStatus::Sent),
        mail_outbox::sent_at.eq(now),
        mail_outbox::lease_until.eq(None::<NaiveDateTime>),
        mail_outbox::last_error.eq(None::<String>),
    ))
    .execute(c))?;
    Ok(changed == 1)
}

/// Records a failed attempt of a claimed row: back to pending until
/// `retry_at`, or failed for good when there is none.
pub fn mark_attempt_failed(
    conn: &mut DbConn,
    id: i64,
    claim: &str,
    error: &str,
    retry_at: Option<NaiveDateTime>,
) -> QueryResult<bool> {
    let (status, next) = match retry_at {
        Some(at) => (MailStatus::Pending, Some(at)),
        None => (MailStatus::Failed, None),
    };
    let error: String = error.chars().take(1000).collect();
    let changed = with_conn!(conn, |c| {
        let target = mail_outbox::table
            .filter(mail_outbox::id.eq(id))
            .filter(mail_outbox::status.eq(MailStatus::Sending))
            .filter(mail_outbox::claim.eq(claim));
        match next {
            Some(at) => diesel::update(target)
                .set((
                    mail_outbox::status.eq(status),
                    mail_outbox::next_attempt_at.eq(at),
                    mail_outbox::lease_until.eq(None::<NaiveDateTime>),
                    mail_outbox::last_error.eq(&error),
                ))
                .execute(c),
            None => diesel::update(target)
                .set((
                    mail_outbox::status.eq(status),
                    mail_outbox::lease_until.eq(None::<NaiveDateTime>),
                    mail_outbox::last_error.eq(&error),
                ))
                .execute(c),
        }
    })?;
    Ok(changed == 1)
}

/// A page of the outbox, newest first, optionally of one status.
pub fn list(
    conn: &mut DbConn,
    status: Option<MailStatus>,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<Mail>, i64)> {
    with_conn!(conn, |c| {
        let query = || {
            let mut query = mail_outbox::table.into_boxed();
            if let Some(status) = status {
                query = query.filter(mail_outbox::status.eq(status));
            }
            query
        };
        let total = query().count().get_result(c)?;
        let rows = query()
            .order(mail_outbox::id.desc())
            .offset(offset)
            .limit(limit)
            .select(Mail::as_select())
            .load(c)?;
        Ok((rows, total))
    })
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Mail>> {
    with_conn!(conn, |c| mail_outbox::table.find(id).select(Mail::as_select()).first(c).optional())
}

/// Gives a failed row a fresh set of attempts, due now; false unless it had failed.
pub fn retry(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<bool> {
    let changed = with_conn!(conn, |c| diesel::update(
        mail_outbox::table.filter(mail_outbox::id.eq(id)).filter(mail_outbox::status.eq(MailStatus::Failed))
    )
    .set((
        mail_outbox::status.eq(MailStatus::Pending),
        mail_outbox::attempts.eq(0),
        mail_outbox::next_attempt_at.eq(now),
    ))
    .execute(c))?;
    Ok(changed == 1)
}

/// Marks every row not sent yet as never to be sent; returns how many.
pub fn suppress_unsent(conn: &mut DbConn) -> QueryResult<usize> {
    with_conn!(conn, |c| diesel::update(
        mail_outbox::table.filter(mail_outbox::status.eq_any([MailStatus::Pending, MailStatus::Digest]))
    )
    .set(mail_outbox::status.eq(MailStatus::Suppressed))
    .execute(c))
}

/// Rows waiting for the daily digest, as (id, recipient user), oldest first.
pub fn waiting_for_digest(conn: &mut DbConn) -> QueryResult<Vec<(i64, UserId)>> {
    with_conn!(conn, |c| mail_outbox::table
        .filter(mail_outbox::status.eq(MailStatus::Digest))
        .order(mail_outbox::id)
        .select((mail_outbox::id, mail_outbox::user_id))
        .load(c))
}

/// Moves the listed rows (still waiting) into digest `digest_id`; returns how many moved.
pub fn fold_into_digest(conn: &mut DbConn, ids: &[i64], digest_id: i64) -> QueryResult<usize> {
    with_conn!(conn, |c| diesel::update(
        mail_outbox::table
            .filter(mail_outbox::id.eq_any(ids))
            .filter(mail_outbox::status.eq(MailStatus::Digest))
    )
    .set((mail_outbox::status.eq(MailStatus::Digested), mail_outbox::digest_id.eq(digest_id)))
    .execute(c))
}

pub fn set_subject(conn: &mut DbConn, id: i64, subject: &str) -> QueryResult<()> {
    with_conn!(conn, |c| diesel::update(mail_outbox::table.find(id))
        .set(mail_outbox::subject.eq(subject))
        .execute(c))?;
    Ok(())
}

pub fn delete(conn: &mut DbConn, id: i64) -> QueryResult<()> {
    with_conn!(conn, |c| diesel::delete(mail_outbox::table.find(id)).execute(c))?;
    Ok(())
}

/// The notifications a digest lists, oldest first.
pub fn digest_items(conn: &mut DbConn, digest_id: i64) -> QueryResult<Vec<Notification>> {
    with_conn!(conn, |c| mail_outbox::table
        .inner_join(notifications::table)
        .filter(mail_outbox::digest_id.eq(digest_id))
        .order(notifications::id)
        .select(Notification::as_select())
        .load(c))
}

pub fn notification(conn: &mut DbConn, id: NotificationId) -> QueryResult<Option<Notification>> {
    with_conn!(conn, |c| notifications::table.find(id).select(Notification::as_select()).first(c).optional())
}
