//! The API shapes of clients and contacts, built in bulk, with sensitive
//! contact details masked for readers who may not see them.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::result::QueryResult;
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::api::UserRef;
use crate::audit::SensitiveRead;
use crate::auth::extract::CurrentUser;
use crate::auth::policy;
use crate::categories::template::MASK;
use crate::clients::model::{Client, Contact, Loss};
use crate::clients::store;
use crate::db::DbConn;
use crate::enums::{ClientKind, ClientSegment, ClientStatus, LossOutcome, LossReason};
use crate::ids::UserId;
use crate::ids::{ClientId, ContactId};
use crate::users::view::user_refs;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClientView {
    pub id: ClientId,
    pub kind: ClientKind,
    pub name: String,
    pub pinyin: String,
    pub initials: String,
    pub aliases: Vec<String>,
    pub industry: Option<String>,
    pub region: Option<String>,
    pub tier: Option<String>,
    pub status: ClientStatus,
    pub owner: Option<UserRef>,
    pub parent_id: Option<ClientId>,
    pub tags: Vec<String>,
    pub segment: Option<ClientSegment>,
    /// The contract end of the latest adopted business entry.
    pub contract_end: Option<NaiveDate>,
    /// Its open loss (lost or at risk), else the latest closed one.
    pub loss: Option<LossView>,
}

/// A loss in the lost-client database.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LossView {
    pub id: i64,
    /// `lost` or `at_risk`.
    pub status: ClientStatus,
    pub reasons: Vec<LossReason>,
    pub competitor: Option<String>,
    pub occurred_on: NaiveDate,
    pub note: String,
    pub recorded_by: Option<UserRef>,
    pub recorded_at: DateTime<Utc>,
    /// `won_back` or `retained` once closed by marking the client active.
    pub outcome: Option<LossOutcome>,
    pub closed_on: Option<NaiveDate>,
}

/// Loss views, with who recorded them.
pub fn loss_views(conn: &mut DbConn, losses: Vec<Loss>) -> QueryResult<Vec<LossView>> {
    let recorders: Vec<UserId> = losses.iter().map(|l| l.recorded_by).collect();
    let names = user_refs(conn, &recorders)?;
    Ok(losses
        .into_iter()
        .map(|loss| LossView {
            reasons: store::reasons_of(&loss),
            recorded_by: names.get(&loss.recorded_by).cloned(),
            recorded_at: loss.recorded_at.and_utc(),
            id: loss.id,
            status: loss.status,
            competitor: loss.competitor,
            occurred_on: loss.occurred_on,
            note: loss.note,
            outcome: loss.outcome,
            closed_on: loss.closed_on,
        })
        .collect())
}

pub fn client_views(conn: &mut DbConn, clients: Vec<Client>) -> QueryResult<Vec<ClientView>> {
    let ids: Vec<ClientId> = clients.iter().map(|c| c.id).collect();
    let owner_ids: Vec<UserId> = clients.iter().filter_map(|c| c.owner_id).collect();
    let mut tags = HashMap::new();
    let mut losses = Vec::new();
    for chunk in ids.chunks(1000) {
        tags.extend(store::tags_of(conn, chunk)?);
        losses.extend(store::current_losses(conn, chunk)?.into_values());
    }
    let loss_clients: Vec<ClientId> = losses.iter().map(|l| l.client_id).collect();
    let mut losses: HashMap<ClientId, LossView> =
        loss_clients.into_iter().zip(loss_views(conn, losses)?).collect();
    let owners = user_refs(conn, &owner_ids)?;
    Ok(clients
        .into_iter()
        .map(|client| ClientView {
            tags: tags.remove(&client.id).unwrap_or_default(),
            owner: client.owner_id.and_then(|id| owners.get(&id).cloned()),
            aliases: client.aliases.split(',').filter(|a| !a.is_empty()).map(str::to_owned).collect(),
            loss: losses.remove(&client.id),
            id: client.id,
            kind: client.kind,
            name: client.name,
            pinyin: client.pinyin,
            initials: client.initials,
            industry: client.industry,
            region: client.region,
            tier: client.tier,
            status: client.status,
            parent_id: client.parent_id,
            segment: client.segment,
            contract_end: client.contract_end,
        })
        .collect())
}

pub fn client_view(conn: &mut DbConn, client: Client) -> QueryResult<ClientView> {
    Ok(client_views(conn, vec![client])?.remove(0))
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ContactView {
    pub id: ContactId,
    pub client_id: ClientId,
    pub name: String,
    pub title: String,
    pub is_decision_maker: bool,
    /// Sensitive: `***` unless the reader owns the client, reviews or administers.
    pub phone: String,
    /// Sensitive, like `phone`.
    pub notes: String,
    pub masked: bool,
    /// Interest tags (高尔夫, 网球 …), as on clients.
    pub tags: Vec<String>,
}

/// Contact views for `viewer`, and the sensitive values shown unmasked to
/// someone other than the contact's author, which the caller audits.
pub fn contact_views(
    viewer: &CurrentUser,
    client_owner: Option<UserId>,
    contacts: Vec<Contact>,
    tags: &mut HashMap<ContactId, Vec<String>>,
) -> (Vec<ContactView>, Vec<SensitiveRead>) {
    let may_unmask = policy::can_unmask(viewer, None, client_owner.as_slice());
    let mut views = Vec::with_capacity(contacts.len());
    let mut unmasked = Vec::new();
    for contact in contacts {
        let sensitive = !contact.phone.is_empty() || !contact.notes.is_empty();
        let hide = |value: String| if value.is_empty() || may_unmask { value } else { MASK.to_owned() };
        if sensitive && may_unmask && contact.created_by != viewer.id {
            unmasked.push(SensitiveRead {
                target_type: "contact",
                target_id: contact.id.0,
                detail: json!({"client_id": contact.client_id}),
            });
        }
        views.push(ContactView {
            tags: tags.remove(&contact.id).unwrap_or_default(),
            masked: sensitive && !may_unmask,
            id: contact.id,
            client_id: contact.client_id,
            name: contact.name,
            title: contact.title,
            is_decision_maker: contact.is_decision_maker,
            phone: hide(contact.phone),
            notes: hide(contact.notes),
        });
    }
    (views, unmasked)
}
