use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::reviews;
use crate::enums::Decision;
use crate::ids::IntelId;
use crate::ids::UserId;

/// A rubric score, 1–5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Score(u8);

impl Score {
    pub fn parse(raw: i64) -> Result<Self, &'static str> {
        u8::try_from(raw).ok().filter(|s| (1..=5).contains(s)).map(Score).ok_or("评分须为 1–5 的整数")
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

/// The five rubric criteria (真实性、相关性、完整性、合时性、价值).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rubric {
    pub truthfulness: Score,
    pub relevance: Score,
    pub completeness: Score,
    pub timeliness: Score,
    pub value: Score,
}

impl Rubric {
    pub fn scores(&self) -> [u8; 5] {
        [self.truthfulness, self.relevance, self.completeness, self.timeliness, self.value].map(Score::get)
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = reviews)]
pub struct Review {
    pub id: i64,
    pub intel_id: IntelId,
    pub revision: i32,
    pub reviewer_id: UserId,
    pub author_id: UserId,
    pub decision: Decision,
    pub truthfulness: Option<i32>,
    pub relevance: Option<i32>,
    pub completeness: Option<i32>,
    pub timeliness: Option<i32>,
    pub value: Option<i32>,
    pub mean_score: Option<f64>,
    pub comment: String,
    pub duplicate_of: Option<IntelId>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = reviews)]
pub struct NewReview {
    pub intel_id: IntelId,
    pub revision: i32,
    pub reviewer_id: UserId,
    pub author_id: UserId,
    pub decision: Decision,
    pub truthfulness: Option<i32>,
    pub relevance: Option<i32>,
    pub completeness: Option<i32>,
    pub timeliness: Option<i32>,
    pub value: Option<i32>,
    pub mean_score: Option<f64>,
    pub comment: String,
    pub duplicate_of: Option<IntelId>,
    pub created_at: NaiveDateTime,
}
