//! The bad day: the database cut, stalled or locked. Requests are answered
//! in bounded time — `503 unavailable` with `Retry-After` while the database
//! cannot answer — a write that ran out of time is rolled back, never
//! committed after its answer, and service resumes by itself.

use std::net::SocketAddr;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::Connection;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{blocking, eventually, Backend, TestApp};
use crate::on_both_backends;
use crate::proxy::{FaultProxy, Mode};
use crate::world::World;

/// The default request budget (`ZHIKU_REQUEST_BUDGET_SECONDS`), which other tests raise.
const PRODUCTION_BUDGET: u64 = 4;

/// What one request got, and how long it took.
#[derive(Debug)]
struct Answer {
    title: String,
    status: StatusCode,
    retry_after: bool,
    took: Duration,
}

fn entry(w: &World, title: &str) -> Value {
    let mut body = w.business_entry(title);
    body["title"] = json!(title);
    body
}

async fn submit(app: &TestApp, token: &str, body: Value) -> Answer {
    let title = body["title"].as_str().unwrap_or_default().to_owned();
    let started = Instant::now();
    let response = app
        .client
        .post(app.url("/api/v1/intel"))
        .bearer_auth(token)
        .json(&body)
        .timeout(Duration::from_secs(60))
        .send()
        .await
        .expect("an answer");
    let status = response.status();
    let retry_after = response.headers().contains_key("retry-after");
    if status == StatusCode::SERVICE_UNAVAILABLE {
        let error: Value = response.json().await.expect("a JSON error");
        assert_eq!(error["error"], "unavailable", "{error}");
    }
    Answer { title, status, retry_after, took: started.elapsed() }
}

/// Titles of the entries stored, by how often each is stored.
async fn stored_titles(app: &TestApp, w: &World) -> std::collections::HashMap<String, usize> {
    let mut counts = std::collections::HashMap::new();
    let mut page = 1;
    loop {
        let (status, list) = app
            .get(
                &format!(
                    "/api/v1/intel?author_id={}&per_page=100&page={page}",
                    crate::world::id(&w.author.user)
                ),
                &w.author.access_token,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{list}");
        let items = list["items"].as_array().unwrap();
        for item in items {
            *counts.entry(item["title"].as_str().unwrap().to_owned()).or_default() += 1;
        }
        if items.len() < 100 {
            return counts;
        }
        page += 1;
    }
}

/// Holds the database's write lock from a connection of its own until told to let go.
fn hold_write_lock(url: String, postgres: bool) -> (mpsc::Sender<()>, mpsc::Receiver<()>) {
    let (release, released) = mpsc::channel::<()>();
    let (held, holding) = mpsc::channel::<()>();
    std::thread::spawn(move || {
        let lock = if postgres { "BEGIN; LOCK TABLE intel IN EXCLUSIVE MODE;" } else { "BEGIN IMMEDIATE;" };
        let run = |conn: &mut dyn FnMut(&str)| {
            conn(lock);
            held.send(()).unwrap();
            let _ = released.recv();
            conn("ROLLBACK;");
        };
        if postgres {
            let mut conn = diesel::PgConnection::establish(&url).expect("connect");
            run(&mut |sql| conn.batch_execute(sql).expect("lock"));
        } else {
            let mut conn = diesel::SqliteConnection::establish(&url).expect("connect");
            run(&mut |sql| conn.batch_execute(sql).expect("lock"));
        }
    });
    (release, holding)
}

on_both_backends! {
    async fn a_write_that_runs_out_of_time_is_rolled_back_not_committed_later(backend: Backend) {
        // One connection: the request after the late one runs only once it gave its connection back.
        let overrides = zhiku::config::Overrides { db_pool_size: Some(1), request_budget_seconds: Some(PRODUCTION_BUDGET), ..Default::default() };
        let app = TestApp::spawn_with(backend, overrides).await;
        let w = World::new(&app).await;
        let url = app.database_url().to_owned();
        let (release, holding) = hold_write_lock(url, app.is_postgres());
        blocking(move || holding.recv().unwrap()).await;

        let late = submit(&app, &w.author.access_token, entry(&w, "锁等待超时的条目")).await;
        assert_eq!((late.status, late.retry_after), (StatusCode::SERVICE_UNAVAILABLE, true), "{late:?}");
        assert!(late.took < Duration::from_secs(app.settings().request_budget_seconds + 5), "{late:?}");
        release.send(()).unwrap();

        // The late write got the lock after its answer: it must have rolled back.
        let next = eventually("the database serves again", || async {
            let answer = submit(&app, &w.author.access_token, entry(&w, "恢复后的条目")).await;
            (answer.status == StatusCode::CREATED).then_some(answer)
        }).await;
        assert_eq!(next.status, StatusCode::CREATED);
        let stored = stored_titles(&app, &w).await;
        assert_eq!(stored.get("锁等待超时的条目"), None, "committed after its 503: {stored:?}");
        assert_eq!(stored.get("恢复后的条目"), Some(&1), "{stored:?}");
    }
}

/// Submits from `clients` loops until `stop` says so, each with its own titles.
async fn load(
    app: &TestApp,
    w: &World,
    clients: usize,
    stop: &tokio::sync::watch::Receiver<bool>,
) -> Vec<Answer> {
    let runs = (0..clients).map(|client| {
        let stop = stop.clone();
        async move {
            let mut answers = Vec::new();
            let mut n = 0;
            while !*stop.borrow() {
                let title = format!("负载{client}-{n}");
                answers.push(submit(app, &w.author.access_token, entry(w, &title)).await);
                n += 1;
            }
            answers
        }
    });
    futures_util::future::join_all(runs).await.into_iter().flatten().collect()
}

#[actix_web::test]
async fn postgres_cut_or_stalled_answers_503_in_bounded_time_and_resumes_with_nothing_lost() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let w = World::new(&app).await;
    let upstream: SocketAddr = "127.0.0.1:5432".parse().unwrap();
    let proxy = FaultProxy::start(upstream);
    let proxied = app.database_url().replace("127.0.0.1:5432", &proxy.address.to_string());
    let settings = zhiku::config::Settings {
        database_url: zhiku::db::DatabaseUrl::Postgres(proxied),
        request_budget_seconds: PRODUCTION_BUDGET,
        ..app.settings().clone()
    };
    let server = TestApp::spawn_on(settings).await;
    let budget = Duration::from_secs(server.settings().request_budget_seconds);

    let (stop, stopped) = tokio::sync::watch::channel(false);
    let faults = async {
        // The fault windows are what is being tested, not a wait for something to happen.
        for (mode, lasts) in
            [(Mode::Pass, 1), (Mode::Cut, 6), (Mode::Pass, 2), (Mode::Stall, 6), (Mode::Pass, 1)]
        {
            proxy.set(mode);
            let began = Instant::now();
            if mode == Mode::Cut {
                // Readiness says so while it lasts, in bounded time.
                let (status, ready) = server.readiness().await;
                assert_eq!(
                    (status, ready["status"].as_str()),
                    (StatusCode::SERVICE_UNAVAILABLE, Some("unavailable")),
                    "{ready}"
                );
                assert_eq!(ready["components"]["database"]["status"], "failed", "{ready}");
            }
            actix_web::rt::time::sleep(Duration::from_secs(lasts).saturating_sub(began.elapsed())).await;
        }
        // Service resumes by itself once the network is back.
        eventually("writes succeed again", || async {
            let answer = submit(&server, &w.author.access_token, entry(&w, "网络恢复")).await;
            (answer.status == StatusCode::CREATED).then_some(())
        })
        .await;
        eventually("readiness recovers", || async {
            let (status, ready) = server.readiness().await;
            (status == StatusCode::OK && ready["components"]["database"]["status"] == "ok").then_some(())
        })
        .await;
        stop.send(true).unwrap();
    };
    let (answers, ()) = futures_util::join!(load(&server, &w, 4, &stopped), faults);

    let unavailable: Vec<&Answer> =
        answers.iter().filter(|a| a.status == StatusCode::SERVICE_UNAVAILABLE).collect();
    let created: Vec<&Answer> = answers.iter().filter(|a| a.status == StatusCode::CREATED).collect();
    assert!(!unavailable.is_empty() && !created.is_empty(), "{answers:?}");
    assert_eq!(unavailable.len() + created.len(), answers.len(), "only 201 or 503: {answers:?}");
    assert!(unavailable.iter().all(|a| a.retry_after), "503 says when to retry");
    let slowest = answers.iter().map(|a| a.took).max().unwrap();
    let slowest_503 = unavailable.iter().map(|a| a.took).max().unwrap();
    eprintln!(
        "{} answers: {} created, {} unavailable (slowest {slowest_503:?}); slowest of all {slowest:?}",
        answers.len(),
        created.len(),
        unavailable.len()
    );
    assert!(slowest < budget + Duration::from_secs(5), "an answer took {slowest:?} (budget {budget:?})");

    // Nothing acknowledged is lost or stored twice; nothing refused is stored twice.
    let stored = stored_titles(&app, &w).await;
    for answer in &created {
        assert_eq!(stored.get(&answer.title), Some(&1), "{answer:?}");
    }
    assert!(stored.values().all(|n| *n == 1), "{stored:?}");
    drop(proxy);
}

on_both_backends! {
    async fn readiness_reports_each_component(app: TestApp) {
        let response = app.client.get(app.url("/readyz")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers().get("cache-control").map(|v| v.to_str().unwrap()), Some("no-store"));
        let ready: Value = response.json().await.unwrap();
        assert_eq!(ready["status"], "ready", "{ready}");
        let c = &ready["components"];
        let backend = if app.is_postgres() { "postgres" } else { "sqlite" };
        assert_eq!((c["database"]["status"].as_str(), c["database"]["backend"].as_str()), (Some("ok"), Some(backend)), "{ready}");
        assert!(c["database"]["latency_ms"].as_f64().is_some_and(|ms| ms >= 0.0), "{ready}");
        assert_eq!((c["search"]["status"].as_str(), c["search"]["state"].as_str(), c["search"]["searchable"].as_bool()),
                   (Some("ok"), Some("ready"), Some(true)), "{ready}");
        assert!(c["search"]["lag_rows"].is_i64() && c["search"]["lag_seconds"].is_f64(), "{ready}");
        assert_eq!((c["mail"]["status"].as_str(), c["mail"]["backlog"].as_i64()), (Some("ok"), Some(0)), "{ready}");
        assert_eq!((c["scheduler"]["status"].as_str(), c["scheduler"]["enabled"].as_bool()), (Some("ok"), Some(false)), "turned off in tests: {ready}");
        // Liveness stays what it was.
        let (status, live) = (app.client.get(app.url("/healthz")).send().await.unwrap().status(), ());
        assert_eq!((status, live), (StatusCode::OK, ()));
    }
}
