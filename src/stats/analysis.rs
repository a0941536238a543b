//! 投诉分析 and 商机分析: the adopted service and opportunity entries of a
//! period (by when the fact was observed), read from their template fields —
//! complaints by type, severity, satisfaction, resolution, month and (for
//! network quality) area; opportunities by stage, budget band and timeline,
//! with the pipeline's expected value.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::result::QueryResult;
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use crate::categories::model::{OPPORTUNITY, SERVICE};
use crate::db::schema::{clients, intel, users};
use crate::db::DbConn;
use crate::enums::IntelStatus;
use crate::ids::DepartmentId;
use crate::stats::losses::KeyCount;
use crate::time::{local_day, Window};
use crate::with_conn;

/// The complaint type the branch analyses by area (网络质量投诉).
const NETWORK: &str = "网络质量";
const UNKNOWN: &str = "未填写";

/// An opportunity's chance of closing by stage (DESIGN: the pipeline).
pub const STAGE_PROBABILITY: [(&str, f64); 5] =
    [("线索", 0.1), ("需求确认", 0.25), ("方案", 0.5), ("商务谈判", 0.75), ("签约", 1.0)];

#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Default)]
pub struct ComplaintMonth {
    /// `YYYY-MM` the complaint occurred (its `occurred_on`, else when observed).
    pub month: String,
    pub total: i64,
    pub by_type: BTreeMap<String, i64>,
}

#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct ServiceAnalysis {
    pub total: i64,
    pub by_type: Vec<KeyCount>,
    pub by_severity: Vec<KeyCount>,
    /// The client's satisfaction after handling (未填写 when not asked).
    pub by_satisfaction: Vec<KeyCount>,
    /// With a resolution written.
    pub resolved: i64,
    pub unresolved: i64,
    pub by_month: Vec<ComplaintMonth>,
    /// Network-quality complaints by the client's region.
    pub network_by_area: Vec<KeyCount>,
}

#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct StageCount {
    pub key: String,
    pub count: i64,
    /// Σ budget, 万元.
    pub budget: f64,
    /// Σ budget × the stage's probability.
    pub expected: f64,
}

#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Default)]
pub struct TimelineMonth {
    /// `YYYY-MM` of the expected timeline.
    pub month: String,
    pub count: i64,
    pub budget: f64,
}

#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct Pipeline {
    /// Σ budget of every opportunity, 万元.
    pub budget: f64,
    /// Σ budget × stage probability.
    pub expected_value: f64,
}

#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct OpportunityAnalysis {
    pub total: i64,
    /// In the branch's stage order, then 未填写.
    pub by_stage: Vec<StageCount>,
    /// 10 万元 以下, 10–50, 50–200, 200 以上, 未填写.
    pub by_budget_band: Vec<KeyCount>,
    pub by_timeline: Vec<TimelineMonth>,
    pub pipeline: Pipeline,
}

/// One adopted entry's fields, when it was observed, its client's region.
pub struct Row {
    pub fields: Map<String, Value>,
    pub observed_at: NaiveDateTime,
    pub region: Option<String>,
}

/// The adopted entries of `category` observed in `window` (by authors of
/// `department`), read in one query over the (status, category) index: a
/// keyset walk in id order would make the planner sort every match per chunk.
fn rows(
    conn: &mut DbConn,
    category: &str,
    window: Window,
    department: Option<DepartmentId>,
) -> QueryResult<Vec<Row>> {
    let (from, to) = window.unwrap_or_else(crate::time::all_time);
    let found: Vec<(String, NaiveDateTime, Option<String>)> = with_conn!(conn, |c| {
        let mut query = intel::table
            .left_join(clients::table)
            .inner_join(users::table.on(users::id.eq(intel::author_id)))
            .filter(intel::status.eq(IntelStatus::Adopted))
            .filter(intel::category.eq(category))
            .filter(intel::observed_at.ge(from).and(intel::observed_at.lt(to)))
            .into_boxed();
        if let Some(department) = department {
            query = query.filter(users::department_id.eq(department));
        }
        query.select((intel::fields, intel::observed_at, clients::region.nullable())).load(c)
    })?;
    Ok(found
        .into_iter()
        .map(|(fields, observed_at, region)| Row {
            fields: serde_json::from_str(&fields).unwrap_or_default(),
            observed_at,
            region,
        })
        .collect())
}

fn text<'a>(fields: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    fields.get(key).and_then(Value::as_str).map(str::trim).filter(|t| !t.is_empty())
}

fn month_of(day: NaiveDate) -> String {
    format!("{:04}-{:02}", day.year(), day.month())
}

pub fn service(
    conn: &mut DbConn,
    window: Window,
    department: Option<DepartmentId>,
) -> QueryResult<ServiceAnalysis> {
    Ok(complaints(&rows(conn, SERVICE, window, department)?))
}

pub fn opportunities(
    conn: &mut DbConn,
    window: Window,
    department: Option<DepartmentId>,
) -> QueryResult<OpportunityAnalysis> {
    Ok(pipeline(&rows(conn, OPPORTUNITY, window, department)?))
}

/// The complaint analysis of service entries.
pub fn complaints(rows: &[Row]) -> ServiceAnalysis {
    let (mut by_type, mut by_severity, mut by_satisfaction, mut by_area) =
        (BTreeMap::new(), BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
    let mut by_month: BTreeMap<String, ComplaintMonth> = BTreeMap::new();
    let mut resolved = 0;
    for row in rows {
        let kind = text(&row.fields, "complaint_type").unwrap_or(UNKNOWN).to_owned();
        *by_type.entry(kind.clone()).or_insert(0) += 1;
        *by_severity.entry(text(&row.fields, "severity").unwrap_or(UNKNOWN).to_owned()).or_insert(0) += 1;
        *by_satisfaction.entry(text(&row.fields, "satisfied").unwrap_or(UNKNOWN).to_owned()).or_insert(0) +=
            1;
        if text(&row.fields, "resolution").is_some() {
            resolved += 1;
        }
        if kind == NETWORK {
            *by_area.entry(row.region.clone().unwrap_or_else(|| UNKNOWN.to_owned())).or_insert(0) += 1;
        }
        let day = text(&row.fields, "occurred_on")
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .unwrap_or_else(|| local_day(row.observed_at));
        let month = month_of(day);
        let entry =
            by_month.entry(month.clone()).or_insert_with(|| ComplaintMonth { month, ..Default::default() });
        entry.total += 1;
        *entry.by_type.entry(kind).or_insert(0) += 1;
    }
    let total = rows.len() as i64;
    ServiceAnalysis {
        total,
        by_type: KeyCount::ranked(by_type),
        by_severity: KeyCount::ranked(by_severity),
        by_satisfaction: KeyCount::ranked(by_satisfaction),
        resolved,
        unresolved: total - resolved,
        by_month: by_month.into_values().collect(),
        network_by_area: KeyCount::ranked(by_area),
    }
}

/// Budget bands in 万元.
fn band(budget: Option<f64>) -> &'static str {
    match budget {
        None => UNKNOWN,
        Some(b) if b < 10.0 => "10万元以下",
        Some(b) if b < 50.0 => "10–50万元",
        Some(b) if b < 200.0 => "50–200万元",
        Some(_) => "200万元以上",
    }
}

/// Rounded to two decimals (money in 万元).
fn cents(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The opportunity analysis: stages in the branch's order, the pipeline's
/// budget and expected value.
pub fn pipeline(rows: &[Row]) -> OpportunityAnalysis {
    let mut stages: Vec<StageCount> = STAGE_PROBABILITY
        .iter()
        .map(|(key, _)| (*key).to_owned())
        .chain([UNKNOWN.to_owned()])
        .map(|key| StageCount { key, count: 0, budget: 0.0, expected: 0.0 })
        .collect();
    let mut bands: BTreeMap<String, i64> = BTreeMap::new();
    let mut timeline: BTreeMap<String, TimelineMonth> = BTreeMap::new();
    for row in rows {
        let budget = row.fields.get("budget").and_then(Value::as_f64).filter(|b| b.is_finite() && *b >= 0.0);
        let stage = text(&row.fields, "stage").filter(|s| STAGE_PROBABILITY.iter().any(|(k, _)| k == s));
        let probability =
            stage.map_or(0.0, |s| STAGE_PROBABILITY.iter().find(|(k, _)| *k == s).map_or(0.0, |p| p.1));
        let slot = stages.iter_mut().find(|s| s.key == stage.unwrap_or(UNKNOWN));
        if let Some(slot) = slot {
            slot.count += 1;
            slot.budget += budget.unwrap_or(0.0);
            slot.expected += budget.unwrap_or(0.0) * probability;
        }
        *bands.entry(band(budget).to_owned()).or_insert(0) += 1;
        if let Some(day) =
            text(&row.fields, "timeline").and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        {
            let month = month_of(day);
            let entry = timeline
                .entry(month.clone())
                .or_insert_with(|| TimelineMonth { month, ..Default::default() });
            entry.count += 1;
            entry.budget += budget.unwrap_or(0.0);
        }
    }
    let budget = cents(stages.iter().map(|s| s.budget).sum());
    let expected_value = cents(stages.iter().map(|s| s.expected).sum());
    for stage in &mut stages {
        stage.budget = cents(stage.budget);
        stage.expected = cents(stage.expected);
    }
    let order = ["10万元以下", "10–50万元", "50–200万元", "200万元以上", UNKNOWN];
    OpportunityAnalysis {
        total: rows.len() as i64,
        by_stage: stages,
        by_budget_band: order
            .iter()
            .map(|k| KeyCount { key: (*k).to_owned(), count: bands.get(*k).copied().unwrap_or(0) })
            .collect(),
        by_timeline: timeline
            .into_values()
            .map(|mut m| {
                m.budget = cents(m.budget);
                m
            })
            .collect(),
        pipeline: Pipeline { budget, expected_value },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn row(fields: Value, region: Option<&str>) -> Row {
        Row {
            fields: fields.as_object().cloned().unwrap_or_default(),
            observed_at: crate::stats::facts::fixture::t(20, 2),
            region: region.map(str::to_owned),
        }
    }

    #[test]
    fn complaints_count_by_type_area_and_month() {
        let rows = [
            row(
                json!({"complaint_type": "网络质量", "severity": "严重", "occurred_on": "2026-10-30", "resolution": "已扩容"}),
                Some("鸠江区"),
            ),
            row(
                json!({"complaint_type": "网络质量", "severity": "一般", "satisfied": "满意"}),
                Some("鸠江区"),
            ),
            row(json!({"complaint_type": "网络质量", "severity": "一般"}), None),
            row(json!({"complaint_type": "账单", "severity": "一般", "resolution": " "}), Some("镜湖区")),
        ];
        let a = complaints(&rows);
        assert_eq!((a.total, a.resolved, a.unresolved), (4, 1, 3));
        assert_eq!(a.by_type[0], KeyCount { key: "网络质量".into(), count: 3 });
        assert_eq!(
            a.network_by_area,
            [KeyCount { key: "鸠江区".into(), count: 2 }, KeyCount { key: "未填写".into(), count: 1 }]
        );
        assert_eq!(a.by_satisfaction[0], KeyCount { key: "未填写".into(), count: 3 });
        let months: Vec<(&str, i64)> = a.by_month.iter().map(|m| (m.month.as_str(), m.total)).collect();
        assert_eq!(months, [("2026-10", 1), ("2026-11", 3)]);
        assert_eq!(a.by_month[1].by_type["账单"], 1);
    }

    #[test]
    fn the_pipeline_weighs_budgets_by_stage() {
        let rows = [
            row(json!({"stage": "线索", "budget": 100, "timeline": "2027-01-15"}), None),
            row(json!({"stage": "商务谈判", "budget": 40}), None),
            row(json!({"stage": "签约", "budget": 250.5, "timeline": "2027-01-02"}), None),
            row(json!({"need": "专线"}), None),
        ];
        let p = pipeline(&rows);
        assert_eq!(p.total, 4);
        assert_eq!(p.pipeline, Pipeline { budget: 390.5, expected_value: 10.0 + 30.0 + 250.5 });
        let stage = |k: &str| p.by_stage.iter().find(|s| s.key == k).cloned().unwrap();
        assert_eq!((stage("商务谈判").count, stage("商务谈判").expected), (1, 30.0));
        assert_eq!(stage("未填写").count, 1);
        let bands: Vec<i64> = p.by_budget_band.iter().map(|b| b.count).collect();
        assert_eq!(bands, [0, 1, 1, 1, 1]);
        assert_eq!(p.by_timeline, [TimelineMonth { month: "2027-01".into(), count: 2, budget: 350.5 }]);
    }
}
