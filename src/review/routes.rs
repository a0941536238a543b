use actix_web::{get, post, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::{Json, Page, PageParams};
use crate::auth::extract::CurrentUser;
use crate::db::write_tx;
use crate::error::ApiResult;
use crate::intel::model::IntelId;
use crate::intel::service::require_reviewer;
use crate::intel::store;
use crate::intel::view::{intel_view, intel_views, IntelView};
use crate::review::model::Decision;
use crate::review::service::{self, DecisionInput, RawScores};
use crate::state::State;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(queue).service(review);
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
    require_reviewer(&me)?;
    let category = query.into_inner().category;
    let page = page.into_inner();
    let result = state
        .db(move |conn| {
            let (rows, total) =
                store::review_queue(conn, me.id, category.as_deref(), page.offset(), page.per_page())?;
            Ok(Page { items: intel_views(conn, &me, rows)?, total })
        })
        .await?;
    Ok(HttpResponse::Ok().json(result))
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
    id: web::Path<i64>,
    body: Json<ReviewRequest>,
) -> ApiResult<HttpResponse> {
    let id = IntelId(id.into_inner());
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
    };
    let response = state
        .db(move |conn| {
            write_tx(conn, |conn| {
                let decided = service::decide(conn, &me, id, decision)?;
                Ok(ReviewResponse {
                    intel: intel_view(conn, &me, decided.intel)?,
                    points_awarded: decided.points_awarded,
                })
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(response))
}
