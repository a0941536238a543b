//! Reviewer metrics: decisions per reviewer, time to decision, agreement with
//! peers, and pairs where a reviewer adopts one author far more often than
//! peers do.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDateTime;
use diesel::result::QueryResult;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::DbConn;
use crate::enums::Decision;
use crate::ids::IntelId;
use crate::ids::UserId;
use crate::ratings::rules::{hours_between, mean, median, ratio, round2};
use crate::stats::facts::{self, within, EntryFilter, Facts};
use crate::time::Window;

pub fn load(conn: &mut DbConn, window: Window) -> QueryResult<ReviewerReport> {
    let facts = Facts {
        entries: facts::entries(conn, EntryFilter::default())?,
        reviews: facts::reviews(conn)?,
        people: facts::people(conn)?,
        ..Facts::default()
    };
    Ok(reviewers(&facts, window))
}

#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct ReviewerMetrics {
    pub reviewer_id: UserId,
    pub real_name: String,
    pub decisions: i64,
    pub adopted: i64,
    pub rejected: i64,
    pub returned: i64,
    pub duplicates: i64,
    pub adoption_rate: Option<f64>,
    /// Median hours from submission to this reviewer's decision.
    pub median_decision_hours: Option<f64>,
    /// 1 − mean |own adoption rate − peers' rate| over authors both decided on.
    pub agreement: Option<f64>,
}

/// A reviewer adopting one author's entries far more often than peers do.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct CollusionFlag {
    pub reviewer_id: UserId,
    pub reviewer_name: String,
    pub author_id: UserId,
    pub author_name: String,
    pub decisions: i64,
    pub adoption_rate: f64,
    pub peer_adoption_rate: f64,
}

#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct ReviewerReport {
    pub reviewers: Vec<ReviewerMetrics>,
    pub flags: Vec<CollusionFlag>,
}

/// Flag a reviewer–author pair with at least this many decisions …
pub const FLAG_MIN_DECISIONS: i64 = 3;
/// … whose adoption rate exceeds the peers' by at least this much.
pub const FLAG_MARGIN: f64 = 0.3;

pub fn reviewers(facts: &Facts, window: Window) -> ReviewerReport {
    let decisions: Vec<_> = facts.reviews.iter().filter(|r| within(Some(r.created_at), window)).collect();
    let submitted: HashMap<IntelId, NaiveDateTime> =
        facts.entries.iter().filter_map(|e| e.submitted_at.map(|s| (e.id, s))).collect();
    // (reviewer, author) → (adopted, decisions)
    let mut pairs: BTreeMap<(UserId, UserId), (i64, i64)> = BTreeMap::new();
    for r in &decisions {
        let pair = pairs.entry((r.reviewer_id, r.author_id)).or_default();
        pair.0 += i64::from(r.decision == Decision::Adopt);
        pair.1 += 1;
    }
    let peers = |reviewer: UserId, author: Option<UserId>| -> (i64, i64) {
        pairs
            .iter()
            .filter(|((rv, au), _)| *rv != reviewer && author.is_none_or(|a| *au == a))
            .fold((0, 0), |acc, (_, (a, n))| (acc.0 + a, acc.1 + n))
    };
    let name = |id: UserId| facts.people.get(&id).map(|p| p.real_name.clone()).unwrap_or_default();
    let mut reviewer_ids: Vec<UserId> = decisions.iter().map(|r| r.reviewer_id).collect();
    reviewer_ids.sort();
    reviewer_ids.dedup();
    let reviewers = reviewer_ids
        .into_iter()
        .map(|reviewer| {
            let mine: Vec<_> = decisions.iter().filter(|r| r.reviewer_id == reviewer).collect();
            let count = |d: Decision| mine.iter().filter(|r| r.decision == d).count() as i64;
            let hours_to_decide: Vec<f64> = mine
                .iter()
                .filter_map(|r| submitted.get(&r.intel_id).map(|s| hours_between(*s, r.created_at)))
                .collect();
            let differences: Vec<f64> = pairs
                .iter()
                .filter(|((rv, _), _)| *rv == reviewer)
                .filter_map(|((_, author), (a, n))| {
                    let (pa, pn) = peers(reviewer, Some(*author));
                    (pn > 0).then(|| (*a as f64 / *n as f64 - pa as f64 / pn as f64).abs())
                })
                .collect();
            ReviewerMetrics {
                real_name: name(reviewer),
                reviewer_id: reviewer,
                decisions: mine.len() as i64,
                adopted: count(Decision::Adopt),
                rejected: count(Decision::Reject),
                returned: count(Decision::Revise),
                duplicates: count(Decision::Duplicate),
                adoption_rate: ratio(count(Decision::Adopt), mine.len() as i64),
                median_decision_hours: median(&hours_to_decide).map(round2),
                agreement: mean(&differences).map(|d| round2(1.0 - d)),
            }
        })
        .collect();
    let flags = pairs
        .iter()
        .filter(|(_, (_, n))| *n >= FLAG_MIN_DECISIONS)
        .filter_map(|((reviewer, author), (a, n))| {
            let rate = *a as f64 / *n as f64;
            let (pa, pn) = match peers(*reviewer, Some(*author)) {
                (pa, pn) if pn >= 2 => (pa, pn),
                _ => peers(*reviewer, None),
            };
            let peer_rate = if pn > 0 { pa as f64 / pn as f64 } else { return None };
            (rate - peer_rate >= FLAG_MARGIN).then(|| CollusionFlag {
                reviewer_id: *reviewer,
                reviewer_name: name(*reviewer),
                author_id: *author,
                author_name: name(*author),
                decisions: *n,
                adoption_rate: round2(rate),
                peer_adoption_rate: round2(peer_rate),
            })
        })
        .collect();
    ReviewerReport { reviewers, flags }
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::facts::fixture::facts;

    #[test]
    fn a_reviewer_far_above_peers_is_flagged() {
        let report = reviewers(&facts(), None);
        let chen = report.reviewers.iter().find(|r| r.real_name == "陈静").unwrap();
        assert_eq!((chen.decisions, chen.adopted, chen.adoption_rate), (3, 3, Some(1.0)));
        assert_eq!(chen.agreement, Some(0.0));
        assert_eq!(report.flags.len(), 1);
        assert_eq!((report.flags[0].adoption_rate, report.flags[0].peer_adoption_rate), (1.0, 0.0));
    }
}
