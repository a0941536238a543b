use reqwest::StatusCode;
use serde_json::json;

use crate::on_both_backends;
use crate::world::{balance, id, scores, World};

on_both_backends! {
    async fn categories_are_seeded_with_templates(app: TestApp) {
        let (status, categories) = app.get("/api/v1/categories", &app.admin_token).await;
        assert_eq!(status, StatusCode::OK);
        let keys: Vec<&str> = categories.as_array().unwrap().iter().map(|c| c["key"].as_str().unwrap()).collect();
        assert_eq!(keys, ["basic", "profile", "business", "credit", "competitor", "opportunity", "service"]);
        let points: Vec<i64> = categories.as_array().unwrap().iter().map(|c| c["base_points"].as_i64().unwrap()).collect();
        assert_eq!(points, [5, 8, 10, 10, 12, 15, 6]);
        let days: Vec<i64> = categories.as_array().unwrap().iter().map(|c| c["freshness_days"].as_i64().unwrap()).collect();
        assert_eq!(days, [365, 180, 90, 90, 30, 60, 60]);
        let profile = &categories[1];
        let hobbies = profile["fields"].as_array().unwrap().iter().find(|f| f["key"] == "preferences").unwrap();
        assert_eq!(hobbies["sensitive"], true);
        assert_eq!(hobbies["label"], "偏好与兴趣爱好");
        let competitor = &categories[4]["fields"][0];
        assert_eq!(competitor["type"], "enum");
        assert!(competitor["options"].as_array().unwrap().contains(&json!("中国电信")));
    }

    async fn the_worked_example_pays_sixteen_and_the_reviewer_one(app: TestApp) {
        let w = World::new(&app).await;
        let entry = w.submit(&app, w.business_entry("财务副总嫌话费报销繁琐")).await;
        assert_eq!(entry["status"], "submitted");
        assert_eq!(entry["author"]["real_name"], "张伟");
        assert_eq!(entry["client"]["name"], "芜湖长江实业集团有限公司");
        assert_eq!(entry["revision"], 1);
        // business template: 2 required (weight 2) + 4 optional; filled 2 required + contract_end = 5/8.
        assert_eq!(entry["completeness"], 0.63);
        let entry_id = id(&entry);

        // Nobody reviews their own entry; employees cannot review at all.
        let (status, _) = app.post(&format!("/api/v1/intel/{entry_id}/review"), &w.author.access_token, scores("adopt", 4)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = app.post(&format!("/api/v1/intel/{entry_id}/review"), &w.employee.access_token, scores("adopt", 4)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        let (status, queue) = app.get("/api/v1/reviews/queue", &w.reviewer.access_token).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(queue["total"], 1);
        assert_eq!(id(&queue["items"][0]), entry_id);

        let decided = w.adopt(&app, entry_id, 4).await;
        assert_eq!(decided["points_awarded"], 16);
        assert_eq!(decided["intel"]["status"], "adopted");
        assert_eq!(decided["intel"]["quality"], 4.0);
        assert!(decided["intel"]["adopted_at"].is_string());

        let (_, ledger) = app.get("/api/v1/points/ledger", &w.author.access_token).await;
        assert_eq!(ledger["balance"], 16);
        let mut rows: Vec<(String, i64)> = ledger["items"].as_array().unwrap().iter()
            .map(|r| (r["reason"].as_str().unwrap().to_owned(), r["delta"].as_i64().unwrap())).collect();
        rows.sort();
        assert_eq!(rows, [("adopted".to_owned(), 13), ("private_source".to_owned(), 3)]);
        assert_eq!(balance(&app, &w.reviewer).await, 1);
        let (_, me) = app.get("/api/v1/me", &w.author.access_token).await;
        assert_eq!(me["points"], 16);

        // A decided revision is decided once.
        let (status, body) = app.post(&format!("/api/v1/intel/{entry_id}/review"), &w.reviewer2.access_token, scores("adopt", 5)).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert_eq!(balance(&app, &w.author).await, 16);

        // The author hears about it.
        let (_, notes) = app.get("/api/v1/notifications", &w.author.access_token).await;
        assert_eq!(notes["unread"], 1);
        assert_eq!(notes["items"][0]["kind"], "intel_adopted");
        assert!(notes["items"][0]["title"].as_str().unwrap().contains("16"));
        let note_id = id(&notes["items"][0]);
        let (status, _) = app.call(reqwest::Method::POST, &format!("/api/v1/notifications/{note_id}/read"), Some(&w.author.access_token), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        assert_eq!(app.get("/api/v1/notifications", &w.author.access_token).await.1["unread"], 0);
    }

    async fn templates_validate_each_field_and_drafts_may_be_incomplete(app: TestApp) {
        let w = World::new(&app).await;
        let mut body = w.business_entry("字段校验");
        body["fields"] = json!({"monthly_spend": "很多", "contract_end": "明年", "satisfaction": "超满意", "nonsense": 1});
        body["observed_at"] = json!("yesterday");
        let (status, error) = app.post("/api/v1/intel", &w.author.access_token, body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(error["fields"]["observed_at"].is_string(), "{error}");

        let mut body = w.business_entry("字段校验");
        body["fields"] = json!({"monthly_spend": "很多", "contract_end": "明年", "satisfaction": "超满意", "nonsense": 1});
        let (status, error) = app.post("/api/v1/intel", &w.author.access_token, body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let fields = error["fields"].as_object().unwrap();
        for key in ["fields.current_products", "fields.monthly_spend", "fields.contract_end", "fields.satisfaction", "fields.nonsense"] {
            assert!(fields.contains_key(key), "{key} missing in {error}");
        }

        let mut draft = w.business_entry("只写了标题的草稿");
        draft["fields"] = json!({});
        draft["draft"] = json!(true);
        let entry = w.submit(&app, draft).await;
        assert_eq!(entry["status"], "draft");
        assert_eq!(entry["completeness"], 0.0);
        let entry_id = id(&entry);
        // Drafts are the author's alone.
        assert_eq!(app.get(&format!("/api/v1/intel/{entry_id}"), &w.reviewer.access_token).await.0, StatusCode::NOT_FOUND);
        assert_eq!(app.get("/api/v1/reviews/queue", &w.reviewer.access_token).await.1["total"], 0);
        // Submitting needs the required fields.
        let (status, error) = app.put(&format!("/api/v1/intel/{entry_id}"), &w.author.access_token, json!({"submit": true})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(error["fields"]["fields.current_products"].is_string());
        let (status, entry) = app
            .put(&format!("/api/v1/intel/{entry_id}"), &w.author.access_token,
                 json!({"submit": true, "fields": {"current_products": "宽带", "monthly_spend": "5,000"}}))
            .await;
        assert_eq!(status, StatusCode::OK, "{entry}");
        assert_eq!(entry["status"], "submitted");
        assert_eq!(entry["fields"]["monthly_spend"], 5000);
        // Others cannot edit it, and it cannot be edited once submitted.
        assert_eq!(app.put(&format!("/api/v1/intel/{entry_id}"), &w.author.access_token, json!({"title": "x"})).await.0, StatusCode::CONFLICT);
        // The author is the signed-in user whatever the body says.
        let mut forged = w.business_entry("冒名");
        forged["author_id"] = json!(id(&w.reviewer.user));
        let entry = w.submit(&app, forged).await;
        assert_eq!(entry["author"]["id"], w.author.user["id"]);
    }

    async fn returned_entries_are_revised_and_decided_again(app: TestApp) {
        let w = World::new(&app).await;
        let entry_id = id(&w.submit(&app, w.business_entry("需要补充")).await);
        let path = format!("/api/v1/intel/{entry_id}/review");
        let (status, body) = app.post(&path, &w.reviewer.access_token, json!({"decision": "revise", "comment": ""})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body["fields"]["comment"].is_string());
        let (status, body) = app.post(&path, &w.reviewer.access_token, json!({"decision": "revise", "comment": "请补充合同到期日"})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["intel"]["status"], "needs_revision");
        assert_eq!(body["points_awarded"], 0);

        let (_, mine) = app.get(&format!("/api/v1/intel/{entry_id}"), &w.author.access_token).await;
        assert_eq!(mine["last_review"]["comment"], "请补充合同到期日");
        let (status, entry) = app.put(&format!("/api/v1/intel/{entry_id}"), &w.author.access_token,
            json!({"fields": {"current_products": "专线", "monthly_spend": 1000, "contract_end": "2027-06-30"}, "submit": true})).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(entry["revision"], 2);
        assert_eq!(entry["status"], "submitted");
        let decided = w.adopt(&app, entry_id, 5).await;
        // round(10 × 5 / 3) = 17, +3 private
        assert_eq!(decided["points_awarded"], 20);
        assert_eq!(balance(&app, &w.reviewer).await, 2);
        let (status, body) = app.post(&path, &w.reviewer.access_token, json!({"decision": "adopt"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body["fields"]["scores.truthfulness"].is_string());
        let mut bad = scores("adopt", 6);
        bad["scores"]["value"] = json!(0);
        let (status, body) = app.post(&path, &w.reviewer.access_token, bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body["fields"]["scores.value"].is_string());
    }

    async fn reviewers_racing_decide_exactly_once(app: TestApp) {
        let w = World::new(&app).await;
        let entry_id = id(&w.submit(&app, w.business_entry("抢审")).await);
        let path = format!("/api/v1/intel/{entry_id}/review");
        let attempts = (0..8).map(|i| {
            let token = if i % 2 == 0 { w.reviewer.access_token.clone() } else { w.reviewer2.access_token.clone() };
            let decision = if i % 3 == 0 { scores("reject", 2) } else { scores("adopt", 4) };
            let (app, path) = (&app, path.clone());
            async move { app.post(&path, &token, decision).await.0 }
        });
        let statuses = futures_util::future::join_all(attempts).await;
        assert_eq!(statuses.iter().filter(|s| **s == StatusCode::OK).count(), 1, "{statuses:?}");
        assert_eq!(statuses.iter().filter(|s| **s == StatusCode::CONFLICT).count(), 7, "{statuses:?}");
        let reviewers_total = balance(&app, &w.reviewer).await + balance(&app, &w.reviewer2).await;
        assert_eq!(reviewers_total, 1);
        let author = balance(&app, &w.author).await;
        assert!(author == 16 || author == 0, "{author}");
    }

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

    async fn visibility_and_masking_follow_the_design(app: TestApp) {
        let w = World::new(&app).await;
        let profile = json!({
            "client_id": w.client_id, "category": "profile", "title": "董事长喜欢打高尔夫",
            "body": "周末常去南湖高尔夫球场。", "source": "private", "observed_at": "2026-11-01",
            "fields": {"decision_makers": "董事长王建国", "preferences": "高尔夫、普洱茶", "personal_phone": "13900001111"}
        });
        let entry_id = id(&w.submit(&app, profile).await);
        let path = format!("/api/v1/intel/{entry_id}");
        // Pending: author and reviewers only.
        assert_eq!(app.get(&path, &w.employee.access_token).await.0, StatusCode::NOT_FOUND);
        assert_eq!(app.get(&path, &w.manager.access_token).await.0, StatusCode::NOT_FOUND);
        assert_eq!(app.get(&path, &w.reviewer.access_token).await.0, StatusCode::OK);
        let (_, listed) = app.get("/api/v1/intel?status=submitted", &w.employee.access_token).await;
        assert_eq!(listed["total"], 0);
        w.adopt(&app, entry_id, 4).await;

        let (status, seen) = app.get(&path, &w.employee.access_token).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(seen["fields"]["preferences"], "***");
        assert_eq!(seen["fields"]["personal_phone"], "***");
        assert_eq!(seen["fields"]["decision_makers"], "董事长王建国");
        assert_eq!(seen["masked"], true);
        let (_, owner_view) = app.get(&path, &w.manager.access_token).await;
        assert_eq!(owner_view["fields"]["preferences"], "高尔夫、普洱茶");
        let (_, author_view) = app.get(&path, &w.author.access_token).await;
        assert_eq!(author_view["fields"]["personal_phone"], "13900001111");

        let (_, audit) = app.get(&format!("/api/v1/audit?action=sensitive.read&target_id={entry_id}"), &app.admin_token).await;
        let actors: Vec<&str> = audit["items"].as_array().unwrap().iter().map(|e| e["actor"]["real_name"].as_str().unwrap()).collect();
        assert!(actors.contains(&"李强"), "owner's unmasked read is audited: {audit}");
        assert!(!actors.contains(&"张伟"), "the author's own reads are not audited");
        assert!(!actors.contains(&"赵敏"), "masked reads are not audited");
        assert_eq!(app.get("/api/v1/audit", &w.employee.access_token).await.0, StatusCode::FORBIDDEN);
    }

    async fn revisions_supersede_and_pay_half(app: TestApp) {
        let w = World::new(&app).await;
        let original = w.adopted_entry(&app, "月消费八万六").await;
        let revision = json!({"title": "月消费九万", "body": "新增两条专线。", "source": "private", "observed_at": "2026-11-25",
                              "fields": {"current_products": "集团V网、专线×3", "monthly_spend": 90000}});
        let (status, _) = app.post(&format!("/api/v1/intel/{original}/revisions"), &w.employee.access_token, revision.clone()).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, proposed) = app.post(&format!("/api/v1/intel/{original}/revisions"), &w.author.access_token, revision.clone()).await;
        assert_eq!(status, StatusCode::CREATED, "{proposed}");
        assert_eq!(proposed["status"], "submitted");
        assert_eq!(proposed["revision"], 2);
        assert_eq!(proposed["supersedes_id"], original);
        assert_eq!(app.post(&format!("/api/v1/intel/{original}/revisions"), &w.author.access_token, revision).await.0, StatusCode::CONFLICT);

        let decided = w.adopt(&app, id(&proposed), 4).await;
        assert_eq!(decided["points_awarded"], 8);
        let (_, old) = app.get(&format!("/api/v1/intel/{original}"), &w.employee.access_token).await;
        assert_eq!(old["status"], "superseded");
        assert_eq!(balance(&app, &w.author).await, 24);
        let (_, dossier) = app.get(&format!("/api/v1/clients/{}/dossier", w.client_id), &w.employee.access_token).await;
        let titles: Vec<&str> = dossier["intel"].as_array().unwrap().iter().map(|i| i["title"].as_str().unwrap()).collect();
        assert_eq!(titles, ["月消费九万"]);
    }

    async fn verify_resets_staleness_and_pays_once_per_window(app: TestApp) {
        let w = World::new(&app).await;
        let entry_id = w.adopted_entry(&app, "会过期的事实").await;
        let path = format!("/api/v1/intel/{entry_id}");
        assert_eq!(app.get(&path, &w.author.access_token).await.1["stale"], false);
        let (status, fresh) = app.post(&format!("{path}/verify"), &w.author.access_token, json!({})).await;
        assert_eq!(status, StatusCode::OK, "{fresh}");
        assert_eq!(balance(&app, &w.author).await, 16, "verifying a fresh entry pays nothing");

        // Move the clock: adopted and verified 100 days ago (business window is 90 days).
        let past = if app.is_postgres() { "NOW() - INTERVAL '100 days'" } else { "datetime('now', '-100 days')" };
        app.exec_sql(&format!("UPDATE intel SET adopted_at = {past}, verified_at = {past} WHERE id = {entry_id}"));
        assert_eq!(app.get(&path, &w.employee.access_token).await.1["stale"], true);
        let (_, dossier) = app.get(&format!("/api/v1/clients/{}/dossier", w.client_id), &w.manager.access_token).await;
        assert_eq!(dossier["stale_count"], 1);

        assert_eq!(app.post(&format!("{path}/verify"), &w.employee.access_token, json!({})).await.0, StatusCode::FORBIDDEN);
        let (status, verified) = app.post(&format!("{path}/verify"), &w.manager.access_token, json!({})).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(verified["stale"], false);
        assert_eq!(balance(&app, &w.manager).await, 1);
        app.post(&format!("{path}/verify"), &w.manager.access_token, json!({})).await;
        assert_eq!(balance(&app, &w.manager).await, 1);
    }

    async fn retraction_reverses_everything_and_penalises(app: TestApp) {
        let w = World::new(&app).await;
        let entry_id = w.adopted_entry(&app, "后来发现不实").await;
        app.post(&format!("/api/v1/intel/{entry_id}/usages"), &w.marketer.access_token, json!({"purpose": "visit", "outcome": "won"})).await;
        assert_eq!(balance(&app, &w.author).await, 28);
        let path = format!("/api/v1/intel/{entry_id}/retract");
        assert_eq!(app.post(&path, &w.employee.access_token, json!({"comment": "不实"})).await.0, StatusCode::FORBIDDEN);
        assert_eq!(app.post(&path, &w.reviewer.access_token, json!({"comment": " "})).await.0, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, retracted) = app.post(&path, &w.reviewer.access_token, json!({"comment": "经核实不属实"})).await;
        assert_eq!(status, StatusCode::OK, "{retracted}");
        assert_eq!(retracted["status"], "retracted");
        assert_eq!(balance(&app, &w.author).await, -5);
        assert_eq!(app.post(&path, &w.reviewer.access_token, json!({"comment": "再次"})).await.0, StatusCode::CONFLICT);
        assert_eq!(app.get(&format!("/api/v1/intel/{entry_id}"), &w.employee.access_token).await.0, StatusCode::NOT_FOUND);
    }

    async fn ratings_and_leaderboard(app: TestApp) {
        let w = World::new(&app).await;
        w.adopted_entry(&app, "一").await; // 16
        let second = id(&w.submit(&app, w.business_entry("二")).await);
        app.post(&format!("/api/v1/intel/{second}/review"), &w.reviewer.access_token, json!({"decision": "reject", "comment": "无价值",
            "scores": {"truthfulness": 2, "relevance": 2, "completeness": 2, "timeliness": 2, "value": 2}})).await;
        let third = w.adopted_entry(&app, "三").await; // 16
        app.post(&format!("/api/v1/intel/{third}/usages"), &w.marketer.access_token, json!({"purpose": "visit"})).await; // +2

        let author_id = id(&w.author.user);
        let (status, ratings) = app.get(&format!("/api/v1/users/{author_id}/ratings?period=month"), &w.employee.access_token).await;
        assert_eq!(status, StatusCode::OK, "{ratings}");
        assert_eq!(ratings["period"], "month");
        assert_eq!(ratings["quality"], json!({"mean_score": 3.33, "adoption_rate": 0.67, "decided": 3}));
        assert_eq!(ratings["quantity"], json!({"submitted": 3, "adopted": 2}));
        assert_eq!(ratings["usage"], json!({"adopted": 2, "used": 1, "usage_rate": 0.5, "uses": 1}));
        assert!(ratings["timeliness"]["median_hours"].as_f64().unwrap() > 0.0);
        assert_eq!(app.get(&format!("/api/v1/users/{author_id}/ratings?period=decade"), &w.employee.access_token).await.0, StatusCode::BAD_REQUEST);

        let (status, board) = app.get("/api/v1/leaderboard?period=month", &w.employee.access_token).await;
        assert_eq!(status, StatusCode::OK);
        let rows: Vec<(i64, &str, i64)> = board["items"].as_array().unwrap().iter()
            .map(|r| (r["rank"].as_i64().unwrap(), r["user"]["real_name"].as_str().unwrap(), r["points"].as_i64().unwrap())).collect();
        assert_eq!(rows, [(1, "张伟", 34), (2, "陈静", 3)]);
        let (_, board) = app.get("/api/v1/leaderboard?period=week&exclude_staff=true", &w.employee.access_token).await;
        assert_eq!(board["items"].as_array().unwrap().len(), 1);
        let department = w.author.user["department"]["id"].as_i64().unwrap();
        let (_, board) = app.get(&format!("/api/v1/leaderboard?period=all&department_id={department}"), &w.employee.access_token).await;
        assert_eq!(board["items"][0]["user"]["department"]["name"], "政企客户部");
        assert_eq!(board["items"].as_array().unwrap().len(), 1);
        let (status, dept) = app.get(&format!("/api/v1/departments/{department}/ratings?period=year"), &w.employee.access_token).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(dept["quantity"]["submitted"], 3);
    }

    async fn clients_are_found_by_name_pinyin_and_initials(app: TestApp) {
        let w = World::new(&app).await;
        for (q, expected) in [("芜湖", 1), ("wuhu", 1), ("whcj", 1), ("WHCJ", 1), ("changjiang", 1), ("长江实业", 1), ("nothing", 0)] {
            let (status, found) = app.get(&format!("/api/v1/clients?q={}", urlencode(q)), &w.employee.access_token).await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(found["total"], expected, "{q}");
        }
        let (_, by_tag) = app.get(&format!("/api/v1/clients?tag={}", urlencode("高尔夫")), &w.employee.access_token).await;
        assert_eq!(by_tag["total"], 1);
        assert_eq!(by_tag["items"][0]["owner"]["real_name"], "李强");
        assert_eq!(by_tag["items"][0]["tags"], json!(["机场贵宾", "高尔夫"]));
        let (status, _) = app.post("/api/v1/clients", &w.employee.access_token, json!({"kind": "group", "name": "芜湖长江实业集团有限公司"})).await;
        assert_eq!(status, StatusCode::CONFLICT);
        let (status, vip) = app.post("/api/v1/clients", &w.employee.access_token,
            json!({"kind": "individual", "name": "王建国", "parent_id": w.client_id, "tags": ["网球"]})).await;
        assert_eq!(status, StatusCode::CREATED, "{vip}");
        assert_eq!(vip["initials"], "wjg");
        let (status, body) = app.post("/api/v1/clients", &w.employee.access_token,
            json!({"kind": "group", "name": "某公司", "owner_id": id(&w.manager.user)})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let (status, _) = app.patch(&format!("/api/v1/clients/{}", w.client_id), &w.employee.access_token, json!({"tier": "S"})).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, edited) = app.patch(&format!("/api/v1/clients/{}", w.client_id), &w.manager.access_token, json!({"tier": "S", "status": "at_risk"})).await;
        assert_eq!(status, StatusCode::OK, "{edited}");
        assert_eq!(edited["status"], "at_risk");
    }

    async fn dossier_and_handover(app: TestApp) {
        let w = World::new(&app).await;
        let path = format!("/api/v1/clients/{}", w.client_id);
        let (status, contact) = app.post(&format!("{path}/contacts"), &w.author.access_token,
            json!({"name": "孙总", "title": "财务副总", "is_decision_maker": true, "phone": "13800001234", "notes": "不喝酒"})).await;
        assert_eq!(status, StatusCode::CREATED, "{contact}");
        w.adopted_entry(&app, "老的").await;
        w.adopted_entry(&app, "新的").await;
        app.post("/api/v1/intel", &w.author.access_token, {
            let mut pending = w.business_entry("待审的");
            pending["observed_at"] = json!("2026-11-26");
            pending
        }).await;

        let (status, dossier) = app.get(&format!("{path}/dossier"), &w.employee.access_token).await;
        assert_eq!(status, StatusCode::OK);
        let titles: Vec<&str> = dossier["intel"].as_array().unwrap().iter().map(|i| i["title"].as_str().unwrap()).collect();
        assert_eq!(titles, ["新的", "老的"]);
        assert_eq!(dossier["contacts"][0]["phone"], "***");
        assert_eq!(dossier["contacts"][0]["title"], "财务副总");
        assert_eq!(dossier["stale_count"], 0);
        assert_eq!(dossier["owner_history"][0]["to"]["real_name"], "李强");
        let (_, owners) = app.get(&format!("{path}/dossier"), &w.manager.access_token).await;
        assert_eq!(owners["contacts"][0]["phone"], "13800001234");

        // Handover: only to an account manager, by the owner (or reviewers, admins).
        let new_owner = id(&w.author.user);
        let body = json!({"owner_id": new_owner, "note": "李强调岗，交由张伟负责"});
        assert_eq!(app.put(&format!("{path}/owner"), &w.employee.access_token, body.clone()).await.0, StatusCode::FORBIDDEN);
        let (status, error) = app.put(&format!("{path}/owner"), &w.manager.access_token, json!({"owner_id": id(&w.employee.user)})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
        let (status, client) = app.put(&format!("{path}/owner"), &w.manager.access_token, body).await;
        assert_eq!(status, StatusCode::OK, "{client}");
        assert_eq!(client["owner"]["real_name"], "张伟");
        let (_, dossier) = app.get(&format!("{path}/dossier"), &w.author.access_token).await;
        assert_eq!(dossier["owner_history"][0]["from"]["real_name"], "李强");
        assert_eq!(dossier["owner_history"][0]["note"], "李强调岗，交由张伟负责");
        let (_, notes) = app.get("/api/v1/notifications", &w.author.access_token).await;
        assert!(notes["items"].as_array().unwrap().iter().any(|n| n["kind"] == "client_handover"), "{notes}");
        // The old owner no longer sees sensitive values.
        let (_, old_owner) = app.get(&format!("{path}/dossier"), &w.manager.access_token).await;
        assert_eq!(old_owner["contacts"][0]["phone"], "***");
    }
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}
