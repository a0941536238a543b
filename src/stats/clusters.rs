//! Interest clusters: how many clients carry each tag, the clients behind a
//! tag with their contacts, and that list as an audited spreadsheet.

use std::collections::{BTreeMap, HashMap};

use diesel::result::QueryResult;
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::audit;
use crate::audit::SensitiveRead;
use crate::auth::extract::CurrentUser;
use crate::clients::store as clients;
use crate::clients::view::{client_views, contact_views, ClientView, ContactView};
use crate::db::DbConn;
use crate::enums::AuditAction;
use crate::enums::ClientKind;
use crate::ids::ClientId;
use crate::stats::export::{Cell, Sheet};
use crate::stats::facts::{self, ClientFact};

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
    pub fn accepts(&self, client: &ClientFact) -> bool {
        self.kind.is_none_or(|k| k == client.kind)
            && self.tier.as_ref().is_none_or(|t| client.tier.as_ref() == Some(t))
            && self.region.as_ref().is_none_or(|r| client.region.as_ref() == Some(r))
    }
}

pub fn load(conn: &mut DbConn, filter: &ClientFilter) -> QueryResult<Vec<Cluster>> {
    Ok(clusters(&facts::clients(conn)?, filter))
}

/// Tags over clients, largest cluster first.
pub fn clusters(clients: &HashMap<ClientId, ClientFact>, filter: &ClientFilter) -> Vec<Cluster> {
    let mut clusters: BTreeMap<String, Cluster> = BTreeMap::new();
    for client in clients.values().filter(|c| filter.accepts(c)) {
        for tag in &client.tags {
            let cluster = clusters.entry(tag.clone()).or_insert_with(|| Cluster {
                tag: tag.clone(),
                clients: 0,
                groups: 0,
                individuals: 0,
            });
            cluster.clients += 1;
            if client.kind == ClientKind::Group {
                cluster.groups += 1;
            } else {
                cluster.individuals += 1;
            }
        }
    }
    let mut list: Vec<Cluster> = clusters.into_values().collect();
    list.sort_by(|a, b| b.clients.cmp(&a.clients).then_with(|| a.tag.cmp(&b.tag)));
    list
}

/// The clients behind a tag, by name.
pub fn cluster_members(
    clients: &HashMap<ClientId, ClientFact>,
    tag: &str,
    filter: &ClientFilter,
) -> Vec<ClientId> {
    let mut members: Vec<&ClientFact> =
        clients.values().filter(|c| filter.accepts(c) && c.tags.iter().any(|t| t == tag)).collect();
    members.sort_by(|a, b| a.name.cmp(&b.name));
    members.into_iter().map(|c| c.id).collect()
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClusterMember {
    pub client: ClientView,
    /// Contacts; phone and notes masked unless you own the client, review or administer.
    pub contacts: Vec<ContactView>,
}

/// The clients behind a tag with their contacts, as `me` may see them, and
/// the sensitive values shown (for the caller to audit).
pub fn members(
    conn: &mut DbConn,
    me: &CurrentUser,
    tag: &str,
    filter: &ClientFilter,
) -> QueryResult<(Vec<ClusterMember>, Vec<SensitiveRead>)> {
    let ids = cluster_members(&facts::clients(conn)?, tag, filter);
    let mut found = clients::find_many(conn, &ids)?;
    let rows: Vec<_> = ids.iter().filter_map(|id| found.remove(id)).collect();
    let owners: Vec<_> = rows.iter().map(|c| (c.id, c.owner_id)).collect();
    let views = client_views(conn, rows)?;
    let mut members = Vec::with_capacity(views.len());
    let mut unmasked = Vec::new();
    for (client, (id, owner)) in views.into_iter().zip(owners) {
        let (contacts, shown) = contact_views(me, owner, clients::contacts_of(conn, id)?);
        unmasked.extend(shown);
        members.push(ClusterMember { client, contacts });
    }
    Ok((members, unmasked))
}

/// The cluster as a contact list for an event, one row per contact (one for
/// a client without contacts); the export is audited, in the caller's transaction.
pub fn export(conn: &mut DbConn, me: &CurrentUser, tag: &str, filter: &ClientFilter) -> QueryResult<Sheet> {
    let (members, _) = members(conn, me, tag, filter)?;
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
    use crate::stats::facts::fixture::facts;

    #[test]
    fn clusters_count_clients_by_kind() {
        let c = clusters(&facts().clients, &ClientFilter::default());
        assert_eq!(c, vec![Cluster { tag: "高尔夫".into(), clients: 1, groups: 1, individuals: 0 }]);
        let individuals = ClientFilter { kind: Some(ClientKind::Individual), ..ClientFilter::default() };
        assert_eq!(clusters(&facts().clients, &individuals), vec![]);
        assert_eq!(cluster_members(&facts().clients, "高尔夫", &ClientFilter::default()), vec![ClientId(1)]);
    }
}
