//! The rating arithmetic, over facts already loaded for one period.

use serde::Serialize;
use utoipa::ToSchema;

/// One decision on one of the rated person's entries.
#[derive(Debug, Clone, Copy)]
pub struct DecisionFact {
    pub mean_score: Option<f64>,
    pub adopted: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct Quality {
    /// Mean rubric score of decided revisions (null when none was scored).
    pub mean_score: Option<f64>,
    /// Adopted decisions ÷ decisions (null when nothing was decided).
    pub adoption_rate: Option<f64>,
    pub decided: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct Quantity {
    pub submitted: i64,
    pub adopted: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct UsageRating {
    /// Entries adopted in the period.
    pub adopted: i64,
    /// Of those, entries someone else used at least once.
    pub used: i64,
    pub usage_rate: Option<f64>,
    /// Uses by others recorded in the period.
    pub uses: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct Timeliness {
    /// Median hours from observing a fact to submitting it.
    pub median_hours: Option<f64>,
}

#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct Ratings {
    pub period: String,
    pub quality: Quality,
    pub quantity: Quantity,
    pub usage: UsageRating,
    pub timeliness: Timeliness,
}

/// Everything a rating is computed from.
#[derive(Debug, Default, Clone)]
pub struct Facts {
    pub decisions: Vec<DecisionFact>,
    /// Hours from observation to submission of each entry submitted in the period.
    pub submission_delays_hours: Vec<f64>,
    /// For each entry adopted in the period: whether someone else used it.
    pub adopted_used: Vec<bool>,
    pub uses: i64,
}

pub fn rate(period: &str, facts: &Facts) -> Ratings {
    let scored: Vec<f64> = facts.decisions.iter().filter_map(|d| d.mean_score).collect();
    let decided = facts.decisions.len() as i64;
    let adopted_decisions = facts.decisions.iter().filter(|d| d.adopted).count() as i64;
    let adopted = facts.adopted_used.len() as i64;
    let used = facts.adopted_used.iter().filter(|u| **u).count() as i64;
    Ratings {
        period: period.to_owned(),
        quality: Quality {
            mean_score: mean(&scored).map(round2),
            adoption_rate: ratio(adopted_decisions, decided),
            decided,
        },
        quantity: Quantity { submitted: facts.submission_delays_hours.len() as i64, adopted },
        usage: UsageRating { adopted, used, usage_rate: ratio(used, adopted), uses: facts.uses },
        timeliness: Timeliness { median_hours: median(&facts.submission_delays_hours).map(round2) },
    }
}

pub fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

pub fn median(values: &[f64]) -> Option<f64> {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if sorted.is_empty() {
        return None;
    }
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    Some(if sorted.len().is_multiple_of(2) { (sorted[mid - 1] + sorted[mid]) / 2.0 } else { sorted[mid] })
}

pub fn ratio(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| round2(part as f64 / whole as f64))
}

fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

/// Dense ranks for totals sorted best first: equal totals share a rank and
/// the next total takes the next rank.
pub fn dense_ranks(sorted_totals: &[i64]) -> Vec<i64> {
    let mut ranks = Vec::with_capacity(sorted_totals.len());
    let mut rank = 0;
    let mut previous = None;
    for total in sorted_totals {
        if previous != Some(*total) {
            rank += 1;
            previous = Some(*total);
        }
        ranks.push(rank);
    }
    ranks
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ratings_from_known_facts() {
        let facts = Facts {
            decisions: vec![
                DecisionFact { mean_score: Some(4.0), adopted: true },
                DecisionFact { mean_score: Some(3.0), adopted: false },
                DecisionFact { mean_score: None, adopted: false },
            ],
            submission_delays_hours: vec![10.0, 2.0, 30.0, 4.0],
            adopted_used: vec![true, false],
            uses: 3,
        };
        let r = rate("month", &facts);
        assert_eq!(r.quality, Quality { mean_score: Some(3.5), adoption_rate: Some(0.33), decided: 3 });
        assert_eq!(r.quantity, Quantity { submitted: 4, adopted: 2 });
        assert_eq!(r.usage, UsageRating { adopted: 2, used: 1, usage_rate: Some(0.5), uses: 3 });
        assert_eq!(r.timeliness.median_hours, Some(7.0));
    }

    #[test]
    fn empty_periods_have_no_rates() {
        let r = rate("week", &Facts::default());
        assert_eq!(r.quality.mean_score, None);
        assert_eq!(r.quality.adoption_rate, None);
        assert_eq!(r.usage.usage_rate, None);
        assert_eq!(r.timeliness.median_hours, None);
    }

    #[test]
    fn dense_rank_shares_and_does_not_skip() {
        assert_eq!(dense_ranks(&[30, 20, 20, 10, 10, 5]), vec![1, 2, 2, 3, 3, 4]);
        assert_eq!(dense_ranks(&[]), Vec::<i64>::new());
    }

    proptest! {
        #[test]
        fn median_lies_between_min_and_max(values in proptest::collection::vec(-1e6f64..1e6, 1..50)) {
            let m = median(&values).unwrap();
            let min = values.iter().copied().fold(f64::INFINITY, f64::min);
            let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            prop_assert!(m >= min && m <= max);
        }

        #[test]
        fn dense_ranks_are_consecutive(mut totals in proptest::collection::vec(0i64..20, 0..40)) {
            totals.sort_by(|a, b| b.cmp(a));
            let ranks = dense_ranks(&totals);
            for pair in ranks.windows(2) {
                prop_assert!(pair[1] == pair[0] || pair[1] == pair[0] + 1);
            }
            if let Some(first) = ranks.first() { prop_assert_eq!(*first, 1); }
        }
    }
}
