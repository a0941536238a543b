//! `Idempotency-Key` on the POSTs that create something: a retry by the same
//! user with the same key within 24 hours gets the first answer and writes
//! nothing, however many run at once.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{Rows, TestApp};
use crate::on_both_backends;
use crate::world::{balance, id, scores, World};

async fn entries_titled(app: &TestApp, w: &World, title: &str) -> usize {
    let (_, list) = app
        .get(&format!("/api/v1/intel?author_id={}&per_page=100", id(&w.author.user)), &w.author.access_token)
        .await;
    list["items"].as_array().unwrap().iter().filter(|e| e["title"] == title).count()
}

on_both_backends! {
    async fn a_retried_create_returns_the_first_answer_and_writes_nothing(app: TestApp) {
        let w = World::new(&app).await;
        let body = w.business_entry("重试的条目");
        let (status, first, replayed) = app.post_keyed("/api/v1/intel", &w.author.access_token, "k-1", &body).await;
        assert_eq!((status, replayed), (StatusCode::CREATED, false), "{first}");
        let (status, again, replayed) = app.post_keyed("/api/v1/intel", &w.author.access_token, "k-1", &body).await;
        assert_eq!((status, replayed), (StatusCode::CREATED, true), "{again}");
        assert_eq!(again, first, "the same answer");
        assert_eq!(entries_titled(&app, &w, "重试的条目").await, 1);

        // Another user's key is theirs; another request with the same key is refused; no key, no memory.
        let mut other = body.clone();
        other["title"] = json!("另一人的条目");
        let (status, theirs, _) = app.post_keyed("/api/v1/intel", &w.manager.access_token, "k-1", &other).await;
        assert_eq!(status, StatusCode::CREATED, "{theirs}");
        assert_ne!(id(&theirs), id(&first));
        let (status, error, _) = app.post_keyed(&format!("/api/v1/intel/{}/usages", id(&first)), &w.author.access_token, "k-1",
            &json!({"purpose": "visit", "outcome": "pending"})).await;
        assert_eq!((status, error["error"].as_str()), (StatusCode::CONFLICT, Some("conflict")), "{error}");
        for _ in 0..2 {
            assert_eq!(app.post("/api/v1/intel", &w.author.access_token, w.business_entry("无键条目")).await.0, StatusCode::CREATED);
        }
        assert_eq!(entries_titled(&app, &w, "无键条目").await, 2);

        // Bad keys are a 400 in the error shape.
        for bad in ["", &"x".repeat(201), "有中文", "a b"] {
            let response = app.client.post(app.url("/api/v1/intel")).bearer_auth(&w.author.access_token)
                .header("Idempotency-Key", bad.as_bytes()).json(&body).send().await.unwrap();
            assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{bad:?}");
            let error: Value = response.json().await.unwrap();
            assert_eq!(error["error"], "bad_request", "{error}");
        }

        // After 24 hours the key is forgotten.
        app.age("idempotency_keys", Rows::All, &["created_at"], chrono::Duration::hours(25)).await;
        let (status, later, replayed) = app.post_keyed("/api/v1/intel", &w.author.access_token, "k-1", &body).await;
        assert_eq!((status, replayed), (StatusCode::CREATED, false), "{later}");
        assert_ne!(id(&later), id(&first));
    }
}

on_both_backends! {
    async fn concurrent_repeats_create_one_entry_and_all_get_it(app: TestApp) {
        let w = World::new(&app).await;
        let body = w.business_entry("并发重试的条目");
        let tries = (0..8).map(|_| app.post_keyed("/api/v1/intel", &w.author.access_token, "together", &body));
        let answers = futures_util::future::join_all(tries).await;
        let ids: Vec<i64> = answers.iter().map(|(status, entry, _)| {
            assert_eq!(*status, StatusCode::CREATED, "{entry}");
            id(entry)
        }).collect();
        assert!(ids.iter().all(|i| *i == ids[0]), "{ids:?}");
        assert_eq!(answers.iter().filter(|(_, _, replayed)| !replayed).count(), 1, "one wrote, the rest replayed");
        assert_eq!(entries_titled(&app, &w, "并发重试的条目").await, 1);
    }
}

on_both_backends! {
    async fn a_retried_decision_or_usage_pays_once(app: TestApp) {
        let w = World::new(&app).await;
        let entry = id(&w.submit(&app, w.business_entry("重试审核")).await);
        let path = format!("/api/v1/intel/{entry}/review");
        let (status, first, _) = app.post_keyed(&path, &w.reviewer.access_token, "decide-1", &scores("adopt", 4)).await;
        assert_eq!(status, StatusCode::OK, "{first}");
        let earned = balance(&app, &w.author).await;
        let (status, again, replayed) = app.post_keyed(&path, &w.reviewer.access_token, "decide-1", &scores("adopt", 4)).await;
        assert_eq!((status, replayed), (StatusCode::OK, true), "{again}");
        assert_eq!(again["points_awarded"], first["points_awarded"]);
        assert_eq!(app.post(&path, &w.reviewer.access_token, scores("adopt", 4)).await.0, StatusCode::CONFLICT, "without a key: already decided");

        let usage = json!({"purpose": "visit", "outcome": "won", "note": "签约"});
        let usages = format!("/api/v1/intel/{entry}/usages");
        for _ in 0..3 {
            let (status, used, _) = app.post_keyed(&usages, &w.manager.access_token, "use-1", &usage).await;
            assert_eq!(status, StatusCode::CREATED, "{used}");
        }
        let (_, entry_view) = app.get(&format!("/api/v1/intel/{entry}"), &w.manager.access_token).await;
        assert_eq!(entry_view["usage_count"], 1, "{entry_view}");
        assert!(balance(&app, &w.author).await > earned, "the use paid");
        let paid_once = balance(&app, &w.author).await;
        app.post_keyed(&usages, &w.manager.access_token, "use-1", &usage).await;
        assert_eq!(balance(&app, &w.author).await, paid_once);
    }
}
