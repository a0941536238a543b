use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel_derive_newtype::DieselNewType;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::clients::model::ClientId;
use crate::db::schema::intel;
use crate::users::model::UserId;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, DieselNewType, Serialize, Deserialize, ToSchema,
)]
#[serde(transparent)]
pub struct IntelId(pub i64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum IntelStatus {
    Draft,
    Submitted,
    Adopted,
    Rejected,
    NeedsRevision,
    Duplicate,
    /// Replaced by an adopted revision.
    Superseded,
    /// Found false after adoption.
    Retracted,
}

impl IntelStatus {
    pub const ALL: [IntelStatus; 8] = [
        IntelStatus::Draft,
        IntelStatus::Submitted,
        IntelStatus::Adopted,
        IntelStatus::Rejected,
        IntelStatus::NeedsRevision,
        IntelStatus::Duplicate,
        IntelStatus::Superseded,
        IntelStatus::Retracted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            IntelStatus::Draft => "draft",
            IntelStatus::Submitted => "submitted",
            IntelStatus::Adopted => "adopted",
            IntelStatus::Rejected => "rejected",
            IntelStatus::NeedsRevision => "needs_revision",
            IntelStatus::Duplicate => "duplicate",
            IntelStatus::Superseded => "superseded",
            IntelStatus::Retracted => "retracted",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// Statuses every employee may read.
    pub const PUBLIC: [&'static str; 2] = ["adopted", "superseded"];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Public information (news, registries, websites).
    Public,
    /// Learned in person; earns a bonus when adopted.
    Private,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Public => "public",
            Source::Private => "private",
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = intel)]
pub struct Intel {
    pub id: IntelId,
    pub client_id: ClientId,
    pub category: String,
    pub author_id: UserId,
    pub title: String,
    pub body: String,
    pub fields: String,
    pub source: String,
    pub observed_at: NaiveDateTime,
    pub completeness: f64,
    pub status: String,
    pub revision: i32,
    pub supersedes_id: Option<IntelId>,
    pub duplicate_of: Option<IntelId>,
    pub quality: Option<f64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub submitted_at: Option<NaiveDateTime>,
    pub decided_at: Option<NaiveDateTime>,
    pub adopted_at: Option<NaiveDateTime>,
    pub verified_at: Option<NaiveDateTime>,
}

impl Intel {
    pub fn status(&self) -> IntelStatus {
        IntelStatus::parse(&self.status).unwrap_or(IntelStatus::Draft)
    }

    pub fn is_private(&self) -> bool {
        self.source == Source::Private.as_str()
    }

    pub fn field_values(&self) -> serde_json::Map<String, serde_json::Value> {
        serde_json::from_str(&self.fields).unwrap_or_default()
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = intel)]
pub struct NewIntel {
    pub client_id: ClientId,
    pub category: String,
    pub author_id: UserId,
    pub title: String,
    pub body: String,
    pub fields: String,
    pub source: String,
    pub observed_at: NaiveDateTime,
    pub completeness: f64,
    pub status: String,
    pub revision: i32,
    pub supersedes_id: Option<IntelId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub submitted_at: Option<NaiveDateTime>,
    /// Set only by `zhiku import`, which stores entries already decided.
    pub decided_at: Option<NaiveDateTime>,
    pub adopted_at: Option<NaiveDateTime>,
    pub quality: Option<f64>,
}

/// The editable content of an entry.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = intel)]
pub struct IntelContent {
    pub client_id: Option<ClientId>,
    pub category: Option<String>,
    pub title: Option<String>,
    pub body: Option<String>,
    pub fields: Option<String>,
    pub source: Option<String>,
    pub observed_at: Option<NaiveDateTime>,
    pub completeness: Option<f64>,
    pub status: Option<String>,
    pub revision: Option<i32>,
    pub submitted_at: Option<NaiveDateTime>,
    pub updated_at: Option<NaiveDateTime>,
}
