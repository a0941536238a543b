//! Spawns a real Zhiku server on a random loopback port for each test, on a
//! fresh SQLite file or a fresh PostgreSQL schema, and talks to it over HTTP.

use std::sync::atomic::{AtomicU64, Ordering};

use diesel::{Connection, PgConnection, RunQueryDsl};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use zhiku::app::Application;
use zhiku::config::{Overrides, Settings};

pub const JWT_SECRET: &str = "integration-test-secret-0123456789abcdef";
pub const ADMIN_PASSWORD: &str = "Admin-pass-2026";

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

pub fn postgres_base_url() -> String {
    std::env::var("ZHIKU_TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub admin_token: String,
    settings: Settings,
    database_url: String,
    _data_dir: tempfile::TempDir,
    pg_schema: Option<String>,
}

/// A signed-in session as the tests see it.
#[derive(Debug, Clone)]
pub struct Session {
    pub access_token: String,
    pub refresh_token: String,
    pub user: Value,
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        Self::spawn_with(backend, Overrides::default()).await
    }

    pub async fn spawn_with(backend: Backend, overrides: Overrides) -> TestApp {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let (database_url, pg_schema) = match backend {
            Backend::Sqlite => (data_dir.path().join("zhiku.db").to_string_lossy().into_owned(), None),
            Backend::Postgres => {
                let schema = format!(
                    "t_{}_{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::SeqCst),
                    chrono::Utc::now().timestamp_subsec_nanos()
                );
                let base = postgres_base_url();
                let mut conn = PgConnection::establish(&base)
                    .unwrap_or_else(|e| panic!("PostgreSQL at {base} is required for these tests: {e}"));
                diesel::sql_query(format!("CREATE SCHEMA {schema}"))
                    .execute(&mut conn)
                    .expect("create schema");
                let separator = if base.contains('?') { '&' } else { '?' };
                (format!("{base}{separator}options=-c%20search_path%3D{schema}"), Some(schema))
            }
        };
        let settings = Settings::from_overrides(Overrides {
            bind: Some("127.0.0.1:0".into()),
            data_dir: Some(data_dir.path().to_path_buf()),
            database_url: Some(database_url),
            jwt_secret: Some(JWT_SECRET.into()),
            db_pool_size: Some(overrides.db_pool_size.unwrap_or(8)),
            workers: Some(2),
            // No scheduled job runs by itself in a test unless the test asks for it.
            scheduler_seconds: Some(overrides.scheduler_seconds.unwrap_or(0)),
            ..overrides
        })
        .expect("test settings");
        let app = Application::build(settings.clone()).await.expect("build app");
        let address = format!("http://127.0.0.1:{}", app.port());
        actix_web::rt::spawn(app.run_until_stopped());
        zhiku::cli::create_admin(&settings, "ADMIN1", "系统管理员", "admin@zhiku.test", ADMIN_PASSWORD)
            .expect("create admin");
        let client = reqwest::Client::builder().cookie_store(true).build().expect("client");
        let database_url = match &settings.database_url {
            zhiku::db::DatabaseUrl::Postgres(url) | zhiku::db::DatabaseUrl::Sqlite(url) => url.clone(),
        };
        let mut app = TestApp {
            address,
            client,
            admin_token: String::new(),
            settings,
            database_url,
            _data_dir: data_dir,
            pg_schema,
        };
        app.admin_token = app.login_ok("ADMIN1", ADMIN_PASSWORD).await.access_token;
        app
    }

    /// Another server on the database of `settings` (as a second process of
    /// one deployment would be), with its own data directory and port; the
    /// database and its first admin must exist.
    pub async fn spawn_on(settings: Settings) -> TestApp {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let settings =
            Settings { bind: "127.0.0.1:0".into(), data_dir: data_dir.path().to_path_buf(), ..settings };
        let app = Application::build(settings.clone()).await.expect("build app");
        let address = format!("http://127.0.0.1:{}", app.port());
        actix_web::rt::spawn(app.run_until_stopped());
        let database_url = match &settings.database_url {
            zhiku::db::DatabaseUrl::Postgres(url) | zhiku::db::DatabaseUrl::Sqlite(url) => url.clone(),
        };
        let mut app = TestApp {
            address,
            client: reqwest::Client::builder().cookie_store(true).build().expect("client"),
            admin_token: String::new(),
            settings,
            database_url,
            _data_dir: data_dir,
            pg_schema: None,
        };
        app.admin_token = app.login_ok("ADMIN1", ADMIN_PASSWORD).await.access_token;
        app
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

    pub async fn put(&self, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::PUT, path, Some(token), Some(body)).await
    }

    /// Runs SQL directly on the test database (to move the clock of stored rows).
    pub fn exec_sql(&self, sql: &str) {
        use diesel::connection::SimpleConnection;
        if self.database_url.starts_with("postgres") {
            PgConnection::establish(&self.database_url).unwrap().batch_execute(sql).unwrap();
        } else {
            diesel::SqliteConnection::establish(&self.database_url).unwrap().batch_execute(sql).unwrap();
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.database_url.starts_with("postgres")
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

pub fn user_password(employee_no: &str) -> String {
    format!("Pw-{employee_no}-2026")
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(schema) = &self.pg_schema {
            if let Ok(mut conn) = PgConnection::establish(&postgres_base_url()) {
                let _ =
                    diesel::sql_query(format!("DROP SCHEMA IF EXISTS {schema} CASCADE")).execute(&mut conn);
            }
        }
    }
}
