//! The rating rules: pure arithmetic over facts already loaded.

use crate::ratings::model::{AuthorFacts, Quality, Quantity, Ratings, Timeliness, UsageRating};

pub fn quality(facts: &AuthorFacts) -> Quality {
    Quality {
        mean_score: mean_of_micro(facts.score_micro, facts.scored),
        adoption_rate: ratio(facts.adoptions, facts.decided),
        decided: facts.decided,
    }
}

pub fn quantity(facts: &AuthorFacts) -> Quantity {
    Quantity { submitted: facts.submitted, adopted: facts.adopted }
}

pub fn usage(facts: &AuthorFacts) -> UsageRating {
    UsageRating {
        adopted: facts.adopted,
        used: facts.adopted_used,
        usage_rate: ratio(facts.adopted_used, facts.adopted),
        uses: facts.uses,
    }
}

pub fn timeliness(facts: &AuthorFacts) -> Timeliness {
    Timeliness { median_hours: facts.submission_delays.median_hours().map(round2) }
}

pub fn rate(period: &str, facts: &AuthorFacts) -> Ratings {
    Ratings {
        period: period.to_owned(),
        quality: quality(facts),
        quantity: quantity(facts),
        usage: usage(facts),
        timeliness: timeliness(facts),
    }
}

/// The mean of `values`, the same whatever their order (their sum is exact
/// before the one rounding), so that a mean on a rounding boundary cannot
/// round one way in one report and the other way in another.
pub fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| exact_sum(values) / values.len() as f64)
}

/// The mean of `scored` scores summed in millionths, to two decimals,
/// rounded half up in integers: the same whichever way the sum was reached.
pub fn mean_of_micro(sum_micro: i64, scored: i64) -> Option<f64> {
    if scored <= 0 {
        return None;
    }
    // hundredths = sum / (scored × 10⁴), rounded half up.
    let (sum, whole) = (i128::from(sum_micro), i128::from(scored) * 10_000);
    let hundredths = (2 * sum + whole).div_euclid(2 * whole);
    Some(hundredths as f64 / 100.0)
}

/// The sum of finite `values` correctly rounded (Shewchuk's exact partials,
/// as in Python's `math.fsum`), hence independent of their order.
fn exact_sum(values: &[f64]) -> f64 {
    // Non-overlapping partials, smallest first, whose exact sum is the sum so far.
    let mut partials: Vec<f64> = Vec::new();
    for &value in values {
        let mut x = value;
        let mut kept = 0;
        for j in 0..partials.len() {
            let mut y = partials[j];
            if x.abs() < y.abs() {
                std::mem::swap(&mut x, &mut y);
            }
            let hi = x + y;
            let lo = y - (hi - x);
            if lo != 0.0 {
                partials[kept] = lo;
                kept += 1;
            }
            x = hi;
        }
        partials.truncate(kept);
        partials.push(x);
    }
    // Add the partials from the largest down until the rest no longer matters.
    let Some(mut hi) = partials.pop() else { return 0.0 };
    let mut lo = 0.0;
    while let Some(y) = partials.pop() {
        let x = hi;
        hi = x + y;
        lo = y - (hi - x);
        if lo != 0.0 {
            break;
        }
    }
    // A remainder exactly half an ulp away is settled by the sign of what is left.
    if let Some(&next) = partials.last() {
        if (lo < 0.0 && next < 0.0) || (lo > 0.0 && next > 0.0) {
            let y = lo * 2.0;
            let x = hi + y;
            if y == x - hi {
                hi = x;
            }
        }
    }
    hi
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

/// `part ÷ whole` to two decimals; `None` when there is no whole.
pub fn ratio(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| round2(part as f64 / whole as f64))
}

pub fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

/// Hours from `from` to `to`, never negative.
pub fn hours_between(from: chrono::NaiveDateTime, to: chrono::NaiveDateTime) -> f64 {
    (to - from).num_seconds().max(0) as f64 / 3600.0
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

/// Orders `rows` best first (most points, ties by `key`) and gives each its
/// dense rank; one sort, so O(n log n).
pub fn rank_by_points<T, K: Ord>(
    mut rows: Vec<T>,
    points: impl Fn(&T) -> i64,
    key: impl Fn(&T) -> K,
) -> Vec<(i64, T)> {
    rows.sort_by(|a, b| points(b).cmp(&points(a)).then_with(|| key(a).cmp(&key(b))));
    let ranks = dense_ranks(&rows.iter().map(&points).collect::<Vec<_>>());
    ranks.into_iter().zip(rows).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ratings::model::Delays;
    use proptest::prelude::*;

    fn known_facts() -> AuthorFacts {
        AuthorFacts {
            decided: 3,
            adoptions: 1,
            score_micro: 7_000_000,
            scored: 2,
            submitted: 4,
            submission_delays: Delays { hours: vec![10.0, 2.0, 30.0, 4.0], histogram: Vec::new() },
            updates: 1,
            adopted: 2,
            adopted_used: 1,
            uses: 3,
        }
    }

    #[test]
    fn ratings_from_known_facts() {
        let r = rate("month", &known_facts());
        assert_eq!(r.period, "month");
        assert_eq!(r.quality, Quality { mean_score: Some(3.5), adoption_rate: Some(0.33), decided: 3 });
        assert_eq!(r.quantity, Quantity { submitted: 4, adopted: 2 });
        assert_eq!(r.usage, UsageRating { adopted: 2, used: 1, usage_rate: Some(0.5), uses: 3 });
        assert_eq!(r.timeliness.median_hours, Some(7.0));
    }

    #[test]
    fn empty_periods_have_no_rates() {
        let r = rate("week", &AuthorFacts::default());
        assert_eq!(r.quality.mean_score, None);
        assert_eq!(r.quality.adoption_rate, None);
        assert_eq!(r.usage.usage_rate, None);
        assert_eq!(r.timeliness.median_hours, None);
    }

    #[test]
    fn merged_facts_rate_as_one_author() {
        let other = AuthorFacts {
            decided: 1,
            adoptions: 1,
            score_micro: 5_000_000,
            scored: 1,
            submitted: 1,
            submission_delays: Delays { hours: vec![1.0], histogram: Vec::new() },
            updates: 0,
            adopted: 1,
            adopted_used: 1,
            uses: 1,
        };
        let r = rate("year", &known_facts().merge(other));
        assert_eq!(r.quality, Quality { mean_score: Some(4.0), adoption_rate: Some(0.5), decided: 4 });
        assert_eq!(r.quantity, Quantity { submitted: 5, adopted: 3 });
        assert_eq!(r.usage, UsageRating { adopted: 3, used: 2, usage_rate: Some(0.67), uses: 4 });
        assert_eq!(r.timeliness.median_hours, Some(4.0));
    }

    #[test]
    fn medians_ratios_and_hours() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[f64::NAN]), None);
        assert_eq!(ratio(2, 3), Some(0.67));
        assert_eq!(ratio(1, 0), None);
        let at = |h| chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap().and_hms_opt(h, 0, 0).unwrap();
        assert_eq!(hours_between(at(9), at(12)), 3.0);
        assert_eq!(hours_between(at(12), at(9)), 0.0, "a decision before submission counts as no delay");
    }

    #[test]
    fn a_mean_on_a_rounding_boundary_rounds_the_same_in_any_order() {
        // 34.6 / 8 = 4.325: a plain running sum gives 4.3249999… in one order and 4.325 in another.
        let by_id = [4.8, 4.4, 4.0, 4.0, 4.6, 3.4, 4.6, 4.8];
        let by_time = [4.8, 4.4, 4.0, 4.0, 4.6, 4.6, 4.8, 3.4];
        assert_eq!(mean(&by_id).map(round2), Some(4.33));
        assert_eq!(mean(&by_time).map(round2), Some(4.33));
        assert_eq!(exact_sum(&[1e16, 1.0, -1e16]), 1.0);
        assert_eq!(exact_sum(&[0.1; 10]), 1.0);
        assert_eq!(exact_sum(&[]), 0.0);
    }

    #[test]
    fn dense_rank_shares_and_does_not_skip() {
        assert_eq!(dense_ranks(&[30, 20, 20, 10, 10, 5]), vec![1, 2, 2, 3, 3, 4]);
        assert_eq!(dense_ranks(&[]), Vec::<i64>::new());
    }

    #[test]
    fn ranking_orders_by_points_then_key() {
        let rows = vec![("c", 10), ("a", 30), ("d", 10), ("b", 30), ("e", -5)];
        let ranked = rank_by_points(rows, |r| r.1, |r| r.0);
        let names: Vec<(i64, &str)> = ranked.iter().map(|(rank, r)| (*rank, r.0)).collect();
        assert_eq!(names, [(1, "a"), (1, "b"), (2, "c"), (2, "d"), (3, "e")]);
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
        fn a_mean_of_millionths_rounds_the_exact_mean_half_up(
            counted in proptest::collection::vec((0i64..=25, 1i64..40), 1..12)
        ) {
            // Rubric means: multiples of 0.2 from 0 to 5, none exact in binary.
            let fifths: i64 = counted.iter().map(|(v, n)| v * n).sum();
            let scored: i64 = counted.iter().map(|(_, n)| n).sum();
            let micro: i64 = counted.iter().map(|(v, n)| v * 200_000 * n).sum();
            // hundredths = fifths × 20 ÷ scored, rounded half up.
            let expected = (2 * fifths * 20 + scored).div_euclid(2 * scored) as f64 / 100.0;
            prop_assert_eq!(mean_of_micro(micro, scored), Some(expected));
        }

        #[test]
        fn a_mean_does_not_depend_on_the_order(
            values in proptest::collection::vec(-1e6f64..1e6, 1..60),
            seed in any::<u64>(),
        ) {
            let mut shuffled = values.clone();
            let mut state = seed | 1;
            for i in (1..shuffled.len()).rev() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                shuffled.swap(i, (state % (i as u64 + 1)) as usize);
            }
            prop_assert_eq!(mean(&values).map(f64::to_bits), mean(&shuffled).map(f64::to_bits));
            let plain = values.iter().sum::<f64>() / values.len() as f64;
            prop_assert!((mean(&values).unwrap() - plain).abs() <= 1e-6);
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

        #[test]
        fn a_rank_is_one_more_than_the_distinct_totals_above(
            totals in proptest::collection::vec(-20i64..20, 0..60),
        ) {
            let rows: Vec<(usize, i64)> = totals.iter().copied().enumerate().collect();
            let ranked = rank_by_points(rows, |r| r.1, |r| r.0);
            prop_assert_eq!(ranked.len(), totals.len());
            for (rank, (id, points)) in &ranked {
                prop_assert_eq!(totals[*id], *points);
                let mut above: Vec<i64> = totals.iter().copied().filter(|t| t > points).collect();
                above.sort();
                above.dedup();
                prop_assert_eq!(*rank, above.len() as i64 + 1);
            }
            for pair in ranked.windows(2) {
                let ((_, a), (_, b)) = (&pair[0], &pair[1]);
                prop_assert!(a.1 > b.1 || (a.1 == b.1 && a.0 < b.0));
            }
        }
    }
}
