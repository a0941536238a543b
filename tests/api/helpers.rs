//! Spawns a real Zhiku server on a random loopback port for each test, on a
//! fresh SQLite file or a fresh PostgreSQL database, and talks to it over HTTP.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use diesel::{Connection, PgConnection};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use zhiku::app::Application;
use zhiku::config::{Overrides, Settings};
use zhiku::search::health::SearchHealth;
use zhiku::search::indexer::SearchHandle;

use crate::test_db::TestDatabase;

pub const JWT_SECRET: &str = "integration-test-secret-0123456789abcdef";
pub const ADMIN_PASSWORD: &str = "Admin-pass-2026";

/// How long a test waits for background work (the indexer, the mail sender,
/// the scheduler) before it calls it a hang. It only bounds a failure: a
/// loaded machine may be slow, and a test never passes because time ran out.
pub const PATIENCE: Duration = Duration::from_secs(60);

/// actix-web closes a connection idle for 5 s (its default keep-alive). The
/// client never reuses one idle for more than this, so it never sends a
/// request into a connection the server is closing (`IncompleteMessage`).
const CLIENT_IDLE_TIMEOUT: Duration = Duration::from_secs(2);

/// The HTTP client of the tests: it keeps cookies and drops idle connections
/// before the server does.
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .pool_idle_timeout(CLIENT_IDLE_TIMEOUT)
        .build()
        .expect("HTTP client")
}

/// Runs blocking work (database set-up, processes, seeding) on the blocking
/// pool, so the test's runtime keeps serving its connections meanwhile. A
/// panic in it fails the test with its own message.
pub async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    match tokio::task::spawn_blocking(work).await {
        Ok(done) => done,
        Err(failed) => std::panic::resume_unwind(failed.into_panic()),
    }
}

/// Polls `probe` until it answers `Some`; panics after [`PATIENCE`] saying
/// what did not happen.
pub async fn eventually<T, F, Fut>(what: &str, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Some(found) = probe().await {
            return found;
        }
        assert!(Instant::now() < deadline, "waited {PATIENCE:?} in vain: {what}");
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The rows [`TestApp::age`] moves back in time.
#[derive(Debug, Clone, Copy)]
pub enum Rows {
    Id(i64),
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs each listed test once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($(async fn $name:ident($app:ident: TestApp) $body:block)*) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;
                async fn run($app: $crate::helpers::TestApp) $body
                #[actix_web::test]
                async fn sqlite() {
                    run($crate::helpers::TestApp::spawn($crate::helpers::Backend::Sqlite).await).await
                }
                #[actix_web::test]
                async fn postgres() {
                    run($crate::helpers::TestApp::spawn($crate::helpers::Backend::Postgres).await).await
                }
            }
        )*
    };
    // Tests that spawn their servers themselves (with their own settings) get the backend.
    ($(async fn $name:ident($backend:ident: Backend) $body:block)*) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;
                async fn run($backend: $crate::helpers::Backend) $body
                #[actix_web::test]
                async fn sqlite() {
                    run($crate::helpers::Backend::Sqlite).await
                }
                #[actix_web::test]
                async fn postgres() {
                    run($crate::helpers::Backend::Postgres).await
                }
            }
        )*
    };
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub admin_token: String,
    settings: Settings,
    database_url: String,
    search: Arc<SearchHandle>,
    _data_dir: tempfile::TempDir,
    /// The PostgreSQL database this server owns (a second server on it has none).
    _database: Option<TestDatabase>,
}

/// A signed-in session as the tests see it.
#[derive(Debug, Clone)]
pub struct Session {
    pub access_token: String,
    pub refresh_token: String,
    pub user: Value,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        Self::spawn_with(backend, Overrides::default()).await
    }

    pub async fn spawn_with(backend: Backend, overrides: Overrides) -> TestApp {
        Self::spawn_with_secret(backend, overrides, Some(JWT_SECRET)).await
    }

    /// A server with no JWT secret set, which generates one into its data
    /// directory (as a deployment without `ZHIKU_JWT_SECRET` does).
    pub async fn spawn_with_generated_secret(backend: Backend) -> TestApp {
        Self::spawn_with_secret(backend, Overrides::default(), None).await
    }

    async fn spawn_with_secret(backend: Backend, overrides: Overrides, secret: Option<&str>) -> TestApp {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let database = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => Some(blocking(TestDatabase::create).await),
        };
        let database_url = match &database {
            Some(database) => database.url().to_owned(),
            None => data_dir.path().join("zhiku.db").to_string_lossy().into_owned(),
        };
        let settings = Settings::from_overrides(Overrides {
            bind: Some("127.0.0.1:0".into()),
            data_dir: Some(data_dir.path().to_path_buf()),
            database_url: Some(database_url),
            jwt_secret: secret.map(str::to_owned),
            db_pool_size: Some(overrides.db_pool_size.unwrap_or(8)),
            workers: Some(2),
            // No scheduled job runs by itself in a test unless the test asks for it.
            scheduler_seconds: Some(overrides.scheduler_seconds.unwrap_or(0)),
            // Both cores busy with other tests must not turn a slow answer into a 503;
            // the fault tests set the production budget themselves.
            request_budget_seconds: Some(overrides.request_budget_seconds.unwrap_or(60)),
            report_budget_seconds: Some(overrides.report_budget_seconds.unwrap_or(120)),
            ..overrides
        })
        .expect("test settings");
        let admin_settings = settings.clone();
        let mut app = Self::start(settings, data_dir, database).await;
        blocking(move || {
            zhiku::cli::create_admin(
                &admin_settings,
                "ADMIN1",
                "系统管理员",
                "admin@zhiku.test",
                ADMIN_PASSWORD,
            )
        })
        .await
        .expect("create admin");
        app.admin_token = app.login_ok("ADMIN1", ADMIN_PASSWORD).await.access_token;
        app
    }

    /// Another server on the database of `settings` (as a second process of
    /// one deployment would be), with its own data directory and port; the
    /// database and its first admin must exist.
    pub async fn spawn_on(settings: Settings) -> TestApp {
        Self::spawn_on_prepared(settings, |_| {}).await
    }

    /// [`TestApp::spawn_on`] with a data directory that `prepare` filled
    /// (off the runtime) before the server starts on it.
    pub async fn spawn_on_prepared(
        settings: Settings,
        prepare: impl FnOnce(&std::path::Path) + Send + 'static,
    ) -> TestApp {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let path = data_dir.path().to_path_buf();
        let prepared = path.clone();
        blocking(move || prepare(&prepared)).await;
        let settings = Settings { bind: "127.0.0.1:0".into(), data_dir: path, ..settings };
        let mut app = Self::start(settings, data_dir, None).await;
        app.admin_token = app.login_ok("ADMIN1", ADMIN_PASSWORD).await.access_token;
        app
    }

    /// A server on a data directory and database that already hold a world
    /// with its first admin (a restored backup); the server owns both.
    pub async fn spawn_on_existing(
        settings: Settings,
        data_dir: tempfile::TempDir,
        database: Option<TestDatabase>,
    ) -> TestApp {
        let mut app = Self::start(settings, data_dir, database).await;
        app.admin_token = app.login_ok("ADMIN1", ADMIN_PASSWORD).await.access_token;
        app
    }

    async fn start(
        settings: Settings,
        data_dir: tempfile::TempDir,
        database: Option<TestDatabase>,
    ) -> TestApp {
        let app = Application::build(settings.clone()).await.expect("build app");
        let address = format!("http://127.0.0.1:{}", app.port());
        let search = app.search();
        actix_web::rt::spawn(app.run_until_stopped());
        let database_url = match &settings.database_url {
            zhiku::db::DatabaseUrl::Postgres(url) | zhiku::db::DatabaseUrl::Sqlite(url) => url.clone(),
        };
        TestApp {
            address,
            client: http_client(),
            admin_token: String::new(),
            settings,
            database_url,
            search,
            _data_dir: data_dir,
            _database: database,
        }
    }

    /// The settings the server runs with (data directory, database).
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// Sends a request with an optional bearer token and JSON body; returns status and JSON body.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = self.client.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request sent");
        let status = response.status();
        let text = response.text().await.expect("body read");
        let json = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (status, json)
    }

    pub async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    /// POSTs `body` to `path` as `token` with `key`; the status, body and whether it was a replay.
    pub async fn post_keyed(
        &self,
        path: &str,
        token: &str,
        key: &str,
        body: &Value,
    ) -> (StatusCode, Value, bool) {
        let response = self
            .client
            .request(Method::POST, self.url(path))
            .bearer_auth(token)
            .header("Idempotency-Key", key)
            .json(body)
            .send()
            .await
            .expect("an answer");
        let status = response.status();
        let replayed = response.headers().get("idempotent-replayed").is_some_and(|v| v == "true");
        (status, response.json().await.expect("JSON"), replayed)
    }

    pub async fn put(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::PUT, path, Some(token), Some(body)).await
    }

    /// Ages stored rows: moves the timestamps `columns` of the rows of
    /// `table` back by `by`, as if they had been written that long ago. This
    /// is how tests let time pass, on either backend.
    pub async fn age(&self, table: &str, rows: Rows, columns: &[&str], by: chrono::Duration) {
        let seconds = by.num_seconds();
        let moved: Vec<String> = columns
            .iter()
            .map(|column| {
                if self.is_postgres() {
                    format!("{column} = {column} - INTERVAL '{seconds} seconds'")
                } else {
                    format!("{column} = strftime('%Y-%m-%d %H:%M:%f', {column}, '-{seconds} seconds')")
                }
            })
            .collect();
        let filter = match rows {
            Rows::Id(id) => format!(" WHERE id = {id}"),
            Rows::All => String::new(),
        };
        self.exec_sql(&format!("UPDATE {table} SET {}{filter}", moved.join(", "))).await;
    }

    /// Runs SQL directly on the test database, for states no request can
    /// make (a sender that died holding a claim). Time moves with [`TestApp::age`].
    pub async fn exec_sql(&self, sql: &str) {
        use diesel::connection::SimpleConnection;
        let (url, sql, postgres) = (self.database_url.clone(), sql.to_owned(), self.is_postgres());
        blocking(move || {
            let done = if postgres {
                PgConnection::establish(&url).expect("connect").batch_execute(&sql)
            } else {
                // The server's own threads write too: wait for their locks as the server does.
                let mut conn = diesel::SqliteConnection::establish(&url).expect("connect");
                conn.batch_execute(&format!("PRAGMA busy_timeout = {};", PATIENCE.as_millis()))
                    .and_then(|()| conn.batch_execute(&sql))
            };
            done.unwrap_or_else(|e| panic!("{sql}: {e}"));
            // Rows written around the app: rebuild what the statistics count from them.
            let pool = zhiku::db::connect(&zhiku::db::DatabaseUrl::parse(&url), zhiku::db::Limits::cli(1))
                .expect("pool");
            zhiku::db::rebuild_rollups(&mut pool.get().expect("connection"), true)
                .expect("rebuilding the rollups");
        })
        .await
    }

    /// `GET /readyz` (no sign-in): status and report.
    pub async fn readiness(&self) -> (StatusCode, Value) {
        let response =
            self.client.get(self.url("/readyz")).timeout(Duration::from_secs(60)).send().await.unwrap();
        (response.status(), response.json().await.unwrap())
    }

    /// The feed behind a calendar URL, fetched from this server (whatever host the URL names).
    pub async fn calendar_feed(&self, url: &str) -> (StatusCode, String) {
        let path = &url[url.find("/api/v1/").expect("an API path")..];
        let response = self.client.get(self.url(path)).send().await.unwrap();
        let status = response.status();
        (status, response.text().await.unwrap())
    }

    /// The statistics rollup cells the server kept as it went equal a
    /// rebuild from the tables.
    pub async fn assert_rollups_match_a_rebuild(&self) {
        let url = self.settings.database_url.clone();
        blocking(move || {
            let pool = zhiku::db::connect(&url, zhiku::db::Limits::cli(1)).expect("pool");
            let mut conn = pool.get().expect("connection");
            let kept = zhiku::db::rollup::stored(&mut conn).expect("reading the cells");
            zhiku::db::rebuild_rollups(&mut conn, true).expect("rebuilding the rollups");
            let rebuilt = zhiku::db::rollup::stored(&mut conn).expect("reading the cells");
            assert!(!rebuilt.stat.is_empty(), "nothing was counted");
            assert_eq!(kept, rebuilt, "the cells kept differ from a rebuild");
        })
        .await
    }

    /// `GET path` as `token`, which must answer 200; the body.
    pub async fn get_ok(&self, path: &str, token: &str) -> Value {
        let (status, body) = self.get(path, token).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        body
    }

    /// The URL of the database this server uses.
    pub fn database_url(&self) -> &str {
        &self.database_url
    }

    /// The server's search index health, as readiness reads it.
    pub async fn search_health(&self) -> SearchHealth {
        let (search, url) = (self.search.clone(), self.settings.database_url.clone());
        blocking(move || {
            let pool = zhiku::db::connect(&url, zhiku::db::Limits::cli(1)).expect("pool");
            search.health(&mut pool.get().expect("connection")).expect("search health")
        })
        .await
    }

    pub fn is_postgres(&self) -> bool {
        self.settings.database_url.is_postgres()
    }

    pub async fn patch(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::PATCH, path, Some(token), Some(body)).await
    }

    pub async fn login(&self, login: &str, password: &str) -> (StatusCode, Value) {
        self.call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"login": login, "password": password})),
        )
        .await
    }

    pub async fn login_ok(&self, login: &str, password: &str) -> Session {
        let (status, body) = self.login(login, password).await;
        assert_eq!(status, StatusCode::OK, "login {login}: {body}");
        Session {
            access_token: body["access_token"].as_str().expect("access token").to_owned(),
            refresh_token: body["refresh_token"].as_str().expect("refresh token").to_owned(),
            user: body["user"].clone(),
        }
    }

    pub async fn create_department(&self, name: &str, kind: &str) -> i64 {
        let (status, body) =
            self.post("/api/v1/departments", &self.admin_token, json!({"name": name, "kind": kind})).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["id"].as_i64().expect("department id")
    }

    /// Creates a user through the admin API and returns its JSON.
    pub async fn create_user(
        &self,
        employee_no: &str,
        name: &str,
        roles: &[&str],
        department_id: Option<i64>,
    ) -> Value {
        let (status, body) = self
            .post(
                "/api/v1/users",
                &self.admin_token,
                json!({
                    "employee_no": employee_no,
                    "real_name": name,
                    "email": format!("{}@zhiku.test", employee_no.to_lowercase()),
                    "department_id": department_id,
                    "roles": roles,
                    "password": user_password(employee_no),
                }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body
    }

    /// Creates a user and signs them in.
    pub async fn user_session(&self, employee_no: &str, name: &str, roles: &[&str]) -> Session {
        self.create_user(employee_no, name, roles, None).await;
        self.login_ok(employee_no, &user_password(employee_no)).await
    }
}

/// Percent-encodes every byte but ASCII letters and digits (query values, path segments).
pub fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

pub fn user_password(employee_no: &str) -> String {
    format!("Pw-{employee_no}-2026")
}
