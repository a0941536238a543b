use std::collections::HashMap;

use diesel::prelude::*;
use diesel::result::QueryResult;

use crate::clients::model::{
    Client, ClientChanges, Contact, ContactChanges, NewClient, NewContact, NewOwnerChange, OwnerChange,
};
use crate::db::schema::{client_owner_history, client_tags, clients, contacts};
use crate::db::search_outbox as outbox;
use crate::db::search_outbox::Target;
use crate::db::DbConn;
use crate::enums::ClientKind;
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
}

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
        let query = || {
            let mut query = clients::table.into_boxed();
            match (&name_pattern, &key_pattern) {
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
            if let Some(kind) = &filter.kind {
                query = query.filter(clients::kind.eq(*kind));
            }
            if let Some(owner) = filter.owner_id {
                query = query.filter(clients::owner_id.eq(owner));
            }
            if let Some(parent) = filter.parent_id {
                query = query.filter(clients::parent_id.eq(parent));
            }
            if let Some(tag) = &filter.tag {
                query = query.filter(
                    clients::id.eq_any(
                        client_tags::table
                            .filter(client_tags::tag.eq(tag.clone()))
                            .select(client_tags::client_id),
                    ),
                );
            }
            query
        };
        let total = query().count().get_result(c)?;
        let rows =
            query().order(clients::name).offset(offset).limit(limit).select(Client::as_select()).load(c)?;
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
