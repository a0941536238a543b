//! The statistics as their readers may see them: the policy decides who,
//! exports and unmasked contacts are audited in one transaction.

use chrono::NaiveDateTime;

use crate::audit;
use crate::auth::extract::CurrentUser;
use crate::auth::policy::{self, Denied};
use crate::db::{write_tx, DbConn};
use crate::ids::DepartmentId;
use crate::stats::assessments::{self, Assessment};
use crate::stats::clusters::{self, ClientFilter, Cluster, ClusterMember, Members};
use crate::stats::competitors::{self, CompetitorView};
use crate::stats::export::Sheet;
use crate::stats::facts::Interval;
use crate::stats::freshness::{self, Freshness};
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
