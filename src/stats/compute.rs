//! The statistics as pure functions over loaded facts.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike, Duration, NaiveDateTime};
use serde::Serialize;
use utoipa::ToSchema;

use crate::ids::ClientId;
use crate::ids::IntelId;
use crate::ids::{DepartmentId, UserId};
use crate::intel::freshness;
use crate::ratings::compute::{mean, median, ratio};
use crate::stats::data::{EntryFact, Facts};
use crate::time::business_zone;

pub type Window = Option<(NaiveDateTime, NaiveDateTime)>;

pub fn within(t: Option<NaiveDateTime>, window: Window) -> bool {
    match (t, window) {
        (None, _) => false,
        (Some(_), None) => true,
        (Some(t), Some((from, to))) => t >= from && t < to,
    }
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

fn hours(from: NaiveDateTime, to: NaiveDateTime) -> f64 {
    (to - from).num_seconds().max(0) as f64 / 3600.0
}

/// Whose entries count: everyone, or the authors in one department.
fn in_scope(facts: &Facts, author: UserId, department: Option<DepartmentId>) -> bool {
    department.is_none_or(|d| facts.people.get(&author).and_then(|p| p.department_id) == Some(d))
}

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, ToSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum Interval {
    Week,
    #[default]
    Month,
}

fn bucket_of(t: NaiveDateTime, interval: Interval) -> String {
    let local = t.and_utc().with_timezone(&business_zone()).date_naive();
    match interval {
        Interval::Month => format!("{:04}-{:02}", local.year(), local.month()),
        Interval::Week => {
            let monday = local - Duration::days(i64::from(local.weekday().num_days_from_monday()));
            monday.format("%Y-%m-%d").to_string()
        }
    }
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
    let kind_of =
        |e: &EntryFact| facts.clients.get(&e.client_id).map_or_else(String::new, |c| c.kind.clone());
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
        let won = u.outcome == "won";
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
    let adoptions = decisions.iter().filter(|r| r.decision == "adopt").count() as i64;
    let scores: Vec<f64> = decisions.iter().filter_map(|r| r.mean_score).collect();
    let review_hours: Vec<f64> = decisions
        .iter()
        .filter_map(|r| entries.get(&r.intel_id).and_then(|e| e.submitted_at).map(|s| hours(s, r.created_at)))
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

#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct Cluster {
    pub tag: String,
    pub clients: i64,
    pub groups: i64,
    pub individuals: i64,
}

/// Which clients a cluster view includes.
#[derive(Debug, Clone, Default)]
pub struct ClientFilter {
    pub kind: Option<String>,
    pub tier: Option<String>,
    pub region: Option<String>,
}

impl ClientFilter {
    pub fn accepts(&self, client: &crate::stats::data::ClientFact) -> bool {
        self.kind.as_ref().is_none_or(|k| *k == client.kind)
            && self.tier.as_ref().is_none_or(|t| client.tier.as_ref() == Some(t))
            && self.region.as_ref().is_none_or(|r| client.region.as_ref() == Some(r))
    }
}

/// Tags over clients, largest cluster first.
pub fn clusters(facts: &Facts, filter: &ClientFilter) -> Vec<Cluster> {
    let mut clusters: BTreeMap<String, Cluster> = BTreeMap::new();
    for client in facts.clients.values().filter(|c| filter.accepts(c)) {
        for tag in &client.tags {
            let cluster = clusters.entry(tag.clone()).or_insert_with(|| Cluster {
                tag: tag.clone(),
                clients: 0,
                groups: 0,
                individuals: 0,
            });
            cluster.clients += 1;
            if client.kind == "group" {
                cluster.groups += 1;
            } else {
                cluster.individuals += 1;
            }
        }
    }
    let mut list: Vec<Cluster> = clusters.into_values().collect();
    list.sort_by(|a, b| b.clients.cmp(&a.clients).then_with(|| a.tag.cmp(&b.tag)));
    list
}

/// The clients behind a tag, by name.
pub fn cluster_members(facts: &Facts, tag: &str, filter: &ClientFilter) -> Vec<ClientId> {
    let mut members: Vec<&crate::stats::data::ClientFact> =
        facts.clients.values().filter(|c| filter.accepts(c) && c.tags.iter().any(|t| t == tag)).collect();
    members.sort_by(|a, b| a.name.cmp(&b.name));
    members.into_iter().map(|c| c.id).collect()
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
        .filter(|e| e.status == "adopted")
        .map(|e| {
            let days = facts.categories.get(&e.category).map_or(i32::MAX, |c| c.1);
            (e, freshness::is_stale(true, e.adopted_at, e.verified_at, days, now))
        })
        .collect();
    let mut by_category: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    let mut by_owner: BTreeMap<Option<UserId>, (i64, i64)> = BTreeMap::new();
    for (e, stale) in &adopted {
        let owner = facts.clients.get(&e.client_id).and_then(|c| c.owner_id);
        for slot in [by_category.entry(e.category.clone()).or_default(), by_owner.entry(owner).or_default()] {
            slot.0 += 1;
            slot.1 += i64::from(*stale);
        }
    }
    let mut oldest: Vec<OldFact> = adopted
        .iter()
        .filter_map(|(e, stale)| {
            let client = facts.clients.get(&e.client_id)?;
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
    pub offers: Vec<Offer>,
    pub months: Vec<MonthCount>,
}

/// Adopted competitor entries in the window, by competitor, offer and month.
pub fn competitors(facts: &Facts, window: Window) -> Vec<CompetitorView> {
    type Fields = serde_json::Map<String, serde_json::Value>;
    let mut groups: BTreeMap<String, Vec<(&EntryFact, Fields)>> = BTreeMap::new();
    for e in facts
        .entries
        .iter()
        .filter(|e| e.category == "competitor" && matches!(e.status.as_str(), "adopted" | "superseded"))
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
                offers,
                months: months.into_iter().map(|(month, entries)| MonthCount { month, entries }).collect(),
            }
        })
        .collect();
    views.sort_by(|a, b| b.entries.cmp(&a.entries).then_with(|| a.competitor.cmp(&b.competitor)));
    views
}

/// One person's 绩效考核 for a period: quantity, quality, time dimension and points.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct Assessment {
    pub user_id: UserId,
    pub employee_no: String,
    pub real_name: String,
    pub department: Option<String>,
    pub submitted: i64,
    pub adopted: i64,
    pub decided: i64,
    pub adoption_rate: Option<f64>,
    pub mean_score: Option<f64>,
    pub usage_rate: Option<f64>,
    pub uses: i64,
    /// Median hours from observing a fact to submitting it.
    pub median_submission_delay_hours: Option<f64>,
    /// Revisions of adopted entries submitted.
    pub updates: i64,
    /// Stale facts confirmed as still true.
    pub verifications: i64,
    pub points: i64,
}

pub fn assessments(
    facts: &Facts,
    window: Window,
    department: Option<DepartmentId>,
    department_names: &HashMap<DepartmentId, String>,
) -> Vec<Assessment> {
    let used_by_others: HashSet<IntelId> = {
        let authors: HashMap<IntelId, UserId> = facts.entries.iter().map(|e| (e.id, e.author_id)).collect();
        facts
            .usages
            .iter()
            .filter(|u| authors.get(&u.intel_id) != Some(&u.user_id))
            .map(|u| u.intel_id)
            .collect()
    };
    let mut people: Vec<_> = facts
        .people
        .values()
        .filter(|p| p.is_active && department.is_none_or(|d| p.department_id == Some(d)))
        .collect();
    people.sort_by(|a, b| a.employee_no.cmp(&b.employee_no));
    let mut rows: Vec<Assessment> = people
        .into_iter()
        .map(|person| {
            let mine: Vec<&EntryFact> = facts.entries.iter().filter(|e| e.author_id == person.id).collect();
            let submitted: Vec<&&EntryFact> =
                mine.iter().filter(|e| within(e.submitted_at, window)).collect();
            let adopted: Vec<&&EntryFact> = mine.iter().filter(|e| within(e.adopted_at, window)).collect();
            let decisions: Vec<_> = facts
                .reviews
                .iter()
                .filter(|r| r.author_id == person.id && within(Some(r.created_at), window))
                .collect();
            let scores: Vec<f64> = decisions.iter().filter_map(|r| r.mean_score).collect();
            let my_ids: HashSet<IntelId> = mine.iter().map(|e| e.id).collect();
            let uses = facts
                .usages
                .iter()
                .filter(|u| {
                    my_ids.contains(&u.intel_id)
                        && u.user_id != person.id
                        && within(Some(u.created_at), window)
                })
                .count() as i64;
            let delays: Vec<f64> =
                submitted.iter().filter_map(|e| e.submitted_at.map(|s| hours(e.observed_at, s))).collect();
            let points = |reason: Option<&str>| -> Vec<i64> {
                facts
                    .points
                    .iter()
                    .filter(|p| p.user_id == person.id && within(Some(p.created_at), window))
                    .filter(|p| reason.is_none_or(|r| p.reason == r))
                    .map(|p| i64::from(p.delta))
                    .collect()
            };
            Assessment {
                user_id: person.id,
                employee_no: person.employee_no.clone(),
                real_name: person.real_name.clone(),
                department: person.department_id.and_then(|d| department_names.get(&d).cloned()),
                submitted: submitted.len() as i64,
                adopted: adopted.len() as i64,
                decided: decisions.len() as i64,
                adoption_rate: ratio(
                    decisions.iter().filter(|r| r.decision == "adopt").count() as i64,
                    decisions.len() as i64,
                ),
                mean_score: mean(&scores).map(round2),
                usage_rate: ratio(
                    adopted.iter().filter(|e| used_by_others.contains(&e.id)).count() as i64,
                    adopted.len() as i64,
                ),
                uses,
                median_submission_delay_hours: median(&delays).map(round2),
                updates: submitted.iter().filter(|e| e.supersedes_id.is_some()).count() as i64,
                verifications: points(Some("verified")).len() as i64,
                points: points(None).iter().sum(),
            }
        })
        .collect();
    rows.sort_by(|a, b| b.points.cmp(&a.points).then_with(|| a.employee_no.cmp(&b.employee_no)));
    rows
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
        pair.0 += i64::from(r.decision == "adopt");
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
            let count = |d: &str| mine.iter().filter(|r| r.decision == d).count() as i64;
            let hours_to_decide: Vec<f64> = mine
                .iter()
                .filter_map(|r| submitted.get(&r.intel_id).map(|s| hours(*s, r.created_at)))
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
                adopted: count("adopt"),
                rejected: count("reject"),
                returned: count("revise"),
                duplicates: count("duplicate"),
                adoption_rate: ratio(count("adopt"), mine.len() as i64),
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
    use crate::enums::Roles;
    use crate::stats::data::{ClientFact, PersonFact, ReviewFact, UsageFact};

    fn t(day: u32, hour: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 11, day).unwrap().and_hms_opt(hour, 0, 0).unwrap()
    }

    fn entry(
        id: i64,
        author: i64,
        category: &str,
        submitted: NaiveDateTime,
        adopted: Option<NaiveDateTime>,
    ) -> EntryFact {
        EntryFact {
            id: IntelId(id),
            client_id: ClientId(1),
            category: category.into(),
            author_id: UserId(author),
            title: format!("e{id}"),
            fields: "{}".into(),
            status: if adopted.is_some() { "adopted".into() } else { "rejected".into() },
            observed_at: submitted - Duration::hours(10),
            submitted_at: Some(submitted),
            adopted_at: adopted,
            verified_at: None,
            supersedes_id: None,
        }
    }

    fn review(
        id: i64,
        reviewer: i64,
        author: i64,
        decision: &str,
        at: NaiveDateTime,
        score: f64,
    ) -> ReviewFact {
        ReviewFact {
            intel_id: IntelId(id),
            reviewer_id: UserId(reviewer),
            author_id: UserId(author),
            decision: decision.into(),
            mean_score: Some(score),
            created_at: at,
        }
    }

    fn facts() -> Facts {
        let mut facts = Facts::default();
        for (id, name) in [(1, "张伟"), (2, "陈静"), (3, "刘洋"), (4, "王芳")] {
            facts.people.insert(
                UserId(id),
                PersonFact {
                    id: UserId(id),
                    real_name: name.into(),
                    employee_no: format!("E{id}"),
                    department_id: None,
                    roles: Roles::new([]),
                    is_active: true,
                },
            );
        }
        facts.clients.insert(
            ClientId(1),
            ClientFact {
                id: ClientId(1),
                kind: "group".into(),
                name: "长江".into(),
                tier: Some("A".into()),
                region: None,
                owner_id: Some(UserId(4)),
                tags: vec!["高尔夫".into()],
            },
        );
        facts.categories.insert("business".into(), ("业务状况".into(), 90));
        facts.entries = vec![
            entry(1, 1, "business", t(2, 9), Some(t(2, 13))),
            entry(2, 1, "business", t(3, 9), None),
            entry(3, 1, "business", t(4, 9), Some(t(5, 9))),
            entry(4, 1, "business", t(6, 9), Some(t(6, 10))),
        ];
        facts.reviews = vec![
            review(1, 2, 1, "adopt", t(2, 13), 4.0),
            review(2, 3, 1, "reject", t(3, 11), 2.0),
            review(3, 2, 1, "adopt", t(5, 9), 3.0),
            review(4, 2, 1, "adopt", t(6, 10), 5.0),
        ];
        facts.usages = vec![
            UsageFact {
                intel_id: IntelId(1),
                user_id: UserId(4),
                outcome: "won".into(),
                created_at: t(7, 9),
            },
            UsageFact {
                intel_id: IntelId(1),
                user_id: UserId(1),
                outcome: "pending".into(),
                created_at: t(7, 9),
            },
        ];
        facts
    }

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

    #[test]
    fn a_reviewer_far_above_peers_is_flagged() {
        let report = reviewers(&facts(), None);
        let chen = report.reviewers.iter().find(|r| r.real_name == "陈静").unwrap();
        assert_eq!((chen.decisions, chen.adopted, chen.adoption_rate), (3, 3, Some(1.0)));
        assert_eq!(chen.agreement, Some(0.0));
        assert_eq!(report.flags.len(), 1);
        assert_eq!((report.flags[0].adoption_rate, report.flags[0].peer_adoption_rate), (1.0, 0.0));
    }

    #[test]
    fn assessments_and_clusters() {
        let rows = assessments(&facts(), None, None, &HashMap::new());
        let zhang = rows.iter().find(|r| r.real_name == "张伟").unwrap();
        assert_eq!((zhang.submitted, zhang.adopted, zhang.uses), (4, 3, 1));
        assert_eq!(zhang.median_submission_delay_hours, Some(10.0));
        let c = clusters(&facts(), &ClientFilter::default());
        assert_eq!(c, vec![Cluster { tag: "高尔夫".into(), clients: 1, groups: 1, individuals: 0 }]);
    }

    #[test]
    fn freshness_counts_stale_entries() {
        let f = freshness(&facts(), t(5, 21) + Duration::days(90), 10);
        assert_eq!(f.overall, Staleness { adopted: 3, stale: 2, stale_share: Some(0.67) });
        assert_eq!(f.oldest_on_key_clients[0].intel_id, IntelId(1));
    }
}
