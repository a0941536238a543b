//! The overview: entries submitted, adopted and used, rates, mean score and
//! review time for a period, by category, client kind, department and over time.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDateTime;
use diesel::result::QueryResult;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::DbConn;
use crate::enums::{Decision, UsageOutcome};
use crate::ids::IntelId;
use crate::ids::{DepartmentId, UserId};
use crate::ratings::rules::{hours_between, mean, median, ratio, round2};
use crate::stats::facts::{self, bucket_of, within, EntryFact, EntryFilter, Facts, Interval};
use crate::time::Window;

#[derive(Debug, Clone, Default, Serialize, ToSchema, PartialEq)]
pub struct Counts {
    pub submitted: i64,
    pub adopted: i64,
    /// Uses by someone other than the author.
    pub uses: i64,
    pub won: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct DepartmentCounts {
    pub department_id: Option<DepartmentId>,
    pub name: String,
    #[serde(flatten)]
    pub counts: Counts,
}

#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct Bucket {
    /// `YYYY-MM` for months, the Monday `YYYY-MM-DD` for weeks (UTC+8).
    pub bucket: String,
    #[serde(flatten)]
    pub counts: Counts,
}

#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct Overview {
    pub submitted: i64,
    pub adopted: i64,
    /// Decisions made in the period.
    pub decided: i64,
    /// Adoptions ÷ decisions.
    pub adoption_rate: Option<f64>,
    /// Share of the entries adopted in the period that someone else used.
    pub usage_rate: Option<f64>,
    pub uses: i64,
    pub won: i64,
    /// Mean rubric score of the decisions.
    pub mean_score: Option<f64>,
    /// Median hours from submission to decision.
    pub median_review_hours: Option<f64>,
    pub by_category: BTreeMap<String, Counts>,
    pub by_client_kind: BTreeMap<String, Counts>,
    pub by_department: Vec<DepartmentCounts>,
    pub series: Vec<Bucket>,
}

/// The client-kind key of entries about no client.
pub const MARKET: &str = "market";

/// The overview of `window`, over everyone's entries or one department's.
pub fn load(
    conn: &mut DbConn,
    window: Window,
    department: Option<DepartmentId>,
    interval: Interval,
) -> QueryResult<Overview> {
    let names = facts::department_names(conn)?;
    let facts = Facts {
        entries: facts::entries(conn, EntryFilter::default())?,
        reviews: facts::reviews(conn)?,
        usages: facts::usages(conn)?,
        people: facts::people(conn)?,
        clients: facts::clients(conn)?,
        ..Facts::default()
    };
    Ok(overview(&facts, window, department, interval, &names))
}

/// Whose entries count: everyone, or the authors in one department.
fn in_scope(facts: &Facts, author: UserId, department: Option<DepartmentId>) -> bool {
    department.is_none_or(|d| facts.people.get(&author).and_then(|p| p.department_id) == Some(d))
}

pub fn overview(
    facts: &Facts,
    window: Window,
    department: Option<DepartmentId>,
    interval: Interval,
    department_names: &HashMap<DepartmentId, String>,
) -> Overview {
    let entries: HashMap<IntelId, &EntryFact> = facts
        .entries
        .iter()
        .filter(|e| in_scope(facts, e.author_id, department))
        .map(|e| (e.id, e))
        .collect();
    // Entries about no client (market-wide competitor intelligence) count as `market`.
    let kind_of = |e: &EntryFact| match e.client_id {
        None => MARKET.to_owned(),
        Some(client) => facts.clients.get(&client).map_or_else(String::new, |c| c.kind.as_str().to_owned()),
    };
    let department_of = |e: &EntryFact| facts.people.get(&e.author_id).and_then(|p| p.department_id);

    let mut by_category: BTreeMap<String, Counts> = BTreeMap::new();
    let mut by_kind: BTreeMap<String, Counts> = BTreeMap::new();
    let mut by_department: BTreeMap<Option<DepartmentId>, Counts> = BTreeMap::new();
    let mut series: BTreeMap<String, Counts> = BTreeMap::new();
    let mut total = Counts::default();
    let mut tally = |e: &EntryFact, at: NaiveDateTime, add: &dyn Fn(&mut Counts)| {
        add(&mut total);
        add(by_category.entry(e.category.clone()).or_default());
        add(by_kind.entry(kind_of(e)).or_default());
        add(by_department.entry(department_of(e)).or_default());
        add(series.entry(bucket_of(at, interval)).or_default());
    };
    for e in entries.values() {
        if let Some(at) = e.submitted_at.filter(|t| within(Some(*t), window)) {
            tally(e, at, &|c| c.submitted += 1);
        }
        if let Some(at) = e.adopted_at.filter(|t| within(Some(*t), window)) {
            tally(e, at, &|c| c.adopted += 1);
        }
    }
    for u in facts.usages.iter().filter(|u| within(Some(u.created_at), window)) {
        let Some(e) = entries.get(&u.intel_id).filter(|e| e.author_id != u.user_id) else { continue };
        let won = u.outcome == UsageOutcome::Won;
        tally(e, u.created_at, &|c| {
            c.uses += 1;
            if won {
                c.won += 1;
            }
        });
    }

    let decisions: Vec<_> = facts
        .reviews
        .iter()
        .filter(|r| within(Some(r.created_at), window) && entries.contains_key(&r.intel_id))
        .collect();
    let adoptions = decisions.iter().filter(|r| r.decision == Decision::Adopt).count() as i64;
    let scores: Vec<f64> = decisions.iter().filter_map(|r| r.mean_score).collect();
    let review_hours: Vec<f64> = decisions
        .iter()
        .filter_map(|r| {
            entries.get(&r.intel_id).and_then(|e| e.submitted_at).map(|s| hours_between(s, r.created_at))
        })
        .collect();
    let used_by_others: HashSet<IntelId> = facts
        .usages
        .iter()
        .filter(|u| entries.get(&u.intel_id).is_some_and(|e| e.author_id != u.user_id))
        .map(|u| u.intel_id)
        .collect();
    let adopted_now: Vec<&&EntryFact> = entries.values().filter(|e| within(e.adopted_at, window)).collect();
    let used = adopted_now.iter().filter(|e| used_by_others.contains(&e.id)).count() as i64;

    Overview {
        submitted: total.submitted,
        adopted: total.adopted,
        decided: decisions.len() as i64,
        adoption_rate: ratio(adoptions, decisions.len() as i64),
        usage_rate: ratio(used, adopted_now.len() as i64),
        uses: total.uses,
        won: total.won,
        mean_score: mean(&scores).map(round2),
        median_review_hours: median(&review_hours).map(round2),
        by_category,
        by_client_kind: by_kind,
        by_department: by_department
            .into_iter()
            .map(|(id, counts)| DepartmentCounts {
                name: id
                    .and_then(|d| department_names.get(&d).cloned())
                    .unwrap_or_else(|| "未分配部门".into()),
                department_id: id,
                counts,
            })
            .collect(),
        series: series.into_iter().map(|(bucket, counts)| Bucket { bucket, counts }).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::facts::fixture::facts;

    #[test]
    fn overview_counts_rates_and_medians() {
        let o = overview(&facts(), None, None, Interval::Month, &HashMap::new());
        assert_eq!((o.submitted, o.adopted, o.decided, o.uses, o.won), (4, 3, 4, 1, 1));
        assert_eq!(o.adoption_rate, Some(0.75));
        assert_eq!(o.usage_rate, Some(0.33));
        assert_eq!(o.mean_score, Some(3.5));
        // decision delays: 4 h, 2 h, 24 h, 1 h → median 3 h
        assert_eq!(o.median_review_hours, Some(3.0));
        assert_eq!(o.series.len(), 1);
        assert_eq!(o.series[0].bucket, "2026-11");
    }
}
