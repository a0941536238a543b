//! A damaged, unwritable or vanished search index never stops the server:
//! everything but search keeps working, search answers 503 while no index is
//! usable, and the index rebuilt from the database in the background finds
//! every entry again, including those written meanwhile.

use std::path::{Path, PathBuf};

use reqwest::header::RETRY_AFTER;
use reqwest::StatusCode;
use serde_json::{json, Value};
use zhiku::search::health::IndexState;
use zhiku::search::index::{current_generation, search_root};

use crate::helpers::{eventually, urlencode, Session, TestApp};
use crate::on_both_backends;
use crate::world::{id, World};

/// Every entry of these tests has the word in its title.
const WORD: &str = "自愈";

/// A search for the word as `who`: its status, body and `Retry-After`.
async fn search(app: &TestApp, who: &Session) -> (StatusCode, Value, Option<u64>) {
    let response = app
        .client
        .get(app.url(&format!("/api/v1/search?q={}", urlencode(WORD))))
        .bearer_auth(&who.access_token)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let retry_after = response.headers().get(RETRY_AFTER).map(|v| v.to_str().unwrap().parse().unwrap());
    (status, response.json().await.unwrap(), retry_after)
}

/// What every route that reads the index answers while there is none.
fn assert_unavailable(status: StatusCode, body: &Value, retry_after: Option<u64>) {
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body, &json!({"error": "unavailable", "message": "搜索索引正在重建，请稍后再试"}));
    assert!(retry_after.is_some_and(|s| s > 0), "Retry-After: {retry_after:?}");
}

async fn until_found(app: &TestApp, who: &Session, total: usize) {
    eventually(&format!("a search to find {total} entries"), || async {
        let (status, body, retry_after) = search(app, who).await;
        if status != StatusCode::OK {
            assert_unavailable(status, &body, retry_after);
            return None;
        }
        (body["total"] == total).then_some(())
    })
    .await;
}

/// Waits until the index reports ready and up to date.
async fn until_healthy(app: &TestApp) {
    let health = eventually("the index to be ready and up to date", || async {
        Some(app.search_health().await).filter(|h| h.state == IndexState::Ready && h.lag_rows == 0)
    })
    .await;
    assert!(
        health.searchable && health.last_error.is_none() && health.rebuilding_since.is_none(),
        "{health:?}"
    );
    assert_eq!(health.lag_seconds, 0.0);
}

/// Adopts an entry with the word in its title; returns its id.
async fn adopt(app: &TestApp, w: &World, n: usize) -> i64 {
    w.adopted_entry(app, &format!("索引{WORD}{n}")).await
}

/// Non-search endpoints answer as usual.
async fn the_rest_works(app: &TestApp, w: &World, entry: i64) {
    let (status, _) = app.get("/healthz", &w.employee.access_token).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = app.get(&format!("/api/v1/intel/{entry}"), &w.employee.access_token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) =
        app.get(&format!("/api/v1/clients/{}/dossier", w.client_id), &w.manager.access_token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app.get("/api/v1/search/misses", &app.admin_token).await;
    assert_eq!(status, StatusCode::OK, "misses do not read the index: {body}");
}

/// The live generation's directory under `data_dir`.
fn live_generation(data_dir: &Path) -> PathBuf {
    let root = search_root(data_dir);
    root.join(current_generation(&root).expect("a live generation"))
}

/// Builds an index of the database into `data_dir` as a stopped server leaves it.
fn index_of_database(settings: &zhiku::config::Settings, data_dir: &Path) {
    let pool = zhiku::db::connect(&settings.database_url, zhiku::db::Limits::cli(2)).unwrap();
    zhiku::search::reindex::rebuild(&pool, data_dir, false).unwrap();
}

fn segment_file(generation: &Path, extension: &str) -> PathBuf {
    std::fs::read_dir(generation)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == extension))
        .unwrap_or_else(|| panic!("no .{extension} file in {}", generation.display()))
}

type Damage = fn(&Path);

/// Ways an index can be found damaged at start, applied to a data directory.
const DAMAGES: [(&str, Damage); 4] = [
    ("corrupt meta.json", |data| {
        std::fs::write(live_generation(data).join("meta.json"), "{\"segments\": [").unwrap()
    }),
    ("truncated segment file", |data| {
        let store = segment_file(&live_generation(data), "store");
        std::fs::OpenOptions::new().write(true).open(store).unwrap().set_len(16).unwrap();
    }),
    ("another schema", |data| {
        let meta = live_generation(data).join("meta.json");
        let mut parsed: Value = serde_json::from_str(&std::fs::read_to_string(&meta).unwrap()).unwrap();
        parsed["schema"].as_array_mut().unwrap().pop();
        std::fs::write(meta, parsed.to_string()).unwrap();
    }),
    ("a file where the search directory belongs", |data| {
        std::fs::remove_dir_all(search_root(data)).unwrap();
        std::fs::write(search_root(data), "not an index").unwrap();
    }),
];

on_both_backends! {
    async fn an_index_damaged_at_start_is_rebuilt(app: TestApp) {
        let w = World::new(&app).await;
        let mut adopted = Vec::new();
        for n in 0..3 {
            adopted.push(adopt(&app, &w, n).await);
        }
        until_found(&app, &w.employee, adopted.len()).await;
        let mut servers = Vec::new();
        for (damage, apply) in DAMAGES {
            let settings = app.settings().clone();
            let damaged = std::sync::Arc::new(std::sync::Mutex::new(None));
            let seen = damaged.clone();
            let server = TestApp::spawn_on_prepared(settings.clone(), move |data| {
                index_of_database(&settings, data);
                *seen.lock().unwrap() = Some(live_generation(data));
                apply(data);
            })
            .await;
            the_rest_works(&server, &w, adopted[0]).await;
            // The first search may come before the rebuild ends or after it.
            let (status, body, retry_after) = search(&server, &w.employee).await;
            if status != StatusCode::OK {
                assert_unavailable(status, &body, retry_after);
            }
            until_found(&server, &w.employee, adopted.len()).await;
            until_healthy(&server).await;
            let rebuilt = live_generation(&server.settings().data_dir);
            let damaged = damaged.lock().unwrap().clone().unwrap();
            assert_ne!(rebuilt, damaged, "{damage}: served from a new generation");
            assert!(!damaged.exists(), "{damage}: the damaged generation is removed");
            // The rebuilt index follows the outbox from where it was built.
            adopted.push(adopt(&server, &w, adopted.len()).await);
            until_found(&server, &w.employee, adopted.len()).await;
            servers.push(server);
        }
        let aside: Vec<String> = std::fs::read_dir(&servers[3].settings().data_dir).unwrap().flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned()).filter(|n| n.starts_with("search.")).collect();
        assert_eq!(aside.len(), 1, "the file in the way is kept aside: {aside:?}");
    }

    async fn an_unwritable_index_answers_503_until_it_can_be_rebuilt(app: TestApp) {
        let w = World::new(&app).await;
        let first = adopt(&app, &w, 0).await;
        until_found(&app, &w.employee, 1).await;
        // A search directory no one may write in, not even root: /proc/self.
        let server = TestApp::spawn_on_prepared(app.settings().clone(), |data| {
            std::os::unix::fs::symlink("/proc/self", search_root(data)).unwrap();
        })
        .await;
        let health = eventually("the rebuild to fail", || async {
            Some(server.search_health().await).filter(|h| h.state == IndexState::Failed)
        })
        .await;
        assert!(!health.searchable && health.rebuilding_since.is_some(), "{health:?}");
        let error = health.last_error.unwrap_or_default();
        let root = search_root(&server.settings().data_dir);
        assert!(error.contains(&format!("creating {}/g", root.display())), "the error names the path: {error}");
        assert!(health.lag_rows > 0 && health.lag_seconds >= 0.0, "nothing is applied: {}", health.lag_rows);

        let (status, body, retry_after) = search(&server, &w.employee).await;
        assert_unavailable(status, &body, retry_after);
        let draft = json!({"client_id": w.client_id, "title": "话费代付", "body": "财务副总提到话费"});
        let response = server.client.post(server.url("/api/v1/search/similar")).bearer_auth(&w.employee.access_token).json(&draft).send().await.unwrap();
        let retry_after = response.headers().get(RETRY_AFTER).map(|v| v.to_str().unwrap().parse().unwrap());
        assert_unavailable(response.status(), &response.json().await.unwrap(), retry_after);
        let (status, body) = server.get(&format!("/api/v1/intel/{first}/similar"), &w.reviewer.access_token).await;
        assert_eq!((status, &body["error"]), (StatusCode::SERVICE_UNAVAILABLE, &json!("unavailable")), "{body}");
        the_rest_works(&server, &w, first).await;
        // Readiness fails on the index alone; the database is fine.
        let (status, ready) = server.readiness().await;
        assert_eq!((status, ready["status"].as_str()), (StatusCode::SERVICE_UNAVAILABLE, Some("unavailable")), "{ready}");
        let components = &ready["components"];
        assert_eq!((components["search"]["status"].as_str(), components["database"]["status"].as_str()), (Some("failed"), Some("ok")), "{ready}");
        assert_eq!(components["search"]["searchable"], false);
        assert!(components["search"]["last_error"].as_str().unwrap_or_default().contains("creating"), "{ready}");
        // Writing goes on; the outbox keeps what the index will need.
        let second = adopt(&server, &w, 1).await;
        assert_eq!(server.get(&format!("/api/v1/intel/{second}"), &w.employee.access_token).await.0, StatusCode::OK);

        std::fs::remove_file(root).unwrap();
        until_found(&server, &w.employee, 2).await;
        until_healthy(&server).await;
        let (status, ready) = server.readiness().await;
        assert_eq!((status, ready["components"]["search"]["status"].as_str()), (StatusCode::OK, Some("ok")), "{ready}");
    }

    async fn a_vanished_index_is_rebuilt_under_a_running_server(app: TestApp) {
        let w = World::new(&app).await;
        adopt(&app, &w, 0).await;
        until_found(&app, &w.employee, 1).await;
        let before = live_generation(&app.settings().data_dir);
        std::fs::remove_dir_all(search_root(&app.settings().data_dir)).unwrap();
        adopt(&app, &w, 1).await;
        // The open reader keeps answering from what it had while the new one is built.
        eventually("the entry adopted after the removal to be found", || async {
            let (status, body, _) = search(&app, &w.employee).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            (body["total"] == 2).then_some(())
        })
        .await;
        until_healthy(&app).await;
        assert_ne!(live_generation(&app.settings().data_dir), before, "a new generation");
        adopt(&app, &w, 2).await;
        until_found(&app, &w.employee, 3).await;
    }

    async fn an_index_that_cannot_commit_is_rebuilt(app: TestApp) {
        let w = World::new(&app).await;
        let first = adopt(&app, &w, 0).await;
        until_found(&app, &w.employee, 1).await;
        let before = live_generation(&app.settings().data_dir);
        // Every commit registers its new files in .managed.json: a directory there makes each one fail.
        let managed = before.join(".managed.json");
        std::fs::remove_file(&managed).unwrap();
        std::fs::create_dir(&managed).unwrap();
        let entry = adopt(&app, &w, 1).await;
        until_found(&app, &w.employee, 2).await;
        until_healthy(&app).await;
        assert_ne!(live_generation(&app.settings().data_dir), before, "a new generation");
        let (status, hints) = app.get(&format!("/api/v1/intel/{entry}/similar"), &w.employee.access_token).await;
        assert_eq!(status, StatusCode::OK, "{hints}");
        let ids: Vec<i64> = hints.as_array().unwrap().iter().map(|h| id(&h["intel"])).collect();
        assert_eq!(ids, [first], "the rebuilt index hints the other entry");
    }
}
