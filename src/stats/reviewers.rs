//! Reviewer metrics: decisions per reviewer, time to decision, agreement with
//! peers, pairs where a reviewer adopts one author far more often than peers
//! do, and — beside them — who records uses of whose entries, how often and
//! how reciprocally (two people paying each other in usage points).

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDateTime;
use diesel::result::QueryResult;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::DbConn;
use crate::enums::{Decision, UsageOutcome};
use crate::ids::IntelId;
use crate::ids::UserId;
use crate::ratings::rules::{hours_between, mean, median, ratio, round2};
use crate::stats::facts::{self, within, EntryFilter, Facts};
use crate::time::Window;

pub fn load(conn: &mut DbConn, window: Window) -> QueryResult<ReviewerReport> {
    let facts = Facts {
        entries: facts::entries(conn, EntryFilter::default())?,
        reviews: facts::reviews(conn)?,
        usages: facts::usages(conn)?,
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

/// Two people and the uses each recorded of the other's entries.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct UsagePair {
    pub user_id: UserId,
    pub user_name: String,
    pub other_id: UserId,
    pub other_name: String,
    /// Uses `user` recorded of `other`'s entries (and how many were `won`).
    pub uses_by_user: i64,
    pub won_by_user: i64,
    /// Uses `other` recorded of `user`'s entries.
    pub uses_by_other: i64,
    pub won_by_other: i64,
    /// The smaller direction over the larger: 1 when both record as many uses of each other.
    pub reciprocity: f64,
    /// Both directions have at least [`RECIPROCAL_MIN_USES`] uses and
    /// reciprocity is at least [`RECIPROCAL_MIN_RATIO`].
    pub flagged: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct ReviewerReport {
    pub reviewers: Vec<ReviewerMetrics>,
    pub flags: Vec<CollusionFlag>,
    /// Who records uses of whose entries: flagged pairs first, then by uses,
    /// at most [`MAX_USAGE_PAIRS`].
    pub usage_pairs: Vec<UsagePair>,
}

/// Flag a pair when each recorded at least this many uses of the other's entries …
pub const RECIPROCAL_MIN_USES: i64 = 3;
/// … and the smaller direction is at least this share of the larger.
pub const RECIPROCAL_MIN_RATIO: f64 = 0.5;
/// Pairs listed, at most.
pub const MAX_USAGE_PAIRS: usize = 50;

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
    ReviewerReport { reviewers, flags, usage_pairs: usage_pairs(facts, window) }
}

/// Uses recorded of someone else's entries in `window`, per unordered pair.
pub fn usage_pairs(facts: &Facts, window: Window) -> Vec<UsagePair> {
    let authors: HashMap<IntelId, UserId> = facts.entries.iter().map(|e| (e.id, e.author_id)).collect();
    // (recorder, author) → (uses, won)
    let mut directed: HashMap<(UserId, UserId), (i64, i64)> = HashMap::new();
    for usage in facts.usages.iter().filter(|u| within(Some(u.created_at), window)) {
        let Some(author) = authors.get(&usage.intel_id).copied().filter(|a| *a != usage.user_id) else {
            continue;
        };
        let counts = directed.entry((usage.user_id, author)).or_default();
        counts.0 += 1;
        counts.1 += i64::from(usage.outcome == UsageOutcome::Won);
    }
    let name = |id: UserId| facts.people.get(&id).map(|p| p.real_name.clone()).unwrap_or_default();
    let mut pairs: Vec<UsagePair> = directed
        .keys()
        .map(|&(a, b)| (a.min(b), a.max(b)))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .map(|(user, other)| {
            let (uses_by_user, won_by_user) = directed.get(&(user, other)).copied().unwrap_or_default();
            let (uses_by_other, won_by_other) = directed.get(&(other, user)).copied().unwrap_or_default();
            let reciprocity =
                round2(uses_by_user.min(uses_by_other) as f64 / uses_by_user.max(uses_by_other) as f64);
            UsagePair {
                user_id: user,
                user_name: name(user),
                other_id: other,
                other_name: name(other),
                uses_by_user,
                won_by_user,
                uses_by_other,
                won_by_other,
                reciprocity,
                flagged: uses_by_user.min(uses_by_other) >= RECIPROCAL_MIN_USES
                    && reciprocity >= RECIPROCAL_MIN_RATIO,
            }
        })
        .collect();
    pairs.sort_by_key(|p| (!p.flagged, -(p.uses_by_user + p.uses_by_other), p.user_id, p.other_id));
    pairs.truncate(MAX_USAGE_PAIRS);
    pairs
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::facts::fixture::{facts, t};
    use crate::stats::facts::UsageFact;

    #[test]
    fn a_reviewer_far_above_peers_is_flagged() {
        let report = reviewers(&facts(), None);
        let chen = report.reviewers.iter().find(|r| r.real_name == "陈静").unwrap();
        assert_eq!((chen.decisions, chen.adopted, chen.adoption_rate), (3, 3, Some(1.0)));
        assert_eq!(chen.agreement, Some(0.0));
        assert_eq!(report.flags.len(), 1);
        assert_eq!((report.flags[0].adoption_rate, report.flags[0].peer_adoption_rate), (1.0, 0.0));
    }

    fn usage(intel: i64, user: i64, outcome: UsageOutcome) -> UsageFact {
        UsageFact { intel_id: IntelId(intel), user_id: UserId(user), outcome, created_at: t(8, 9) }
    }

    #[test]
    fn two_people_using_each_others_entries_are_flagged() {
        let mut facts = facts();
        // Entries 1, 3 and 4 are by user 1, entry 2 by user 3.
        facts.entries[1].author_id = UserId(3);
        facts.usages = vec![
            usage(1, 3, UsageOutcome::Won),
            usage(3, 3, UsageOutcome::Won),
            usage(4, 3, UsageOutcome::Pending),
            usage(2, 1, UsageOutcome::Won),
            usage(2, 1, UsageOutcome::Won),
            usage(2, 1, UsageOutcome::Lost),
            usage(2, 3, UsageOutcome::Won), // one's own entry: not a pair
            usage(1, 4, UsageOutcome::Pending),
        ];
        let pairs = usage_pairs(&facts, None);
        assert_eq!(pairs.len(), 2, "{pairs:?}");
        let first = &pairs[0];
        assert_eq!((first.user_id, first.other_id), (UserId(1), UserId(3)));
        assert_eq!(
            (first.uses_by_user, first.won_by_user, first.uses_by_other, first.won_by_other),
            (3, 2, 3, 2)
        );
        assert_eq!((first.reciprocity, first.flagged), (1.0, true));
        let one_way = &pairs[1];
        assert_eq!(
            (one_way.user_id, one_way.other_id, one_way.uses_by_user, one_way.uses_by_other),
            (UserId(1), UserId(4), 0, 1)
        );
        assert_eq!((one_way.reciprocity, one_way.flagged), (0.0, false));
    }
}
