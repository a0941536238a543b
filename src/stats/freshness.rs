//! Freshness: how much of what is adopted has gone stale, by category and
//! owner, and the oldest unconfirmed facts on key clients.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use diesel::dsl::{case_when, count_star, max, sum};
use diesel::prelude::*;
use diesel::result::QueryResult;
use diesel::sql_types::Integer;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::schema::{categories, clients, intel, users};
use crate::db::DbConn;
use crate::enums::IntelStatus;
use crate::ids::ClientId;
use crate::ids::IntelId;
use crate::ids::UserId;
use crate::intel::freshness;
use crate::ratings::rules::ratio;
use crate::with_conn;

/// How many of the oldest facts on key clients are listed.
const OLDEST_LISTED: i64 = 20;

/// The tiers of key clients.
const KEY_TIERS: [&str; 2] = ["S", "A"];

/// A category and its freshness window.
#[derive(Debug, Clone, PartialEq)]
pub struct CategoryRow {
    pub key: String,
    pub name: String,
    pub freshness_days: i32,
}

/// Adopted and stale entries of one category on the clients of one owner
/// (`None`: market-wide entries and clients without an owner).
#[derive(Debug, Clone, PartialEq)]
pub struct OwnerCount {
    pub category: String,
    pub owner_id: Option<UserId>,
    pub owner_name: Option<String>,
    pub adopted: i64,
    pub stale: i64,
}

/// An adopted entry on a key client, among the longest unconfirmed.
#[derive(Debug, Clone, PartialEq)]
pub struct OldRow {
    pub intel_id: IntelId,
    pub title: String,
    pub category: String,
    pub client_id: ClientId,
    pub client_name: String,
    pub tier: Option<String>,
    pub adopted_at: Option<NaiveDateTime>,
    pub verified_at: Option<NaiveDateTime>,
}

/// Freshness at `now` of every adopted entry: one count per category
/// (categories are few), grouped by owner, and the oldest facts on key clients.
pub fn load(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<Freshness> {
    let categories: Vec<CategoryRow> = with_conn!(conn, |c| categories::table
        .select((categories::key, categories::name, categories::freshness_days))
        .load::<(String, String, i32)>(c))?
    .into_iter()
    .map(|(key, name, freshness_days)| CategoryRow { key, name, freshness_days })
    .collect();
    let mut counts = Vec::new();
    for category in &categories {
        counts.extend(owner_counts(conn, &category.key, cutoff(now, category.freshness_days))?);
    }
    Ok(freshness(&categories, &counts, oldest_on_key_clients(conn)?, now))
}

/// The moment before which a clock start makes an entry stale at `now`
/// (`freshness::is_stale`); no stored time is older than year 1.
fn cutoff(now: NaiveDateTime, freshness_days: i32) -> NaiveDateTime {
    // NaiveDateTime::MIN is beyond what PostgreSQL stores; year 1 is not.
    let floor = NaiveDate::from_yo_opt(1, 1).unwrap_or_default().and_time(NaiveTime::MIN);
    now.checked_sub_signed(Duration::days(i64::from(freshness_days))).unwrap_or(floor).max(floor)
}

/// Adopted and stale entries of `category` by client owner; an entry is
/// stale when its clock (the later of adopted and verified) started before `cutoff`.
fn owner_counts(conn: &mut DbConn, category: &str, cutoff: NaiveDateTime) -> QueryResult<Vec<OwnerCount>> {
    // Owner, owner's name (one per owner), adopted, stale.
    type Row = (Option<UserId>, Option<String>, i64, Option<i64>);
    let rows: Vec<Row> = with_conn!(conn, |c| intel::table
        .left_join(clients::table)
        .left_join(users::table.on(clients::owner_id.eq(users::id.nullable())))
        .filter(intel::status.eq(IntelStatus::Adopted))
        .filter(intel::category.eq(category))
        .group_by(clients::owner_id)
        .select((
            clients::owner_id.nullable(),
            max(users::real_name.nullable()),
            count_star(),
            sum(case_when::<_, _, Integer>(
                intel::adopted_at
                    .lt(cutoff)
                    .and(intel::verified_at.is_null().or(intel::verified_at.lt(cutoff)))
                    .or(intel::adopted_at.is_null().and(intel::verified_at.lt(cutoff))),
                1,
            )
            .otherwise(0)),
        ))
        .load(c))?;
    Ok(rows
        .into_iter()
        .map(|(owner_id, owner_name, adopted, stale)| OwnerCount {
            category: category.to_owned(),
            owner_id,
            owner_name,
            adopted,
            stale: stale.unwrap_or(0),
        })
        .collect())
}

/// The adopted entries on key clients whose clock started longest ago.
fn oldest_on_key_clients(conn: &mut DbConn) -> QueryResult<Vec<OldRow>> {
    type Row = (
        IntelId,
        String,
        String,
        ClientId,
        String,
        Option<String>,
        Option<NaiveDateTime>,
        Option<NaiveDateTime>,
    );
    let rows: Vec<Row> = with_conn!(conn, |c| intel::table
        .inner_join(clients::table)
        .filter(intel::status.eq(IntelStatus::Adopted))
        .filter(clients::tier.eq_any(KEY_TIERS))
        .filter(intel::adopted_at.is_not_null().or(intel::verified_at.is_not_null()))
        .order((
            case_when(intel::adopted_at.is_null(), intel::verified_at)
                .when(intel::verified_at.gt(intel::adopted_at), intel::verified_at)
                .otherwise(intel::adopted_at)
                .asc(),
            intel::id.asc(),
        ))
        .limit(OLDEST_LISTED)
        .select((
            intel::id,
            intel::title,
            intel::category,
            clients::id,
            clients::name,
            clients::tier,
            intel::adopted_at,
            intel::verified_at,
        ))
        .load(c))?;
    Ok(rows
        .into_iter()
        .map(|r| OldRow {
            intel_id: r.0,
            title: r.1,
            category: r.2,
            client_id: r.3,
            client_name: r.4,
            tier: r.5,
            adopted_at: r.6,
            verified_at: r.7,
        })
        .collect())
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

/// The report from the counts by category and owner and the oldest entries
/// on key clients (oldest first).
pub fn freshness(
    categories: &[CategoryRow],
    counts: &[OwnerCount],
    oldest: Vec<OldRow>,
    now: NaiveDateTime,
) -> Freshness {
    let mut by_category: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
    let mut by_owner: BTreeMap<Option<UserId>, (Option<&str>, i64, i64)> = BTreeMap::new();
    for count in counts {
        let category = by_category.entry(&count.category).or_default();
        category.0 += count.adopted;
        category.1 += count.stale;
        let owner = by_owner.entry(count.owner_id).or_insert((count.owner_name.as_deref(), 0, 0));
        owner.1 += count.adopted;
        owner.2 += count.stale;
    }
    let category = |key: &str| categories.iter().find(|c| c.key == key);
    let oldest_on_key_clients = oldest
        .into_iter()
        .filter_map(|row| {
            let confirmed = freshness::clock_start(row.adopted_at, row.verified_at)?;
            let days = category(&row.category).map_or(i32::MAX, |c| c.freshness_days);
            Some(OldFact {
                stale: freshness::is_stale(true, row.adopted_at, row.verified_at, days, now),
                intel_id: row.intel_id,
                title: row.title,
                category: row.category,
                client_id: row.client_id,
                client_name: row.client_name,
                tier: row.tier,
                confirmed_at: confirmed.and_utc(),
                age_days: (now - confirmed).num_days(),
            })
        })
        .collect();
    let (adopted, stale) = by_category.values().fold((0, 0), |(a, s), (ca, cs)| (a + ca, s + cs));
    Freshness {
        overall: staleness(adopted, stale),
        by_category: by_category
            .into_iter()
            .map(|(key, (a, s))| CategoryStaleness {
                name: category(key).map(|c| c.name.clone()).unwrap_or_default(),
                category: key.to_owned(),
                staleness: staleness(a, s),
            })
            .collect(),
        by_owner: by_owner
            .into_iter()
            .map(|(owner_id, (name, a, s))| OwnerStaleness {
                owner_name: name.map(str::to_owned),
                owner_id,
                staleness: staleness(a, s),
            })
            .collect(),
        oldest_on_key_clients,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::facts::fixture::t;

    fn old(id: i64, adopted: NaiveDateTime, verified: Option<NaiveDateTime>) -> OldRow {
        OldRow {
            intel_id: IntelId(id),
            title: format!("e{id}"),
            category: "business".into(),
            client_id: ClientId(1),
            client_name: "长江".into(),
            tier: Some("A".into()),
            adopted_at: Some(adopted),
            verified_at: verified,
        }
    }

    #[test]
    fn freshness_counts_stale_entries() {
        let categories =
            [CategoryRow { key: "business".into(), name: "业务状况".into(), freshness_days: 90 }];
        let count = |owner: Option<i64>, adopted, stale| OwnerCount {
            category: "business".into(),
            owner_id: owner.map(UserId),
            owner_name: owner.map(|_| "王芳".to_owned()),
            adopted,
            stale,
        };
        let now = t(5, 21) + Duration::days(90);
        let f = freshness(
            &categories,
            &[count(Some(4), 2, 1), count(None, 1, 1)],
            vec![old(1, t(2, 13), None), old(4, t(1, 9), Some(t(6, 10)))],
            now,
        );
        assert_eq!(f.overall, Staleness { adopted: 3, stale: 2, stale_share: Some(0.67) });
        assert_eq!(f.by_category[0].name, "业务状况");
        assert_eq!(f.by_category[0].staleness, Staleness { adopted: 3, stale: 2, stale_share: Some(0.67) });
        let owners: Vec<_> =
            f.by_owner.iter().map(|o| (o.owner_id, o.owner_name.as_deref(), o.staleness.stale)).collect();
        assert_eq!(owners, [(None, None, 1), (Some(UserId(4)), Some("王芳"), 1)]);
        let oldest: Vec<_> =
            f.oldest_on_key_clients.iter().map(|o| (o.intel_id, o.stale, o.age_days)).collect();
        assert_eq!(oldest, [(IntelId(1), true, 93), (IntelId(4), false, 89)], "verifying restarts the clock");
    }
}
