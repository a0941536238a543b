//! The facts a rating is computed from, and the ratings as the API shows them.

use serde::Serialize;
use utoipa::ToSchema;

use crate::ids::UserId;
use crate::users::view::DepartmentRef;

/// What one author did in a period (or several authors, merged): what both
/// the ratings and the stats assessments are computed from.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct AuthorFacts {
    /// Decisions on their entries made in the period.
    pub decided: i64,
    /// Of those, adoptions.
    pub adoptions: i64,
    /// The sum of the mean rubric scores of those decisions that were scored,
    /// in millionths, and how many were (see `rules::mean_of_micro`).
    pub score_micro: i64,
    pub scored: i64,
    /// Entries submitted in the period.
    pub submitted: i64,
    /// Hours from observation to submission of those entries.
    pub submission_delays: Delays,
    /// Of those submissions, revisions of adopted entries.
    pub updates: i64,
    /// Entries adopted in the period.
    pub adopted: i64,
    /// Of those, entries someone else used at least once (at any time).
    pub adopted_used: i64,
    /// Uses of their entries by someone else, recorded in the period.
    pub uses: i64,
}

impl AuthorFacts {
    /// Adds another author's facts, as for a department.
    pub fn merge(mut self, other: AuthorFacts) -> AuthorFacts {
        self.decided += other.decided;
        self.adoptions += other.adoptions;
        self.score_micro += other.score_micro;
        self.scored += other.scored;
        self.submitted += other.submitted;
        self.submission_delays.merge(other.submission_delays);
        self.updates += other.updates;
        self.adopted += other.adopted;
        self.adopted_used += other.adopted_used;
        self.uses += other.uses;
        self
    }
}

/// Delays to take a median of: each one (a short period reads them), or
/// histogram cells of a long period (`db::rollup::bucket_of`).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Delays {
    pub hours: Vec<f64>,
    /// (bucket, how many, their sum in seconds).
    pub histogram: Vec<(i32, i64, i64)>,
}

impl Delays {
    pub fn merge(&mut self, other: Delays) {
        self.hours.extend(other.hours);
        self.histogram.extend(other.histogram);
    }

    /// The median in hours: of the delays, or of the histogram with each
    /// bucket at its mean (exact when a bucket's delays are equal, within
    /// 2.5 % otherwise).
    pub fn median_hours(&self) -> Option<f64> {
        let mut points: Vec<(f64, i64)> =
            self.hours.iter().filter(|h| h.is_finite()).map(|h| (*h, 1)).collect();
        points.extend(
            self.histogram
                .iter()
                .filter(|(_, n, _)| *n > 0)
                .map(|(_, n, s)| (*s as f64 / *n as f64 / 3600.0, *n)),
        );
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
        let total: i64 = points.iter().map(|(_, n)| n).sum();
        let at = |rank: i64| {
            let mut seen = 0;
            points.iter().find(|(_, n)| {
                seen += n;
                seen > rank
            })
        };
        match total {
            0 => None,
            t if t % 2 == 1 => at(t / 2).map(|p| p.0),
            t => Some((at(t / 2 - 1)?.0 + at(t / 2)?.0) / 2.0),
        }
    }
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
    /// Median hours from observing a fact to submitting it (over a year or
    /// all time, from 5 %-wide buckets: within 2.5 %).
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

#[derive(Debug, Serialize, ToSchema)]
pub struct LeaderUser {
    pub id: UserId,
    pub real_name: String,
    pub department: Option<DepartmentRef>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LeaderRow {
    pub rank: i64,
    pub user: LeaderUser,
    pub points: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Leaderboard {
    pub period: String,
    pub items: Vec<LeaderRow>,
}
