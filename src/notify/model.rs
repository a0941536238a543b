//! In-app notifications: rows and the API shape.

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::schema::notifications;
use crate::enums::NotificationKind;
use crate::ids::{ClientId, IntelId, NotificationId, UserId};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = notifications)]
pub struct Notification {
    pub id: NotificationId,
    pub user_id: UserId,
    pub kind: NotificationKind,
    pub title: String,
    pub body: String,
    pub intel_id: Option<IntelId>,
    pub client_id: Option<ClientId>,
    pub created_at: NaiveDateTime,
    pub read_at: Option<NaiveDateTime>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationView {
    pub id: NotificationId,
    pub kind: NotificationKind,
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
    pub kind: NotificationKind,
    pub title: String,
    pub body: String,
    pub intel_id: Option<IntelId>,
    pub client_id: Option<ClientId>,
    pub created_at: NaiveDateTime,
}

impl NewNotification {
    pub fn new(
        user: UserId,
        kind: NotificationKind,
        title: impl Into<String>,
        body: impl Into<String>,
    ) -> Self {
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

    /// The client it is about, if any (a market-wide entry has none).
    pub fn client(mut self, id: impl Into<Option<ClientId>>) -> Self {
        self.client_id = id.into();
        self
    }
}
