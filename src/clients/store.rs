use std::collections::HashMap;

use diesel::prelude::*;
use diesel::result::QueryResult;

use chrono::{NaiveDate, NaiveDateTime};

use crate::clients::model::{
    Client, ClientChanges, Contact, ContactChanges, Loss, NewClient, NewContact, NewLoss, NewOwnerChange,
    OwnerChange,
};
use crate::db::schema::{
    client_losses, client_owner_history, client_tags, clients, contact_tags, contacts, intel,
};
use crate::db::search_outbox as outbox;
use crate::db::search_outbox::Target;
use crate::db::DbConn;
use crate::enums::{ClientKind, ClientSegment, ClientStatus, IntelStatus, LossOutcome, LossReason};
use crate::ids::ClientId;
use crate::ids::ContactId;
use crate::ids::UserId;
use crate::text::escape_like;
use crate::with_conn;

pub fn insert(conn: &mut DbConn, client: &NewClient) -> QueryResult<Client> {
    with_conn!(conn, |c| diesel::insert_into(clients::table)
        .values(client)
        .returning(Client::as_returning())
        .get_result(c))
}

pub fn find(conn: &mut DbConn, id: ClientId) -> QueryResult<Option<Client>> {
    with_conn!(conn, |c| clients::table.find(id).select(Client::as_select()).first(c).optional())
}

pub fn find_by_name(conn: &mut DbConn, kind: ClientKind, name: &str) -> QueryResult<Option<Client>> {
    with_conn!(conn, |c| clients::table
        .filter(clients::kind.eq(kind))
        .filter(clients::name.eq(name))
        .select(Client::as_select())
        .first(c)
        .optional())
}

pub fn find_many(conn: &mut DbConn, ids: &[ClientId]) -> QueryResult<HashMap<ClientId, Client>> {
    let rows = with_conn!(conn, |c| clients::table
        .filter(clients::id.eq_any(ids))
        .select(Client::as_select())
        .load(c))?;
    Ok(rows.into_iter().map(|client| (client.id, client)).collect())
}

/// Updates a client; its entries are re-indexed (they carry its name and kind).
pub fn update(conn: &mut DbConn, id: ClientId, changes: &ClientChanges) -> QueryResult<Client> {
    let client = with_conn!(conn, |c| diesel::update(clients::table.find(id))
        .set(changes)
        .returning(Client::as_returning())
        .get_result(c))?;
    outbox::enqueue(conn, Target::Client(id))?;
    Ok(client)
}

/// Filters of the client list.
#[derive(Debug, Default, Clone)]
pub struct ClientFilter {
    /// Part of the name, the full pinyin or the initials.
    pub q: Option<String>,
    pub kind: Option<ClientKind>,
    pub tag: Option<String>,
    pub owner_id: Option<UserId>,
    pub parent_id: Option<ClientId>,
    pub status: Option<ClientStatus>,
    pub tier: Option<String>,
    /// Part of the industry (物流 finds 港口物流 and 冷链物流).
    pub industry: Option<String>,
    /// Part of the region.
    pub region: Option<String>,
    pub segment: Option<ClientSegment>,
    /// Contracts ending between these days (inclusive).
    pub contract_end: Option<(NaiveDate, NaiveDate)>,
    pub sort: ClientSort,
    pub descending: bool,
}

/// The client list's order; ties by id.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClientSort {
    /// By full pinyin (拼音), the order people look names up in.
    #[default]
    Pinyin,
    Name,
    Industry,
    Region,
    Tier,
    Status,
    Segment,
    ContractEnd,
    CreatedAt,
    UpdatedAt,
}

/// A boxed query over `clients` narrowed to `$filter`'s clients (inside
/// `with_conn!`, where the backend is known).
macro_rules! narrowed {
    ($filter:expr, $name:expr, $key:expr) => {{
        let filter: &ClientFilter = $filter;
        let mut query = clients::table.into_boxed();
        match ($name, $key) {
            (Some(name), Some(key)) => {
                query = query.filter(
                    clients::name
                        .like(name.clone())
                        .escape('\\')
                        .or(clients::aliases.like(name.clone()).escape('\\'))
                        .or(clients::pinyin.like(key.clone()).escape('\\'))
                        .or(clients::initials.like(key.clone()).escape('\\')),
                )
            }
            (Some(name), None) => {
                query = query.filter(
                    clients::name
                        .like(name.clone())
                        .escape('\\')
                        .or(clients::aliases.like(name.clone()).escape('\\')),
                )
            }
            _ => {}
        }
        if let Some(kind) = filter.kind {
            query = query.filter(clients::kind.eq(kind));
        }
        if let Some(owner) = filter.owner_id {
            query = query.filter(clients::owner_id.eq(owner));
        }
        if let Some(parent) = filter.parent_id {
            query = query.filter(clients::parent_id.eq(parent));
        }
        if let Some(status) = filter.status {
            query = query.filter(clients::status.eq(status));
        }
        if let Some(tier) = &filter.tier {
            query = query.filter(clients::tier.eq(tier.clone()));
        }
        if let Some(industry) = &filter.industry {
            query = query.filter(clients::industry.like(format!("%{}%", escape_like(industry))).escape('\\'));
        }
        if let Some(region) = &filter.region {
            query = query.filter(clients::region.like(format!("%{}%", escape_like(region))).escape('\\'));
        }
        if let Some(segment) = filter.segment {
            query = query.filter(clients::segment.eq(segment));
        }
        if let Some((from, to)) = filter.contract_end {
            query = query.filter(clients::contract_end.ge(from).and(clients::contract_end.le(to)));
        }
        if let Some(tag) = &filter.tag {
            query = query.filter(clients::id.eq_any(
                client_tags::table.filter(client_tags::tag.eq(tag.clone())).select(client_tags::client_id),
            ));
        }
        query
    }};
}

/// `$query` in `$filter`'s order: the sort column (empty values last on
/// both backends), then id.
macro_rules! ordered {
    ($query:expr, $filter:expr) => {{
        let (query, descending) = ($query, $filter.descending);
        macro_rules! by {
            ($column:expr) => {
                if descending {
                    query.then_order_by($column.desc()).then_order_by(clients::id.desc())
                } else {
                    query.then_order_by($column.asc()).then_order_by(clients::id.asc())
                }
            };
        }
        macro_rules! by_nullable {
            ($column:expr) => {{
                let query = query.then_order_by($column.is_null());
                if descending {
                    query.then_order_by($column.desc()).then_order_by(clients::id.desc())
                } else {
                    query.then_order_by($column.asc()).then_order_by(clients::id.asc())
                }
            }};
        }
        match $filter.sort {
            ClientSort::Pinyin => by!(clients::pinyin),
            ClientSort::Name => by!(clients::name),
            ClientSort::Industry => by_nullable!(clients::industry),
            ClientSort::Region => by_nullable!(clients::region),
            ClientSort::Tier => by_nullable!(clients::tier),
            ClientSort::Status => by!(clients::status),
            ClientSort::Segment => by_nullable!(clients::segment),
            ClientSort::ContractEnd => by_nullable!(clients::contract_end),
            ClientSort::CreatedAt => by!(clients::created_at),
            ClientSort::UpdatedAt => by!(clients::updated_at),
        }
    }};
}

/// One page of the clients `filter` accepts, in its order, and how many there are.
pub fn search(
    conn: &mut DbConn,
    filter: &ClientFilter,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<Client>, i64)> {
    let name_pattern = filter.q.as_deref().map(|q| format!("%{}%", escape_like(q.trim())));
    let key_pattern = filter
        .q
        .as_deref()
        .map(crate::clients::pinyin::normalise_query)
        .filter(|k| !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric()))
        .map(|k| format!("%{}%", escape_like(&k)));
    with_conn!(conn, |c| {
        let total = narrowed!(filter, &name_pattern, &key_pattern).count().get_result(c)?;
        let rows = ordered!(narrowed!(filter, &name_pattern, &key_pattern), filter)
            .offset(offset)
            .limit(limit)
            .select(Client::as_select())
            .load(c)?;
        Ok((rows, total))
    })
}

pub fn set_tags(conn: &mut DbConn, client: ClientId, tags: &[String]) -> QueryResult<()> {
    with_conn!(conn, |c| {
        diesel::delete(client_tags::table.filter(client_tags::client_id.eq(client))).execute(c)?;
        let rows: Vec<_> = tags
            .iter()
            .map(|t| (client_tags::client_id.eq(client), client_tags::tag.eq(t.as_str())))
            .collect();
        diesel::insert_into(client_tags::table).values(&rows).execute(c)
    })?;
    Ok(())
}

pub fn tags_of(conn: &mut DbConn, ids: &[ClientId]) -> QueryResult<HashMap<ClientId, Vec<String>>> {
    let rows: Vec<(ClientId, String)> = with_conn!(conn, |c| client_tags::table
        .filter(client_tags::client_id.eq_any(ids))
        .order((client_tags::client_id, client_tags::tag))
        .select((client_tags::client_id, client_tags::tag))
        .load(c))?;
    let mut tags: HashMap<ClientId, Vec<String>> = HashMap::new();
    for (client, tag) in rows {
        tags.entry(client).or_default().push(tag);
    }
    Ok(tags)
}

pub fn record_owner_change(conn: &mut DbConn, change: &NewOwnerChange<'_>) -> QueryResult<()> {
    with_conn!(conn, |c| diesel::insert_into(client_owner_history::table).values(change).execute(c))?;
    Ok(())
}

pub fn owner_history(conn: &mut DbConn, client: ClientId) -> QueryResult<Vec<OwnerChange>> {
    with_conn!(conn, |c| client_owner_history::table
        .filter(client_owner_history::client_id.eq(client))
        .order(client_owner_history::id.desc())
        .select(OwnerChange::as_select())
        .load(c))
}

pub fn insert_contact(conn: &mut DbConn, contact: &NewContact) -> QueryResult<Contact> {
    with_conn!(conn, |c| diesel::insert_into(contacts::table)
        .values(contact)
        .returning(Contact::as_returning())
        .get_result(c))
}

pub fn find_contact(conn: &mut DbConn, id: ContactId) -> QueryResult<Option<Contact>> {
    with_conn!(conn, |c| contacts::table.find(id).select(Contact::as_select()).first(c).optional())
}

pub fn update_contact(conn: &mut DbConn, id: ContactId, changes: &ContactChanges) -> QueryResult<Contact> {
    with_conn!(conn, |c| diesel::update(contacts::table.find(id))
        .set(changes)
        .returning(Contact::as_returning())
        .get_result(c))
}

pub fn contacts_of(conn: &mut DbConn, client: ClientId) -> QueryResult<Vec<Contact>> {
    with_conn!(conn, |c| contacts::table
        .filter(contacts::client_id.eq(client))
        .order((contacts::is_decision_maker.desc(), contacts::id))
        .select(Contact::as_select())
        .load(c))
}

/// The people who own each client: its owner and its parent group's owner
/// (they read its pending entries and are told of them first).
pub fn owners(conn: &mut DbConn, ids: &[ClientId]) -> QueryResult<HashMap<ClientId, Vec<UserId>>> {
    let found = find_many(conn, ids)?;
    let parents: Vec<ClientId> = found.values().filter_map(|c| c.parent_id).collect();
    let parents = find_many(conn, &parents)?;
    Ok(found
        .values()
        .map(|client| {
            let parent_owner = client.parent_id.and_then(|p| parents.get(&p)).and_then(|p| p.owner_id);
            let mut people: Vec<UserId> = client.owner_id.into_iter().chain(parent_owner).collect();
            people.dedup();
            (client.id, people)
        })
        .collect())
}

/// The clients `user` owns, directly or as the owner of their group.
pub fn owned_by(conn: &mut DbConn, user: UserId) -> QueryResult<Vec<ClientId>> {
    with_conn!(conn, |c| {
        let groups: Vec<ClientId> =
            clients::table.filter(clients::owner_id.eq(user)).select(clients::id).load(c)?;
        let mut ids: Vec<ClientId> =
            clients::table.filter(clients::parent_id.eq_any(&groups)).select(clients::id).load(c)?;
        ids.extend(groups);
        ids.sort();
        ids.dedup();
        Ok(ids)
    })
}

pub fn set_contact_tags(conn: &mut DbConn, contact: ContactId, tags: &[String]) -> QueryResult<()> {
    with_conn!(conn, |c| {
        diesel::delete(contact_tags::table.filter(contact_tags::contact_id.eq(contact))).execute(c)?;
        let rows: Vec<_> = tags
            .iter()
            .map(|t| (contact_tags::contact_id.eq(contact), contact_tags::tag.eq(t.as_str())))
            .collect();
        diesel::insert_into(contact_tags::table).values(&rows).execute(c)
    })?;
    Ok(())
}

pub fn contact_tags_of(conn: &mut DbConn, ids: &[ContactId]) -> QueryResult<HashMap<ContactId, Vec<String>>> {
    let rows: Vec<(ContactId, String)> = with_conn!(conn, |c| contact_tags::table
        .filter(contact_tags::contact_id.eq_any(ids))
        .order((contact_tags::contact_id, contact_tags::tag))
        .select((contact_tags::contact_id, contact_tags::tag))
        .load(c))?;
    let mut tags: HashMap<ContactId, Vec<String>> = HashMap::new();
    for (contact, tag) in rows {
        tags.entry(contact).or_default().push(tag);
    }
    Ok(tags)
}

/// Sets each client's contract end to that of its latest adopted business
/// entry (none when it has none): after an adoption, a retraction, an import.
pub fn refresh_contract_ends(conn: &mut DbConn, ids: &[ClientId]) -> QueryResult<()> {
    for chunk in ids.chunks(500) {
        let rows: Vec<(ClientId, String)> = with_conn!(conn, |c| intel::table
            .inner_join(crate::db::schema::intel_clients::table)
            .filter(crate::db::schema::intel_clients::client_id.eq_any(chunk))
            .filter(intel::category.eq(crate::categories::model::BUSINESS))
            .filter(intel::status.eq(IntelStatus::Adopted))
            .order((intel::adopted_at.desc(), intel::id.desc()))
            .select((crate::db::schema::intel_clients::client_id, intel::fields))
            .load(c))?;
        let mut latest: HashMap<ClientId, Option<NaiveDate>> = chunk.iter().map(|id| (*id, None)).collect();
        let mut seen: std::collections::HashSet<ClientId> = std::collections::HashSet::new();
        for (client, fields) in rows {
            let end = serde_json::from_str::<serde_json::Value>(&fields).ok().and_then(|f| {
                f.get("contract_end")?.as_str().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            });
            if let Some(end) = end.filter(|_| !seen.contains(&client)) {
                seen.insert(client);
                latest.insert(client, Some(end));
            }
        }
        for (client, end) in latest {
            with_conn!(conn, |c| diesel::update(clients::table.find(client))
                .set(clients::contract_end.eq(end))
                .execute(c))?;
        }
    }
    Ok(())
}

/// Every client's contract end refreshed (the demo, bulk imports).
pub fn refresh_all_contract_ends(conn: &mut DbConn) -> QueryResult<()> {
    let ids: Vec<ClientId> = with_conn!(conn, |c| clients::table.select(clients::id).load(c))?;
    refresh_contract_ends(conn, &ids)
}

pub fn open_loss(conn: &mut DbConn, client: ClientId) -> QueryResult<Option<Loss>> {
    with_conn!(conn, |c| client_losses::table
        .filter(client_losses::client_id.eq(client))
        .filter(client_losses::closed_at.is_null())
        .select(Loss::as_select())
        .first(c)
        .optional())
}

pub fn insert_loss(conn: &mut DbConn, loss: &NewLoss) -> QueryResult<Loss> {
    with_conn!(conn, |c| diesel::insert_into(client_losses::table)
        .values(loss)
        .returning(Loss::as_returning())
        .get_result(c))
}

/// Restates an open loss: a client at risk is now lost, or the reasons changed.
pub fn restate_loss(conn: &mut DbConn, id: i64, loss: &NewLoss) -> QueryResult<Loss> {
    with_conn!(conn, |c| diesel::update(client_losses::table.find(id))
        .set((
            client_losses::status.eq(loss.status),
            client_losses::reasons.eq(&loss.reasons),
            client_losses::competitor.eq(&loss.competitor),
            client_losses::occurred_on.eq(loss.occurred_on),
            client_losses::note.eq(&loss.note),
            client_losses::recorded_by.eq(loss.recorded_by),
            client_losses::recorded_at.eq(loss.recorded_at),
        ))
        .returning(Loss::as_returning())
        .get_result(c))
}

pub fn close_loss(
    conn: &mut DbConn,
    id: i64,
    outcome: Option<LossOutcome>,
    on: NaiveDate,
    by: UserId,
    at: NaiveDateTime,
) -> QueryResult<()> {
    with_conn!(conn, |c| diesel::update(
        client_losses::table.find(id).filter(client_losses::closed_at.is_null())
    )
    .set((
        client_losses::outcome.eq(outcome),
        client_losses::closed_on.eq(Some(on)),
        client_losses::closed_by.eq(Some(by)),
        client_losses::closed_at.eq(Some(at)),
    ))
    .execute(c))?;
    Ok(())
}

/// Each client's open loss, else its latest.
pub fn current_losses(conn: &mut DbConn, ids: &[ClientId]) -> QueryResult<HashMap<ClientId, Loss>> {
    let rows: Vec<Loss> = with_conn!(conn, |c| client_losses::table
        .filter(client_losses::client_id.eq_any(ids))
        .order((client_losses::client_id, client_losses::recorded_at.desc(), client_losses::id.desc()))
        .select(Loss::as_select())
        .load(c))?;
    let mut current: HashMap<ClientId, Loss> = HashMap::new();
    for loss in rows {
        match current.get(&loss.client_id) {
            Some(kept) if kept.closed_at.is_none() || loss.closed_at.is_some() => {}
            _ => {
                current.insert(loss.client_id, loss);
            }
        }
    }
    Ok(current)
}

/// Losses that occurred between two days (inclusive), oldest first.
pub fn losses_between(conn: &mut DbConn, from: NaiveDate, to: NaiveDate) -> QueryResult<Vec<Loss>> {
    with_conn!(conn, |c| client_losses::table
        .filter(client_losses::occurred_on.ge(from).and(client_losses::occurred_on.le(to)))
        .order((client_losses::occurred_on, client_losses::id))
        .select(Loss::as_select())
        .load(c))
}

/// The reasons stored with a loss.
pub fn reasons_of(loss: &Loss) -> Vec<LossReason> {
    serde_json::from_str(&loss.reasons).unwrap_or_default()
}
