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
    /// The client the entry is about; `None` for a competitor entry about the
    /// whole market or about several clients named without a first one. Every
    /// client an entry is about is in `intel_clients` (see [`Subject`]).
    pub client_id: Option<ClientId>,
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
    pub client_id: Option<ClientId>,
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

/// Who an entry is about: its client (`client_id`, shown as the entry's
/// client) and every client it names, that one first. Only a competitor entry
/// may name none (a tariff or campaign that concerns the whole market) or
/// several.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Subject {
    primary: Option<ClientId>,
    clients: Vec<ClientId>,
}

impl Subject {
    /// `client_id` and `client_ids` as given, the first one first, each once.
    pub fn new(client_id: Option<ClientId>, client_ids: &[ClientId]) -> Self {
        let mut clients: Vec<ClientId> = client_id.into_iter().collect();
        for id in client_ids {
            if !clients.contains(id) {
                clients.push(*id);
            }
        }
        Subject { primary: client_id, clients }
    }

    pub fn one(client: ClientId) -> Self {
        Subject::new(Some(client), &[])
    }

    /// The entry's client, shown as `client`.
    pub fn primary(&self) -> Option<ClientId> {
        self.primary
    }

    /// Every client the entry is about.
    pub fn clients(&self) -> &[ClientId] {
        &self.clients
    }

    /// Whether the entry is about exactly one client, given as its client.
    pub fn is_single(&self) -> bool {
        self.primary.is_some() && self.clients.len() == 1
    }
}
