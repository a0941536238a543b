//! Assembles the dossier from the clients, intel and usage features.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::agenda::service::today;
use crate::api::UserRef;
use crate::audit;
use crate::auth::extract::CurrentUser;
use crate::auth::policy;
use crate::categories::store as categories;
use crate::clients::service::{self as clients, ClientError};
use crate::clients::store::{self as client_store, ClientFilter};
use crate::clients::view::{client_view, client_views, contact_views, ClientView, ContactView};
use crate::db::{write_tx, DbConn};
use crate::dossier::summary::{summaries, ClientSummary};
use crate::ids::{ClientId, UserId};
use crate::intel::store as intel_store;
use crate::intel::view::{intel_views, IntelView};
use crate::usage::store::{self as usages, UsageView};
use crate::users::view::user_refs;

/// Individuals listed in a group's dossier, at most.
const MAX_MEMBERS: i64 = 500;
/// Uses listed in a dossier (the newest), at most …
const MAX_USAGES: usize = 50;
/// … of the newest this many recorded on the client's entries.
const USAGES_READ: i64 = 200;

/// Which part of the timeline a dossier shows.
#[derive(Debug, Clone, Copy)]
pub struct TimelinePage {
    pub offset: i64,
    pub limit: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OwnerHistoryItem {
    pub from: Option<UserRef>,
    pub to: Option<UserRef>,
    pub changed_by: UserRef,
    pub note: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Dossier {
    pub client: ClientView,
    /// Individuals belonging to this group.
    pub members: Vec<ClientView>,
    pub owner_history: Vec<OwnerHistoryItem>,
    pub contacts: Vec<ContactView>,
    /// What needs the account manager's attention (the summary line of 我的客户).
    pub summary: ClientSummary,
    /// Adopted entries, newest first (of one category when the timeline is
    /// filtered): one page (`?page=&per_page=`, 20 by default).
    pub intel: Vec<IntelView>,
    /// How many adopted entries the timeline has in all pages.
    pub intel_total: i64,
    /// How many of them are stale.
    pub stale_count: i64,
    /// The newest uses of the client's entries (at most 50).
    pub usages: Vec<UsageView>,
}

/// The dossier of client `id` as `me` may see it; sensitive values shown to
/// `me` are audited.
pub fn dossier(
    conn: &mut DbConn,
    me: &CurrentUser,
    id: ClientId,
    category: Option<&str>,
    page: TimelinePage,
) -> Result<Dossier, ClientError> {
    let client = clients::find(conn, id)?;
    let owner = client.owner_id;
    let history = client_store::owner_history(conn, id)?;
    let mut people: Vec<UserId> =
        history.iter().flat_map(|h| [h.from_owner_id, h.to_owner_id]).flatten().collect();
    people.extend(history.iter().map(|h| h.changed_by));
    let people = user_refs(conn, &people)?;
    let name = |id: UserId| people.get(&id).cloned().unwrap_or(UserRef { id, real_name: String::new() });
    let owner_history = history
        .into_iter()
        .map(|h| OwnerHistoryItem {
            from: h.from_owner_id.map(name),
            to: h.to_owner_id.map(name),
            changed_by: name(h.changed_by),
            note: h.note,
            created_at: h.created_at.and_utc(),
        })
        .collect();
    let contacts = client_store::contacts_of(conn, id)?;
    let mut tags = client_store::contact_tags_of(conn, &contacts.iter().map(|c| c.id).collect::<Vec<_>>())?;
    let (contacts, mut unmasked) = contact_views(me, owner, contacts, &mut tags);
    let (adopted, intel_total) = intel_store::adopted_of_client(conn, id, category, page.offset, page.limit)?;
    let now = Utc::now().naive_utc();
    let summary = summaries(conn, &[id], today(), now)?.remove(&id).unwrap_or_default();
    let (intel, unmasked_intel) = intel_views(conn, me, adopted)?;
    unmasked.extend(unmasked_intel);
    let windows: Vec<(String, i32)> = categories::list(conn)?
        .into_iter()
        .filter(|c| category.is_none_or(|only| only == c.key))
        .map(|c| (c.key, c.freshness_days))
        .collect();
    let stale_count = intel_store::stale_of_client(conn, id, &windows, now)?;
    let owners = client_store::owners(conn, &[id])?.remove(&id).unwrap_or_default();
    // The newest uses the viewer may see, from a bounded read.
    let usages: Vec<_> = usages::for_client(conn, id, USAGES_READ)?
        .into_iter()
        .filter(|(_, status, author)| policy::can_read(me, *status, *author, owners.as_slice()))
        .map(|(usage, _, _)| usage)
        .take(MAX_USAGES)
        .collect();
    let usages = usages::views(conn, usages)?;
    let member_filter = ClientFilter { parent_id: Some(id), ..Default::default() };
    let (members, _) = client_store::search(conn, &member_filter, 0, MAX_MEMBERS)?;
    let members = client_views(conn, members)?;
    if !unmasked.is_empty() {
        write_tx(conn, |conn| audit::sensitive_reads(conn, me.id, &unmasked))?;
    }
    Ok(Dossier {
        client: client_view(conn, client)?,
        members,
        owner_history,
        contacts,
        summary,
        intel,
        intel_total,
        stale_count,
        usages,
    })
}

/// One of my clients with its summary line.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyClient {
    pub client: ClientView,
    pub summary: ClientSummary,
}

/// How 我的客户 is ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MyClientsSort {
    /// What needs attention first (see `summary::attention`).
    #[default]
    Attention,
    /// The nearest contract end first.
    ContractEnd,
    Name,
}

/// Clients I own at most, in 我的客户.
const MAX_OWNED: i64 = 2000;

/// 我的客户: the clients `me` owns with their summary lines, sorted.
pub fn my_clients(
    conn: &mut DbConn,
    me: &CurrentUser,
    sort: MyClientsSort,
    offset: i64,
    limit: i64,
) -> Result<(Vec<MyClient>, i64), ClientError> {
    let filter = ClientFilter { owner_id: Some(me.id), ..Default::default() };
    let (owned, total) = client_store::search(conn, &filter, 0, MAX_OWNED)?;
    let ids: Vec<ClientId> = owned.iter().map(|c| c.id).collect();
    let today = today();
    let mut summaries = summaries(conn, &ids, today, Utc::now().naive_utc())?;
    let mut rows: Vec<(crate::clients::model::Client, ClientSummary)> = owned
        .into_iter()
        .map(|c| {
            let s = summaries.remove(&c.id).unwrap_or_default();
            (c, s)
        })
        .collect();
    match sort {
        MyClientsSort::Attention => {
            rows.sort_by(|a, b| b.1.attention.cmp(&a.1.attention).then_with(|| a.0.name.cmp(&b.0.name)))
        }
        MyClientsSort::ContractEnd => rows.sort_by(|a, b| {
            let key = |s: &ClientSummary| {
                s.contract_end.filter(|d| *d >= today).map_or((1, None), |d| (0, Some(d)))
            };
            key(&a.1).cmp(&key(&b.1)).then_with(|| a.0.name.cmp(&b.0.name))
        }),
        MyClientsSort::Name => rows.sort_by(|a, b| a.0.pinyin.cmp(&b.0.pinyin)),
    }
    let page: Vec<_> = rows.into_iter().skip(offset.max(0) as usize).take(limit.max(0) as usize).collect();
    let (clients, summaries): (Vec<_>, Vec<_>) = page.into_iter().unzip();
    let views = client_views(conn, clients)?;
    Ok((
        views.into_iter().zip(summaries).map(|(client, summary)| MyClient { client, summary }).collect(),
        total,
    ))
}
