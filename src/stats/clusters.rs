//! Interest clusters: how many clients carry each tag, the clients behind a
//! tag with their contacts, and that list as an audited spreadsheet.

use std::collections::HashMap;

use diesel::dsl::{case_when, count_star, sum};
use diesel::prelude::*;
use diesel::result::QueryResult;
use diesel::sql_types::Integer;
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::audit;
use crate::audit::SensitiveRead;
use crate::auth::extract::CurrentUser;
use crate::clients::model::{Client, Contact};
use crate::clients::store as client_store;
use crate::clients::view::{client_views, contact_views, ClientView, ContactView};
use crate::db::schema::{client_tags, clients, contact_tags, contacts};
use crate::db::DbConn;
use crate::enums::AuditAction;
use crate::enums::ClientKind;
use crate::ids::{ClientId, ContactId};
use crate::stats::export::{Cell, Sheet};
use crate::with_conn;

#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct Cluster {
    pub tag: String,
    pub clients: i64,
    pub groups: i64,
    pub individuals: i64,
}

/// Which clients a cluster view includes.
#[derive(Debug, Clone, Default)]
pub struct ClientFilter {
    pub kind: Option<ClientKind>,
    pub tier: Option<String>,
    pub region: Option<String>,
}

impl ClientFilter {
    /// `query` (over `clients`) narrowed to the clients this filter accepts.
    fn narrow<Q>(&self, mut query: Q) -> Q
    where
        Q: diesel::query_dsl::methods::FilterDsl<diesel::dsl::Eq<clients::kind, ClientKind>, Output = Q>
            + diesel::query_dsl::methods::FilterDsl<diesel::dsl::Eq<clients::tier, String>, Output = Q>
            + diesel::query_dsl::methods::FilterDsl<diesel::dsl::Eq<clients::region, String>, Output = Q>,
    {
        if let Some(kind) = self.kind {
            query = diesel::query_dsl::methods::FilterDsl::filter(query, clients::kind.eq(kind));
        }
        if let Some(tier) = &self.tier {
            query = diesel::query_dsl::methods::FilterDsl::filter(query, clients::tier.eq(tier.clone()));
        }
        if let Some(region) = &self.region {
            query = diesel::query_dsl::methods::FilterDsl::filter(query, clients::region.eq(region.clone()));
        }
        query
    }
}

/// Per tag: the clients `filter` accepts that carry it, themselves or on
/// one of their contacts (a group client's golfer), and how many are groups.
pub fn load(conn: &mut DbConn, filter: &ClientFilter) -> QueryResult<Vec<Cluster>> {
    let mut counts: Vec<(String, i64, Option<i64>)> = with_conn!(conn, |c| {
        let query = client_tags::table
            .inner_join(clients::table)
            .group_by(client_tags::tag)
            .select((
                client_tags::tag,
                count_star(),
                sum(case_when::<_, _, Integer>(clients::kind.eq(ClientKind::Group), 1).otherwise(0)),
            ))
            .into_boxed();
        filter.narrow(query).load(c)
    })?;
    // Clients in a cluster through a contact only (contacts belong to groups).
    let through_contacts: Vec<(String, i64)> = with_conn!(conn, |c| {
        let query = contact_tags::table
            .inner_join(contacts::table.inner_join(clients::table))
            .filter(diesel::dsl::not(diesel::dsl::exists(
                client_tags::table
                    .filter(client_tags::client_id.eq(contacts::client_id))
                    .filter(client_tags::tag.eq(contact_tags::tag)),
            )))
            .group_by(contact_tags::tag)
            .select((contact_tags::tag, diesel::dsl::count(contacts::client_id).aggregate_distinct()))
            .into_boxed();
        filter.narrow(query).load(c)
    })?;
    for (tag, clients) in through_contacts {
        match counts.iter_mut().find(|(t, _, _)| *t == tag) {
            Some(row) => {
                row.1 += clients;
                row.2 = Some(row.2.unwrap_or(0) + clients);
            }
            None => counts.push((tag, clients, Some(clients))),
        }
    }
    Ok(clusters(counts))
}

/// Clusters from (tag, clients, groups) counts, largest first, then by tag.
pub fn clusters(counts: Vec<(String, i64, Option<i64>)>) -> Vec<Cluster> {
    let mut list: Vec<Cluster> = counts
        .into_iter()
        .map(|(tag, clients, groups)| {
            let groups = groups.unwrap_or(0);
            Cluster { tag, clients, groups, individuals: clients - groups }
        })
        .collect();
    list.sort_by(|a, b| b.clients.cmp(&a.clients).then_with(|| a.tag.cmp(&b.tag)));
    list
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClusterMember {
    pub client: ClientView,
    /// Contacts (with their tags: those carrying the cluster's are who to
    /// invite); phone and notes masked unless you own the client, review or administer.
    pub contacts: Vec<ContactView>,
}

/// Which members to read: one page of them (by name), or all (for the export).
#[derive(Debug, Clone, Copy)]
pub enum Members {
    Page { offset: i64, limit: i64 },
    All,
}

/// The clients behind a tag — carrying it or with a contact carrying it —
/// of `which` (by name then id), and how many there are: the members are a
/// subquery, never a list of ids.
fn member_rows(
    conn: &mut DbConn,
    tag: &str,
    filter: &ClientFilter,
    which: Members,
) -> QueryResult<(Vec<Client>, i64)> {
    with_conn!(conn, |c| {
        let members = || {
            let tagged = client_tags::table.filter(client_tags::tag.eq(tag)).select(client_tags::client_id);
            let through_contact = contacts::table
                .filter(contacts::id.eq_any(
                    contact_tags::table.filter(contact_tags::tag.eq(tag)).select(contact_tags::contact_id),
                ))
                .select(contacts::client_id);
            filter.narrow(
                clients::table
                    .filter(clients::id.eq_any(tagged).or(clients::id.eq_any(through_contact)))
                    .into_boxed(),
            )
        };
        let total = members().count().get_result(c)?;
        let query = members().order((clients::name, clients::id)).select(Client::as_select());
        let rows = match which {
            Members::Page { offset, limit } => query.offset(offset).limit(limit).load(c)?,
            Members::All => query.load(c)?,
        };
        Ok((rows, total))
    })
}

/// The clients behind a tag (by name) with their contacts, as `me` may see
/// them, and the sensitive values shown (for the caller to audit).
pub fn members(
    conn: &mut DbConn,
    me: &CurrentUser,
    tag: &str,
    filter: &ClientFilter,
    which: Members,
) -> QueryResult<(Vec<ClusterMember>, i64, Vec<SensitiveRead>)> {
    let (clients, total) = member_rows(conn, tag, filter, which)?;
    let ids: Vec<ClientId> = clients.iter().map(|c| c.id).collect();
    let mut contacts_of: HashMap<ClientId, Vec<Contact>> = HashMap::new();
    for chunk in ids.chunks(1000) {
        let rows: Vec<Contact> = with_conn!(conn, |c| contacts::table
            .filter(contacts::client_id.eq_any(chunk))
            .order((contacts::client_id, contacts::is_decision_maker.desc(), contacts::id))
            .select(Contact::as_select())
            .load(c))?;
        for contact in rows {
            contacts_of.entry(contact.client_id).or_default().push(contact);
        }
    }
    let contact_ids: Vec<ContactId> = contacts_of.values().flatten().map(|c| c.id).collect();
    let mut contact_tags = HashMap::new();
    for chunk in contact_ids.chunks(1000) {
        contact_tags.extend(client_store::contact_tags_of(conn, chunk)?);
    }
    let views = client_views(conn, clients)?;
    let mut members = Vec::with_capacity(views.len());
    let mut unmasked = Vec::new();
    for client in views {
        let owner = client.owner.as_ref().map(|o| o.id);
        let (contacts, shown) =
            contact_views(me, owner, contacts_of.remove(&client.id).unwrap_or_default(), &mut contact_tags);
        unmasked.extend(shown);
        members.push(ClusterMember { client, contacts });
    }
    Ok((members, total, unmasked))
}

/// The cluster as a contact list for an event, one row per contact (one for
/// a client without contacts); the export is audited, in the caller's transaction.
pub fn export(conn: &mut DbConn, me: &CurrentUser, tag: &str, filter: &ClientFilter) -> QueryResult<Sheet> {
    let (members, _, _) = members(conn, me, tag, filter, Members::All)?;
    let mut rows = Vec::new();
    for m in &members {
        let client = || -> Vec<Cell> {
            vec![
                m.client.name.clone().into(),
                (if m.client.kind == ClientKind::Group { "集团" } else { "个人" }).into(),
                m.client.tier.clone().into(),
                m.client.region.clone().into(),
                m.client.owner.as_ref().map(|o| o.real_name.clone()).into(),
            ]
        };
        if m.contacts.is_empty() {
            rows.push(
                client().into_iter().chain([Cell::Empty, Cell::Empty, Cell::Empty, Cell::Empty]).collect(),
            );
        }
        for contact in &m.contacts {
            let mut row = client();
            row.extend([
                contact.name.clone().into(),
                contact.title.clone().into(),
                contact.phone.clone().into(),
                contact.notes.clone().into(),
            ]);
            rows.push(row);
        }
    }
    audit::record(
        conn,
        Some(me.id),
        AuditAction::ExportCluster,
        "tag",
        None,
        json!({"tag": tag, "clients": members.len(), "rows": rows.len()}),
    )?;
    Ok(Sheet {
        title: format!("兴趣群体 {tag}"),
        headers: vec!["客户", "类型", "等级", "区域", "客户经理", "联系人", "职务", "电话", "备注"],
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clusters_count_clients_by_kind_largest_first() {
        let counts = vec![
            ("机场贵宾".to_owned(), 1, Some(1)),
            ("高尔夫".to_owned(), 2, Some(1)),
            ("VIP".to_owned(), 1, None),
        ];
        assert_eq!(
            clusters(counts),
            vec![
                Cluster { tag: "高尔夫".into(), clients: 2, groups: 1, individuals: 1 },
                Cluster { tag: "VIP".into(), clients: 1, groups: 0, individuals: 1 },
                Cluster { tag: "机场贵宾".into(), clients: 1, groups: 1, individuals: 0 },
            ]
        );
        assert_eq!(clusters(vec![]), vec![]);
    }
}
