//! Competitor intelligence: adopted competitor entries by competitor, offer and month.

use std::collections::{BTreeMap, HashMap, HashSet};

use diesel::prelude::*;
use diesel::result::QueryResult;
use serde::Serialize;
use utoipa::ToSchema;

use crate::categories::model::COMPETITOR;
use crate::categories::{store as categories, template};
use crate::db::schema::{intel, intel_clients};
use crate::db::DbConn;
use crate::enums::IntelStatus;
use crate::ids::IntelId;
use crate::stats::facts::{self, bucket_of, within, EntryFact, EntryFilter, Facts, Interval};
use crate::time::Window;
use crate::with_conn;

/// Adopted (or since revised) competitor entries.
const SHOWN: EntryFilter =
    EntryFilter { statuses: &[IntelStatus::Adopted, IntelStatus::Superseded], category: Some(COMPETITOR) };

/// The report over adopted competitor entries, with every value that is
/// sensitive (as written or now, see `template::is_sensitive`) masked first:
/// marketing reads the report.
pub fn load(conn: &mut DbConn, window: Window) -> QueryResult<Vec<CompetitorView>> {
    let mut entries = facts::entries(conn, SHOWN)?;
    let template = categories::find(conn, COMPETITOR)?.map(|c| c.fields).unwrap_or_default();
    let recorded: HashMap<IntelId, String> = with_conn!(conn, |c| intel::table
        .filter(intel::category.eq(COMPETITOR))
        .filter(intel::status.eq_any(SHOWN.statuses))
        .select((intel::id, intel::sensitive_keys))
        .load::<(IntelId, String)>(c))?
    .into_iter()
    .collect();
    for entry in &mut entries {
        let keys: Vec<String> =
            recorded.get(&entry.id).and_then(|k| serde_json::from_str(k).ok()).unwrap_or_default();
        let mut values: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&entry.fields).unwrap_or_default();
        if template::has_sensitive_values(&template, &keys, &values) {
            values.retain(|key, _| !template::is_sensitive(&template, &keys, key));
            entry.fields = serde_json::Value::Object(values).to_string();
        }
    }
    let market = market_wide(conn)?;
    let facts = Facts { entries, ..Facts::default() };
    Ok(competitors(&facts, &market, window))
}

/// The competitor entries shown that name no client: news about the whole market.
fn market_wide(conn: &mut DbConn) -> QueryResult<HashSet<IntelId>> {
    let ids: Vec<IntelId> = with_conn!(conn, |c| intel::table
        .left_join(intel_clients::table)
        .filter(intel::category.eq(COMPETITOR))
        .filter(intel::status.eq_any(SHOWN.statuses))
        .filter(intel_clients::client_id.nullable().is_null())
        .select(intel::id)
        .load(c))?;
    Ok(ids.into_iter().collect())
}

#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct Offer {
    pub offer: String,
    pub entries: i64,
    pub min_tariff: Option<f64>,
    pub max_tariff: Option<f64>,
    pub latest_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct MonthCount {
    pub month: String,
    pub entries: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct CompetitorView {
    pub competitor: String,
    pub entries: i64,
    /// Of `entries`, those about the whole market (naming no client).
    pub market_wide: i64,
    pub offers: Vec<Offer>,
    pub months: Vec<MonthCount>,
}

/// Adopted competitor entries in the window, by competitor, offer and month;
/// `market` holds the entries that name no client.
pub fn competitors(facts: &Facts, market: &HashSet<IntelId>, window: Window) -> Vec<CompetitorView> {
    type Fields = serde_json::Map<String, serde_json::Value>;
    let mut groups: BTreeMap<String, Vec<(&EntryFact, Fields)>> = BTreeMap::new();
    for e in
        facts.entries.iter().filter(|e| e.category == COMPETITOR && IntelStatus::PUBLIC.contains(&e.status))
    {
        if !within(e.adopted_at, window) {
            continue;
        }
        let fields: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&e.fields).unwrap_or_default();
        let competitor = fields.get("competitor").and_then(|v| v.as_str()).unwrap_or("未注明").to_owned();
        groups.entry(competitor).or_default().push((e, fields));
    }
    let mut views: Vec<CompetitorView> = groups
        .into_iter()
        .map(|(competitor, items)| {
            let mut offers: BTreeMap<String, Offer> = BTreeMap::new();
            let mut months: BTreeMap<String, i64> = BTreeMap::new();
            for (e, fields) in &items {
                let at = e.adopted_at.unwrap_or(e.observed_at);
                *months.entry(bucket_of(at, Interval::Month)).or_default() += 1;
                let text = fields.get("offer").and_then(|v| v.as_str()).unwrap_or("未注明").to_owned();
                let tariff = fields.get("tariff").and_then(|v| v.as_f64());
                let offer = offers.entry(text.clone()).or_insert(Offer {
                    offer: text,
                    entries: 0,
                    min_tariff: None,
                    max_tariff: None,
                    latest_at: at.and_utc(),
                });
                offer.entries += 1;
                offer.latest_at = offer.latest_at.max(at.and_utc());
                if let Some(t) = tariff {
                    offer.min_tariff = Some(offer.min_tariff.map_or(t, |m| m.min(t)));
                    offer.max_tariff = Some(offer.max_tariff.map_or(t, |m| m.max(t)));
                }
            }
            let mut offers: Vec<Offer> = offers.into_values().collect();
            offers.sort_by(|a, b| b.entries.cmp(&a.entries).then_with(|| b.latest_at.cmp(&a.latest_at)));
            CompetitorView {
                competitor,
                entries: items.len() as i64,
                market_wide: items.iter().filter(|(e, _)| market.contains(&e.id)).count() as i64,
                offers,
                months: months.into_iter().map(|(month, entries)| MonthCount { month, entries }).collect(),
            }
        })
        .collect();
    views.sort_by(|a, b| b.entries.cmp(&a.entries).then_with(|| a.competitor.cmp(&b.competitor)));
    views
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::facts::fixture::{facts, t};

    #[test]
    fn offers_group_by_competitor_with_their_tariff_range() {
        let mut facts = facts();
        let offers = [
            ("中国电信", "宽带免费送", Some(99)),
            ("中国电信", "宽带免费送", Some(79)),
            ("中国电信", "融合套餐", None),
            ("中国联通", "宽带免费送", Some(59)),
        ];
        for (i, (competitor, offer, tariff)) in offers.into_iter().enumerate() {
            let mut entry = facts.entries[0].clone();
            entry.id = IntelId(100 + i as i64);
            entry.category = "competitor".into();
            entry.adopted_at = Some(t(10 + i as u32, 9));
            entry.fields =
                serde_json::json!({"competitor": competitor, "offer": offer, "tariff": tariff}).to_string();
            facts.entries.push(entry);
        }
        let market: HashSet<IntelId> = [IntelId(103)].into();
        let views = competitors(&facts, &market, None);
        let shown: Vec<(&str, i64, i64)> =
            views.iter().map(|v| (v.competitor.as_str(), v.entries, v.market_wide)).collect();
        assert_eq!(shown, [("中国电信", 3, 0), ("中国联通", 1, 1)]);
        let broadband = &views[0].offers[0];
        assert_eq!((broadband.offer.as_str(), broadband.entries), ("宽带免费送", 2));
        assert_eq!((broadband.min_tariff, broadband.max_tariff), (Some(79.0), Some(99.0)));
        assert_eq!(views[0].months, vec![MonthCount { month: "2026-11".into(), entries: 3 }]);
        let december = Some((t(30, 16), t(30, 16) + chrono::Duration::days(31)));
        assert!(competitors(&facts, &market, december).is_empty(), "nothing was adopted in December");
    }
}
