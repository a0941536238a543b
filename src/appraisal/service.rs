//! 绩效考核: the branch's scoring standard applied to a period. A period is
//! previewed live with the rules in force until it is published; publishing
//! freezes every row with the rules of the day, and later rule changes never
//! touch it.

use std::collections::HashMap;

use chrono::{Duration, NaiveDateTime, Utc};
use serde_json::json;

use crate::appraisal::model::{
    Appraisal, AppraisalRuleSet, AppraisalRules, AppraisalSummary, Facts, PersonAppraisal, Publisher,
};
use crate::appraisal::{rules, store};
use crate::audit;
use crate::auth::extract::CurrentUser;
use crate::auth::policy::{self, Denied};
use crate::categories::store as categories;
use crate::db::{write_tx, DbConn};
use crate::enums::AuditAction;
use crate::error::Fields;
use crate::ids::DepartmentId;
use crate::stats::export::{Cell, Sheet};
use crate::stats::facts;
use crate::time::{local_day, Span};

crate::service_error! {
    pub enum AppraisalError {
        #[error("该期考核已经发布，结果已冻结")]
        AlreadyPublished => Conflict,
        #[error("只有管理员或信息管理部门负责人可以发布考核")]
        MayNotPublish => Forbidden,
        #[error("考核明细仅对本人、本部门负责人、信息管理人员和管理员开放")]
        NotYours => Forbidden,
    }
}

type Result<T> = std::result::Result<T, AppraisalError>;

/// A period key parsed: its span and UTC window.
struct Period {
    key: String,
    span: Span,
    window: (NaiveDateTime, NaiveDateTime),
}

fn period(key: &str) -> Result<Period> {
    let bad = || AppraisalError::field("period", "考核期须为 2026-11（月）、2026-Q4（季度）或 2026（年）");
    let span = rules::period_span(key.trim()).ok_or_else(bad)?;
    let window = span.window().ok_or_else(bad)?;
    Ok(Period { key: rules::period_key(span), span, window })
}

pub fn rules(conn: &mut DbConn) -> Result<AppraisalRuleSet> {
    let (version, at, rules) = store::current_rules(conn)?;
    Ok(AppraisalRuleSet { version, created_at: at.and_utc(), rules })
}

/// A new version of the scoring standard (admin), audited. Published
/// periods keep the version they were computed by.
pub fn replace_rules(conn: &mut DbConn, me: &CurrentUser, input: AppraisalRules) -> Result<AppraisalRuleSet> {
    policy::require_admin(me)?;
    let problems: Fields =
        rules::problems(&input).into_iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
    if !problems.is_empty() {
        return Err(AppraisalError::Invalid(problems));
    }
    write_tx(conn, |conn| {
        let version = store::save_rules(conn, &input, me.id)?;
        audit::record(
            conn,
            Some(me.id),
            AuditAction::AppraisalRules,
            "appraisal_rules",
            Some(i64::from(version)),
            json!(input),
        )?;
        let (at, rules) = store::rules_of(conn, version)?;
        Ok(AppraisalRuleSet { version, created_at: at.and_utc(), rules })
    })
}

/// The published periods, newest first.
pub fn list(conn: &mut DbConn) -> Result<Vec<AppraisalSummary>> {
    Ok(store::list_published(conn)?
        .into_iter()
        .map(|p| AppraisalSummary {
            from: p.starts_on,
            to: p.ends_on,
            rules_version: p.rules_version,
            published_at: p.published_at.and_utc(),
            published_by: Publisher { id: p.published_by, real_name: p.publisher_name },
            people: p.people,
            period: p.period,
        })
        .collect())
}

/// Every active person's appraisal for `period` with `rules`, ranked;
/// reviewers and admins run it and are not in it.
fn compute(
    conn: &mut DbConn,
    period: &Period,
    rules: &AppraisalRules,
    now: NaiveDateTime,
) -> Result<Vec<PersonAppraisal>> {
    let freshness: HashMap<String, i32> =
        categories::list(conn)?.into_iter().map(|c| (c.key, c.freshness_days)).collect();
    let mut facts = store::facts(conn, period.window, now, &freshness)?;
    let staff: std::collections::HashSet<_> = store::active_roles(conn)?
        .into_iter()
        .filter(|(_, roles)| policy::is_staff(roles))
        .map(|(id, _)| id)
        .collect();
    let people: Vec<_> = facts::people(conn, None)?.into_iter().filter(|p| !staff.contains(&p.id)).collect();
    let names = facts::department_names(conn)?;
    let months = rules::months(period.span);
    let mut rows: Vec<PersonAppraisal> = people
        .into_iter()
        .map(|person| {
            let done = facts.remove(&person.id).unwrap_or_else(Facts::default);
            let (activities, total) = rules::score(&done, rules, months);
            PersonAppraisal {
                user_id: person.id,
                department: person.department_id.and_then(|d| names.get(&d).cloned()),
                department_id: person.department_id,
                employee_no: person.employee_no,
                real_name: person.real_name,
                total: total as f64 / 1000.0,
                rank: 0,
                department_rank: 0,
                activities,
            }
        })
        .collect();
    rules::rank(&mut rows);
    Ok(rows)
}

/// A period's appraisal as `me` may see it: frozen when published, else a
/// preview with the rules in force. Departments' standings are everyone's;
/// the rows are those `me` may see (of `department`, when given).
pub fn view(
    conn: &mut DbConn,
    me: &CurrentUser,
    key: &str,
    department: Option<DepartmentId>,
) -> Result<Appraisal> {
    let period = period(key)?;
    if let Some(department) = department {
        policy::allow(policy::may_see_department(me, department))
            .map_err(|Denied| AppraisalError::NotYours)?;
    }
    let (rows, published, rules) = match store::find_published(conn, &period.key)? {
        Some(p) => {
            let (at, rules) = store::rules_of(conn, p.rules_version)?;
            let rule_set = AppraisalRuleSet { version: p.rules_version, created_at: at.and_utc(), rules };
            (store::results(conn, p.id)?, Some(p), rule_set)
        }
        None => {
            let rule_set = self::rules(conn)?;
            (compute(conn, &period, &rule_set.rules, Utc::now().naive_utc())?, None, rule_set)
        }
    };
    Ok(shown(me, &period, rows, published, rules, department))
}

fn shown(
    me: &CurrentUser,
    period: &Period,
    rows: Vec<PersonAppraisal>,
    published: Option<store::Published>,
    rules: AppraisalRuleSet,
    department: Option<DepartmentId>,
) -> Appraisal {
    let departments = rules::standings(&rows);
    let items: Vec<PersonAppraisal> = rows
        .into_iter()
        .filter(|r| department.is_none_or(|d| r.department_id == Some(d)))
        .filter(|r| policy::may_see_ratings(me, r.user_id, r.department_id))
        .collect();
    Appraisal {
        period: period.key.clone(),
        from: period.span.starts_on,
        to: period.span.ends_before().map_or(period.span.starts_on, |d| d - Duration::days(1)),
        published: published.is_some(),
        published_at: published.as_ref().map(|p| p.published_at.and_utc()),
        published_by: published.map(|p| Publisher { id: p.published_by, real_name: p.publisher_name }),
        rules,
        departments,
        total: items.len() as i64,
        items,
    }
}

/// Publishes (freezes) an ended period with the rules in force, audited.
/// Publishing twice, or two publishers at once, gives one result and a 409.
pub fn publish(conn: &mut DbConn, me: &CurrentUser, key: &str) -> Result<Appraisal> {
    policy::allow(policy::may_publish_appraisal(me)).map_err(|Denied| AppraisalError::MayNotPublish)?;
    let period = period(key)?;
    let now = Utc::now().naive_utc();
    if period.span.ends_before().is_some_and(|end| end > local_day(now)) {
        return Err(AppraisalError::field("period", "考核期尚未结束，结束后才能发布"));
    }
    if store::find_published(conn, &period.key)?.is_some() {
        return Err(AppraisalError::AlreadyPublished);
    }
    // Computed before the write transaction (a report over the period), so
    // writers never wait on it; the period's uniqueness settles a race.
    let rule_set = rules(conn)?;
    let rows = compute(conn, &period, &rule_set.rules, now)?;
    let last = period.span.ends_before().map_or(period.span.starts_on, |d| d - Duration::days(1));
    write_tx(conn, |conn| {
        store::publish(
            conn,
            &period.key,
            (period.span.starts_on, last),
            rule_set.version,
            me.id,
            now,
            &rows,
        )?
        .ok_or(AppraisalError::AlreadyPublished)?;
        let detail = json!({"period": period.key, "rules_version": rule_set.version, "people": rows.len()});
        audit::record(conn, Some(me.id), AuditAction::AppraisalPublish, "appraisal", None, detail)?;
        Ok::<(), AppraisalError>(())
    })?;
    let published = store::find_published(conn, &period.key)?;
    Ok(shown(me, &period, rows, published, rule_set, None))
}

/// The appraisal as a workbook: the departments' standings, then one sheet
/// per department (reviewers, admins; a department head gets their own), audited.
pub fn export(
    conn: &mut DbConn,
    me: &CurrentUser,
    key: &str,
    department: Option<DepartmentId>,
) -> Result<Vec<Sheet>> {
    let department = if policy::is_privileged(me) { department } else { me.department_id };
    let allowed = department.map_or(policy::is_privileged(me), |d| policy::may_see_department(me, d));
    policy::allow(allowed).map_err(|Denied| AppraisalError::NotYours)?;
    let appraisal = view(conn, me, key, department)?;
    audit::record(
        conn,
        Some(me.id),
        AuditAction::ExportAppraisal,
        "department",
        department.map(|d| d.0),
        json!({"period": appraisal.period, "rows": appraisal.items.len(), "published": appraisal.published}),
    )?;
    Ok(sheets(&appraisal))
}

const PERSON_HEADERS: [&str; 15] = [
    "排名",
    "部门内排名",
    "工号",
    "姓名",
    "部门",
    "总分",
    "保存·时间",
    "保存·质量",
    "上报·时间",
    "上报·质量",
    "更新·时间",
    "更新·质量",
    "利用·时间",
    "利用·质量",
    "规则版本",
];

fn sheets(appraisal: &Appraisal) -> Vec<Sheet> {
    let status = if appraisal.published { "已发布" } else { "预览" };
    let mut sheets = vec![Sheet {
        title: "部门排名".into(),
        headers: vec!["排名", "部门", "人数", "平均总分", "考核期", "状态"],
        rows: appraisal
            .departments
            .iter()
            .map(|d| {
                vec![
                    i64::from(d.rank).into(),
                    d.name.clone().unwrap_or_else(|| "未分配部门".into()).into(),
                    d.people.into(),
                    Cell::Number(d.mean_total),
                    appraisal.period.as_str().into(),
                    status.into(),
                ]
            })
            .collect(),
    }];
    let mut departments: Vec<(Option<DepartmentId>, String)> = appraisal
        .items
        .iter()
        .map(|i| (i.department_id, i.department.clone().unwrap_or_else(|| "未分配部门".into())))
        .collect();
    departments.sort();
    departments.dedup();
    for (department, name) in departments {
        let rows = appraisal
            .items
            .iter()
            .filter(|i| i.department_id == department)
            .map(|i| {
                let mut row: Vec<Cell> = vec![
                    i64::from(i.rank).into(),
                    i64::from(i.department_rank).into(),
                    i.employee_no.as_str().into(),
                    i.real_name.as_str().into(),
                    name.as_str().into(),
                    Cell::Number(i.total),
                ];
                row.extend(i.activities.sub_scores().iter().map(|s| Cell::Number(s.score)));
                row.push(i64::from(appraisal.rules.version).into());
                row
            })
            .collect();
        sheets.push(Sheet { title: name, headers: PERSON_HEADERS.to_vec(), rows });
    }
    sheets
}
