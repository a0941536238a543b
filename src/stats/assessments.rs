//! 绩效考核: each active person's quantity, quality, timeliness and points for
//! a period — the ratings' facts and rules, one row a person — and the same
//! as an audited spreadsheet.

use std::collections::{BTreeMap, HashMap};

use diesel::prelude::*;
use diesel::result::QueryResult;
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::audit;
use crate::auth::extract::CurrentUser;
use crate::db::schema::author_cells;
use crate::db::DbConn;
use crate::enums::AuditAction;
use crate::ids::{DepartmentId, UserId};
use crate::ratings::model::AuthorFacts;
use crate::ratings::rules;
use crate::ratings::store::{self as ratings, Authors};
use crate::stats::export::Sheet;
use crate::stats::facts::{self, PersonFact};
use crate::time::{Period, Span};
use crate::with_conn;

/// One person's 绩效考核 for a period: quantity, quality, time dimension and points.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct Assessment {
    pub user_id: UserId,
    pub employee_no: String,
    pub real_name: String,
    pub department: Option<String>,
    pub submitted: i64,
    pub adopted: i64,
    pub decided: i64,
    pub adoption_rate: Option<f64>,
    pub mean_score: Option<f64>,
    pub usage_rate: Option<f64>,
    pub uses: i64,
    /// Median hours from observing a fact to submitting it (over a year or
    /// all time, from 5 %-wide buckets: within 2.5 %).
    pub median_submission_delay_hours: Option<f64>,
    /// Revisions of adopted entries submitted.
    pub updates: i64,
    /// Stale facts confirmed as still true.
    pub verifications: i64,
    pub points: i64,
}

/// What a person earned in the period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Earned {
    pub points: i64,
    pub verifications: i64,
}

/// The assessments of every active person (of `department`, when given) in `span`.
pub fn load(conn: &mut DbConn, span: Span, department: Option<DepartmentId>) -> QueryResult<Vec<Assessment>> {
    let authors = department.map_or(Authors::Everyone, Authors::Department);
    let facts = ratings::author_facts(conn, authors, span)?;
    let earned = earned(conn, span)?;
    let people = facts::people(conn, department)?;
    let names = facts::department_names(conn)?;
    Ok(assessments(&people, &facts, &earned, department, &names))
}

/// Points and verifications of everyone who earned any in `span` (their rollup cells).
fn earned(conn: &mut DbConn, span: Span) -> QueryResult<HashMap<UserId, Earned>> {
    let rows: Vec<(UserId, i64, i64)> = with_conn!(conn, |c| author_cells::table
        .filter(author_cells::grain.eq(span.grain.as_str()))
        .filter(author_cells::starts_on.eq(span.starts_on))
        .filter(author_cells::points.ne(0).or(author_cells::verifications.ne(0)))
        .select((author_cells::user_id, author_cells::points, author_cells::verifications))
        .load(c))?;
    Ok(rows
        .into_iter()
        .map(|(user, points, verifications)| (user, Earned { points, verifications }))
        .collect())
}

/// One row per active person (of `department`), most points first.
pub fn assessments(
    people: &[PersonFact],
    facts: &BTreeMap<UserId, AuthorFacts>,
    earned: &HashMap<UserId, Earned>,
    department: Option<DepartmentId>,
    department_names: &HashMap<DepartmentId, String>,
) -> Vec<Assessment> {
    let nothing = AuthorFacts::default();
    let mut rows: Vec<Assessment> = people
        .iter()
        .filter(|p| p.is_active && department.is_none_or(|d| p.department_id == Some(d)))
        .map(|person| {
            let f = facts.get(&person.id).unwrap_or(&nothing);
            let earned = earned.get(&person.id).copied().unwrap_or_default();
            let (quality, quantity, usage) = (rules::quality(f), rules::quantity(f), rules::usage(f));
            Assessment {
                user_id: person.id,
                employee_no: person.employee_no.clone(),
                real_name: person.real_name.clone(),
                department: person.department_id.and_then(|d| department_names.get(&d).cloned()),
                submitted: quantity.submitted,
                adopted: quantity.adopted,
                decided: quality.decided,
                adoption_rate: quality.adoption_rate,
                mean_score: quality.mean_score,
                usage_rate: usage.usage_rate,
                uses: usage.uses,
                median_submission_delay_hours: rules::timeliness(f).median_hours,
                updates: f.updates,
                verifications: earned.verifications,
                points: earned.points,
            }
        })
        .collect();
    rows.sort_by(|a, b| b.points.cmp(&a.points).then_with(|| a.employee_no.cmp(&b.employee_no)));
    rows
}

/// The assessments as a spreadsheet with Chinese headers; the export is audited.
pub fn export(
    conn: &mut DbConn,
    me: &CurrentUser,
    period: Period,
    span: Span,
    department: Option<DepartmentId>,
) -> QueryResult<Sheet> {
    let items = load(conn, span, department)?;
    audit::record(
        conn,
        Some(me.id),
        AuditAction::ExportAssessments,
        "department",
        department.map(|d| d.0),
        json!({"period": period.as_str(), "rows": items.len()}),
    )?;
    Ok(Sheet {
        title: "绩效考核".into(),
        headers: vec![
            "工号",
            "姓名",
            "部门",
            "提交数",
            "采纳数",
            "审核数",
            "采纳率",
            "平均评分",
            "使用率",
            "被使用次数",
            "提交时延中位数（小时）",
            "更新次数",
            "核实次数",
            "积分",
        ],
        rows: items
            .into_iter()
            .map(|a| {
                vec![
                    a.employee_no.into(),
                    a.real_name.into(),
                    a.department.into(),
                    a.submitted.into(),
                    a.adopted.into(),
                    a.decided.into(),
                    a.adoption_rate.into(),
                    a.mean_score.into(),
                    a.usage_rate.into(),
                    a.uses.into(),
                    a.median_submission_delay_hours.into(),
                    a.updates.into(),
                    a.verifications.into(),
                    a.points.into(),
                ]
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ratings::model::Delays;

    fn person(id: i64, no: &str, department: Option<i64>, active: bool) -> PersonFact {
        PersonFact {
            id: UserId(id),
            real_name: format!("P{id}"),
            employee_no: no.into(),
            department_id: department.map(DepartmentId),
            is_active: active,
        }
    }

    #[test]
    fn one_row_per_active_person_most_points_first() {
        let people = [
            person(1, "E1", Some(1), true),
            person(2, "E2", Some(1), true),
            person(3, "E3", Some(2), true),
            person(4, "E4", Some(1), false),
        ];
        let facts = BTreeMap::from([(
            UserId(2),
            AuthorFacts {
                decided: 4,
                adoptions: 3,
                score_micro: 14_000_000,
                scored: 4,
                submitted: 4,
                submission_delays: Delays { hours: vec![10.0, 10.0, 10.0, 10.0], histogram: Vec::new() },
                updates: 1,
                adopted: 3,
                adopted_used: 2,
                uses: 2,
            },
        )]);
        let earned = HashMap::from([(UserId(2), Earned { points: 62, verifications: 1 })]);
        let names = HashMap::from([(DepartmentId(1), "政企客户部".to_owned())]);

        let rows = assessments(&people, &facts, &earned, Some(DepartmentId(1)), &names);
        let shown: Vec<&str> = rows.iter().map(|r| r.employee_no.as_str()).collect();
        assert_eq!(shown, ["E2", "E1"], "the inactive and the other department are left out");
        let row = &rows[0];
        assert_eq!(row.department.as_deref(), Some("政企客户部"));
        assert_eq!((row.submitted, row.adopted, row.decided, row.uses), (4, 3, 4, 2));
        assert_eq!((row.adoption_rate, row.mean_score, row.usage_rate), (Some(0.75), Some(3.5), Some(0.67)));
        assert_eq!(row.median_submission_delay_hours, Some(10.0));
        assert_eq!((row.updates, row.verifications, row.points), (1, 1, 62));
        assert_eq!((rows[1].submitted, rows[1].adoption_rate, rows[1].points), (0, None, 0));

        assert_eq!(assessments(&people, &facts, &earned, None, &names).len(), 3);
    }
}
