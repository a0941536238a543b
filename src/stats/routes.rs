use std::collections::HashMap;

use actix_web::{get, web, HttpResponse};
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

use crate::audit;
use crate::auth::extract::CurrentUser;
use crate::clients::store as clients;
use crate::clients::view::{client_views, contact_views, ClientView, ContactView};
use crate::db::{write_tx, DbConn};
use crate::enums::Role;
use crate::error::{ApiError, ApiResult};
use crate::ids::DepartmentId;
use crate::state::State;
use crate::stats::compute::{self, ClientFilter, Interval, Window};
use crate::stats::data::Facts;
use crate::stats::export::{download, Cell, ExportFormat, Sheet};
use crate::time::{business_zone, Period};
use crate::users::store as users;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(overview)
        .service(clusters)
        .service(cluster_clients)
        .service(cluster_export)
        .service(freshness)
        .service(competitors)
        .service(assessments)
        .service(assessments_export)
        .service(reviewers);
}

/// Statistics are for marketing (信息使用), reviewers (信息管理) and admins.
fn require_statistics(me: &CurrentUser) -> ApiResult<()> {
    if me.has(Role::Marketer) || me.has(Role::Reviewer) || me.has(Role::Admin) {
        Ok(())
    } else {
        Err(ApiError::Forbidden("统计仅对市场、信息管理人员和管理员开放".into()))
    }
}

/// Assessments and reviewer metrics are for management: reviewers and admins.
fn require_management(me: &CurrentUser) -> ApiResult<()> {
    if me.has(Role::Reviewer) || me.has(Role::Admin) {
        Ok(())
    } else {
        Err(ApiError::Forbidden("绩效与审核指标仅对信息管理人员和管理员开放".into()))
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// week, month (default), quarter, year or all.
    pub period: Option<Period>,
    /// A local date inside the period (default today).
    pub date: Option<NaiveDate>,
    pub department_id: Option<DepartmentId>,
    /// Time-series buckets: week or month (default).
    pub interval: Option<Interval>,
    /// For exports: xlsx (default) or csv.
    pub format: Option<ExportFormat>,
}

impl StatsQuery {
    fn window(&self) -> (Period, Window) {
        let period = self.period.unwrap_or_default();
        let day = self.date.unwrap_or_else(|| Utc::now().with_timezone(&business_zone()).date_naive());
        (period, period.window_containing(day))
    }
}

fn department_names(conn: &mut DbConn) -> ApiResult<HashMap<DepartmentId, String>> {
    Ok(users::list_departments(conn)?.into_iter().map(|d| (d.id, d.name)).collect())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OverviewResponse {
    pub period: String,
    pub from: Option<chrono::DateTime<Utc>>,
    pub to: Option<chrono::DateTime<Utc>>,
    #[serde(flatten)]
    pub overview: compute::Overview,
}

/// Entries submitted, adopted and used, rates, mean score and review time for a
/// period (optionally one department), by category, client kind, department and over time.
#[utoipa::path(tag = "stats", params(StatsQuery), responses((status = 200, body = OverviewResponse), (status = 403)))]
#[get("/stats/overview")]
async fn overview(state: State, me: CurrentUser, query: web::Query<StatsQuery>) -> ApiResult<HttpResponse> {
    require_statistics(&me)?;
    let (period, window) = query.window();
    let (department, interval) = (query.department_id, query.interval.unwrap_or_default());
    let overview = state
        .read(move |conn| {
            let names = department_names(conn)?;
            Ok(compute::overview(&Facts::load(conn)?, window, department, interval, &names))
        })
        .await?;
    Ok(HttpResponse::Ok().json(OverviewResponse {
        period: period.as_str().into(),
        from: window.map(|w| w.0.and_utc()),
        to: window.map(|w| w.1.and_utc()),
        overview,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClusterQuery {
    /// group or individual.
    pub kind: Option<String>,
    pub tier: Option<String>,
    pub region: Option<String>,
    pub format: Option<ExportFormat>,
}

impl ClusterQuery {
    fn filter(&self) -> ClientFilter {
        let clean =
            |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
        ClientFilter { kind: clean(&self.kind), tier: clean(&self.tier), region: clean(&self.region) }
    }
}

/// Interest clusters: how many clients carry each tag.
#[utoipa::path(tag = "stats", params(ClusterQuery), responses((status = 200, body = Vec<compute::Cluster>)))]
#[get("/stats/clusters")]
async fn clusters(state: State, me: CurrentUser, query: web::Query<ClusterQuery>) -> ApiResult<HttpResponse> {
    require_statistics(&me)?;
    let filter = query.filter();
    let clusters = state.read(move |conn| Ok(compute::clusters(&Facts::load(conn)?, &filter))).await?;
    Ok(HttpResponse::Ok().json(clusters))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClusterMember {
    pub client: ClientView,
    /// Contacts; phone and notes masked unless you own the client, review or administer.
    pub contacts: Vec<ContactView>,
}

fn members(
    conn: &mut DbConn,
    me: &CurrentUser,
    tag: &str,
    filter: &ClientFilter,
) -> ApiResult<Vec<ClusterMember>> {
    let ids = compute::cluster_members(&Facts::load(conn)?, tag, filter);
    let mut found = clients::find_many(conn, &ids)?;
    let rows: Vec<_> = ids.iter().filter_map(|id| found.remove(id)).collect();
    let owners: Vec<_> = rows.iter().map(|c| (c.id, c.owner_id)).collect();
    let views = client_views(conn, rows)?;
    let mut members = Vec::with_capacity(views.len());
    for (client, (id, owner)) in views.into_iter().zip(owners) {
        let contacts = clients::contacts_of(conn, id)?;
        members.push(ClusterMember { client, contacts: contact_views(conn, me, owner, contacts)? });
    }
    Ok(members)
}

/// The clients behind a tag, with owners and contacts (for inviting them to an event).
#[utoipa::path(tag = "stats", params(ClusterQuery), responses((status = 200, body = Vec<ClusterMember>)))]
#[get("/stats/clusters/{tag}/clients")]
async fn cluster_clients(
    state: State,
    me: CurrentUser,
    tag: web::Path<String>,
    query: web::Query<ClusterQuery>,
) -> ApiResult<HttpResponse> {
    require_statistics(&me)?;
    let (tag, filter) = (tag.into_inner(), query.filter());
    let members = state.read(move |conn| write_tx(conn, |conn| members(conn, &me, &tag, &filter))).await?;
    Ok(HttpResponse::Ok().json(members))
}

/// The cluster as a contact list for an event (xlsx or csv); the export is audited.
#[utoipa::path(tag = "stats", params(ClusterQuery), responses((status = 200, description = "a spreadsheet")))]
#[get("/stats/clusters/{tag}/export")]
async fn cluster_export(
    state: State,
    me: CurrentUser,
    tag: web::Path<String>,
    query: web::Query<ClusterQuery>,
) -> ApiResult<HttpResponse> {
    require_statistics(&me)?;
    let (tag, filter, format) = (tag.into_inner(), query.filter(), query.format.unwrap_or_default());
    let name = format!("兴趣群体-{tag}");
    let sheet = state
        .read(move |conn| {
            write_tx(conn, |conn| {
                let members = members(conn, &me, &tag, &filter)?;
                let mut rows = Vec::new();
                for m in &members {
                    let client: Vec<Cell> = vec![
                        m.client.name.clone().into(),
                        (if m.client.kind == "group" { "集团" } else { "个人" }).into(),
                        m.client.tier.clone().into(),
                        m.client.region.clone().into(),
                        m.client.owner.as_ref().map(|o| o.real_name.clone()).into(),
                    ];
                    if m.contacts.is_empty() {
                        rows.push(
                            client
                                .into_iter()
                                .chain([Cell::Empty, Cell::Empty, Cell::Empty, Cell::Empty])
                                .collect(),
                        );
                    }
                    for contact in &m.contacts {
                        let mut row: Vec<Cell> = vec![
                            m.client.name.clone().into(),
                            (if m.client.kind == "group" { "集团" } else { "个人" }).into(),
                            m.client.tier.clone().into(),
                            m.client.region.clone().into(),
                            m.client.owner.as_ref().map(|o| o.real_name.clone()).into(),
                        ];
                        row.extend([
                            contact.name.clone().into(),
                            contact.title.clone().into(),
                            contact.phone.clone().into(),
                            contact.notes.clone().into(),
                        ]);
                        rows.push(row);
                    }
                }
                audit::record(
                    conn,
                    Some(me.id),
                    "export.cluster",
                    "tag",
                    None,
                    json!({"tag": tag, "clients": members.len(), "rows": rows.len()}),
                )?;
                Ok(Sheet {
                    title: format!("兴趣群体 {tag}"),
                    headers: vec![
                        "客户",
                        "类型",
                        "等级",
                        "区域",
                        "客户经理",
                        "联系人",
                        "职务",
                        "电话",
                        "备注",
                    ],
                    rows,
                })
            })
        })
        .await?;
    download(&sheet, format, &name).map_err(ApiError::internal)
}

/// Staleness of adopted facts by category and owner, and the oldest unconfirmed facts on key clients.
#[utoipa::path(tag = "stats", responses((status = 200, body = compute::Freshness)))]
#[get("/stats/freshness")]
async fn freshness(state: State, me: CurrentUser) -> ApiResult<HttpResponse> {
    require_statistics(&me)?;
    let now = Utc::now().naive_utc();
    let freshness = state.read(move |conn| Ok(compute::freshness(&Facts::load(conn)?, now, 20))).await?;
    Ok(HttpResponse::Ok().json(freshness))
}

/// Adopted competitor intelligence grouped by competitor and offer, with a monthly series.
#[utoipa::path(tag = "stats", params(StatsQuery), responses((status = 200, body = Vec<compute::CompetitorView>)))]
#[get("/stats/competitors")]
async fn competitors(
    state: State,
    me: CurrentUser,
    query: web::Query<StatsQuery>,
) -> ApiResult<HttpResponse> {
    require_statistics(&me)?;
    let (_, window) = query.window();
    let views = state.read(move |conn| Ok(compute::competitors(&Facts::load(conn)?, window))).await?;
    Ok(HttpResponse::Ok().json(views))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AssessmentResponse {
    pub period: String,
    pub items: Vec<compute::Assessment>,
}

/// 绩效考核: each person's quantity, quality, timeliness and points for a period.
#[utoipa::path(tag = "stats", params(StatsQuery), responses((status = 200, body = AssessmentResponse), (status = 403)))]
#[get("/stats/assessments")]
async fn assessments(
    state: State,
    me: CurrentUser,
    query: web::Query<StatsQuery>,
) -> ApiResult<HttpResponse> {
    require_management(&me)?;
    let (period, window) = query.window();
    let department = query.department_id;
    let items = state
        .read(move |conn| {
            let names = department_names(conn)?;
            Ok(compute::assessments(&Facts::load(conn)?, window, department, &names))
        })
        .await?;
    Ok(HttpResponse::Ok().json(AssessmentResponse { period: period.as_str().into(), items }))
}

/// The assessments as a spreadsheet (xlsx or csv) with Chinese headers; the export is audited.
#[utoipa::path(tag = "stats", params(StatsQuery), responses((status = 200, description = "a spreadsheet"), (status = 403)))]
#[get("/stats/assessments/export")]
async fn assessments_export(
    state: State,
    me: CurrentUser,
    query: web::Query<StatsQuery>,
) -> ApiResult<HttpResponse> {
    require_management(&me)?;
    let (period, window) = query.window();
    let (department, format) = (query.department_id, query.format.unwrap_or_default());
    let label = match window {
        Some((from, _)) => {
            format!("{}-{}", period.as_str(), from.and_utc().with_timezone(&business_zone()).format("%Y%m%d"))
        }
        None => "all".into(),
    };
    let sheet = state
        .read(move |conn| {
            write_tx(conn, |conn| {
                let names = department_names(conn)?;
                let items = compute::assessments(&Facts::load(conn)?, window, department, &names);
                audit::record(
                    conn,
                    Some(me.id),
                    "export.assessments",
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
            })
        })
        .await?;
    download(&sheet, format, &format!("绩效考核-{label}")).map_err(ApiError::internal)
}

/// Decisions per reviewer, time to decision, agreement with peers, and pairs
/// where a reviewer adopts one author far more often than peers do.
#[utoipa::path(tag = "stats", params(StatsQuery), responses((status = 200, body = compute::ReviewerReport), (status = 403)))]
#[get("/stats/reviewers")]
async fn reviewers(state: State, me: CurrentUser, query: web::Query<StatsQuery>) -> ApiResult<HttpResponse> {
    require_management(&me)?;
    let (_, window) = query.window();
    let report = state.read(move |conn| Ok(compute::reviewers(&Facts::load(conn)?, window))).await?;
    Ok(HttpResponse::Ok().json(report))
}
