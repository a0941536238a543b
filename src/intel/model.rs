use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::intel;
use crate::enums::{IntelStatus, Source};
use crate::ids::ClientId;
use crate::ids::IntelId;
use crate::ids::UserId;

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
    pub source: Source,
    pub observed_at: NaiveDateTime,
    pub completeness: f64,
    pub status: IntelStatus,
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
    /// A legacy record loaded by `zhiku import`: it never pays points.
    pub imported: bool,
    /// The template keys that were sensitive when the values were written (JSON array).
    pub sensitive_keys: String,
    /// Marked urgent by a reviewer: its notifications skip the digests.
    pub urgent: bool,
}

impl Intel {
    pub fn is_private(&self) -> bool {
        self.source == Source::Private
    }

    pub fn field_values(&self) -> serde_json::Map<String, serde_json::Value> {
        serde_json::from_str(&self.fields).unwrap_or_default()
    }

    /// The keys that were sensitive when the values were written.
    pub fn recorded_sensitive_keys(&self) -> Vec<String> {
        serde_json::from_str(&self.sensitive_keys).unwrap_or_default()
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
    pub source: Source,
    pub observed_at: NaiveDateTime,
    pub completeness: f64,
    pub status: IntelStatus,
    pub revision: i32,
    pub supersedes_id: Option<IntelId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub submitted_at: Option<NaiveDateTime>,
    /// Set only by `zhiku import`, which stores entries already decided.
    pub decided_at: Option<NaiveDateTime>,
    pub adopted_at: Option<NaiveDateTime>,
    pub quality: Option<f64>,
    pub imported: bool,
    pub sensitive_keys: String,
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
    pub source: Option<Source>,
    pub observed_at: Option<NaiveDateTime>,
    pub completeness: Option<f64>,
    pub sensitive_keys: Option<String>,
    pub status: Option<IntelStatus>,
    pub revision: Option<i32>,
    pub submitted_at: Option<NaiveDateTime>,
    pub updated_at: Option<NaiveDateTime>,
}
