//! 流失客户: the branch's lost-client database — clients marked lost or at
//! risk in a period, by reason, competitor, industry and month, each with the
//! adopted entries about it in the half year before.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Duration, NaiveDate};
use diesel::prelude::*;
use diesel::result::QueryResult;
use serde::Serialize;
use utoipa::ToSchema;

use crate::api::UserRef;
use crate::clients::model::Client;
use crate::clients::store as clients;
use crate::clients::view::{loss_views, LossView};
use crate::db::schema::{intel, intel_clients};
use crate::db::DbConn;
use crate::enums::{ClientKind, ClientStatus, IntelStatus, LossOutcome};
use crate::ids::{ClientId, IntelId};
use crate::time::local_midnight_utc;
use crate::users::view::user_refs;
use crate::with_conn;

/// How far back the entries before a loss reach.
const LOOKBACK_DAYS: i64 = 180;
/// At most this many entries shown before each loss.
const PRECEDING: usize = 5;

#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct KeyCount {
    pub key: String,
    pub count: i64,
}

impl KeyCount {
    /// Counts by key, most first, then by key.
    pub fn ranked(counts: BTreeMap<String, i64>) -> Vec<KeyCount> {
        let mut list: Vec<KeyCount> =
            counts.into_iter().map(|(key, count)| KeyCount { key, count }).collect();
        list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
        list
    }
}

#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq, Default)]
pub struct LossMonth {
    /// `YYYY-MM` of the loss.
    pub month: String,
    pub lost: i64,
    pub at_risk: i64,
    /// Of those, won back since.
    pub won_back: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LossClient {
    pub id: ClientId,
    pub name: String,
    pub kind: ClientKind,
    pub industry: Option<String>,
    pub region: Option<String>,
    pub status: ClientStatus,
    pub owner: Option<UserRef>,
}

/// An adopted entry about the client before it left.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PrecedingEntry {
    pub id: IntelId,
    pub title: String,
    pub category: String,
    pub adopted_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LossItem {
    pub loss: LossView,
    pub client: LossClient,
    /// Up to five adopted entries about the client in the half year before, newest first.
    pub preceding: Vec<PrecedingEntry>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LossReport {
    pub total: i64,
    /// Still lost or at risk.
    pub open: i64,
    pub won_back: i64,
    pub retained: i64,
    /// A loss with several reasons counts under each.
    pub by_reason: Vec<KeyCount>,
    pub by_competitor: Vec<KeyCount>,
    pub by_industry: Vec<KeyCount>,
    pub by_month: Vec<LossMonth>,
    /// Newest first.
    pub items: Vec<LossItem>,
}

/// The losses that occurred between `from` and `to` (local days, inclusive).
pub fn load(conn: &mut DbConn, from: NaiveDate, to: NaiveDate) -> QueryResult<LossReport> {
    let losses = clients::losses_between(conn, from, to)?;
    let ids: Vec<ClientId> = losses.iter().map(|l| l.client_id).collect();
    let found = clients::find_many(conn, &ids)?;
    let owners: Vec<_> = found.values().filter_map(|c| c.owner_id).collect();
    let owners = user_refs(conn, &owners)?;
    let keys: Vec<(i64, ClientId, NaiveDate)> =
        losses.iter().map(|l| (l.id, l.client_id, l.occurred_on)).collect();
    let mut preceding = preceding(conn, &keys)?;
    let views = loss_views(conn, losses)?;

    let mut items: Vec<LossItem> = views
        .into_iter()
        .zip(ids)
        .filter_map(|(loss, client_id)| {
            let client: &Client = found.get(&client_id)?;
            Some(LossItem {
                preceding: preceding.remove(&loss.id).unwrap_or_default(),
                client: LossClient {
                    id: client.id,
                    name: client.name.clone(),
                    kind: client.kind,
                    industry: client.industry.clone(),
                    region: client.region.clone(),
                    status: client.status,
                    owner: client.owner_id.and_then(|o| owners.get(&o).cloned()),
                },
                loss,
            })
        })
        .collect();
    items.sort_by(|a, b| b.loss.occurred_on.cmp(&a.loss.occurred_on).then_with(|| b.loss.id.cmp(&a.loss.id)));
    Ok(report(items))
}

/// The counts over `items`.
pub fn report(items: Vec<LossItem>) -> LossReport {
    let mut by_reason: BTreeMap<String, i64> = BTreeMap::new();
    let mut by_competitor: BTreeMap<String, i64> = BTreeMap::new();
    let mut by_industry: BTreeMap<String, i64> = BTreeMap::new();
    let mut by_month: BTreeMap<String, LossMonth> = BTreeMap::new();
    let (mut open, mut won_back, mut retained) = (0, 0, 0);
    for item in &items {
        let loss = &item.loss;
        for reason in &loss.reasons {
            *by_reason.entry(reason.as_str().to_owned()).or_default() += 1;
        }
        if let Some(competitor) = &loss.competitor {
            *by_competitor.entry(competitor.clone()).or_default() += 1;
        }
        *by_industry.entry(item.client.industry.clone().unwrap_or_else(|| "未填写".into())).or_default() += 1;
        let key = format!("{:04}-{:02}", loss.occurred_on.year(), loss.occurred_on.month());
        let month =
            by_month.entry(key.clone()).or_insert_with(|| LossMonth { month: key, ..Default::default() });
        match loss.status {
            ClientStatus::Lost => month.lost += 1,
            _ => month.at_risk += 1,
        }
        match loss.outcome {
            Some(LossOutcome::WonBack) => {
                won_back += 1;
                month.won_back += 1;
            }
            Some(LossOutcome::Retained) => retained += 1,
            None if loss.closed_on.is_none() => open += 1,
            None => {}
        }
    }
    let ranked = |counts: BTreeMap<String, i64>| {
        let mut list: Vec<KeyCount> =
            counts.into_iter().map(|(key, count)| KeyCount { key, count }).collect();
        list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
        list
    };
    LossReport {
        total: items.len() as i64,
        open,
        won_back,
        retained,
        by_reason: ranked(by_reason),
        by_competitor: ranked(by_competitor),
        by_industry: ranked(by_industry),
        by_month: by_month.into_values().collect(),
        items,
    }
}

/// For each loss (id, client, day): the adopted entries about the client in
/// the half year up to that day, newest first, at most five.
fn preceding(
    conn: &mut DbConn,
    losses: &[(i64, ClientId, NaiveDate)],
) -> QueryResult<HashMap<i64, Vec<PrecedingEntry>>> {
    let (Some(first), Some(last)) = (losses.iter().map(|l| l.2).min(), losses.iter().map(|l| l.2).max())
    else {
        return Ok(HashMap::new());
    };
    let window = |day: NaiveDate| {
        (local_midnight_utc(day - Duration::days(LOOKBACK_DAYS)), local_midnight_utc(day + Duration::days(1)))
    };
    let (from, to) = (window(first).0, window(last).1);
    let mut clients: Vec<ClientId> = losses.iter().map(|l| l.1).collect();
    clients.sort();
    clients.dedup();
    let mut rows: Vec<(ClientId, IntelId, String, String, chrono::NaiveDateTime)> = Vec::new();
    for chunk in clients.chunks(500) {
        let found: Vec<(ClientId, IntelId, String, String, chrono::NaiveDateTime)> =
            with_conn!(conn, |c| intel::table
                .inner_join(intel_clients::table)
                .filter(intel_clients::client_id.eq_any(chunk))
                .filter(intel::status.eq_any(IntelStatus::PUBLIC))
                .filter(intel::adopted_at.ge(from).and(intel::adopted_at.lt(to)))
                .order((intel::adopted_at.desc(), intel::id.desc()))
                .select((
                    intel_clients::client_id,
                    intel::id,
                    intel::title,
                    intel::category,
                    intel::adopted_at.assume_not_null()
                ))
                .load(c))?;
        rows.extend(found);
    }
    rows.sort_by(|a, b| b.4.cmp(&a.4).then_with(|| b.1.cmp(&a.1)));
    Ok(losses
        .iter()
        .map(|(id, client, day)| {
            let (from, to) = window(*day);
            let entries = rows
                .iter()
                .filter(|r| r.0 == *client && r.4 >= from && r.4 < to)
                .take(PRECEDING)
                .map(|r| PrecedingEntry {
                    id: r.1,
                    title: r.2.clone(),
                    category: r.3.clone(),
                    adopted_at: r.4.and_utc(),
                })
                .collect();
            (*id, entries)
        })
        .collect())
}
