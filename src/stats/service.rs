//! The statistics as their readers may see them: the policy decides who,
//! exports and unmasked contacts are audited in one transaction.

use chrono::NaiveDateTime;

use crate::audit;
use crate::auth::extract::CurrentUser;
use crate::auth::policy::{self, Denied};
use crate::clients::store::{self as client_store, ClientFilter as ClientListFilter};
use crate::clients::view::client_views;
use crate::db::{write_tx, DbConn};
use crate::enums::{AuditAction, ClientKind};
use crate::ids::DepartmentId;
use crate::stats::analysis::{self, OpportunityAnalysis, ServiceAnalysis};
use crate::stats::assessments::{self, Assessment};
use crate::stats::clusters::{self, ClientFilter, Cluster, ClusterMember, Members};
use crate::stats::competitors::{self, CompetitorView};
use crate::stats::export::Cell;
use crate::stats::export::Sheet;
use crate::stats::facts::Interval;
use crate::stats::freshness::{self, Freshness};
use crate::stats::invitations::{self, Invitation, Invitations};
use crate::stats::losses::{self, LossReport};
use crate::stats::overview::{self, Overview};
use crate::stats::reviewers::{self, ReviewerReport};
use crate::time::{Period, Span, Window};

crate::service_error! {
    pub enum StatsError {
        #[error("统计仅对市场、信息管理人员和管理员开放")]
        NotForStatistics => Forbidden,
        #[error("绩效与审核指标仅对信息管理人员、管理员和本部门负责人开放")]
        NotForManagement => Forbidden,
    }
}

type Result<T> = std::result::Result<T, StatsError>;

fn statistics(me: &CurrentUser) -> Result<()> {
    policy::allow(policy::may_see_statistics(me)).map_err(|Denied| StatsError::NotForStatistics)
}

fn management(me: &CurrentUser) -> Result<()> {
    policy::require_reviewer(me).map_err(|Denied| StatsError::NotForManagement)
}

/// Assessments: every department's for reviewers and admins, their own
/// department's for a department head.
fn assessments_of(me: &CurrentUser, department: Option<DepartmentId>) -> Result<()> {
    match department {
        Some(department) if policy::may_see_department(me, department) => Ok(()),
        _ => management(me),
    }
}

pub fn overview(
    conn: &mut DbConn,
    me: &CurrentUser,
    span: Span,
    department: Option<DepartmentId>,
    interval: Interval,
) -> Result<Overview> {
    statistics(me)?;
    Ok(overview::load(conn, span, department, interval)?)
}

pub fn clusters(conn: &mut DbConn, me: &CurrentUser, filter: &ClientFilter) -> Result<Vec<Cluster>> {
    statistics(me)?;
    Ok(clusters::load(conn, filter)?)
}

/// The clients behind a tag with their contacts; contact details shown are audited.
pub fn cluster_members(
    conn: &mut DbConn,
    me: &CurrentUser,
    tag: &str,
    filter: &ClientFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<ClusterMember>, i64)> {
    statistics(me)?;
    let (members, total, unmasked) =
        clusters::members(conn, me, tag, filter, Members::Page { offset, limit })?;
    if !unmasked.is_empty() {
        write_tx(conn, |conn| audit::sensitive_reads(conn, me.id, &unmasked))?;
    }
    Ok((members, total))
}

/// The cluster as an audited contact list.
pub fn cluster_export(
    conn: &mut DbConn,
    me: &CurrentUser,
    tag: &str,
    filter: &ClientFilter,
) -> Result<Sheet> {
    statistics(me)?;
    Ok(write_tx(conn, |conn| clusters::export(conn, me, tag, filter))?)
}

pub fn freshness(conn: &mut DbConn, me: &CurrentUser, now: NaiveDateTime) -> Result<Freshness> {
    statistics(me)?;
    Ok(freshness::load(conn, now)?)
}

pub fn competitors(conn: &mut DbConn, me: &CurrentUser, window: Window) -> Result<Vec<CompetitorView>> {
    statistics(me)?;
    Ok(competitors::load(conn, window)?)
}

pub fn assessments(
    conn: &mut DbConn,
    me: &CurrentUser,
    span: Span,
    department: Option<DepartmentId>,
) -> Result<Vec<Assessment>> {
    assessments_of(me, department)?;
    Ok(assessments::load(conn, span, department)?)
}

/// The assessments as an audited spreadsheet.
pub fn assessments_export(
    conn: &mut DbConn,
    me: &CurrentUser,
    period: Period,
    span: Span,
    department: Option<DepartmentId>,
) -> Result<Sheet> {
    assessments_of(me, department)?;
    Ok(write_tx(conn, |conn| assessments::export(conn, me, period, span, department))?)
}

pub fn reviewers(conn: &mut DbConn, me: &CurrentUser, span: Span) -> Result<ReviewerReport> {
    management(me)?;
    Ok(reviewers::load(conn, span)?)
}

/// The lost-client database for the losses that occurred in `span`.
pub fn losses(conn: &mut DbConn, me: &CurrentUser, span: Span) -> Result<LossReport> {
    statistics(me)?;
    // All time: every day either database can store.
    let (earliest, latest) =
        (chrono::NaiveDate::from_ymd_opt(1900, 1, 1), chrono::NaiveDate::from_ymd_opt(9999, 12, 31));
    let last = span.ends_before().map(|d| d - chrono::Duration::days(1)).or(latest).unwrap_or_default();
    let first =
        if span.grain == crate::time::Grain::All { earliest.unwrap_or_default() } else { span.starts_on };
    Ok(losses::load(conn, first, last)?)
}

pub fn service_analysis(
    conn: &mut DbConn,
    me: &CurrentUser,
    window: Window,
    department: Option<DepartmentId>,
) -> Result<ServiceAnalysis> {
    statistics(me)?;
    Ok(analysis::service(conn, window, department)?)
}

pub fn opportunity_analysis(
    conn: &mut DbConn,
    me: &CurrentUser,
    window: Window,
    department: Option<DepartmentId>,
) -> Result<OpportunityAnalysis> {
    statistics(me)?;
    Ok(analysis::opportunities(conn, window, department)?)
}

/// At most this many clients in one export of the list.
const MAX_EXPORTED_CLIENTS: i64 = 100_000;

/// The filtered client list as an audited spreadsheet (statistics roles),
/// in the list's order.
pub fn client_export(conn: &mut DbConn, me: &CurrentUser, filter: &ClientListFilter) -> Result<Sheet> {
    statistics(me)?;
    let (rows, total) = client_store::search(conn, filter, 0, MAX_EXPORTED_CLIENTS)?;
    let views = client_views(conn, rows)?;
    let detail = serde_json::json!({"rows": views.len(), "total": total, "segment": filter.segment,
        "industry": filter.industry, "status": filter.status, "contract_end": filter.contract_end});
    write_tx(conn, |conn| {
        audit::record(conn, Some(me.id), AuditAction::ExportClients, "clients", None, detail)
    })?;
    Ok(Sheet {
        title: "客户名单".into(),
        headers: vec!["客户", "类型", "行业", "区域", "等级", "细分", "状态", "客户经理", "合同到期", "标签"],
        rows: views
            .into_iter()
            .map(|c| {
                vec![
                    c.name.into(),
                    (if c.kind == ClientKind::Group { "集团" } else { "个人" }).into(),
                    c.industry.into(),
                    c.region.into(),
                    c.tier.into(),
                    c.segment.map(|s| segment_label(s).to_owned()).into(),
                    status_label(c.status).into(),
                    c.owner.map(|o| o.real_name).into(),
                    c.contract_end.map(|d| d.to_string()).into(),
                    Cell::Text(c.tags.join("、")),
                ]
            })
            .collect(),
    })
}

fn segment_label(segment: crate::enums::ClientSegment) -> &'static str {
    use crate::enums::ClientSegment::*;
    match segment {
        Advocate => "拥护者",
        Supporter => "支持者",
        Potential => "潜在客户",
        Neutral => "中立",
        AtRisk => "流失风险",
    }
}

fn status_label(status: crate::enums::ClientStatus) -> &'static str {
    use crate::enums::ClientStatus::*;
    match status {
        Active => "正常",
        AtRisk => "流失风险",
        Lost => "已流失",
        Prospect => "潜在",
    }
}

/// Hands a cluster's invitation list to the members' account managers (statistics roles).
pub fn invite(
    conn: &mut DbConn,
    me: &CurrentUser,
    tag: &str,
    filter: &ClientFilter,
    invitation: &Invitation,
) -> Result<Invitations> {
    statistics(me)?;
    let mut problems = crate::error::Fields::new();
    let title = invitation.title.trim();
    if title.is_empty() || title.chars().count() > 80 {
        problems.insert("title".into(), "须为 1–80 个字符".into());
    }
    if invitation.due_on < crate::time::local_day(chrono::Utc::now().naive_utc()) {
        problems.insert("due_on".into(), "不能早于今天".into());
    }
    if invitation.note.chars().count() > 500 {
        problems.insert("note".into(), "不能超过 500 个字符".into());
    }
    if !problems.is_empty() {
        return Err(StatsError::Invalid(problems));
    }
    let invitation =
        Invitation { title: title.to_owned(), note: invitation.note.trim().to_owned(), ..invitation.clone() };
    let handed = invitations::hand_over(conn, me, tag, filter, &invitation)?;
    let detail = serde_json::json!({"tag": tag, "title": invitation.title, "created": handed.created,
        "already_open": handed.already_open, "without_owner": handed.without_owner.len()});
    audit::record(conn, Some(me.id), AuditAction::ClusterInvite, "tag", None, detail)?;
    Ok(handed)
}
