//! Freshness: how much of what is adopted has gone stale, by category and
//! owner, and the oldest unconfirmed facts on key clients.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::result::QueryResult;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::DbConn;
use crate::enums::IntelStatus;
use crate::ids::ClientId;
use crate::ids::IntelId;
use crate::ids::UserId;
use crate::intel::freshness;
use crate::ratings::rules::ratio;
use crate::stats::facts::{self, EntryFact, EntryFilter, Facts};

/// How many of the oldest facts on key clients are listed.
const OLDEST_LISTED: usize = 20;

/// Freshness at `now` of every adopted entry.
pub fn load(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<Freshness> {
    let facts = Facts {
        entries: facts::entries(conn, EntryFilter { statuses: &[IntelStatus::Adopted], category: None })?,
        people: facts::people(conn)?,
        clients: facts::clients(conn)?,
        categories: facts::categories(conn)?,
        ..Facts::default()
    };
    Ok(freshness(&facts, now, OLDEST_LISTED))
}

#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct Staleness {
    pub adopted: i64,
    pub stale: i64,
    pub stale_share: Option<f64>,
}

#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct CategoryStaleness {
    pub category: String,
    pub name: String,
    #[serde(flatten)]
    pub staleness: Staleness,
}

#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct OwnerStaleness {
    pub owner_id: Option<UserId>,
    pub owner_name: Option<String>,
    #[serde(flatten)]
    pub staleness: Staleness,
}

#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct OldFact {
    pub intel_id: IntelId,
    pub title: String,
    pub category: String,
    pub client_id: ClientId,
    pub client_name: String,
    pub tier: Option<String>,
    /// When the fact was last adopted or confirmed.
    pub confirmed_at: chrono::DateTime<chrono::Utc>,
    pub age_days: i64,
    pub stale: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct Freshness {
    #[serde(flatten)]
    pub overall: Staleness,
    pub by_category: Vec<CategoryStaleness>,
    pub by_owner: Vec<OwnerStaleness>,
    /// Oldest unconfirmed facts on key clients (tier S or A).
    pub oldest_on_key_clients: Vec<OldFact>,
}

fn staleness(adopted: i64, stale: i64) -> Staleness {
    Staleness { adopted, stale, stale_share: ratio(stale, adopted) }
}

pub fn freshness(facts: &Facts, now: NaiveDateTime, limit: usize) -> Freshness {
    let adopted: Vec<(&EntryFact, bool)> = facts
        .entries
        .iter()
        .filter(|e| e.status == IntelStatus::Adopted)
        .map(|e| {
            let days = facts.categories.get(&e.category).map_or(i32::MAX, |c| c.1);
            (e, freshness::is_stale(true, e.adopted_at, e.verified_at, days, now))
        })
        .collect();
    let mut by_category: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    let mut by_owner: BTreeMap<Option<UserId>, (i64, i64)> = BTreeMap::new();
    for (e, stale) in &adopted {
        let owner = e.client_id.and_then(|c| facts.clients.get(&c)).and_then(|c| c.owner_id);
        for slot in [by_category.entry(e.category.clone()).or_default(), by_owner.entry(owner).or_default()] {
            slot.0 += 1;
            slot.1 += i64::from(*stale);
        }
    }
    let mut oldest: Vec<OldFact> = adopted
        .iter()
        .filter_map(|(e, stale)| {
            let client = facts.clients.get(&e.client_id?)?;
            let key = matches!(client.tier.as_deref(), Some("S" | "A"));
            let confirmed = freshness::clock_start(e.adopted_at, e.verified_at)?;
            key.then(|| OldFact {
                intel_id: e.id,
                title: e.title.clone(),
                category: e.category.clone(),
                client_id: client.id,
                client_name: client.name.clone(),
                tier: client.tier.clone(),
                confirmed_at: confirmed.and_utc(),
                age_days: (now - confirmed).num_days(),
                stale: *stale,
            })
        })
        .collect();
    oldest.sort_by(|a, b| a.confirmed_at.cmp(&b.confirmed_at).then(a.intel_id.cmp(&b.intel_id)));
    oldest.truncate(limit);
    let total_stale = adopted.iter().filter(|(_, s)| *s).count() as i64;
    Freshness {
        overall: staleness(adopted.len() as i64, total_stale),
        by_category: by_category
            .into_iter()
            .map(|(category, (a, s))| CategoryStaleness {
                name: facts.categories.get(&category).map(|c| c.0.clone()).unwrap_or_default(),
                category,
                staleness: staleness(a, s),
            })
            .collect(),
        by_owner: by_owner
            .into_iter()
            .map(|(owner, (a, s))| OwnerStaleness {
                owner_name: owner.and_then(|o| facts.people.get(&o).map(|p| p.real_name.clone())),
                owner_id: owner,
                staleness: staleness(a, s),
            })
            .collect(),
        oldest_on_key_clients: oldest,
    }
}
#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::stats::facts::fixture::{facts, t};

    #[test]
    fn freshness_counts_stale_entries() {
        let f = freshness(&facts(), t(5, 21) + Duration::days(90), 10);
        assert_eq!(f.overall, Staleness { adopted: 3, stale: 2, stale_share: Some(0.67) });
        assert_eq!(f.oldest_on_key_clients[0].intel_id, IntelId(1));
    }
}
