//! The demo world, seeded into the test database, is alive through HTTP.

use reqwest::StatusCode;
use serde_json::Value;
use zhiku::auth::password::Passwords;
use zhiku::demo::{self, DemoSummary, DEMO_PASSWORD};

use crate::helpers::{blocking, user_password, TestApp};
use crate::on_both_backends;
use crate::world::id;

/// Seeds the demo world into the server's database, off the async runtime
/// (it takes seconds, and the runtime keeps the client's connections meanwhile).
async fn seed(app: &TestApp) -> Option<DemoSummary> {
    let url = app.settings().database_url.clone();
    blocking(move || {
        let pool = zhiku::db::connect(&url, zhiku::db::Limits::cli(1)).unwrap();
        let mut conn = pool.get().unwrap();
        demo::seed(&mut conn, &Passwords::new()).unwrap()
    })
    .await
}

async fn total(app: &TestApp, path: &str, token: &str) -> i64 {
    let (status, body) = app.get(path, token).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body["total"].as_i64().unwrap_or_else(|| panic!("no total in {body}"))
}

/// Every item of a paged list.
async fn all_items(app: &TestApp, path: &str, token: &str) -> Vec<Value> {
    let separator = if path.contains('?') { '&' } else { '?' };
    let mut items = Vec::new();
    for page in 1.. {
        let (status, body) = app.get(&format!("{path}{separator}page={page}&per_page=100"), token).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let batch = body["items"].as_array().unwrap().clone();
        if batch.is_empty() {
            break;
        }
        items.extend(batch);
    }
    items
}

/// Counts that seeding must not change a second time.
async fn counts(app: &TestApp, reviewer: &str) -> [i64; 4] {
    [
        total(app, "/api/v1/clients", reviewer).await,
        total(app, "/api/v1/intel", reviewer).await,
        total(app, "/api/v1/intel?status=adopted", reviewer).await,
        total(app, "/api/v1/users", &app.admin_token).await,
    ]
}

on_both_backends! {
    async fn the_demo_world_is_alive(app: TestApp) {
        let summary = seed(&app).await.expect("an empty database is seeded");
        assert_eq!((summary.users, summary.clients), (15, 40));
        assert!(summary.entries >= 190 && summary.usages >= 90, "{summary:?}");
        assert!(summary.logins.iter().any(|(no, name, roles, password)| {
            no == "R001" && name == "陈静" && roles.contains("reviewer") && password == DEMO_PASSWORD
        }));

        let reviewer = app.login_ok("R001", DEMO_PASSWORD).await;
        let token = reviewer.access_token.as_str();
        assert!(total(&app, "/api/v1/reviews/queue", token).await > 0, "the review queue is empty");
        assert!(total(&app, "/api/v1/clients", token).await >= 35);
        assert!(total(&app, "/api/v1/intel?status=adopted", token).await >= 100);

        // The history reaches back months, and some adopted facts have gone stale.
        let adopted = all_items(&app, "/api/v1/intel?status=adopted", token).await;
        let stale = adopted.iter().filter(|i| i["stale"] == true).count();
        assert!((5..=20).contains(&stale), "{stale} stale entries");
        let oldest = adopted.iter().filter_map(|i| i["adopted_at"].as_str()).min().unwrap();
        let oldest = chrono::DateTime::parse_from_rfc3339(oldest).unwrap();
        assert!(chrono::Utc::now().signed_duration_since(oldest).num_days() > 90, "oldest adoption {oldest}");

        // An account manager's balance is the sum of their ledger.
        let manager = app.login_ok("AM01", DEMO_PASSWORD).await;
        let (status, ledger) = app.get("/api/v1/points/ledger", &manager.access_token).await;
        assert_eq!(status, StatusCode::OK, "{ledger}");
        let items = all_items(&app, "/api/v1/points/ledger", &manager.access_token).await;
        assert_eq!(items.len() as i64, ledger["total"].as_i64().unwrap());
        let sum: i64 = items.iter().map(|i| i["delta"].as_i64().unwrap()).sum();
        assert_eq!(sum, ledger["balance"].as_i64().unwrap());
        assert!(sum > 0, "AM01 earned nothing");

        for period in ["month", "year"] {
            let (status, board) = app.get(&format!("/api/v1/leaderboard?period={period}"), token).await;
            assert_eq!(status, StatusCode::OK, "{board}");
            assert!(!board["items"].as_array().unwrap().is_empty(), "empty {period} leaderboard");
        }

        // The whole history was paid by the rules in force: recalculating changes nothing.
        let (status, recalculated) = app.call(reqwest::Method::POST, "/api/v1/points/recalculate", Some(&app.admin_token), None).await;
        assert_eq!(status, StatusCode::OK, "{recalculated}");
        assert_eq!((recalculated["corrected"].as_i64(), recalculated["delta"].as_i64()), (Some(0), Some(0)), "{recalculated}");

        // What the statistics count was kept exactly as the history was played.
        app.assert_rollups_match_a_rebuild().await;

        // Seeding again changes nothing.
        let before = counts(&app, token).await;
        assert!(seed(&app).await.is_none(), "a second seeding ran");
        assert_eq!(counts(&app, token).await, before);
    }

    async fn existing_accounts_are_kept_and_still_play_their_part(app: TestApp) {
        let am01 = app.create_user("AM01", "张伟", &["account_manager"], None).await;
        let summary = seed(&app).await.expect("a database with users but no clients is seeded");
        assert_eq!(summary.users, 14);
        assert!(summary.logins.iter().all(|(no, ..)| no != "AM01"));
        app.login_ok("AM01", &user_password("AM01")).await;
        let (status, _) = app.login("AM01", DEMO_PASSWORD).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let owned = total(&app, &format!("/api/v1/clients?owner_id={}", id(&am01)), &app.admin_token).await;
        assert!(owned > 0, "the existing account manager owns no demo clients");
    }
}
