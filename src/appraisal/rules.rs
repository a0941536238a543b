//! The scoring standard as pure functions (docs/APPRAISAL.md works an example
//! through them). Item scores are integers in thousandths of a point and
//! sub-scores integers in tenths, so a total is an exact sum of its parts:
//! total = Σ score × weight / 100, to the thousandth.

use chrono::{Datelike, NaiveDate};

use crate::appraisal::model::{
    Activities, ActivityScore, AppraisalRules, DepartmentStanding, Facts, PersonAppraisal, SubScore,
};
use crate::enums::UsageOutcome;
use crate::time::{Grain, Span};

/// A full item: 100 points in thousandths.
const FULL: i64 = 100_000;

/// The span of a period key: `2026-11` (a month), `2026-Q4` (a quarter) or `2026` (a year).
pub fn period_span(key: &str) -> Option<Span> {
    let day = |y: &str, m: u32| {
        y.parse::<i32>()
            .ok()
            .filter(|y| (2000..=2999).contains(y))
            .and_then(|y| NaiveDate::from_ymd_opt(y, m, 1))
    };
    let (grain, first) = match key.split_once('-') {
        None => (Grain::Year, day(key, 1)?),
        Some((year, quarter)) if quarter.starts_with('Q') => {
            let q: u32 = quarter[1..].parse().ok().filter(|q| (1..=4).contains(q))?;
            (Grain::Quarter, day(year, (q - 1) * 3 + 1)?)
        }
        Some((year, month)) if month.len() == 2 => (Grain::Month, day(year, month.parse().ok()?)?),
        Some(_) => return None,
    };
    (key.len() <= 7).then_some(Span { grain, starts_on: first })
}

/// The key of a month, quarter or year span.
pub fn period_key(span: Span) -> String {
    let d = span.starts_on;
    match span.grain {
        Grain::Quarter => format!("{}-Q{}", d.year(), (d.month() - 1) / 3 + 1),
        Grain::Year => format!("{}", d.year()),
        _ => format!("{}-{:02}", d.year(), d.month()),
    }
}

/// Months in a period (the per-month targets scale by it).
pub fn months(span: Span) -> u32 {
    match span.grain {
        Grain::Quarter => 3,
        Grain::Year => 12,
        _ => 1,
    }
}

/// `a / b` rounded half up, for b > 0.
fn div_round(a: i64, b: i64) -> i64 {
    (2 * a + b).div_euclid(2 * b)
}

/// An item scored on time: 100 up to `full`, 0 from `zero` on, linear between
/// (in thousandths, rounded half up).
pub fn on_time(delay: i64, full: i64, zero: i64) -> i64 {
    if delay <= full {
        FULL
    } else if delay >= zero {
        0
    } else {
        div_round(FULL * (zero - delay), zero - full)
    }
}

/// A share or a rubric mean as an item: `fraction` of 100 (in thousandths).
fn of_fraction(fraction: f64) -> i64 {
    (fraction * FULL as f64).round() as i64
}

/// Problems that make a rule set unusable, by field.
pub fn problems(rules: &AppraisalRules) -> Vec<(&'static str, &'static str)> {
    let mut problems = Vec::new();
    if rules.weights.sum() != 100 {
        problems.push(("weights", "八项权重之和须为 100"));
    }
    let pairs = [
        ("report_zero_hours", rules.report_full_hours, rules.report_zero_hours, 24 * 3650),
        ("update_zero_days", rules.update_full_days, rules.update_zero_days, 3650),
        ("feedback_zero_days", rules.feedback_full_days, rules.feedback_zero_days, 3650),
    ];
    for (key, full, zero, max) in pairs {
        if zero <= full || zero > max {
            problems.push((key, "须大于满分时限且不超过十年"));
        }
    }
    let t = rules.targets;
    if [t.saving, t.reporting, t.updating, t.use_].iter().any(|v| *v > 10_000) {
        problems.push(("targets", "目标须在 0–10000 之间"));
    }
    problems
}

/// A sub-score from its items, the activity's volume and the weight.
fn sub_score(items: &[i64], kept: i64, target: i64, weight: u32) -> (SubScore, i64) {
    let n = items.len() as i64;
    if n == 0 {
        return (SubScore { n, raw: None, score: 0.0, weight, weighted: 0.0 }, 0);
    }
    let raw_milli = div_round(items.iter().sum(), n);
    // score in tenths = raw × min(count, target) / target.
    let tenths =
        if target == 0 { div_round(raw_milli, 100) } else { div_round(raw_milli * kept, target * 100) };
    let weighted_milli = tenths * i64::from(weight);
    let score = SubScore {
        n,
        raw: Some(raw_milli as f64 / 1000.0),
        score: tenths as f64 / 10.0,
        weight,
        weighted: weighted_milli as f64 / 1000.0,
    };
    (score, weighted_milli)
}

fn activity(
    count: i64,
    target: i64,
    time: &[i64],
    quality: &[i64],
    weights: (u32, u32),
) -> (ActivityScore, i64) {
    let kept = count.min(target);
    let volume = if target == 0 { 1.0 } else { (div_round(kept * 1000, target)) as f64 / 1000.0 };
    let (time, t) = sub_score(time, kept, target, weights.0);
    let (quality, q) = sub_score(quality, kept, target, weights.1);
    (ActivityScore { count, target, volume, time, quality }, t + q)
}

/// A person's four activities and total (in thousandths) from their facts.
pub fn score(facts: &Facts, rules: &AppraisalRules, months: u32) -> (Activities, i64) {
    let (w, t) = (rules.weights, rules.targets);
    let per_month = |target: u32| i64::from(target) * i64::from(months);
    let hours = |h: u32| i64::from(h) * 3600;
    let days = |d: u32| i64::from(d) * 86_400;

    let kept_fresh: Vec<i64> = facts.kept.iter().map(|(_, fresh)| if *fresh { FULL } else { 0 }).collect();
    let kept_complete: Vec<i64> = facts.kept.iter().map(|(c, _)| of_fraction(*c)).collect();
    let (saving, s) = activity(
        facts.kept.len() as i64,
        i64::from(t.saving),
        &kept_fresh,
        &kept_complete,
        (w.saving_time, w.saving_quality),
    );

    let report_time: Vec<i64> = facts
        .report_delays
        .iter()
        .map(|d| on_time(*d, hours(rules.report_full_hours), hours(rules.report_zero_hours)))
        .collect();
    let report_quality: Vec<i64> = facts.report_scores.iter().map(|m| of_fraction(m / 5.0)).collect();
    let (reporting, r) = activity(
        facts.report_delays.len() as i64,
        per_month(t.reporting),
        &report_time,
        &report_quality,
        (w.reporting_time, w.reporting_quality),
    );

    let upkeep_time: Vec<i64> = facts
        .upkeep_delays
        .iter()
        .map(|d| on_time(*d, days(rules.update_full_days), days(rules.update_zero_days)))
        .collect();
    let upkeep_quality: Vec<i64> = facts.update_scores.iter().map(|m| of_fraction(m / 5.0)).collect();
    let (updating, u) = activity(
        facts.upkeep_delays.len() as i64,
        per_month(t.updating),
        &upkeep_time,
        &upkeep_quality,
        (w.updating_time, w.updating_quality),
    );

    let use_time: Vec<i64> = facts
        .uses
        .iter()
        .map(|(d, _)| on_time(*d, days(rules.feedback_full_days), days(rules.feedback_zero_days)))
        .collect();
    let use_quality: Vec<i64> = facts.uses.iter().map(|(_, outcome)| outcome_item(*outcome)).collect();
    let (use_, us) = activity(
        facts.uses.len() as i64,
        per_month(t.use_),
        &use_time,
        &use_quality,
        (w.use_time, w.use_quality),
    );

    (Activities { saving, reporting, updating, use_ }, s + r + u + us)
}

/// A use's outcome as an item: won 100, lost 50 (the loop was closed), pending 0.
pub fn outcome_item(outcome: UsageOutcome) -> i64 {
    match outcome {
        UsageOutcome::Won => FULL,
        UsageOutcome::Lost => FULL / 2,
        UsageOutcome::Pending => 0,
    }
}

/// Ranks (1, 2, 2, 3 …) of `totals`, highest first, in the order given.
pub fn dense_ranks(totals: &[i64]) -> Vec<i32> {
    let mut distinct: Vec<i64> = totals.to_vec();
    distinct.sort_unstable_by(|a, b| b.cmp(a));
    distinct.dedup();
    totals.iter().map(|t| distinct.iter().position(|d| d == t).map_or(0, |p| p as i32 + 1)).collect()
}

/// Everyone's ranks, overall and within their department, set in place;
/// the rows end sorted by rank, then employee number.
pub fn rank(rows: &mut [PersonAppraisal]) {
    let milli = |p: &PersonAppraisal| (p.total * 1000.0).round() as i64;
    let totals: Vec<i64> = rows.iter().map(milli).collect();
    for (row, rank) in rows.iter_mut().zip(dense_ranks(&totals)) {
        row.rank = rank;
    }
    let mut departments: Vec<_> = rows.iter().map(|r| r.department_id).collect();
    departments.sort();
    departments.dedup();
    for department in departments {
        let members: Vec<usize> = (0..rows.len()).filter(|i| rows[*i].department_id == department).collect();
        let totals: Vec<i64> = members.iter().map(|i| milli(&rows[*i])).collect();
        for (i, rank) in members.into_iter().zip(dense_ranks(&totals)) {
            rows[i].department_rank = rank;
        }
    }
    rows.sort_by(|a, b| a.rank.cmp(&b.rank).then_with(|| a.employee_no.cmp(&b.employee_no)));
}

/// Departments by the mean total of their people, highest first.
pub fn standings(rows: &[PersonAppraisal]) -> Vec<DepartmentStanding> {
    let mut groups: Vec<(Option<crate::ids::DepartmentId>, Option<String>, i64, i64)> = Vec::new();
    for row in rows {
        let milli = (row.total * 1000.0).round() as i64;
        match groups.iter_mut().find(|g| g.0 == row.department_id) {
            Some(g) => {
                g.2 += 1;
                g.3 += milli;
            }
            None => groups.push((row.department_id, row.department.clone(), 1, milli)),
        }
    }
    // mean in hundredths = Σ thousandths / (people × 10), rounded half up.
    let means: Vec<i64> = groups.iter().map(|g| div_round(g.3, g.2 * 10)).collect();
    let ranks = dense_ranks(&means);
    let mut standings: Vec<DepartmentStanding> = groups
        .into_iter()
        .zip(means.iter().zip(ranks))
        .map(|((department_id, name, people, _), (mean, rank))| DepartmentStanding {
            department_id,
            name,
            people,
            mean_total: *mean as f64 / 100.0,
            rank,
        })
        .collect();
    standings.sort_by(|a, b| a.rank.cmp(&b.rank).then_with(|| a.name.cmp(&b.name)));
    standings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{DepartmentId, UserId};

    const H: i64 = 3600;
    const D: i64 = 86_400;

    /// The worked example of docs/APPRAISAL.md: 吴婷 (E001), November 2026,
    /// the first version of the rules.
    fn worked_example() -> Facts {
        Facts {
            // Eight entries in circulation on 30 November, six of them fresh.
            kept: vec![
                (1.0, true),
                (0.9, true),
                (0.8, true),
                (0.75, true),
                (1.0, true),
                (0.6, true),
                (0.85, false),
                (0.7, false),
            ],
            // Five submissions: 2 h, 20 h, 48 h, 10 days and 40 days after observing.
            report_delays: vec![2 * H, 20 * H, 48 * H, 10 * D, 40 * D],
            // Four reviews decided in November: means 4.2, 3.6, 4.0, 2.8.
            report_scores: vec![4.2, 3.6, 4.0, 2.8],
            // One verification three days early, one correction 12 days after its return.
            upkeep_delays: vec![-3 * D, 12 * D],
            update_scores: vec![3.8],
            // One use of a colleague's entry, won after 20 days.
            uses: vec![(20 * D, UsageOutcome::Won)],
        }
    }

    #[test]
    fn the_worked_example_scores_as_documented() {
        let (a, total) = score(&worked_example(), &AppraisalRules::default(), 1);

        // Saving: 8 kept of a target of 10 → volume 0.8.
        assert_eq!((a.saving.count, a.saving.target, a.saving.volume), (8, 10, 0.8));
        assert_eq!((a.saving.time.raw, a.saving.time.score, a.saving.time.weighted), (Some(75.0), 60.0, 6.0));
        assert_eq!(a.saving.quality.raw, Some(82.5));
        assert_eq!((a.saving.quality.score, a.saving.quality.weighted), (66.0, 6.6));

        // Reporting: 5 submitted, target 4 → volume 1. Time items 100, 100,
        // 96.552 (48 h), 68.966 (240 h), 0 (960 h) → 73.104.
        assert_eq!(a.reporting.volume, 1.0);
        assert_eq!(a.reporting.time.raw, Some(73.104));
        assert_eq!((a.reporting.time.score, a.reporting.time.weighted), (73.1, 10.965));
        // Quality: 84, 72, 80, 56 → 73.
        assert_eq!((a.reporting.quality.raw, a.reporting.quality.weighted), (Some(73.0), 18.25));

        // Updating: 2 upkeeps of a target of 2. Time 100 and 78.261 → 89.131 (89.1).
        assert_eq!(a.updating.time.raw, Some(89.131));
        assert_eq!((a.updating.time.score, a.updating.time.weighted), (89.1, 8.91));
        assert_eq!((a.updating.quality.raw, a.updating.quality.score), (Some(76.0), 76.0));

        // Use: 1 use of a target of 2 → volume 0.5. Time: 20 days → 86.957.
        assert_eq!(a.use_.volume, 0.5);
        assert_eq!((a.use_.time.raw, a.use_.time.score, a.use_.time.weighted), (Some(86.957), 43.5, 4.35));
        assert_eq!(
            (a.use_.quality.raw, a.use_.quality.score, a.use_.quality.weighted),
            (Some(100.0), 50.0, 5.0)
        );

        // 6 + 6.6 + 10.965 + 18.25 + 8.91 + 7.6 + 4.35 + 5 = 67.675.
        assert_eq!(total, 67_675);
        let parts: f64 = a.sub_scores().iter().map(|s| s.weighted).sum();
        assert!((parts - 67.675).abs() < 1e-9);
    }

    #[test]
    fn nothing_done_scores_nothing_and_a_quarter_scales_the_targets() {
        let (a, total) = score(&Facts::default(), &AppraisalRules::default(), 1);
        assert_eq!(total, 0);
        assert_eq!((a.reporting.time.n, a.reporting.time.raw, a.reporting.time.score), (0, None, 0.0));
        let (a, _) = score(&worked_example(), &AppraisalRules::default(), 3);
        assert_eq!((a.reporting.target, a.saving.target), (12, 10), "per month × 3; saving is a stock");
        assert_eq!(a.reporting.time.score, 30.5, "73.104 × 5 / 12");
    }

    #[test]
    fn time_items_fall_linearly_between_their_limits() {
        assert_eq!(on_time(-5, 10, 20), FULL);
        assert_eq!(on_time(10, 10, 20), FULL);
        assert_eq!(on_time(15, 10, 20), 50_000);
        assert_eq!(on_time(20, 10, 20), 0);
        assert_eq!(on_time(48 * H, 24 * H, 720 * H), 96_552);
    }

    #[test]
    fn periods_parse_and_print() {
        for key in ["2026-11", "2026-Q4", "2026", "2027-01", "2026-Q1"] {
            let span = period_span(key).unwrap();
            assert_eq!(period_key(span), key);
        }
        assert_eq!(period_span("2026-Q4").map(|s| s.starts_on), NaiveDate::from_ymd_opt(2026, 10, 1));
        for bad in ["2026-13", "2026-Q5", "26-11", "2026-1", "2026-11-01", "abcd", "", "1999"] {
            assert_eq!(period_span(bad), None, "{bad}");
        }
    }

    #[test]
    fn rules_must_weigh_one_hundred_and_keep_their_limits_apart() {
        assert!(problems(&AppraisalRules::default()).is_empty());
        let mut rules = AppraisalRules::default();
        rules.weights.use_quality = 11;
        rules.update_zero_days = 7;
        let keys: Vec<&str> = problems(&rules).into_iter().map(|p| p.0).collect();
        assert_eq!(keys, ["weights", "update_zero_days"]);
    }

    fn person(no: &str, department: i64, total: f64) -> PersonAppraisal {
        let (activities, _) = score(&Facts::default(), &AppraisalRules::default(), 1);
        PersonAppraisal {
            user_id: UserId(no.len() as i64),
            employee_no: no.into(),
            real_name: no.into(),
            department_id: Some(DepartmentId(department)),
            department: Some(format!("D{department}")),
            total,
            rank: 0,
            department_rank: 0,
            activities,
        }
    }

    #[test]
    fn people_and_departments_rank_densely() {
        let mut rows =
            vec![person("E1", 1, 50.0), person("E2", 1, 70.5), person("E3", 2, 70.5), person("E4", 2, 10.0)];
        rank(&mut rows);
        let shown: Vec<(&str, i32, i32)> =
            rows.iter().map(|r| (r.employee_no.as_str(), r.rank, r.department_rank)).collect();
        assert_eq!(shown, [("E2", 1, 1), ("E3", 1, 1), ("E1", 2, 2), ("E4", 3, 2)]);
        let standings = standings(&rows);
        assert_eq!(standings[0].name.as_deref(), Some("D1"));
        assert_eq!((standings[0].mean_total, standings[0].rank), (60.25, 1));
        assert_eq!((standings[1].mean_total, standings[1].rank), (40.25, 2));
    }
}
