//! The points arithmetic of DESIGN.md §4 as pure functions.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::enums::PointReason;

/// One version of the rule set. Defaults are DESIGN.md's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Rules {
    /// Adoption pays round(base × mean score / adopt_divisor).
    pub adopt_divisor: f64,
    /// Extra points when the source is `private`.
    pub private_bonus: i32,
    /// An adopted revision of an adopted entry pays this share of a first adoption.
    pub revision_share: f64,
    /// The reviewer's reward for deciding an entry, once however often it is returned.
    pub review: i32,
    /// Paid to the author per distinct other user who records a usage.
    pub usage: i32,
    /// At most this many usage points per entry.
    pub usage_per_entry_cap: i32,
    /// At most this many usage points (usage and won) per author per day.
    pub usage_daily_cap: i32,
    /// Paid when a use's outcome becomes `won`, once per recording user and entry.
    pub won: i32,
    /// At most this many `won` points per entry.
    pub won_per_entry_cap: i32,
    /// Paid for verifying a stale entry, once per freshness window.
    pub verify: i32,
    /// Deducted on top of reversing everything a retracted entry earned.
    pub retract_penalty: i32,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            adopt_divisor: 3.0,
            private_bonus: 3,
            revision_share: 0.5,
            review: 1,
            usage: 2,
            usage_per_entry_cap: 20,
            usage_daily_cap: 50,
            won: 10,
            won_per_entry_cap: 30,
            verify: 1,
            retract_penalty: 5,
        }
    }
}

impl Rules {
    /// Problems that make a rule set unusable, by field.
    pub fn problems(&self) -> Vec<(&'static str, &'static str)> {
        let mut problems = Vec::new();
        if !(self.adopt_divisor.is_finite() && self.adopt_divisor > 0.0) {
            problems.push(("adopt_divisor", "须为正数"));
        }
        if !(0.0..=1.0).contains(&self.revision_share) {
            problems.push(("revision_share", "须在 0–1 之间"));
        }
        let non_negative = [
            ("private_bonus", self.private_bonus),
            ("review", self.review),
            ("usage", self.usage),
            ("usage_per_entry_cap", self.usage_per_entry_cap),
            ("usage_daily_cap", self.usage_daily_cap),
            ("won", self.won),
            ("won_per_entry_cap", self.won_per_entry_cap),
            ("verify", self.verify),
            ("retract_penalty", self.retract_penalty),
        ];
        problems.extend(
            non_negative
                .into_iter()
                .filter(|(_, v)| !(0..=10_000).contains(v))
                .map(|(k, _)| (k, "须在 0–10000 之间")),
        );
        problems
    }
}

/// Mean of the five rubric scores.
pub fn mean_score(scores: [u8; 5]) -> f64 {
    scores.iter().map(|s| f64::from(*s)).sum::<f64>() / 5.0
}

/// Points for a first adoption: round(base × mean / divisor), halves away from zero.
pub fn adoption(base: i32, mean: f64, rules: &Rules) -> i32 {
    (f64::from(base) * mean / rules.adopt_divisor).round() as i32
}

/// The private-source bonus.
pub fn private_bonus(private: bool, rules: &Rules) -> i32 {
    if private {
        rules.private_bonus
    } else {
        0
    }
}

/// Points for an adopted revision: the share of what a first adoption
/// (with its private bonus) would pay.
pub fn revision(base: i32, mean: f64, private: bool, rules: &Rules) -> i32 {
    (f64::from(adoption(base, mean, rules) + private_bonus(private, rules)) * rules.revision_share).round()
        as i32
}

/// What an adopted entry pays its author, row by row: a first adoption pays
/// the adoption and, for a private source, the bonus; a revision its share.
pub fn adoption_awards(
    base: i32,
    mean: f64,
    private: bool,
    revision_of_adopted: bool,
    rules: &Rules,
) -> Vec<(PointReason, i32)> {
    if revision_of_adopted {
        return vec![(PointReason::RevisionAdopted, revision(base, mean, private, rules))];
    }
    let mut awards = vec![(PointReason::Adopted, adoption(base, mean, rules))];
    if private {
        awards.push((PointReason::PrivateSource, private_bonus(true, rules)));
    }
    awards
}

/// What a new usage pays the author, given what the entry and the author's
/// day have already earned from usage.
pub fn usage(entry_so_far: i64, today_so_far: i64, rules: &Rules) -> i32 {
    capped(
        i64::from(rules.usage),
        [
            i64::from(rules.usage_per_entry_cap) - entry_so_far,
            i64::from(rules.usage_daily_cap) - today_so_far,
        ],
    )
}

/// What a `won` outcome pays, given what the entry has earned from `won`
/// outcomes and the author's usage points today.
pub fn won(entry_so_far: i64, today_so_far: i64, rules: &Rules) -> i32 {
    capped(
        i64::from(rules.won),
        [i64::from(rules.won_per_entry_cap) - entry_so_far, i64::from(rules.usage_daily_cap) - today_so_far],
    )
}

fn capped(amount: i64, room: impl IntoIterator<Item = i64>) -> i32 {
    room.into_iter().fold(amount, i64::min).max(0) as i32
}

/// The ledger delta that retracts an entry: every point it earned back, then
/// the penalty (when the author had it adopted; imports are never penalised).
pub fn retraction(earned: i64, penalised: bool, rules: &Rules) -> i32 {
    let penalty = if penalised { i64::from(rules.retract_penalty) } else { 0 };
    (-earned - penalty) as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_design_example_pays_sixteen_and_a_revision_half() {
        let rules = Rules::default();
        let first = adoption_awards(10, 4.0, true, false, &rules);
        assert_eq!(first, [(PointReason::Adopted, 13), (PointReason::PrivateSource, 3)]);
        assert_eq!(adoption_awards(10, 4.0, true, true, &rules), [(PointReason::RevisionAdopted, 8)]);
    }
    use proptest::prelude::*;

    #[test]
    fn design_worked_example_pays_sixteen() {
        let rules = Rules::default();
        let mean = mean_score([4, 4, 4, 4, 4]);
        assert_eq!(adoption(10, mean, &rules) + private_bonus(true, &rules), 16);
    }

    #[test]
    fn adoption_rounds_half_away_from_zero() {
        let rules = Rules::default();
        assert_eq!(adoption(15, 5.0, &rules), 25);
        assert_eq!(adoption(5, 3.0, &rules), 5);
        assert_eq!(adoption(6, mean_score([3, 3, 3, 3, 4]), &rules), 6); // 6 × 3.2 / 3 = 6.4
        assert_eq!(adoption(12, mean_score([1, 1, 1, 1, 1]), &rules), 4);
        assert_eq!(adoption(5, mean_score([3, 3, 3, 3, 3]) + 0.3, &rules), 6); // 5.5 → 6
    }

    #[test]
    fn revisions_pay_half() {
        let rules = Rules::default();
        assert_eq!(revision(10, 4.0, true, &rules), 8);
        assert_eq!(revision(10, 4.0, false, &rules), 7); // 13 / 2 = 6.5 → 7
    }

    #[test]
    fn usage_respects_entry_and_daily_caps() {
        let rules = Rules::default();
        assert_eq!(usage(0, 0, &rules), 2);
        assert_eq!(usage(18, 0, &rules), 2);
        assert_eq!(usage(20, 0, &rules), 0);
        assert_eq!(usage(0, 49, &rules), 1);
        assert_eq!(usage(0, 50, &rules), 0);
        assert_eq!(won(0, 45, &rules), 5);
        assert_eq!(won(0, 0, &rules), 10);
        assert_eq!(won(20, 0, &rules), 10);
        assert_eq!(won(25, 0, &rules), 5);
        assert_eq!(won(30, 0, &rules), 0);
    }

    #[test]
    fn rules_stored_before_a_new_rule_existed_keep_their_values() {
        let stored = r#"{"adopt_divisor":3.0,"private_bonus":4,"revision_share":0.5,"review":1,"usage":2,
            "usage_per_entry_cap":20,"usage_daily_cap":50,"won":10,"verify":1,"retract_penalty":5}"#;
        let rules: Rules = serde_json::from_str(stored).unwrap();
        assert_eq!(rules.private_bonus, 4);
        assert_eq!(rules.won_per_entry_cap, 30);
        assert!(serde_json::from_str::<Rules>(r#"{"bogus": 1}"#).is_err());
    }

    #[test]
    fn retraction_reverses_and_penalises() {
        assert_eq!(retraction(16, true, &Rules::default()), -21);
        assert_eq!(retraction(0, true, &Rules::default()), -5);
        assert_eq!(retraction(0, false, &Rules::default()), 0);
    }

    proptest! {
        #[test]
        fn usage_never_exceeds_any_cap(entry in 0i64..40, today in 0i64..80) {
            let rules = Rules::default();
            let paid = i64::from(usage(entry, today, &rules));
            prop_assert!((0..=2).contains(&paid));
            prop_assert!(entry + paid <= 20 || paid == 0);
            prop_assert!(today + paid <= 50 || paid == 0);
        }

        #[test]
        fn won_never_exceeds_any_cap(entry in 0i64..60, today in 0i64..80) {
            let rules = Rules::default();
            let paid = i64::from(won(entry, today, &rules));
            prop_assert!((0..=10).contains(&paid));
            prop_assert!(entry + paid <= 30 || paid == 0);
            prop_assert!(today + paid <= 50 || paid == 0);
        }

        #[test]
        fn adoption_grows_with_the_score(base in 0i32..100, a in 1u8..=5, b in 1u8..=5) {
            let rules = Rules::default();
            let (lo, hi) = (a.min(b), a.max(b));
            prop_assert!(adoption(base, f64::from(lo), &rules) <= adoption(base, f64::from(hi), &rules));
        }
    }
}
