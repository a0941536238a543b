//! Reviewer metrics: decisions per reviewer, time to decision, agreement with
//! peers, pairs where a reviewer adopts one author far more often than peers
//! do, and — beside them — who records uses of whose entries, how often and
//! how reciprocally (two people paying each other in usage points).
//!
//! The database groups decisions by (reviewer, author, decision) and uses by
//! (recorder, author) within the window; only the window's decision delays
//! are read one by one, for their medians.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDateTime;
use diesel::dsl::{case_when, count, count_star};
use diesel::prelude::*;
use diesel::result::QueryResult;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::rollup;
use crate::db::schema::{delay_cells, intel, reviews, usages, users};
use crate::db::DbConn;
use crate::enums::{Decision, DelayMeasure, IntelStatus, UsageOutcome};
use crate::ids::UserId;
use crate::ratings::model::Delays;
use crate::ratings::rules::{hours_between, mean, ratio, round2};
use crate::time::{all_time, Span};
use crate::with_conn;

/// The reviewer report's figures as the database grouped them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Grouped {
    /// Decisions in the window: (reviewer, author, decision, how many).
    pub decisions: Vec<(UserId, UserId, Decision, i64)>,
    /// Hours from submission to each decision in the window, by reviewer
    /// (a week or a month) …
    pub decision_hours: Vec<(UserId, f64)>,
    /// … or their histogram cells (longer): reviewer, bucket, how many, seconds.
    pub decision_histograms: Vec<(UserId, i32, i64, i64)>,
    /// Uses in the window of someone else's entries: (recorder, author, uses, won).
    pub uses: Vec<(UserId, UserId, i64, i64)>,
    /// The names of everyone above.
    pub names: HashMap<UserId, String>,
}

/// The reviewer report of `span`.
pub fn load(conn: &mut DbConn, span: Span) -> QueryResult<ReviewerReport> {
    Ok(reviewers(&grouped(conn, span)?))
}

/// Every figure of the report, counted by the database.
pub fn grouped(conn: &mut DbConn, span: Span) -> QueryResult<Grouped> {
    let (from, to) = span.window().unwrap_or_else(all_time);
    let histogram = rollup::histogram_grains(DelayMeasure::Decision).contains(&span.grain);
    let decided = || reviews::table.filter(reviews::created_at.ge(from)).filter(reviews::created_at.lt(to));
    // Uses of someone else's entry; drafts never count.
    let used = || {
        usages::table
            .inner_join(intel::table.on(intel::id.eq(usages::intel_id)))
            .filter(intel::status.ne(IntelStatus::Draft))
            .filter(usages::user_id.ne(intel::author_id))
            .filter(usages::created_at.ge(from))
            .filter(usages::created_at.lt(to))
    };
    with_conn!(conn, |c| {
        let decisions: Vec<(UserId, UserId, Decision, i64)> = decided()
            .group_by((reviews::reviewer_id, reviews::author_id, reviews::decision))
            .select((reviews::reviewer_id, reviews::author_id, reviews::decision, count_star()))
            .load(c)?;
        type Delay = (UserId, Option<NaiveDateTime>, NaiveDateTime);
        let (delays, histograms): (Vec<Delay>, Vec<_>) = if histogram {
            let cells: Vec<(i64, i32, i64, i64)> = delay_cells::table
                .filter(delay_cells::grain.eq(span.grain.as_str()))
                .filter(delay_cells::starts_on.eq(span.starts_on))
                .filter(delay_cells::measure.eq(DelayMeasure::Decision))
                .select((delay_cells::owner_id, delay_cells::bucket, delay_cells::n, delay_cells::seconds))
                .load(c)?;
            (Vec::new(), cells.into_iter().map(|(owner, b, n, s)| (UserId(owner), b, n, s)).collect())
        } else {
            let delays = decided()
                .inner_join(intel::table.on(intel::id.eq(reviews::intel_id)))
                .filter(intel::status.ne(IntelStatus::Draft))
                .filter(intel::submitted_at.is_not_null())
                .select((reviews::reviewer_id, intel::submitted_at, reviews::created_at))
                .load(c)?;
            (delays, Vec::new())
        };
        // COUNT skips the NULL of a use not won.
        let won = count(case_when(usages::outcome.eq(UsageOutcome::Won), usages::id));
        let uses: Vec<(UserId, UserId, i64, i64)> = used()
            .group_by((usages::user_id, intel::author_id))
            .select((usages::user_id, intel::author_id, count_star(), won))
            .load(c)?;
        // Everyone's name: a table of the branch's people is small, and
        // reading it costs less than finding who of them the window involves.
        let names: Vec<(UserId, String)> = users::table.select((users::id, users::real_name)).load(c)?;
        Ok(Grouped {
            decisions,
            decision_hours: delays
                .into_iter()
                .filter_map(|(reviewer, submitted, decided)| {
                    submitted.map(|s| (reviewer, hours_between(s, decided)))
                })
                .collect(),
            decision_histograms: histograms,
            uses,
            names: names.into_iter().collect(),
        })
    })
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
    /// Median hours from submission to this reviewer's decision (over a
    /// quarter or longer, from 5 %-wide buckets: within 2.5 %).
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

/// The report from its grouped figures.
pub fn reviewers(grouped: &Grouped) -> ReviewerReport {
    // (reviewer, author) → (adopted, decisions)
    let mut pairs: BTreeMap<(UserId, UserId), (i64, i64)> = BTreeMap::new();
    // reviewer → decision → how many
    let mut by_reviewer: BTreeMap<UserId, HashMap<Decision, i64>> = BTreeMap::new();
    for &(reviewer, author, decision, n) in &grouped.decisions {
        let pair = pairs.entry((reviewer, author)).or_default();
        pair.0 += if decision == Decision::Adopt { n } else { 0 };
        pair.1 += n;
        *by_reviewer.entry(reviewer).or_default().entry(decision).or_default() += n;
    }
    let mut delays_of: HashMap<UserId, Delays> = HashMap::new();
    for &(reviewer, hours) in &grouped.decision_hours {
        delays_of.entry(reviewer).or_default().hours.push(hours);
    }
    for &(reviewer, bucket, n, seconds) in &grouped.decision_histograms {
        delays_of.entry(reviewer).or_default().histogram.push((bucket, n, seconds));
    }
    // (adopted, decisions) by author, by reviewer and over everyone: a
    // reviewer's peers are everyone else, so their figures are a difference.
    let add = |into: &mut (i64, i64), (a, n): (i64, i64)| {
        into.0 += a;
        into.1 += n;
    };
    let (mut by_author, mut of_reviewer, mut everyone) =
        (HashMap::<UserId, (i64, i64)>::new(), HashMap::<UserId, (i64, i64)>::new(), (0, 0));
    for (&(reviewer, author), &pair) in &pairs {
        add(by_author.entry(author).or_default(), pair);
        add(of_reviewer.entry(reviewer).or_default(), pair);
        add(&mut everyone, pair);
    }
    let peers = |reviewer: UserId, author: Option<UserId>| -> (i64, i64) {
        let (all, own) = match author {
            Some(author) => (by_author[&author], pairs.get(&(reviewer, author)).copied().unwrap_or_default()),
            None => (everyone, of_reviewer[&reviewer]),
        };
        (all.0 - own.0, all.1 - own.1)
    };
    let pairs_of =
        |reviewer: UserId| pairs.range((reviewer, UserId(i64::MIN))..=(reviewer, UserId(i64::MAX)));
    let name = |id: UserId| grouped.names.get(&id).cloned().unwrap_or_default();
    let reviewers = by_reviewer
        .into_iter()
        .map(|(reviewer, counts)| {
            let count = |d: Decision| counts.get(&d).copied().unwrap_or(0);
            let decisions: i64 = counts.values().sum();
            let differences: Vec<f64> = pairs_of(reviewer)
                .filter_map(|((_, author), (a, n))| {
                    let (pa, pn) = peers(reviewer, Some(*author));
                    (pn > 0).then(|| (*a as f64 / *n as f64 - pa as f64 / pn as f64).abs())
                })
                .collect();
            ReviewerMetrics {
                real_name: name(reviewer),
                reviewer_id: reviewer,
                decisions,
                adopted: count(Decision::Adopt),
                rejected: count(Decision::Reject),
                returned: count(Decision::Revise),
                duplicates: count(Decision::Duplicate),
                adoption_rate: ratio(count(Decision::Adopt), decisions),
                median_decision_hours: delays_of.get(&reviewer).and_then(Delays::median_hours).map(round2),
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
    ReviewerReport { reviewers, flags, usage_pairs: usage_pairs(&grouped.uses, &grouped.names) }
}

/// Uses of someone else's entries — (recorder, author, uses, won) — per
/// unordered pair, flagged pairs first, then by uses.
pub fn usage_pairs(uses: &[(UserId, UserId, i64, i64)], names: &HashMap<UserId, String>) -> Vec<UsagePair> {
    // (recorder, author) → (uses, won)
    let mut directed: HashMap<(UserId, UserId), (i64, i64)> = HashMap::new();
    for &(user, author, n, won) in uses.iter().filter(|(user, author, _, _)| user != author) {
        let counts = directed.entry((user, author)).or_default();
        counts.0 += n;
        counts.1 += won;
    }
    let name = |id: UserId| names.get(&id).cloned().unwrap_or_default();
    let mut pairs: Vec<UsagePair> = directed
        .keys()
        .map(|&(a, b)| (a.min(b), a.max(b)))
        .collect::<BTreeSet<_>>()
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

    fn names() -> HashMap<UserId, String> {
        [(1, "张伟"), (2, "陈静"), (3, "刘洋"), (4, "王芳")]
            .into_iter()
            .map(|(id, name)| (UserId(id), name.to_owned()))
            .collect()
    }

    /// Four entries by 张伟: 陈静 adopted three (after 4, 24 and 1 hours),
    /// 刘洋 rejected one (after 2 hours).
    fn known() -> Grouped {
        Grouped {
            decisions: vec![
                (UserId(2), UserId(1), Decision::Adopt, 3),
                (UserId(3), UserId(1), Decision::Reject, 1),
            ],
            decision_hours: vec![(UserId(2), 4.0), (UserId(3), 2.0), (UserId(2), 24.0), (UserId(2), 1.0)],
            decision_histograms: Vec::new(),
            uses: vec![(UserId(4), UserId(1), 1, 1)],
            names: names(),
        }
    }

    #[test]
    fn a_reviewer_far_above_peers_is_flagged() {
        let report = reviewers(&known());
        let chen = report.reviewers.iter().find(|r| r.real_name == "陈静").unwrap();
        assert_eq!((chen.decisions, chen.adopted, chen.adoption_rate), (3, 3, Some(1.0)));
        assert_eq!((chen.agreement, chen.median_decision_hours), (Some(0.0), Some(4.0)));
        let liu = report.reviewers.iter().find(|r| r.real_name == "刘洋").unwrap();
        assert_eq!((liu.decisions, liu.rejected, liu.adoption_rate), (1, 1, Some(0.0)));
        assert_eq!(report.flags.len(), 1);
        assert_eq!(
            (report.flags[0].reviewer_name.as_str(), report.flags[0].author_name.as_str()),
            ("陈静", "张伟")
        );
        assert_eq!((report.flags[0].adoption_rate, report.flags[0].peer_adoption_rate), (1.0, 0.0));
    }

    #[test]
    fn a_reviewer_in_line_with_peers_is_not_flagged() {
        let mut grouped = known();
        grouped.decisions.push((UserId(3), UserId(1), Decision::Adopt, 4));
        let report = reviewers(&grouped);
        // 陈静 adopted 3 of 3, 刘洋 4 of 5: within the margin either way.
        assert_eq!(report.flags, []);
        let chen = report.reviewers.iter().find(|r| r.real_name == "陈静").unwrap();
        assert_eq!(chen.agreement, Some(0.8));
    }

    #[test]
    fn two_people_using_each_others_entries_are_flagged() {
        // 刘洋 used three of 张伟's entries (two won), 张伟 three of 刘洋's
        // (two won); 王芳 one of 张伟's; a use of one's own entry is no pair.
        let uses = [
            (UserId(3), UserId(1), 3, 2),
            (UserId(1), UserId(3), 3, 2),
            (UserId(3), UserId(3), 1, 1),
            (UserId(4), UserId(1), 1, 0),
        ];
        let pairs = usage_pairs(&uses, &names());
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
        assert_eq!((one_way.user_name.as_str(), one_way.other_name.as_str()), ("张伟", "王芳"));
    }
}
