//! Points: `GET /api/v1/points/ledger`, `GET/PUT /api/v1/points/rules`,
//! `POST /api/v1/points/adjustments`, `POST /api/v1/points/recalculate`.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::on_both_backends;
use crate::world::{balance, id, World};

on_both_backends! {
    async fn usage_caps_follow_the_rule_set(app: TestApp) {
        let w = World::new(&app).await;
        let (status, rules) = app.get("/api/v1/points/rules", &w.employee.access_token).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(rules["version"], 1);
        let mut changed = rules["rules"].clone();
        changed["usage_per_entry_cap"] = json!(4);
        changed["usage_daily_cap"] = json!(5);
        assert_eq!(app.put("/api/v1/points/rules", &w.employee.access_token, changed.clone()).await.0, StatusCode::FORBIDDEN);
        let (status, saved) = app.put("/api/v1/points/rules", &app.admin_token, changed).await;
        assert_eq!(status, StatusCode::OK, "{saved}");
        assert_eq!(saved["version"], 2);

        let first = w.adopted_entry(&app, "封顶一").await;
        let second = w.adopted_entry(&app, "封顶二").await;
        let before = balance(&app, &w.author).await;
        for user in [&w.marketer, &w.manager, &w.employee] {
            app.post(&format!("/api/v1/intel/{first}/usages"), &user.access_token, json!({"purpose": "visit"})).await;
        }
        // Entry cap 4: the third user pays nothing.
        assert_eq!(balance(&app, &w.author).await - before, 4);
        for user in [&w.marketer, &w.manager] {
            app.post(&format!("/api/v1/intel/{second}/usages"), &user.access_token, json!({"purpose": "visit"})).await;
        }
        // Daily cap 5: only one more point today.
        assert_eq!(balance(&app, &w.author).await - before, 5);
        let (status, error) = app.put("/api/v1/points/rules", &app.admin_token, json!({"adopt_divisor": 0})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
    }

    async fn ledgers_are_private_to_their_owner_and_admins(app: TestApp) {
        let w = World::new(&app).await;
        let entry_id = w.adopted_entry(&app, "账本").await;
        let author = id(&w.author.user);
        let path = format!("/api/v1/points/ledger?user_id={author}");
        assert_eq!(app.get(&path, &w.reviewer.access_token).await.0, StatusCode::FORBIDDEN);
        let (status, ledger) = app.get(&path, &app.admin_token).await;
        assert_eq!(status, StatusCode::OK, "{ledger}");
        assert_eq!((ledger["total"].as_i64(), ledger["balance"].as_i64()), (Some(2), Some(16)));
        assert!(ledger["items"].as_array().unwrap().iter().all(|r| r["intel_id"] == entry_id), "{ledger}");
        let (_, page) = app.get(&format!("{path}&per_page=1&page=2"), &app.admin_token).await;
        assert_eq!((page["items"].as_array().unwrap().len(), page["balance"].as_i64()), (1, Some(16)), "the balance is the whole ledger's");
        assert_eq!(app.get("/api/v1/points/ledger?user_id=999999", &app.admin_token).await.0, StatusCode::NOT_FOUND);
    }

    async fn the_most_negative_delta_is_refused_not_a_server_error(app: TestApp) {
        let w = World::new(&app).await;
        let body = json!({"user_id": id(&w.employee.user), "delta": i32::MIN, "note": "溢出"});
        let (status, error) = app.post("/api/v1/points/adjustments", &app.admin_token, body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
        assert!(error["fields"]["delta"].is_string(), "{error}");
        assert_eq!(balance(&app, &w.employee).await, 0);
    }

    async fn admins_adjust_points_with_a_reason(app: TestApp) {
        let w = World::new(&app).await;
        let user_id = id(&w.employee.user);
        let adjust = |body: serde_json::Value, token: String| {
            let app = &app;
            async move { app.post("/api/v1/points/adjustments", &token, body).await }
        };
        let reward = json!({"user_id": user_id, "delta": 7, "note": "线下沙龙分享奖励"});
        assert_eq!(adjust(reward.clone(), w.reviewer.access_token.clone()).await.0, StatusCode::FORBIDDEN);
        for (bad, field) in [
            (json!({"user_id": user_id, "delta": 0, "note": "零"}), "delta"),
            (json!({"user_id": user_id, "delta": 10001, "note": "太多"}), "delta"),
            (json!({"user_id": user_id, "delta": 5, "note": "  "}), "note"),
            (json!({"user_id": 999999, "delta": 5, "note": "查无此人"}), "user_id"),
        ] {
            let (status, error) = adjust(bad, app.admin_token.clone()).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
            assert!(error["fields"][field].is_string(), "{field}: {error}");
        }
        assert_eq!(balance(&app, &w.employee).await, 0, "refused adjustments write nothing");

        let (status, row) = adjust(reward, app.admin_token.clone()).await;
        assert_eq!(status, StatusCode::CREATED, "{row}");
        assert_eq!((row["delta"].as_i64(), row["reason"].as_str(), row["note"].as_str()), (Some(7), Some("adjustment"), Some("线下沙龙分享奖励")));
        let (status, _) = adjust(json!({"user_id": user_id, "delta": -3, "note": "重复发放扣回"}), app.admin_token.clone()).await;
        assert_eq!(status, StatusCode::CREATED);
        assert_eq!(balance(&app, &w.employee).await, 4);
        let (_, ledger) = app.get("/api/v1/points/ledger", &w.employee.access_token).await;
        let rows: Vec<(i64, &str)> = ledger["items"].as_array().unwrap().iter()
            .map(|r| (r["delta"].as_i64().unwrap(), r["note"].as_str().unwrap())).collect();
        assert_eq!(rows, [(-3, "重复发放扣回"), (7, "线下沙龙分享奖励")]);
        let (_, me) = app.get("/api/v1/me", &w.employee.access_token).await;
        assert_eq!(me["points"], 4);
        let (_, audit) = app.get(&format!("/api/v1/audit?action=points.adjust&target_id={user_id}"), &app.admin_token).await;
        assert_eq!(audit["total"], 2, "{audit}");
    }

    async fn recalculation_pays_the_difference_under_new_rules_once(app: TestApp) {
        let w = World::new(&app).await;
        let entry_id = w.adopted_entry(&app, "规则调整前采纳").await;
        assert_eq!(balance(&app, &w.author).await, 16);
        let recalculate = |token: String| {
            let app = &app;
            async move { app.call(Method::POST, "/api/v1/points/recalculate", Some(&token), None).await }
        };
        assert_eq!(recalculate(w.reviewer.access_token.clone()).await.0, StatusCode::FORBIDDEN);
        let (status, nothing) = recalculate(app.admin_token.clone()).await;
        assert_eq!(status, StatusCode::OK, "{nothing}");
        assert_eq!((nothing["corrected"].as_i64(), nothing["delta"].as_i64()), (Some(0), Some(0)), "the rules did not change");

        let (_, rules) = app.get("/api/v1/points/rules", &w.author.access_token).await;
        let mut changed = rules["rules"].clone();
        changed["adopt_divisor"] = json!(2.0);
        changed["private_bonus"] = json!(5);
        let (status, saved) = app.put("/api/v1/points/rules", &app.admin_token, changed).await;
        assert_eq!(status, StatusCode::OK, "{saved}");
        assert_eq!(balance(&app, &w.author).await, 16, "past awards stay until an admin recalculates");

        let (status, result) = recalculate(app.admin_token.clone()).await;
        assert_eq!(status, StatusCode::OK, "{result}");
        // round(10 × 4 / 2) + 5 = 25 instead of 16.
        assert_eq!((result["rule_version"].as_i64(), result["corrected"].as_i64(), result["delta"].as_i64()), (Some(2), Some(1), Some(9)));
        assert_eq!(balance(&app, &w.author).await, 25);
        assert_eq!(balance(&app, &w.reviewer).await, 1, "review pay is not recalculated");
        let (_, ledger) = app.get("/api/v1/points/ledger", &w.author.access_token).await;
        let correction = &ledger["items"][0];
        assert_eq!((correction["reason"].as_str(), correction["delta"].as_i64(), correction["intel_id"].as_i64()), (Some("adjustment"), Some(9), Some(entry_id)));
        assert_eq!(correction["rule_version"], 2);

        let (_, again) = recalculate(app.admin_token.clone()).await;
        assert_eq!((again["corrected"].as_i64(), again["delta"].as_i64()), (Some(0), Some(0)), "once per rule version");
        assert_eq!(balance(&app, &w.author).await, 25);
    }
}
