//! Competitor intelligence: adopted competitor entries by competitor, offer and month.

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDateTime;
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
use crate::stats::facts::{bucket_of, Interval};
use crate::time::Window;
use crate::with_conn;

type Fields = serde_json::Map<String, serde_json::Value>;

/// A competitor entry the report counts: adopted (or since revised) and
/// adopted within the window.
#[derive(Debug, Clone)]
pub struct Shown {
    pub fields: Fields,
    pub adopted_at: NaiveDateTime,
    /// Names no client: news about the whole market.
    pub market_wide: bool,
}

/// The report over the competitor entries adopted in the window, with every
/// value that is sensitive (as written or now, see `template::is_sensitive`)
/// masked first: marketing reads the report.
pub fn load(conn: &mut DbConn, window: Window) -> QueryResult<Vec<CompetitorView>> {
    let template = categories::find(conn, COMPETITOR)?.map(|c| c.fields).unwrap_or_default();
    let market = market_wide(conn, window)?;
    // Read in chunks and counted as read: all time holds a province's competitor news.
    let mut tally = Tally::default();
    let mut after = IntelId(0);
    loop {
        let rows: Vec<(IntelId, String, String, Option<NaiveDateTime>)> = with_conn!(conn, |c| {
            let mut query = intel::table
                .filter(intel::category.eq(COMPETITOR))
                .filter(intel::status.eq_any(IntelStatus::PUBLIC))
                .filter(intel::adopted_at.is_not_null())
                .filter(intel::id.gt(after))
                .order(intel::id)
                .limit(CHUNK)
                .select((intel::id, intel::fields, intel::sensitive_keys, intel::adopted_at))
                .into_boxed();
            if let Some((from, to)) = window {
                query = query.filter(intel::adopted_at.ge(from)).filter(intel::adopted_at.lt(to));
            }
            query.load(c)
        })?;
        let Some(last) = rows.last() else { break };
        after = last.0;
        for (id, fields, keys, adopted_at) in rows {
            let keys: Vec<String> = serde_json::from_str(&keys).unwrap_or_default();
            let mut fields: Fields = serde_json::from_str(&fields).unwrap_or_default();
            fields.retain(|key, _| {
                GROUPED_BY.contains(&key.as_str()) && !template::is_sensitive(&template, &keys, key)
            });
            if let Some(adopted_at) = adopted_at {
                tally.add(&Shown { fields, adopted_at, market_wide: market.contains(&id) });
            }
        }
    }
    Ok(tally.finish())
}

/// Entries read at once.
const CHUNK: i64 = 5_000;

/// The fields the report groups by.
const GROUPED_BY: [&str; 3] = ["competitor", "offer", "tariff"];

/// The competitor entries adopted in the window that name no client.
fn market_wide(conn: &mut DbConn, window: Window) -> QueryResult<HashSet<IntelId>> {
    let ids: Vec<IntelId> = with_conn!(conn, |c| {
        let mut query = intel::table
            .left_join(intel_clients::table)
            .filter(intel::category.eq(COMPETITOR))
            .filter(intel::status.eq_any(IntelStatus::PUBLIC))
            .filter(intel::adopted_at.is_not_null())
            .filter(intel_clients::client_id.nullable().is_null())
            .select(intel::id)
            .into_boxed();
        if let Some((from, to)) = window {
            query = query.filter(intel::adopted_at.ge(from)).filter(intel::adopted_at.lt(to));
        }
        query.load(c)
    })?;
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

/// Competitor entries by competitor, offer and month, counted as they are
/// read (a province's competitor news is never held at once).
#[derive(Debug, Default)]
pub struct Tally {
    groups: BTreeMap<String, Group>,
}

#[derive(Debug, Default)]
struct Group {
    entries: i64,
    market_wide: i64,
    offers: BTreeMap<String, Offer>,
    months: BTreeMap<String, i64>,
}

impl Tally {
    pub fn add(&mut self, e: &Shown) {
        let text = |key: &str| e.fields.get(key).and_then(|v| v.as_str()).unwrap_or("未注明").to_owned();
        let group = self.groups.entry(text("competitor")).or_default();
        group.entries += 1;
        group.market_wide += i64::from(e.market_wide);
        let at = e.adopted_at;
        *group.months.entry(bucket_of(at, Interval::Month)).or_default() += 1;
        let offer_text = text("offer");
        let offer = group.offers.entry(offer_text.clone()).or_insert(Offer {
            offer: offer_text,
            entries: 0,
            min_tariff: None,
            max_tariff: None,
            latest_at: at.and_utc(),
        });
        offer.entries += 1;
        offer.latest_at = offer.latest_at.max(at.and_utc());
        if let Some(t) = e.fields.get("tariff").and_then(|v| v.as_f64()) {
            offer.min_tariff = Some(offer.min_tariff.map_or(t, |m| m.min(t)));
            offer.max_tariff = Some(offer.max_tariff.map_or(t, |m| m.max(t)));
        }
    }

    /// The most reported competitor first, each one's most reported offer first.
    pub fn finish(self) -> Vec<CompetitorView> {
        let mut views: Vec<CompetitorView> = self
            .groups
            .into_iter()
            .map(|(competitor, group)| {
                let mut offers: Vec<Offer> = group.offers.into_values().collect();
                offers.sort_by(|a, b| b.entries.cmp(&a.entries).then_with(|| b.latest_at.cmp(&a.latest_at)));
                CompetitorView {
                    competitor,
                    entries: group.entries,
                    market_wide: group.market_wide,
                    offers,
                    months: group
                        .months
                        .into_iter()
                        .map(|(month, entries)| MonthCount { month, entries })
                        .collect(),
                }
            })
            .collect();
        views.sort_by(|a, b| b.entries.cmp(&a.entries).then_with(|| a.competitor.cmp(&b.competitor)));
        views
    }
}

/// The report over `shown` at once.
pub fn competitors(shown: &[Shown]) -> Vec<CompetitorView> {
    let mut tally = Tally::default();
    shown.iter().for_each(|e| tally.add(e));
    tally.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::facts::fixture::t;

    #[test]
    fn offers_group_by_competitor_with_their_tariff_range() {
        let offers = [
            ("中国电信", "宽带免费送", Some(99)),
            ("中国电信", "宽带免费送", Some(79)),
            ("中国电信", "融合套餐", None),
            ("中国联通", "宽带免费送", Some(59)),
        ];
        let shown: Vec<Shown> = offers
            .into_iter()
            .enumerate()
            .map(|(i, (competitor, offer, tariff))| Shown {
                fields: serde_json::from_value(
                    serde_json::json!({"competitor": competitor, "offer": offer, "tariff": tariff}),
                )
                .unwrap(),
                adopted_at: t(10 + i as u32, 9),
                market_wide: i == 3,
            })
            .collect();
        let views = competitors(&shown);
        let counts: Vec<(&str, i64, i64)> =
            views.iter().map(|v| (v.competitor.as_str(), v.entries, v.market_wide)).collect();
        assert_eq!(counts, [("中国电信", 3, 0), ("中国联通", 1, 1)]);
        let broadband = &views[0].offers[0];
        assert_eq!((broadband.offer.as_str(), broadband.entries), ("宽带免费送", 2));
        assert_eq!((broadband.min_tariff, broadband.max_tariff), (Some(79.0), Some(99.0)));
        assert_eq!(views[0].months, vec![MonthCount { month: "2026-11".into(), entries: 3 }]);
        assert!(competitors(&[]).is_empty());
    }
}
