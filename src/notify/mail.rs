use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::schema::mail_outbox;
use crate::enums::{MailStatus, NotificationKind};
use crate::ids::NotificationId;
use crate::ids::UserId;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = mail_outbox)]
pub struct Mail {
    pub id: i64,
    pub user_id: UserId,
    pub recipient: String,
    pub kind: NotificationKind,
    pub subject: String,
    pub notification_id: Option<NotificationId>,
    pub digest_id: Option<i64>,
    pub payload: String,
    pub status: MailStatus,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub lease_until: Option<NaiveDateTime>,
    pub claim: Option<String>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = mail_outbox)]
pub struct NewMail {
    pub user_id: UserId,
    pub recipient: String,
    pub kind: NotificationKind,
    pub subject: String,
    pub notification_id: Option<NotificationId>,
    pub payload: String,
    pub status: MailStatus,
    pub next_attempt_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

/// An outbox row as admins see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct MailView {
    pub id: i64,
    pub user_id: UserId,
    pub recipient: String,
    pub kind: NotificationKind,
    pub subject: String,
    pub status: MailStatus,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub next_attempt_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

impl From<Mail> for MailView {
    fn from(m: Mail) -> Self {
        MailView {
            id: m.id,
            user_id: m.user_id,
            recipient: m.recipient,
            kind: m.kind,
            subject: m.subject,
            status: m.status,
            attempts: m.attempts,
            last_error: m.last_error,
            next_attempt_at: m.next_attempt_at.and_utc(),
            created_at: m.created_at.and_utc(),
            sent_at: m.sent_at.map(|t| t.and_utc()),
        }
    }
}
