//! Builds the application from settings: pool, migrations, state, routes,
//! middleware. Tests bind port 0 and ask for the port.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::http::header;
use actix_web::middleware::{Compress, DefaultHeaders};
use actix_web::{web, App, HttpMessage, HttpServer};
use anyhow::Context;
use tracing_actix_web::{RequestId, TracingLogger};
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;

use crate::api;
use crate::auth::tokens::load_or_create_secret;
use crate::auth::Auth;
use crate::config::Settings;
use crate::db;
use crate::docs::{self, BearerAuth};
use crate::notify::sender::MailHandle;
use crate::search::{self, indexer::IndexerConfig, indexer::SearchHandle};
use crate::state::AppState;
use crate::users;

pub struct Application {
    port: u16,
    server: Server,
    search: Arc<SearchHandle>,
}

impl Application {
    /// Connects, migrates and binds; the server starts when awaited.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let pool = db::connect(&settings.database_url, settings.db_limits())?;
        let migrate_pool = pool.clone();
        let applied = web::block(move || -> anyhow::Result<usize> {
            let mut conn = migrate_pool.get().context("opening a database connection")?;
            let applied = db::run_migrations(&mut conn)?;
            db::refresh_statistics(&mut conn, false).context("refreshing the planner's statistics")?;
            Ok(applied)
        })
        .await??;
        tracing::info!(database = %settings.database_url.redacted(), applied, "database ready");

        let secret = load_or_create_secret(settings.jwt_secret.as_deref(), &settings.data_dir)?;
        let data_dir = settings.data_dir.clone();
        // A damaged index does not stop the server: it is rebuilt in the background.
        let search = Arc::new(web::block(move || SearchHandle::open(&data_dir)).await?);
        let indexer = IndexerConfig {
            commit_interval: Duration::from_millis(settings.index_commit_ms),
            ..IndexerConfig::default()
        };
        search::indexer::spawn(pool.clone(), settings.data_dir.clone(), &search, indexer);
        let listener =
            TcpListener::bind(&settings.bind).with_context(|| format!("binding {}", settings.bind))?;
        let port = listener.local_addr()?.port();
        let settings = settings.with_bound_port(port);
        let workers = settings.workers;
        let mailer = crate::notify::transport::Mailer::from_settings(&settings)?;
        let sender = crate::notify::sender::SenderConfig::from_settings(&settings);
        let schedule = Duration::from_secs(settings.scheduler_seconds);
        let background = pool.clone();
        let handles = Handles {
            auth: web::Data::new(Auth::new(&settings, &secret)),
            feeds: web::Data::new(crate::agenda::calendar::FeedKeys::new(&secret)),
            search: web::Data::from(search.clone()),
            mail: web::Data::new(MailHandle::new()),
            scheduler: web::Data::new(crate::jobs::scheduler::SchedulerBeat::default()),
            traffic: crate::traffic::Traffic::new(&settings),
            state: web::Data::new(AppState::new(settings, pool)),
        };
        tracing::info!(to = %mailer.describe(), "mail sender ready");
        crate::notify::sender::spawn(background.clone(), mailer, &handles.mail.clone().into_inner(), sender);
        crate::jobs::scheduler::spawn(
            background,
            &handles.mail.clone().into_inner(),
            schedule,
            handles.scheduler.clone().into_inner(),
        );

        let mut server = HttpServer::new(move || build_app(handles.clone())).listen(listener)?;
        if workers > 0 {
            server = server.workers(workers);
        }
        Ok(Application { port, server: server.run(), search })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The search index's handle (its health, for readiness).
    pub fn search(&self) -> Arc<SearchHandle> {
        self.search.clone()
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// The OpenAPI description, collected from the route annotations.
#[derive(OpenApi)]
#[openapi(
    info(title = "Zhiku 智库 API", description = "Client-intelligence sharing platform: the HTTP contract."),
    modifiers(&BearerAuth),
    components(schemas(
        crate::enums::IntelStatus, crate::enums::Source, crate::enums::Role, crate::enums::DepartmentKind,
        crate::enums::ClientKind, crate::enums::ClientStatus, crate::enums::Decision, crate::enums::UsagePurpose,
        crate::enums::UsageOutcome, crate::enums::PointReason, crate::enums::NotificationKind,
        crate::enums::Delivery, crate::enums::MailStatus, crate::enums::Job, crate::time::Period,
        crate::search::Sort, crate::stats::facts::Interval, crate::stats::export::ExportFormat,
        crate::enums::FollowTarget, crate::enums::TaskStatus, crate::enums::ReminderKind, crate::enums::ReminderStatus,
        crate::dossier::service::MyClientsSort, crate::clients::store::ClientSort, crate::clients::routes::SortOrder,
        crate::enums::ClientSegment, crate::enums::LossReason, crate::enums::LossOutcome,
    )),
    security(("bearer" = [])),
    tags(
        (name = "auth", description = "Sign-in and sessions"),
        (name = "admin", description = "Departments, users, templates, point rules"),
        (name = "clients", description = "Clients, contacts, dossiers and handover"),
        (name = "intel", description = "Intelligence entries on templates"),
        (name = "review", description = "Review queue and decisions"),
        (name = "usage", description = "Usage feedback"),
        (name = "points", description = "Points ledger, ratings and leaderboards"),
        (name = "notifications", description = "In-app notifications"),
        (name = "search", description = "Chinese full-text search"),
        (name = "stats", description = "Statistics, clusters, assessments and exports"),
        (name = "follows", description = "What I follow: clients, tags, competitors, industries, regions"),
        (name = "agenda", description = "Visits, tasks, reminders and the calendar feed"),
        (name = "health", description = "Liveness and readiness"),
    )
)]
struct ApiDoc;

/// What the handlers reach: the state and each feature's handle. The mail
/// sender and scheduler threads stop when the last copy is dropped.
#[derive(Clone)]
struct Handles {
    state: web::Data<AppState>,
    auth: web::Data<Auth>,
    search: web::Data<SearchHandle>,
    mail: web::Data<MailHandle>,
    feeds: web::Data<crate::agenda::calendar::FeedKeys>,
    scheduler: web::Data<crate::jobs::scheduler::SchedulerBeat>,
    traffic: Arc<crate::traffic::Traffic>,
}

fn build_app(
    handles: Handles,
) -> App<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let traffic = handles.traffic.clone();
    let (app, mut openapi) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .app_data(handles.state)
        .app_data(handles.auth)
        .app_data(handles.search)
        .app_data(handles.mail)
        .app_data(handles.feeds)
        .app_data(handles.scheduler)
        .app_data(web::QueryConfig::default().error_handler(api::query_error))
        .app_data(web::PathConfig::default().error_handler(api::path_error))
        .service(
            utoipa_actix_web::scope("/api/v1")
                .configure(crate::sessions::routes::configure)
                .configure(users::routes::configure)
                .configure(crate::categories::routes::configure)
                // Before the clients' routes: `/clients/export` is not a `/clients/{id}`.
                .configure(crate::stats::routes::configure)
                .configure(crate::clients::routes::configure)
                .configure(crate::dossier::routes::configure)
                .configure(crate::intel::routes::configure)
                .configure(crate::review::routes::configure)
                .configure(crate::usage::routes::configure)
                .configure(crate::points::routes::configure)
                .configure(crate::appraisal::routes::configure)
                .configure(crate::ratings::routes::configure)
                .configure(crate::notify::routes::configure)
                .configure(crate::audit::routes::configure)
                .configure(crate::search::routes::configure)
                .configure(crate::notify::mail_routes::configure)
                .configure(crate::jobs::routes::configure)
                .configure(crate::follows::routes::configure)
                .configure(crate::agenda::routes::configure)
                .configure(crate::handover::routes::configure),
        )
        .service(docs::healthz)
        .service(crate::health::routes::readyz)
        .split_for_parts();
    docs::complete(&mut openapi);
    app.app_data(web::Data::new(openapi))
        .service(docs::openapi_json)
        .service(docs::docs_page)
        .service(docs::docs_script)
        .default_service(web::to(crate::web::fallback))
        .wrap(Compress::default())
        .wrap(security_headers())
        .wrap_fn(|req, srv| {
            let request_id = req.extensions().get::<RequestId>().map(|id| id.to_string());
            let response = actix_web::dev::Service::call(srv, req);
            async move {
                let mut response = response.await?;
                if let Some(id) = request_id.and_then(|id| header::HeaderValue::from_str(&id).ok()) {
                    response.headers_mut().insert(header::HeaderName::from_static("x-request-id"), id);
                }
                Ok(response)
            }
        })
        .wrap_fn(move |req, srv| {
            let admitted = traffic.admit(req.request());
            let response = admitted.map(|ticket| (ticket, actix_web::dev::Service::call(srv, req)));
            async move {
                match response {
                    Ok((ticket, response)) => {
                        let response = response.await.map(|r| r.map_into_boxed_body());
                        drop(ticket);
                        response
                    }
                    Err(refused) => Err(refused.into()),
                }
            }
        })
        .wrap(TracingLogger::default())
}

fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add((header::REFERRER_POLICY, "no-referrer"))
        .add((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
             object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
        ))
}
