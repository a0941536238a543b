use actix_web::http::StatusCode;
use actix_web::{get, web, HttpResponse};

use crate::health::model::{Readiness, ReadyStatus};
use crate::health::service::{self, Local};
use crate::jobs::scheduler::SchedulerBeat;
use crate::search::indexer::SearchHandle;
use crate::state::State;

/// Readiness: 200 while every part can serve (`ready`, or `degraded` when one
/// lags or retries), 503 `unavailable` when one failed: the database, the
/// search index, the mail sender or the scheduler. No sign-in needed.
#[utoipa::path(tag = "health", security(()),
    responses((status = 200, body = Readiness), (status = 503, body = Readiness, description = "a component failed")))]
#[get("/readyz")]
pub async fn readyz(
    state: State,
    search: web::Data<SearchHandle>,
    beat: web::Data<SchedulerBeat>,
) -> HttpResponse {
    let local = Local {
        backend: if state.settings.database_url.is_postgres() { "postgres" } else { "sqlite" },
        mail_configured: state.settings.smtp_url.is_some(),
        beat: beat.get(),
        search: search.into_inner(),
    };
    let checking = local.clone();
    let report = state.read(move |conn| service::check(conn, &checking)).await;
    let report = report.unwrap_or_else(|error| service::database_down(&local, error.to_string()));
    let status = match report.status {
        ReadyStatus::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        ReadyStatus::Ready | ReadyStatus::Degraded => StatusCode::OK,
    };
    HttpResponse::build(status).insert_header(("Cache-Control", "no-store")).json(report)
}
