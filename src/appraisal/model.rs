//! The appraisal's types: the rule set admins edit, what a person did in a
//! period (the facts), and their scores.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::enums::UsageOutcome;
use crate::ids::{DepartmentId, UserId};

/// The weight of each activity on each dimension, in percent; they sum to 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Weights {
    pub saving_time: u32,
    pub saving_quality: u32,
    pub reporting_time: u32,
    pub reporting_quality: u32,
    pub updating_time: u32,
    pub updating_quality: u32,
    pub use_time: u32,
    pub use_quality: u32,
}

impl Weights {
    /// Their sum (wide enough for any eight weights sent).
    pub fn sum(&self) -> u64 {
        [
            self.saving_time,
            self.saving_quality,
            self.reporting_time,
            self.reporting_quality,
            self.updating_time,
            self.updating_quality,
            self.use_time,
            self.use_quality,
        ]
        .iter()
        .map(|w| u64::from(*w))
        .sum()
    }
}

/// How much of each activity counts in full: below a target an activity's
/// scores are scaled by count / target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Targets {
    /// Entries in circulation at the period's end (not scaled by its length).
    pub saving: u32,
    /// Entries submitted, per month of the period.
    pub reporting: u32,
    /// Verifications, revisions and corrections, per month.
    pub updating: u32,
    /// Uses of others' entries recorded, per month.
    #[serde(rename = "use")]
    pub use_: u32,
}

/// One version of the scoring standard (评分标准). Defaults are the first
/// version's (migration `000012`), explained in docs/APPRAISAL.md.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppraisalRules {
    pub weights: Weights,
    pub targets: Targets,
    /// An entry submitted within this many hours of the observation scores 100 on reporting time…
    pub report_full_hours: u32,
    /// …and 0 from this many hours on, linearly between.
    pub report_zero_hours: u32,
    /// An upkeep done within this many days of falling due scores 100 on updating time…
    pub update_full_days: u32,
    /// …and 0 from this many days on.
    pub update_zero_days: u32,
    /// A use whose outcome is recorded within this many days scores 100 on use time…
    pub feedback_full_days: u32,
    /// …and 0 from this many days on (a pending outcome counts to the time of computing).
    pub feedback_zero_days: u32,
}

impl Default for AppraisalRules {
    fn default() -> Self {
        AppraisalRules {
            weights: Weights {
                saving_time: 10,
                saving_quality: 10,
                reporting_time: 15,
                reporting_quality: 25,
                updating_time: 10,
                updating_quality: 10,
                use_time: 10,
                use_quality: 10,
            },
            targets: Targets { saving: 10, reporting: 4, updating: 2, use_: 2 },
            report_full_hours: 24,
            report_zero_hours: 720,
            update_full_days: 7,
            update_zero_days: 30,
            feedback_full_days: 14,
            feedback_zero_days: 60,
        }
    }
}

/// A version of the rules.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AppraisalRuleSet {
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub rules: AppraisalRules,
}

/// What one person did in a period: the items each score is a mean of.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    /// Their entries in circulation at the end: completeness (0–1) and
    /// whether fresh then.
    pub kept: Vec<(f64, bool)>,
    /// Seconds from observation to submission of each entry submitted.
    pub report_delays: Vec<i64>,
    /// Mean rubric score of each review decided on their entries.
    pub report_scores: Vec<f64>,
    /// Seconds from falling due to done of each upkeep (negative: early).
    pub upkeep_delays: Vec<i64>,
    /// Mean rubric score of each review decided on their revisions and corrections.
    pub update_scores: Vec<f64>,
    /// Each use they recorded of another's entry: seconds until its outcome
    /// was recorded (or until computed, when pending), and the outcome.
    pub uses: Vec<(i64, UsageOutcome)>,
}

/// One dimension of one activity.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SubScore {
    /// Items measured.
    pub n: i64,
    /// Their mean item score, 0–100 (three decimals); none without items.
    pub raw: Option<f64>,
    /// raw × the activity's volume, one decimal; 0 without items.
    pub score: f64,
    /// The weight, percent.
    pub weight: u32,
    /// score × weight / 100: this sub-score's part of the total (exact, three decimals).
    pub weighted: f64,
}

/// One activity's two dimensions and its volume.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ActivityScore {
    /// What the target counts (entries kept, submitted, upkeeps, uses).
    pub count: i64,
    /// The target for the period (0: none, the volume is 1).
    pub target: i64,
    /// min(count, target) / target (three decimals).
    pub volume: f64,
    pub time: SubScore,
    pub quality: SubScore,
}

/// The four activities of the branch's standard (信息保存、上报、更新、利用).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Activities {
    pub saving: ActivityScore,
    pub reporting: ActivityScore,
    pub updating: ActivityScore,
    #[serde(rename = "use")]
    pub use_: ActivityScore,
}

impl Activities {
    /// The eight sub-scores.
    pub fn sub_scores(&self) -> [SubScore; 8] {
        let a = [self.saving, self.reporting, self.updating, self.use_];
        [a[0].time, a[0].quality, a[1].time, a[1].quality, a[2].time, a[2].quality, a[3].time, a[3].quality]
    }
}

/// One person's appraisal for a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PersonAppraisal {
    pub user_id: UserId,
    pub employee_no: String,
    pub real_name: String,
    pub department_id: Option<DepartmentId>,
    pub department: Option<String>,
    /// Σ of the eight weighted sub-scores (exact, three decimals).
    pub total: f64,
    /// Among everyone in the period, highest total first (1, 2, 2, 3 …).
    pub rank: i32,
    /// Within their department.
    pub department_rank: i32,
    pub activities: Activities,
}

/// A department's place: the mean total of its people.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct DepartmentStanding {
    pub department_id: Option<DepartmentId>,
    pub name: Option<String>,
    pub people: i64,
    /// Mean of its people's totals (two decimals).
    pub mean_total: f64,
    pub rank: i32,
}

/// Who published.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Publisher {
    pub id: UserId,
    pub real_name: String,
}

/// An appraisal: published (frozen) or a live preview.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Appraisal {
    /// `2026-11`, `2026-Q4` or `2026`.
    #[schema(example = "2026-11")]
    pub period: String,
    pub from: NaiveDate,
    /// The last day.
    pub to: NaiveDate,
    pub published: bool,
    pub published_at: Option<DateTime<Utc>>,
    pub published_by: Option<Publisher>,
    pub rules: AppraisalRuleSet,
    pub departments: Vec<DepartmentStanding>,
    /// The people the viewer may see: everyone for reviewers and admins, a
    /// department head's department, otherwise oneself.
    pub items: Vec<PersonAppraisal>,
    pub total: i64,
}

/// A published appraisal in the list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AppraisalSummary {
    pub period: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub rules_version: i32,
    pub published_at: DateTime<Utc>,
    pub published_by: Publisher,
    pub people: i32,
}
