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
    /// The mean rubric scores of those decisions that were scored, each with
    /// how many decisions had it (see `rules::weighted_mean`).
    pub scores: Vec<(f64, i64)>,
    /// Hours from observation to submission of each entry submitted in the period.
    pub submission_delays_hours: Vec<f64>,
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
        self.scores.extend(other.scores);
        self.submission_delays_hours.extend(other.submission_delays_hours);
        self.updates += other.updates;
        self.adopted += other.adopted;
        self.adopted_used += other.adopted_used;
        self.uses += other.uses;
        self
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
