//! The summary line of a client for its account manager (我的客户 and the
//! dossier header): contract end, open opportunities and their stage,
//! competitor activity in the last 30 days, stale facts, pending entries,
//! open tasks and the next date — and how much it needs attention.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::result::QueryResult;
use serde::Serialize;
use utoipa::ToSchema;

use crate::agenda::store as agenda;
use crate::categories::model::COMPETITOR;
use crate::categories::store as categories;
use crate::db::schema::{intel, intel_clients};
use crate::db::DbConn;
use crate::enums::IntelStatus;
use crate::ids::{ClientId, IntelId};
use crate::intel::freshness;
use crate::with_conn;

/// The stage an opportunity reaches when it is won: no longer open.
const CLOSED_STAGE: &str = "签约";
/// Competitor activity counts over this many days.
const COMPETITOR_DAYS: i64 = 30;

#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct Opportunity {
    pub intel_id: IntelId,
    pub title: String,
    /// 线索, 需求确认, 方案, 商务谈判 … (the template's `stage`).
    pub stage: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, ToSchema, PartialEq)]
pub struct ClientSummary {
    /// The next contract end an adopted business entry records (or the latest past one).
    pub contract_end: Option<NaiveDate>,
    /// Adopted opportunities not yet signed, newest first.
    pub opportunities: Vec<Opportunity>,
    /// Competitor entries adopted in the last 30 days.
    pub competitor_activity: i64,
    pub stale_facts: i64,
    /// Entries waiting for review.
    pub pending_entries: i64,
    pub open_tasks: i64,
    /// Open tasks past their due date.
    pub overdue_tasks: i64,
    /// How much it needs attention now (higher first; see [`attention`]).
    pub attention: i64,
}

/// One entry as the summary reads it.
struct Fact {
    client: ClientId,
    id: IntelId,
    category: String,
    status: IntelStatus,
    title: String,
    fields: String,
    adopted_at: Option<NaiveDateTime>,
    verified_at: Option<NaiveDateTime>,
}

/// How much a client needs attention: each pending entry and each recent
/// competitor entry 3, an overdue task 3, a contract ending within 30 days 8
/// (within 60 days 5), each stale fact and each open opportunity 1.
pub fn attention(summary: &ClientSummary, today: NaiveDate) -> i64 {
    let contract = match summary.contract_end.map(|end| (end - today).num_days()) {
        Some(days) if (0..=30).contains(&days) => 8,
        Some(days) if (0..=60).contains(&days) => 5,
        _ => 0,
    };
    3 * (summary.pending_entries + summary.competitor_activity + summary.overdue_tasks)
        + contract
        + summary.stale_facts
        + summary.opportunities.len() as i64
}

/// The summaries of `clients` on `today` (`now` for freshness).
pub fn summaries(
    conn: &mut DbConn,
    clients: &[ClientId],
    today: NaiveDate,
    now: NaiveDateTime,
) -> QueryResult<HashMap<ClientId, ClientSummary>> {
    let freshness: HashMap<String, i32> =
        categories::list(conn)?.into_iter().map(|c| (c.key, c.freshness_days)).collect();
    type Row = (
        ClientId,
        IntelId,
        String,
        IntelStatus,
        String,
        String,
        Option<NaiveDateTime>,
        Option<NaiveDateTime>,
    );
    // Every entry about the clients, those naming several counted for each.
    let rows: Vec<Row> = with_conn!(conn, |c| intel_clients::table
        .inner_join(intel::table)
        .filter(intel_clients::client_id.eq_any(clients))
        .filter(intel::status.eq_any([IntelStatus::Adopted, IntelStatus::Submitted]))
        .order(intel::id.desc())
        .select((
            intel_clients::client_id,
            intel::id,
            intel::category,
            intel::status,
            intel::title,
            intel::fields,
            intel::adopted_at,
            intel::verified_at,
        ))
        .load(c))?;
    let facts =
        rows.into_iter().map(|(client, id, category, status, title, fields, adopted_at, verified_at)| Fact {
            client,
            id,
            category,
            status,
            title,
            fields,
            adopted_at,
            verified_at,
        });
    let mut out: HashMap<ClientId, ClientSummary> =
        clients.iter().map(|c| (*c, ClientSummary::default())).collect();
    let mut ends: HashMap<ClientId, Vec<NaiveDate>> = HashMap::new();
    let since = now - Duration::days(COMPETITOR_DAYS);
    for fact in facts {
        let Some(summary) = out.get_mut(&fact.client) else { continue };
        if fact.status == IntelStatus::Submitted {
            summary.pending_entries += 1;
            continue;
        }
        let window = freshness.get(&fact.category).copied().unwrap_or(i32::MAX);
        if freshness::is_stale(true, fact.adopted_at, fact.verified_at, window, now) {
            summary.stale_facts += 1;
        }
        let values: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&fact.fields).unwrap_or_default();
        let text = |key: &str| values.get(key).and_then(|v| v.as_str()).map(str::to_owned);
        match fact.category.as_str() {
            "business" => {
                if let Some(end) =
                    text("contract_end").and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
                {
                    ends.entry(fact.client).or_default().push(end);
                }
            }
            "opportunity" => {
                let stage = text("stage");
                if stage.as_deref() != Some(CLOSED_STAGE) {
                    summary.opportunities.push(Opportunity { intel_id: fact.id, title: fact.title, stage });
                }
            }
            COMPETITOR if fact.adopted_at.is_some_and(|at| at >= since) => summary.competitor_activity += 1,
            _ => {}
        }
    }
    for (client, mut dates) in ends {
        dates.sort();
        let next = dates.iter().find(|d| **d >= today).or(dates.last()).copied();
        if let Some(summary) = out.get_mut(&client) {
            summary.contract_end = next;
        }
    }
    for task in agenda::open_tasks_of_clients(conn, clients)? {
        if let Some(summary) = out.get_mut(&task.client_id) {
            summary.open_tasks += 1;
            summary.overdue_tasks += i64::from(task.due_on < today);
        }
    }
    for summary in out.values_mut() {
        summary.attention = attention(summary, today);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
    }

    #[test]
    fn what_needs_doing_now_weighs_most() {
        let quiet = ClientSummary::default();
        assert_eq!(attention(&quiet, day(4)), 0);
        let ending = ClientSummary { contract_end: Some(day(29)), ..Default::default() };
        assert_eq!(attention(&ending, day(4)), 8);
        let later = ClientSummary { contract_end: Some(day(4) + Duration::days(45)), ..Default::default() };
        assert_eq!(attention(&later, day(4)), 5);
        let ended = ClientSummary { contract_end: Some(day(1)), ..Default::default() };
        assert_eq!(attention(&ended, day(4)), 0);
        let busy = ClientSummary {
            pending_entries: 1,
            competitor_activity: 2,
            overdue_tasks: 1,
            stale_facts: 2,
            opportunities: vec![Opportunity { intel_id: IntelId(1), title: "x".into(), stage: None }],
            ..Default::default()
        };
        assert_eq!(attention(&busy, day(4)), 3 * 4 + 2 + 1);
    }
}
