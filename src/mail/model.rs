use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::schema::mail_outbox;
use crate::users::model::UserId;

/// Where a mail is in its life (see the migration for the transitions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MailStatus {
    /// Waits for the recipient's daily digest.
    Digest,
    /// Listed in a digest mail (`digest_id`).
    Digested,
    /// Waits for the sender (`next_attempt_at`).
    Pending,
    /// Claimed by a sender until `lease_until`.
    Sending,
    Sent,
    /// Gave up after the last attempt, or the server refused it for good.
    Failed,
    /// Never to be sent (mail about the demo's made-up past).
    Suppressed,
}

impl MailStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MailStatus::Digest => "digest",
            MailStatus::Digested => "digested",
            MailStatus::Pending => "pending",
            MailStatus::Sending => "sending",
            MailStatus::Sent => "sent",
            MailStatus::Failed => "failed",
            MailStatus::Suppressed => "suppressed",
        }
    }
}

/// Mail kinds beyond the notification kinds (which a notification's mail takes over).
pub mod kind {
    pub const DAILY_DIGEST: &str = "daily_digest";
    pub const WEEKLY_DIGEST: &str = "weekly_digest";
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = mail_outbox)]
pub struct Mail {
    pub id: i64,
    pub user_id: UserId,
    pub recipient: String,
    pub kind: String,
    pub subject: String,
    pub notification_id: Option<i64>,
    pub digest_id: Option<i64>,
    pub payload: String,
    pub status: String,
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
    pub kind: String,
    pub subject: String,
    pub notification_id: Option<i64>,
    pub payload: String,
    pub status: &'static str,
    pub next_attempt_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

/// An outbox row as admins see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct MailView {
    pub id: i64,
    pub user_id: UserId,
    pub recipient: String,
    pub kind: String,
    pub subject: String,
    pub status: String,
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
