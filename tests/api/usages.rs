//! Usage feedback: `POST /api/v1/intel/{id}/usages`, `GET /api/v1/intel/{id}/usages`,
//! `PATCH /api/v1/usages/{id}`.

use reqwest::StatusCode;
use serde_json::json;

use crate::on_both_backends;
use crate::world::{balance, id, World};

on_both_backends! {
    async fn usage_pays_per_distinct_user_and_won_once(app: TestApp) {
        let w = World::new(&app).await;
        let entry_id = w.adopted_entry(&app, "可营销的商机").await;
        let path = format!("/api/v1/intel/{entry_id}/usages");
        let (status, usage) = app.post(&path, &w.marketer.access_token, json!({"purpose": "campaign", "outcome": "pending", "note": "年底营销"})).await;
        assert_eq!(status, StatusCode::CREATED, "{usage}");
        assert_eq!(usage["user"]["real_name"], "王芳");
        assert_eq!(balance(&app, &w.author).await, 18);
        // The same user again pays nothing more; the author's own use pays nothing.
        app.post(&path, &w.marketer.access_token, json!({"purpose": "visit"})).await;
        app.post(&path, &w.author.access_token, json!({"purpose": "visit"})).await;
        assert_eq!(balance(&app, &w.author).await, 18);
        app.post(&path, &w.manager.access_token, json!({"purpose": "solution", "outcome": "won"})).await;
        assert_eq!(balance(&app, &w.author).await, 30);

        let usage_id = id(&usage);
        let (status, changed) = app.patch(&format!("/api/v1/usages/{usage_id}"), &w.marketer.access_token, json!({"outcome": "won"})).await;
        assert_eq!(status, StatusCode::OK, "{changed}");
        assert_eq!(changed["outcome"], "won");
        assert_eq!(balance(&app, &w.author).await, 40);
        app.patch(&format!("/api/v1/usages/{usage_id}"), &w.marketer.access_token, json!({"outcome": "lost"})).await;
        app.patch(&format!("/api/v1/usages/{usage_id}"), &w.marketer.access_token, json!({"outcome": "won"})).await;
        assert_eq!(balance(&app, &w.author).await, 40, "won pays once per usage");
        assert_eq!(app.patch(&format!("/api/v1/usages/{usage_id}"), &w.employee.access_token, json!({"outcome": "lost"})).await.0, StatusCode::FORBIDDEN);

        let (_, entry) = app.get(&format!("/api/v1/intel/{entry_id}"), &w.employee.access_token).await;
        assert_eq!(entry["usage_count"], 4);
        let (_, notes) = app.get("/api/v1/notifications", &w.author.access_token).await;
        let kinds: Vec<&str> = notes["items"].as_array().unwrap().iter().map(|n| n["kind"].as_str().unwrap()).collect();
        assert!(kinds.contains(&"intel_used") && kinds.contains(&"usage_outcome"), "{kinds:?}");
        let (_, ledger) = app.get("/api/v1/points/ledger", &w.author.access_token).await;
        let won: i64 = ledger["items"].as_array().unwrap().iter().filter(|r| r["reason"] == "usage_won").map(|r| r["delta"].as_i64().unwrap()).sum();
        assert_eq!(won, 20);
    }

    async fn concurrent_usages_pay_exactly_once(app: TestApp) {
        let w = World::new(&app).await;
        let entry_id = w.adopted_entry(&app, "并发使用").await;
        let path = format!("/api/v1/intel/{entry_id}/usages");
        let attempts = (0..10).map(|_| {
            let (app, path, token) = (&app, path.clone(), w.marketer.access_token.clone());
            async move { app.post(&path, &token, json!({"purpose": "visit"})).await.0 }
        });
        let statuses = futures_util::future::join_all(attempts).await;
        assert!(statuses.iter().all(|s| *s == StatusCode::CREATED), "{statuses:?}");
        assert_eq!(balance(&app, &w.author).await, 18);
    }

    async fn an_entrys_usages_are_listed_newest_first_for_those_who_may_read_it(app: TestApp) {
        let w = World::new(&app).await;
        let entry_id = w.adopted_entry(&app, "拜访时用到的情报").await;
        let path = format!("/api/v1/intel/{entry_id}/usages");
        let (status, usages) = app.get(&path, &w.employee.access_token).await;
        assert_eq!(status, StatusCode::OK, "{usages}");
        assert_eq!(usages, json!([]));
        app.post(&path, &w.marketer.access_token, json!({"purpose": "campaign", "outcome": "pending", "note": "双十一活动"})).await;
        app.post(&path, &w.manager.access_token, json!({"purpose": "visit", "outcome": "won"})).await;

        let (status, usages) = app.get(&path, &w.employee.access_token).await;
        assert_eq!(status, StatusCode::OK, "{usages}");
        let rows: Vec<(&str, &str, &str)> = usages.as_array().unwrap().iter()
            .map(|u| (u["user"]["real_name"].as_str().unwrap(), u["purpose"].as_str().unwrap(), u["outcome"].as_str().unwrap()))
            .collect();
        assert_eq!(rows, [("李强", "visit", "won"), ("王芳", "campaign", "pending")]);
        assert_eq!(usages[1]["note"], "双十一活动");
        assert!(usages.as_array().unwrap().iter().all(|u| u["intel_id"] == entry_id));

        // A pending entry's usages are as hidden as the entry.
        let pending = id(&w.submit(&app, w.business_entry("待审")).await);
        assert_eq!(app.get(&format!("/api/v1/intel/{pending}/usages"), &w.employee.access_token).await.0, StatusCode::NOT_FOUND);
        assert_eq!(app.get("/api/v1/intel/999999/usages", &w.employee.access_token).await.0, StatusCode::NOT_FOUND);
    }

    async fn won_pays_once_per_colleague_and_entry_within_the_entry_cap(app: TestApp) {
        let w = World::new(&app).await;
        let entry_id = w.adopted_entry(&app, "反复登记成功").await;
        assert_eq!(balance(&app, &w.author).await, 16);
        let path = format!("/api/v1/intel/{entry_id}/usages");
        for _ in 0..8 {
            let (status, usage) = app.post(&path, &w.marketer.access_token, json!({"purpose": "campaign", "outcome": "won"})).await;
            assert_eq!(status, StatusCode::CREATED, "{usage}");
        }
        assert_eq!(balance(&app, &w.author).await, 16 + 2 + 10, "one colleague pays one use and one won, however often they record");
        // Another use by the same colleague, pending first and won later, pays no second won.
        let (_, later) = app.post(&path, &w.marketer.access_token, json!({"purpose": "visit"})).await;
        let (status, _) = app.patch(&format!("/api/v1/usages/{}", id(&later)), &w.marketer.access_token, json!({"outcome": "won"})).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(balance(&app, &w.author).await, 28);
        // Four more colleagues: two points each for the use, won capped at 30 per entry.
        for user in [&w.manager, &w.employee, &w.reviewer, &w.reviewer2] {
            let (status, _) = app.post(&path, &user.access_token, json!({"purpose": "solution", "outcome": "won"})).await;
            assert_eq!(status, StatusCode::CREATED);
        }
        assert_eq!(balance(&app, &w.author).await, 16 + 5 * 2 + 30);
        let (_, ledger) = app.get("/api/v1/points/ledger?per_page=100", &w.author.access_token).await;
        let won: Vec<i64> = ledger["items"].as_array().unwrap().iter().filter(|r| r["reason"] == "usage_won").map(|r| r["delta"].as_i64().unwrap()).collect();
        assert_eq!(won, [0, 0, 10, 10, 10], "newest first; a capped won shows as a row of 0");
    }
}
