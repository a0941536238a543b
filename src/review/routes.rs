use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::{Json, Page, PageParams};
use crate::auth::extract::CurrentUser;
use crate::enums::Decision;
use crate::error::ApiResult;
use crate::idempotency::IdempotencyKey;
use crate::ids::IntelId;
use crate::intel::view::IntelView;
use crate::review::recalculate::{self, Recalculation};
use crate::review::service::{self, DecisionInput, RawScores};
use crate::state::State;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(queue).service(review).service(recalculate_points);
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    pub category: Option<String>,
}

/// Entries waiting for review, oldest first (reviewers; your own entries are left out).
#[utoipa::path(tag = "review", params(QueueQuery, PageParams), responses((status = 200, body = Page<IntelView>), (status = 403)))]
#[get("/reviews/queue")]
async fn queue(
    state: State,
    me: CurrentUser,
    query: web::Query<QueueQuery>,
    page: web::Query<PageParams>,
) -> ApiResult<HttpResponse> {
    let category = query.into_inner().category;
    let page = page.into_inner();
    let (items, total) = state
        .read(move |conn| service::queue(conn, &me, category.as_deref(), page.offset(), page.per_page()))
        .await?;
    Ok(HttpResponse::Ok().json(Page { items, total }))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct Scores {
    pub truthfulness: Option<i64>,
    pub relevance: Option<i64>,
    pub completeness: Option<i64>,
    pub timeliness: Option<i64>,
    pub value: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReviewRequest {
    pub decision: Decision,
    /// Each 1–5; all five are required to adopt.
    #[serde(default)]
    pub scores: Scores,
    /// Required to reject or return for revision.
    #[serde(default)]
    pub comment: String,
    /// The adopted entry this one duplicates (decision `duplicate`).
    pub duplicate_of: Option<IntelId>,
    /// Mark the entry urgent: what it tells the client's owners and the
    /// followers skips their daily digests.
    #[serde(default)]
    pub urgent: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewResponse {
    pub intel: IntelView,
    /// Points this decision paid the author.
    pub points_awarded: i32,
}

/// Decide a submitted entry: adopt, reject, return for revision or mark duplicate.
#[utoipa::path(tag = "review", request_body = ReviewRequest,
    responses((status = 200, body = ReviewResponse), (status = 403, description = "own entry or not a reviewer"),
              (status = 409, description = "already decided"), (status = 422)))]
#[post("/intel/{id}/review")]
async fn review(
    state: State,
    me: CurrentUser,
    key: IdempotencyKey,
    id: web::Path<IntelId>,
    body: Json<ReviewRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let input = body.0;
    let decision = DecisionInput {
        decision: input.decision,
        scores: RawScores {
            truthfulness: input.scores.truthfulness,
            relevance: input.scores.relevance,
            completeness: input.scores.completeness,
            timeliness: input.scores.timeliness,
            value: input.scores.value,
        },
        comment: input.comment,
        duplicate_of: input.duplicate_of,
        urgent: input.urgent,
    };
    let user = me.id;
    state
        .write_once(user, key, StatusCode::OK, move |conn| {
            service::review(conn, &me, id, decision)
                .map(|r| ReviewResponse { intel: r.intel, points_awarded: r.points_awarded })
        })
        .await
}

/// Recalculate adoption pay under the current rules (admin): writes
/// correcting ledger rows (once per rule version and entry), never rewrites history.
#[utoipa::path(tag = "admin", responses((status = 200, body = Recalculation), (status = 403)))]
#[post("/points/recalculate")]
async fn recalculate_points(state: State, me: CurrentUser) -> ApiResult<HttpResponse> {
    let result = state.write_report(move |conn| recalculate::recalculate(conn, &me)).await?;
    Ok(HttpResponse::Ok().json(result))
}
