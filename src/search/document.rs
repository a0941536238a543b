//! Turning entries into index documents. Sensitive template values never
//! enter the index: everyone's queries run against it.

use std::collections::HashMap;

use diesel::prelude::*;
use diesel::result::QueryResult;
use tantivy::schema::Term;
use tantivy::TantivyDocument;

use crate::categories::model::Category;
use crate::categories::store as categories;
use crate::categories::template;
use crate::clients::model::Client;
use crate::clients::pinyin;
use crate::clients::store as clients;
use crate::db::schema::{intel, intel_clients};
use crate::db::DbConn;
use crate::ids::ClientId;
use crate::ids::IntelId;
use crate::ids::UserId;
use crate::intel::model::{Intel, Subject};
use crate::intel::store as intel_store;
use crate::search::analysis::FIELD_SEPARATOR;
use crate::search::index::{
    category_code, facet_code, kind_code, status_code, IndexFields, MARKET_KIND_CODE,
};
use crate::users::model::User;
use crate::users::store as users;
use crate::with_conn;

/// Everything needed to index a batch of entries, loaded in bulk.
pub struct Context {
    /// Every client each entry is about.
    named: HashMap<IntelId, Vec<ClientId>>,
    clients: HashMap<ClientId, Client>,
    tags: HashMap<ClientId, Vec<String>>,
    authors: HashMap<UserId, User>,
    categories: HashMap<String, Category>,
}

impl Context {
    pub fn load(conn: &mut DbConn, entries: &[Intel]) -> QueryResult<Context> {
        let ids: Vec<IntelId> = entries.iter().map(|e| e.id).collect();
        let named = intel_store::clients_of(conn, &ids)?;
        let client_ids: Vec<ClientId> = named.values().flatten().copied().collect();
        let author_ids: Vec<UserId> = entries.iter().map(|e| e.author_id).collect();
        Ok(Context {
            named,
            clients: clients::find_many(conn, &client_ids)?,
            tags: clients::tags_of(conn, &client_ids)?,
            authors: users::find_users(conn, &author_ids)?.into_iter().map(|u| (u.id, u)).collect(),
            categories: categories::list(conn)?.into_iter().map(|c| (c.key.clone(), c)).collect(),
        })
    }
}

/// The searchable text of an entry: title, body, non-sensitive template values
/// and its clients' names, separated so that no phrase spans two of them.
pub fn searchable_text(entry: &Intel, category: Option<&Category>, client_names: &[&str]) -> String {
    let values = entry.field_values();
    let mut parts = vec![entry.title.clone(), entry.body.clone()];
    if let Some(category) = category {
        let recorded = entry.recorded_sensitive_keys();
        for field in
            category.fields.iter().filter(|f| !template::is_sensitive(&category.fields, &recorded, &f.key))
        {
            match values.get(&field.key) {
                Some(serde_json::Value::String(s)) => parts.push(s.clone()),
                Some(serde_json::Value::Number(n)) => parts.push(n.to_string()),
                _ => {}
            }
        }
    }
    parts.extend(client_names.iter().map(|n| (*n).to_owned()));
    parts.join(&FIELD_SEPARATOR.to_string())
}

pub fn document(fields: &IndexFields, entry: &Intel, context: &Context) -> TantivyDocument {
    let subject =
        Subject::new(entry.client_id, context.named.get(&entry.id).map(Vec::as_slice).unwrap_or_default());
    let clients: Vec<&Client> = subject.clients().iter().filter_map(|c| context.clients.get(c)).collect();
    // The kind facet counts an entry once: by its first client (none: the whole market).
    let client = clients.first().copied();
    let author = context.authors.get(&entry.author_id);
    let category = context.categories.get(&entry.category);
    let client_names: Vec<&str> = clients.iter().map(|c| c.name.as_str()).collect();
    let text = searchable_text(entry, category, &client_names);

    let mut doc = TantivyDocument::default();
    doc.add_u64(fields.id, entry.id.0 as u64);
    doc.add_u64(fields.status, status_code(entry.status));
    let category_code = category_code(&entry.category);
    doc.add_u64(fields.category, category_code.unwrap_or(u64::MAX));
    let kind = match client {
        Some(client) => kind_code(client.kind),
        None if subject.clients().is_empty() => MARKET_KIND_CODE,
        None => u64::MAX,
    };
    doc.add_u64(fields.client_kind, kind);
    doc.add_u64(fields.facet, facet_code(category_code, kind));
    for client in subject.clients() {
        doc.add_u64(fields.client_id, client.0 as u64);
    }
    doc.add_u64(fields.author_id, entry.author_id.0 as u64);
    doc.add_u64(fields.department_id, author.and_then(|a| a.department_id).map_or(0, |d| d.0 as u64));
    for tag in subject.clients().iter().filter_map(|c| context.tags.get(c)).flatten() {
        doc.add_text(fields.tags, tag);
    }
    let date = entry.adopted_at.or(entry.submitted_at).unwrap_or(entry.created_at);
    doc.add_i64(fields.date, date.and_utc().timestamp_millis());
    doc.add_f64(fields.quality, entry.quality.unwrap_or(0.0));
    doc.add_text(fields.title, &entry.title);
    doc.add_text(fields.text, &text);
    doc.add_text(fields.grams, &text);
    let mut names: String = clients.iter().map(|c| format!("{} {} ", c.pinyin, c.initials)).collect();
    if let Some(author) = author {
        let (full, initials) = pinyin::keys(&author.real_name);
        names.push_str(&format!(" {full} {initials}"));
    }
    doc.add_text(fields.names, names.trim_start());
    doc
}

pub fn id_term(fields: &IndexFields, id: IntelId) -> Term {
    Term::from_field_u64(fields.id, id.0 as u64)
}

/// Entries by id, by client or by author.
pub fn entries_by_ids(conn: &mut DbConn, ids: &[IntelId]) -> QueryResult<Vec<Intel>> {
    with_conn!(conn, |c| intel::table.filter(intel::id.eq_any(ids)).select(Intel::as_select()).load(c))
}

pub fn entry_ids_of_client(conn: &mut DbConn, client: ClientId) -> QueryResult<Vec<IntelId>> {
    with_conn!(conn, |c| intel_clients::table
        .filter(intel_clients::client_id.eq(client))
        .select(intel_clients::intel_id)
        .load(c))
}

pub fn entry_ids_of_author(conn: &mut DbConn, author: UserId) -> QueryResult<Vec<IntelId>> {
    with_conn!(conn, |c| intel::table.filter(intel::author_id.eq(author)).select(intel::id).load(c))
}

/// A page of all entries in id order, for a full reindex.
pub fn entries_after(conn: &mut DbConn, after: IntelId, limit: i64) -> QueryResult<Vec<Intel>> {
    with_conn!(conn, |c| intel::table
        .filter(intel::id.gt(after))
        .order(intel::id)
        .limit(limit)
        .select(Intel::as_select())
        .load(c))
}

pub fn count_entries(conn: &mut DbConn) -> QueryResult<i64> {
    with_conn!(conn, |c| intel::table.count().get_result(c))
}
