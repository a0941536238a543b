//! The plan: what happens to each entry and when — which entries, their
//! fates, reviews, usages and dates — decided before anything is written.

use anyhow::bail;
use chrono::{Duration, NaiveDateTime, Timelike};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::Rng;

use super::cast::Kind;
use super::data::pick;
use super::data::Sector::{Enterprise, Finance};
use super::Seeder;
use crate::enums::{UsageOutcome, UsagePurpose};

/// How far back the history reaches, in days.
pub(super) const HISTORY_DAYS: f64 = 176.0;
pub(super) const USAGES: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fate {
    Draft,
    Pending,
    Returned,
    Rejected,
    Duplicate,
    Adopted,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Afterwards {
    /// Stays adopted; verified when it would otherwise have gone stale.
    Kept,
    /// Left to go stale.
    Stale,
    Revised,
    Retracted,
}

pub(super) struct UsagePlan {
    pub(super) user: usize,
    pub(super) purpose: UsagePurpose,
    pub(super) outcome: UsageOutcome,
    pub(super) at: NaiveDateTime,
    /// A later change of outcome.
    pub(super) changed: Option<(UsageOutcome, NaiveDateTime)>,
}

pub(super) struct Plan {
    /// Seeds the randomness of playing this plan, whatever order plans are played in.
    pub(super) seed: u64,
    pub(super) client: usize,
    pub(super) category: &'static str,
    pub(super) author: usize,
    pub(super) reviewer: usize,
    pub(super) fate: Fate,
    pub(super) afterwards: Afterwards,
    pub(super) submitted: NaiveDateTime,
    pub(super) decided: NaiveDateTime,
    pub(super) duplicate_of: Option<usize>,
    pub(super) usages: Vec<UsagePlan>,
    pub(super) verified: Option<NaiveDateTime>,
    /// (proposed, adopted) of a revision.
    pub(super) revised: Option<(NaiveDateTime, NaiveDateTime)>,
    pub(super) retracted: Option<NaiveDateTime>,
}

pub(super) fn freshness_days(category: &str) -> f64 {
    match category {
        "basic" => 365.0,
        "profile" => 180.0,
        "business" | "credit" => 90.0,
        "competitor" => 30.0,
        _ => 60.0,
    }
}

/// Times of the history, relative to the moment seeding started.
pub(super) struct Clock {
    pub(super) now: NaiveDateTime,
}

impl Clock {
    pub(super) fn ago(&self, days: f64) -> NaiveDateTime {
        self.now - Duration::seconds((days * 86_400.0) as i64)
    }

    pub(super) fn days_since(&self, at: NaiveDateTime) -> f64 {
        (self.now - at).num_seconds() as f64 / 86_400.0
    }

    /// Moves a moment more than a day old into office hours (08–18, UTC+8).
    pub(super) fn at_work(&self, rng: &mut StdRng, at: NaiveDateTime) -> NaiveDateTime {
        // Drawn every time, so the random stream (and so the world) does not
        // depend on the time of day the seeding runs.
        let (hour, minute, second) = (rng.gen_range(8..18), rng.gen_range(0..60), rng.gen_range(0..60));
        let local = at + Duration::hours(8);
        if self.now - at < Duration::days(1) || (8..18).contains(&local.hour()) {
            return at;
        }
        local.date().and_hms_opt(hour, minute, second).map_or(at, |m| m - Duration::hours(8))
    }

    /// A moment about `hours` after `previous`, in office hours when old enough,
    /// never before `previous` and never later than half a minute ago.
    pub(super) fn after(&self, rng: &mut StdRng, previous: NaiveDateTime, hours: f64) -> NaiveDateTime {
        let latest = self.now - Duration::seconds(30);
        let wanted = previous + Duration::seconds((hours * 3600.0) as i64);
        let at = self.at_work(rng, wanted).max(previous + Duration::minutes(5));
        if at <= latest {
            at
        } else {
            previous + (latest - previous) / 2
        }
    }

    pub(super) fn between(&self, rng: &mut StdRng, from: NaiveDateTime, to: NaiveDateTime) -> NaiveDateTime {
        // One draw whatever the span, so the stream does not depend on the wall clock.
        let share: f64 = rng.gen();
        let at = from + Duration::seconds(((to - from).num_seconds().max(0) as f64 * share) as i64);
        self.at_work(rng, at).clamp(from, to)
    }
}

impl Seeder<'_> {
    /// A client for a new entry: groups more often, higher tiers more often.
    fn pick_client(&mut self) -> usize {
        let groups = self.rng.gen_bool(0.72);
        let weights: Vec<u32> =
            self.clients.iter().map(|c| if c.is_group() == groups { c.tier_weight() } else { 0 }).collect();
        weighted(&mut self.rng, &weights)
    }

    fn pick_category(&mut self, client: usize, stale: bool) -> &'static str {
        let group = self.clients[client].is_group();
        let table: &[(&'static str, u32)] = match (group, stale) {
            (true, false) => &[
                ("basic", 12),
                ("profile", 14),
                ("business", 18),
                ("credit", 9),
                ("competitor", 16),
                ("opportunity", 18),
                ("service", 13),
            ],
            (false, false) => {
                &[("profile", 30), ("business", 22), ("competitor", 14), ("opportunity", 20), ("service", 14)]
            }
            (true, true) => {
                &[("business", 3), ("credit", 1), ("competitor", 4), ("opportunity", 3), ("service", 2)]
            }
            (false, true) => &[("business", 1), ("competitor", 2), ("opportunity", 1), ("service", 1)],
        };
        // Only companies and banks have a credit standing worth recording.
        let has_credit = matches!(self.clients[client].kind, Kind::Group(Enterprise | Finance));
        let weights: Vec<u32> =
            table.iter().map(|(key, w)| if *key == "credit" && !has_credit { 0 } else { *w }).collect();
        table[weighted(&mut self.rng, &weights)].0
    }

    /// Someone from `pool` (other than `not`) who had joined by `at`.
    fn someone(&mut self, pool: &[usize], not: Option<usize>, at: NaiveDateTime) -> Option<usize> {
        let eligible: Vec<usize> =
            pool.iter().copied().filter(|i| Some(*i) != not && self.actors[*i].joined < at).collect();
        eligible.choose(&mut self.rng).copied()
    }

    pub(super) fn plan(&mut self) -> anyhow::Result<Vec<Plan>> {
        let contributors = self.contributors();
        let reviewers = self.reviewers();
        let mut specs: Vec<(Fate, Afterwards, bool)> = Vec::new();
        let fates = [(Fate::Draft, 10), (Fate::Pending, 20), (Fate::Returned, 16), (Fate::Rejected, 16)];
        for (fate, count) in fates {
            specs.extend(std::iter::repeat_n((fate, Afterwards::Kept, false), count));
        }
        let adopted = [
            (Afterwards::Stale, false, 10),
            (Afterwards::Revised, false, 3),
            (Afterwards::Retracted, false, 2),
            (Afterwards::Kept, true, 6),
            (Afterwards::Kept, false, 106),
        ];
        for (afterwards, recent, count) in adopted {
            specs.extend(std::iter::repeat_n((Fate::Adopted, afterwards, recent), count));
        }

        let mut plans = Vec::new();
        for (fate, afterwards, recent) in specs {
            self.reseed();
            let play_seed = self.master.gen();
            let client = self.pick_client();
            let category = self.pick_category(client, afterwards == Afterwards::Stale);
            let window = freshness_days(category);
            let rng = &mut self.rng;
            let age = match (fate, afterwards) {
                (Fate::Draft, _) => rng.gen_range(0.02..20.0),
                (Fate::Pending, _) => rng.gen_range(0.01..9.0),
                (Fate::Returned | Fate::Rejected, _) => rng.gen_range(2.0..HISTORY_DAYS),
                (_, Afterwards::Stale) => (window + rng.gen_range(6.0..50.0)).min(HISTORY_DAYS),
                (_, Afterwards::Revised | Afterwards::Retracted) => rng.gen_range(25.0..HISTORY_DAYS),
                _ if recent => rng.gen_range(0.004..0.05),
                _ if rng.gen_bool(0.55) => rng.gen_range(0.3..(window * 0.85).min(HISTORY_DAYS)),
                _ => rng.gen_range(0.3..HISTORY_DAYS),
            };
            let submitted = self.clock.ago(age);
            let submitted = self.clock.at_work(&mut self.rng, submitted);
            let delay = self.rng.gen_range(1.0..72.0);
            let decided = self.clock.after(&mut self.rng, submitted, delay);
            let owner = self.clients[client].owner_at(submitted).filter(|o| contributors.contains(o));
            let author = match owner {
                Some(owner) if self.rng.gen_bool(0.45) && self.actors[owner].joined < submitted => {
                    Some(owner)
                }
                _ => self.someone(&contributors, None, submitted),
            };
            let Some(author) = author.or(owner).or(contributors.first().copied()) else {
                bail!("no one to write the demo entries");
            };
            let reviewer = pick(&mut self.rng, &reviewers);
            let mut plan = Plan {
                seed: play_seed,
                client,
                category,
                author,
                reviewer,
                fate,
                afterwards,
                submitted,
                decided,
                duplicate_of: None,
                usages: Vec::new(),
                verified: None,
                revised: None,
                retracted: None,
            };
            self.plan_afterwards(&mut plan);
            plans.push(plan);
        }
        self.reseed();
        self.plan_duplicates(&mut plans, &contributors, &reviewers);
        self.plan_usages(&mut plans, &contributors);
        Ok(plans)
    }

    fn plan_afterwards(&mut self, plan: &mut Plan) {
        if plan.fate != Fate::Adopted {
            return;
        }
        let clock = &self.clock;
        let rng = &mut self.rng;
        let window = freshness_days(plan.category);
        match plan.afterwards {
            Afterwards::Kept if clock.days_since(plan.decided) > window - 0.5 => {
                // Confirmed "still true" once it had gone stale, and recently enough to be fresh now.
                let lower = (plan.decided + Duration::hours(((window + 0.5) * 24.0) as i64))
                    .max(clock.ago(window * 0.8));
                let upper = clock.ago(0.1);
                plan.verified =
                    Some(if lower < upper { clock.between(rng, lower, upper) } else { clock.ago(0.05) });
            }
            Afterwards::Revised => {
                let from = (plan.decided + Duration::days(5)).max(clock.ago(20.0));
                let proposed = clock.between(rng, from, clock.ago(0.5));
                let hours = rng.gen_range(2.0..30.0);
                plan.revised = Some((proposed, clock.after(rng, proposed, hours)));
            }
            Afterwards::Retracted => {
                plan.retracted = Some(clock.between(rng, plan.decided + Duration::days(3), clock.ago(1.0)));
            }
            Afterwards::Kept | Afterwards::Stale => {}
        }
    }

    /// The same fact reported again by someone else, after the first report was adopted.
    fn plan_duplicates(&mut self, plans: &mut Vec<Plan>, contributors: &[usize], reviewers: &[usize]) {
        let mut targets: Vec<usize> = (0..plans.len())
            .filter(|i| {
                let p = &plans[*i];
                p.fate == Fate::Adopted
                    && matches!(p.afterwards, Afterwards::Kept | Afterwards::Stale)
                    && self.clients[p.client].is_group()
                    && self.clock.days_since(p.decided) > 3.0
            })
            .collect();
        targets.shuffle(&mut self.rng);
        for target in targets.into_iter().take(8) {
            self.reseed();
            let (client, category, target_author, target_decided) = {
                let t = &plans[target];
                (t.client, t.category, t.author, t.decided)
            };
            let from = target_decided + Duration::days(1);
            let to = self.clock.ago(0.5);
            let submitted = self.clock.between(&mut self.rng, from, to);
            let Some(author) = self.someone(contributors, Some(target_author), submitted) else { continue };
            let delay = self.rng.gen_range(2.0..48.0);
            let decided = self.clock.after(&mut self.rng, submitted, delay);
            plans.push(Plan {
                seed: self.rng.gen(),
                client,
                category,
                author,
                reviewer: pick(&mut self.rng, reviewers),
                fate: Fate::Duplicate,
                afterwards: Afterwards::Kept,
                submitted,
                decided,
                duplicate_of: Some(target),
                usages: Vec::new(),
                verified: None,
                revised: None,
                retracted: None,
            });
        }
    }

    /// About a hundred uses of adopted entries by people other than the author.
    fn plan_usages(&mut self, plans: &mut [Plan], contributors: &[usize]) {
        let weights: Vec<u32> = plans
            .iter()
            .map(|p| {
                let usable = p.fate == Fate::Adopted && self.clock.days_since(p.decided) > 0.3;
                match p.category {
                    _ if !usable => 0,
                    "opportunity" | "competitor" => 4,
                    "business" | "profile" => 3,
                    "service" => 2,
                    _ => 1,
                }
            })
            .collect();
        if weights.iter().all(|w| *w == 0) {
            return;
        }
        let mut planned = 0;
        for _attempt in 0..USAGES * 20 {
            if planned == USAGES {
                break;
            }
            self.reseed();
            let index = weighted(&mut self.rng, &weights);
            let plan = &plans[index];
            if plan.usages.len() >= 4 {
                continue;
            }
            let start = plan.decided + Duration::hours(1);
            let end = match (plan.revised, plan.retracted) {
                (Some((proposed, _)), _) => proposed - Duration::hours(1),
                (_, Some(retracted)) => retracted - Duration::hours(1),
                _ => self.clock.ago(0.01),
            };
            if end - start < Duration::hours(1) {
                continue;
            }
            let at = self.clock.between(&mut self.rng, start, end);
            let taken: Vec<usize> = plan.usages.iter().map(|u| u.user).collect();
            let eligible: Vec<usize> = contributors
                .iter()
                .copied()
                .filter(|u| *u != plan.author && !taken.contains(u) && self.actors[*u].joined < at)
                .collect();
            let Some(user) = eligible.choose(&mut self.rng).copied() else { continue };
            let purposes: &[UsagePurpose] = match plan.category {
                "competitor" => &[UsagePurpose::Retention, UsagePurpose::Solution, UsagePurpose::Retention],
                "opportunity" => &[UsagePurpose::Solution, UsagePurpose::Visit, UsagePurpose::Solution],
                "profile" => &[UsagePurpose::Visit, UsagePurpose::Campaign],
                "business" => &[UsagePurpose::Solution, UsagePurpose::Visit, UsagePurpose::Retention],
                "service" => &[UsagePurpose::Retention, UsagePurpose::Visit],
                _ => &[UsagePurpose::Other, UsagePurpose::Visit],
            };
            let purpose = pick(&mut self.rng, purposes);
            let roll = self.rng.gen_range(0..100);
            let retracted = plan.retracted.is_some();
            let (outcome, later) = match roll {
                0..=15 => (UsageOutcome::Won, None),
                16..=23 if !retracted => (UsageOutcome::Pending, Some(UsageOutcome::Won)),
                24..=33 => (UsageOutcome::Lost, None),
                34..=39 if !retracted => (UsageOutcome::Pending, Some(UsageOutcome::Lost)),
                _ => (UsageOutcome::Pending, None),
            };
            let changed = later.map(|o| {
                let hours = self.rng.gen_range(72.0..600.0);
                (o, self.clock.after(&mut self.rng, at, hours))
            });
            plans[index].usages.push(UsagePlan { user, purpose, outcome, at, changed });
            planned += 1;
        }
    }
}

/// An index drawn with probability proportional to its weight (some weight must be positive).
pub(super) fn weighted(rng: &mut StdRng, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    let mut roll = rng.gen_range(0..total.max(1));
    for (index, weight) in weights.iter().enumerate() {
        if roll < *weight {
            return index;
        }
        roll -= weight;
    }
    0
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use proptest::prelude::*;
    use rand::SeedableRng;

    use super::*;

    fn clock() -> Clock {
        Clock { now: NaiveDate::from_ymd_opt(2026, 11, 28).unwrap().and_hms_opt(19, 0, 0).unwrap() }
    }

    #[test]
    fn old_moments_move_into_office_hours() {
        let clock = clock();
        let mut rng = StdRng::seed_from_u64(1);
        for days in [1.5, 7.3, 40.9, 170.2] {
            let moved = clock.at_work(&mut rng, clock.ago(days));
            let local_hour = (moved + Duration::hours(8)).hour();
            assert!((8..18).contains(&local_hour), "{moved} is {local_hour}h local");
        }
        let recent = clock.ago(0.2);
        assert_eq!(clock.at_work(&mut rng, recent), recent);
    }

    #[test]
    fn weighted_never_draws_a_zero_weight() {
        let mut rng = StdRng::seed_from_u64(2);
        for _ in 0..1000 {
            assert_ne!(weighted(&mut rng, &[0, 3, 0, 1]) % 2, 0);
        }
    }

    proptest! {
        #[test]
        fn a_later_event_is_after_the_previous_and_never_in_the_future(
            days_ago in 0.0f64..180.0,
            hours in 0.0f64..2000.0,
            seed in any::<u64>(),
        ) {
            let clock = clock();
            let mut rng = StdRng::seed_from_u64(seed);
            let previous = clock.ago(days_ago).min(clock.now - Duration::seconds(30));
            let next = clock.after(&mut rng, previous, hours);
            prop_assert!(next >= previous);
            prop_assert!(next <= clock.now - Duration::seconds(30));
        }
    }
}
