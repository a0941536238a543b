use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::{Json, Page, PageParams};
use crate::auth::extract::CurrentUser;
use crate::clients::routes::ClientQuery;
use crate::enums::ClientKind;
use crate::error::{ApiError, ApiResult};
use crate::idempotency::IdempotencyKey;
use crate::ids::DepartmentId;
use crate::state::State;
use crate::stats::analysis::{OpportunityAnalysis, ServiceAnalysis};
use crate::stats::clusters::{ClientFilter, Cluster, ClusterMember};
use crate::stats::competitors::CompetitorView;
use crate::stats::export::{download, ExportFormat};
use crate::stats::facts::Interval;
use crate::stats::freshness::Freshness;
use crate::stats::invitations::{Invitation, Invitations};
use crate::stats::losses::LossReport;
use crate::stats::overview::Overview;
use crate::stats::reviewers::ReviewerReport;
use crate::stats::service;
use crate::time::{business_zone, Period, Span};

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(overview)
        .service(clusters)
        .service(cluster_clients)
        .service(cluster_export)
        .service(freshness)
        .service(competitors)
        .service(assessments)
        .service(assessments_export)
        .service(reviewers)
        .service(losses)
        .service(service_analysis)
        .service(opportunity_analysis)
        .service(client_export)
        .service(cluster_invitations);
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
    fn span(&self) -> (Period, Span) {
        let period = self.period.unwrap_or_default();
        (period, period.span_around(self.date))
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OverviewResponse {
    pub period: String,
    pub from: Option<chrono::DateTime<Utc>>,
    pub to: Option<chrono::DateTime<Utc>>,
    #[serde(flatten)]
    pub overview: Overview,
}

/// Entries submitted, adopted and used, rates, mean score and review time for a
/// period (optionally one department), by category, client kind, department and over time.
#[utoipa::path(tag = "stats", params(StatsQuery), responses((status = 200, body = OverviewResponse), (status = 403)))]
#[get("/stats/overview")]
async fn overview(state: State, me: CurrentUser, query: web::Query<StatsQuery>) -> ApiResult<HttpResponse> {
    let (period, span) = query.span();
    let (department, interval, window) =
        (query.department_id, query.interval.unwrap_or_default(), span.window());
    let overview = state.report(move |conn| service::overview(conn, &me, span, department, interval)).await?;
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
    pub kind: Option<ClientKind>,
    pub tier: Option<String>,
    pub region: Option<String>,
    pub format: Option<ExportFormat>,
}

impl ClusterQuery {
    fn filter(&self) -> ClientFilter {
        let clean =
            |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
        ClientFilter { kind: self.kind, tier: clean(&self.tier), region: clean(&self.region) }
    }
}

/// Interest clusters: how many clients carry each tag.
#[utoipa::path(tag = "stats", params(ClusterQuery), responses((status = 200, body = Vec<Cluster>)))]
#[get("/stats/clusters")]
async fn clusters(state: State, me: CurrentUser, query: web::Query<ClusterQuery>) -> ApiResult<HttpResponse> {
    let filter = query.filter();
    let clusters = state.report(move |conn| service::clusters(conn, &me, &filter)).await?;
    Ok(HttpResponse::Ok().json(clusters))
}

/// The clients behind a tag, with owners and contacts (for inviting them to
/// an event), a page at a time by name; the export has them all.
#[utoipa::path(tag = "stats", params(ClusterQuery, PageParams), responses((status = 200, body = Page<ClusterMember>)))]
#[get("/stats/clusters/{tag}/clients")]
async fn cluster_clients(
    state: State,
    me: CurrentUser,
    tag: web::Path<String>,
    query: web::Query<ClusterQuery>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let (tag, filter, page) = (tag.into_inner(), query.filter(), page.into_inner());
    let (items, total) = state
        .report(move |conn| {
            service::cluster_members(conn, &me, &tag, &filter, page.offset(), page.per_page())
        })
        .await?;
    Ok(HttpResponse::Ok().json(Page { items, total }))
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
    let (tag, filter, format) = (tag.into_inner(), query.filter(), query.format.unwrap_or_default());
    let name = format!("兴趣群体-{tag}");
    let sheet = state.report(move |conn| service::cluster_export(conn, &me, &tag, &filter)).await?;
    download(&sheet, format, &name).map_err(ApiError::internal)
}

/// Staleness of adopted facts by category and owner, and the oldest unconfirmed facts on key clients.
#[utoipa::path(tag = "stats", responses((status = 200, body = Freshness)))]
#[get("/stats/freshness")]
async fn freshness(state: State, me: CurrentUser) -> ApiResult<HttpResponse> {
    let now = Utc::now().naive_utc();
    let freshness = state.report(move |conn| service::freshness(conn, &me, now)).await?;
    Ok(HttpResponse::Ok().json(freshness))
}

/// Adopted competitor intelligence grouped by competitor and offer, with a monthly series.
#[utoipa::path(tag = "stats", params(StatsQuery), responses((status = 200, body = Vec<CompetitorView>)))]
#[get("/stats/competitors")]
async fn competitors(
    state: State,
    me: CurrentUser,
    query: web::Query<StatsQuery>,
) -> ApiResult<HttpResponse> {
    let window = query.span().1.window();
    let views = state.report(move |conn| service::competitors(conn, &me, window)).await?;
    Ok(HttpResponse::Ok().json(views))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AssessmentResponse {
    pub period: String,
    pub items: Vec<super::assessments::Assessment>,
}

/// 绩效考核: each person's quantity, quality, timeliness and points for a period.
#[utoipa::path(tag = "stats", params(StatsQuery), responses((status = 200, body = AssessmentResponse), (status = 403)))]
#[get("/stats/assessments")]
async fn assessments(
    state: State,
    me: CurrentUser,
    query: web::Query<StatsQuery>,
) -> ApiResult<HttpResponse> {
    let (period, span) = query.span();
    let department = query.department_id;
    let items = state.report(move |conn| service::assessments(conn, &me, span, department)).await?;
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
    let (period, span) = query.span();
    let (department, format) = (query.department_id, query.format.unwrap_or_default());
    let label = match span.window() {
        Some((from, _)) => {
            format!("{}-{}", period.as_str(), from.and_utc().with_timezone(&business_zone()).format("%Y%m%d"))
        }
        None => "all".into(),
    };
    let sheet =
        state.report(move |conn| service::assessments_export(conn, &me, period, span, department)).await?;
    download(&sheet, format, &format!("绩效考核-{label}")).map_err(ApiError::internal)
}

/// Decisions per reviewer, time to decision, agreement with peers, and pairs
/// where a reviewer adopts one author far more often than peers do.
#[utoipa::path(tag = "stats", params(StatsQuery), responses((status = 200, body = ReviewerReport), (status = 403)))]
#[get("/stats/reviewers")]
async fn reviewers(state: State, me: CurrentUser, query: web::Query<StatsQuery>) -> ApiResult<HttpResponse> {
    let span = query.span().1;
    let report = state.report(move |conn| service::reviewers(conn, &me, span)).await?;
    Ok(HttpResponse::Ok().json(report))
}

/// 流失客户: clients marked lost or at risk in the period, by reason,
/// competitor, industry and month, each with the entries that preceded it.
#[utoipa::path(tag = "stats", params(StatsQuery), responses((status = 200, body = LossReport), (status = 403)))]
#[get("/stats/losses")]
async fn losses(state: State, me: CurrentUser, query: web::Query<StatsQuery>) -> ApiResult<HttpResponse> {
    let span = query.span().1;
    let report = state.report(move |conn| service::losses(conn, &me, span)).await?;
    Ok(HttpResponse::Ok().json(report))
}

/// 投诉分析: adopted service entries observed in the period by complaint type,
/// severity, satisfaction, resolution and month; network-quality complaints by area.
#[utoipa::path(tag = "stats", params(StatsQuery), responses((status = 200, body = ServiceAnalysis), (status = 403)))]
#[get("/stats/service")]
async fn service_analysis(
    state: State,
    me: CurrentUser,
    query: web::Query<StatsQuery>,
) -> ApiResult<HttpResponse> {
    let (window, department) = (query.span().1.window(), query.department_id);
    let analysis = state.report(move |conn| service::service_analysis(conn, &me, window, department)).await?;
    Ok(HttpResponse::Ok().json(analysis))
}

/// 商机分析: adopted opportunities observed in the period by stage, budget band
/// and timeline, with the pipeline's budget and expected value (budget × the
/// stage's probability: 线索 10 %, 需求确认 25 %, 方案 50 %, 商务谈判 75 %, 签约 100 %).
#[utoipa::path(tag = "stats", params(StatsQuery), responses((status = 200, body = OpportunityAnalysis), (status = 403)))]
#[get("/stats/opportunities")]
async fn opportunity_analysis(
    state: State,
    me: CurrentUser,
    query: web::Query<StatsQuery>,
) -> ApiResult<HttpResponse> {
    let (window, department) = (query.span().1.window(), query.department_id);
    let analysis =
        state.report(move |conn| service::opportunity_analysis(conn, &me, window, department)).await?;
    Ok(HttpResponse::Ok().json(analysis))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// xlsx (default) or csv.
    pub format: Option<ExportFormat>,
}

/// The client list as filtered and sorted (`GET /clients`' parameters) as a
/// spreadsheet, for marketers, reviewers and admins; audited.
#[utoipa::path(tag = "clients", params(ClientQuery, ExportQuery),
    responses((status = 200, description = "a spreadsheet"), (status = 403), (status = 422)))]
#[get("/clients/export")]
async fn client_export(
    state: State,
    me: CurrentUser,
    query: web::Query<ClientQuery>,
    format: web::Query<ExportQuery>,
) -> ApiResult<HttpResponse> {
    let filter = query.into_inner().filter()?;
    let format = format.format.unwrap_or_default();
    let sheet = state.report(move |conn| service::client_export(conn, &me, &filter)).await?;
    download(&sheet, format, "客户名单").map_err(ApiError::internal)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct InvitationBody {
    /// The task each owner gets, e.g. 邀请参加高尔夫邀请赛.
    #[schema(example = "邀请参加12月高尔夫邀请赛", max_length = 80)]
    pub title: String,
    /// By when to have invited them (not before today).
    pub due_on: NaiveDate,
    #[serde(default)]
    #[schema(max_length = 500)]
    pub note: String,
}

/// Hand a cluster's invitation list to the account managers: one task for
/// the owner of each member client (statistics roles; phones stay with the
/// owners). Repeating it creates no task that is still open.
#[utoipa::path(tag = "stats", params(ClusterQuery), request_body = InvitationBody,
    responses((status = 201, body = Invitations), (status = 403), (status = 422)))]
#[post("/stats/clusters/{tag}/invitations")]
async fn cluster_invitations(
    state: State,
    me: CurrentUser,
    key: IdempotencyKey,
    tag: web::Path<String>,
    query: web::Query<ClusterQuery>,
    body: Json<InvitationBody>,
) -> ApiResult<HttpResponse> {
    let (tag, filter) = (tag.into_inner(), query.filter());
    let InvitationBody { title, due_on, note } = body.0;
    let invitation = Invitation { title, due_on, note };
    let user = me.id;
    state
        .write_once(user, key, StatusCode::CREATED, move |conn| {
            service::invite(conn, &me, &tag, &filter, &invitation)
        })
        .await
}
