use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::schema::{client_losses, client_owner_history, clients, contacts};
use crate::enums::{ClientKind, ClientSegment, ClientStatus, LossOutcome};
use crate::ids::UserId;
use crate::ids::{ClientId, ContactId};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = clients)]
pub struct Client {
    pub id: ClientId,
    pub kind: ClientKind,
    pub name: String,
    pub pinyin: String,
    pub initials: String,
    pub aliases: String,
    pub industry: Option<String>,
    pub region: Option<String>,
    pub tier: Option<String>,
    pub status: ClientStatus,
    pub owner_id: Option<UserId>,
    pub parent_id: Option<ClientId>,
    pub created_by: UserId,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub segment: Option<ClientSegment>,
    /// The contract end of the latest adopted business entry (kept by the review path).
    pub contract_end: Option<NaiveDate>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = clients)]
pub struct NewClient {
    pub kind: ClientKind,
    pub name: String,
    pub pinyin: String,
    pub initials: String,
    pub aliases: String,
    pub industry: Option<String>,
    pub region: Option<String>,
    pub tier: Option<String>,
    pub status: ClientStatus,
    pub owner_id: Option<UserId>,
    pub parent_id: Option<ClientId>,
    pub created_by: UserId,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub segment: Option<ClientSegment>,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = clients)]
pub struct ClientChanges {
    pub name: Option<String>,
    pub pinyin: Option<String>,
    pub initials: Option<String>,
    pub aliases: Option<String>,
    pub industry: Option<Option<String>>,
    pub region: Option<Option<String>>,
    pub tier: Option<Option<String>>,
    pub status: Option<ClientStatus>,
    pub owner_id: Option<Option<UserId>>,
    pub parent_id: Option<Option<ClientId>>,
    pub segment: Option<Option<ClientSegment>>,
    pub updated_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = client_owner_history)]
pub struct OwnerChange {
    pub id: i64,
    pub client_id: ClientId,
    pub from_owner_id: Option<UserId>,
    pub to_owner_id: Option<UserId>,
    pub changed_by: UserId,
    pub note: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = client_owner_history)]
pub struct NewOwnerChange<'a> {
    pub client_id: ClientId,
    pub from_owner_id: Option<UserId>,
    pub to_owner_id: Option<UserId>,
    pub changed_by: UserId,
    pub note: &'a str,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = contacts)]
pub struct Contact {
    pub id: ContactId,
    pub client_id: ClientId,
    pub name: String,
    pub title: String,
    pub is_decision_maker: bool,
    pub phone: String,
    pub notes: String,
    pub created_by: UserId,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = contacts)]
pub struct NewContact {
    pub client_id: ClientId,
    pub name: String,
    pub title: String,
    pub is_decision_maker: bool,
    pub phone: String,
    pub notes: String,
    pub created_by: UserId,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = contacts)]
pub struct ContactChanges {
    pub name: Option<String>,
    pub title: Option<String>,
    pub is_decision_maker: Option<bool>,
    pub phone: Option<String>,
    pub notes: Option<String>,
    pub updated_at: Option<NaiveDateTime>,
}

/// A client marked lost or at risk: why, to whom, since when; closed when
/// won back or kept.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = client_losses)]
pub struct Loss {
    pub id: i64,
    pub client_id: ClientId,
    pub status: ClientStatus,
    /// A JSON array of `LossReason`s.
    pub reasons: String,
    pub competitor: Option<String>,
    pub occurred_on: NaiveDate,
    pub note: String,
    pub recorded_by: UserId,
    pub recorded_at: NaiveDateTime,
    pub outcome: Option<LossOutcome>,
    pub closed_on: Option<NaiveDate>,
    pub closed_by: Option<UserId>,
    pub closed_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = client_losses)]
pub struct NewLoss {
    pub client_id: ClientId,
    pub status: ClientStatus,
    pub reasons: String,
    pub competitor: Option<String>,
    pub occurred_on: NaiveDate,
    pub note: String,
    pub recorded_by: UserId,
    pub recorded_at: NaiveDateTime,
}
