//! Categories and their templates: `GET /api/v1/categories`, `PUT /api/v1/categories/{key}`.

use reqwest::StatusCode;
use serde_json::json;

use crate::on_both_backends;
use crate::world::{id, World};

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

        // The branch plan's fields (migration 000012): none required, personal ones sensitive.
        let field = |category: usize, key: &str| {
            categories[category]["fields"].as_array().unwrap().iter().find(|f| f["key"] == key).cloned()
                .unwrap_or_else(|| panic!("no {key} in {}", categories[category]))
        };
        for (category, key, kind, sensitive) in [
            (0, "owner", "text", false), (0, "general_manager", "text", false), (0, "founded_on", "date", false),
            (0, "client_since", "date", false), (0, "total_assets", "number", false),
            (1, "family", "text", true), (1, "education", "enum", true), (1, "age_band", "enum", true),
            (1, "character", "text", true), (1, "ability", "text", true), (1, "service_area", "text", false),
            (1, "sales_volume", "number", false), (1, "growth_potential", "enum", false),
            (1, "management_philosophy", "text", false), (2, "sales_record", "text", false),
            (2, "cooperation_attitude", "enum", false), (3, "tax_record", "enum", false),
            (3, "reputation", "text", false), (4, "service_measures", "text", false),
        ] {
            let f = field(category, key);
            assert_eq!((f["type"].as_str(), f["sensitive"].as_bool(), f["required"].as_bool()),
                (Some(kind), Some(sensitive), Some(false)), "{f}");
            assert!(f["label_en"].is_string(), "{f}");
        }
    }

    async fn admins_add_a_category_that_takes_entries_at_once(app: TestApp) {
        let w = World::new(&app).await;
        let hobby = json!({"key": "activity", "label": "活动", "type": "enum", "required": true, "options": ["高尔夫", "网球"]});
        let new = json!({"key": "events", "name": "活动与兴趣", "name_en": "Events", "base_points": 4,
            "freshness_days": 180, "fields": [hobby]});
        assert_eq!(app.post("/api/v1/categories", &w.reviewer.access_token, new.clone()).await.0, StatusCode::FORBIDDEN);
        let (status, bad) = app.post("/api/v1/categories", &app.admin_token,
            json!({"key": "9 Bad", "name": "", "base_points": 5, "freshness_days": 0, "fields": []})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        for key in ["key", "name", "freshness_days", "fields"] {
            assert!(bad["fields"][key].is_string(), "{key}: {bad}");
        }
        let (status, created) = app.post("/api/v1/categories", &app.admin_token, new.clone()).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        assert_eq!((created["key"].as_str(), created["fields"][0]["key"].as_str()), (Some("events"), Some("activity")));
        let (status, _) = app.post("/api/v1/categories", &app.admin_token, new).await;
        assert_eq!(status, StatusCode::CONFLICT);
        let (_, categories) = app.get("/api/v1/categories", &w.employee.access_token).await;
        assert_eq!(categories.as_array().unwrap().last().unwrap()["key"], "events", "listed last");

        let entry = json!({"client_id": w.client_id, "category": "events", "title": "董事长爱打高尔夫",
            "body": "每周六在南湖球场。", "fields": {"activity": "高尔夫"}, "source": "private", "observed_at": "2026-11-20"});
        let (status, body) = app.post("/api/v1/intel", &w.author.access_token, entry).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["completeness"], 1.0);
        w.adopt(&app, id(&body), 4).await;
        app.assert_rollups_match_a_rebuild().await;
    }

    async fn admins_edit_a_template_and_new_entries_follow_it(app: TestApp) {
        let w = World::new(&app).await;
        let path = "/api/v1/categories/service";
        let ticket = json!({"key": "ticket_no", "label": "工单号", "label_en": "Ticket", "type": "text", "required": true});
        let change = json!({"name": "服务与投诉（新）", "base_points": 20, "freshness_days": 30, "fields": [ticket]});
        assert_eq!(app.put(path, &w.reviewer.access_token, change.clone()).await.0, StatusCode::FORBIDDEN);
        assert_eq!(app.put("/api/v1/categories/nosuch", &app.admin_token, change.clone()).await.0, StatusCode::NOT_FOUND);
        let bad = json!({"name": " ", "base_points": -1, "freshness_days": 0, "fields": [
            {"key": "Bad Key", "label": "x", "type": "text"},
            {"key": "level", "label": "", "type": "enum"},
        ]});
        let (status, error) = app.put(path, &app.admin_token, bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
        for field in ["name", "base_points", "freshness_days", "fields[0].key", "fields[1].label", "fields[1].options"] {
            assert!(error["fields"][field].is_string(), "{field} in {error}");
        }

        let (status, edited) = app.put(path, &app.admin_token, change).await;
        assert_eq!(status, StatusCode::OK, "{edited}");
        assert_eq!((edited["name"].as_str(), edited["base_points"].as_i64(), edited["freshness_days"].as_i64()),
                   (Some("服务与投诉（新）"), Some(20), Some(30)));
        assert_eq!(edited["fields"], json!([{"key": "ticket_no", "label": "工单号", "label_en": "Ticket", "type": "text",
                                            "required": true, "sensitive": false}]));
        let (_, categories) = app.get("/api/v1/categories", &w.employee.access_token).await;
        let listed = categories.as_array().unwrap().iter().find(|c| c["key"] == "service").unwrap();
        assert_eq!(listed["base_points"], 20);

        // New entries are checked against the new template and paid from the new base.
        let entry = json!({"client_id": w.client_id, "category": "service", "title": "宽带报障处理慢", "body": "客户投诉报障三天未修复。",
                           "fields": {}, "source": "public", "observed_at": "2026-11-20"});
        let (status, error) = app.post("/api/v1/intel", &w.author.access_token, entry.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
        assert!(error["fields"]["fields.ticket_no"].is_string(), "{error}");
        let mut complete = entry;
        complete["fields"] = json!({"ticket_no": "GD-2026-1120"});
        let submitted = w.submit(&app, complete).await;
        assert_eq!(submitted["completeness"], 1.0);
        // round(20 × 3 / 3) for a public entry scored 3.
        assert_eq!(w.adopt(&app, id(&submitted), 3).await["points_awarded"], 20);
        let (_, audit) = app.get("/api/v1/audit?action=category.update", &app.admin_token).await;
        assert_eq!(audit["total"], 1, "{audit}");
    }

    async fn masks_hold_and_the_index_follows_after_a_template_changes(app: TestApp) {
        let w = World::new(&app).await;
        let entry = w.submit(&app, json!({"client_id": w.client_id, "category": "profile", "title": "决策人画像",
            "body": "董事长拍板。", "source": "private", "observed_at": "2026-11-20",
            "fields": {"decision_makers": "董事长", "preferences": "周末打高尔夫", "communication_style": "直来直去"}})).await;
        let entry_id = id(&entry);
        w.adopt(&app, entry_id, 4).await;
        let path = format!("/api/v1/intel/{entry_id}");
        let found = |q: &'static str| {
            let (app, token) = (&app, w.employee.access_token.clone());
            async move { app.get(&format!("/api/v1/search?q={}", crate::helpers::urlencode(q)), &token).await.1["total"].as_i64().unwrap() }
        };
        crate::helpers::eventually("the entry is searchable", || async { (found("直来直去").await == 1).then_some(()) }).await;

        // The admin drops `preferences` from the template and marks `communication_style` sensitive.
        let (_, categories) = app.get("/api/v1/categories", &app.admin_token).await;
        let profile = categories.as_array().unwrap().iter().find(|c| c["key"] == "profile").unwrap();
        let fields: Vec<serde_json::Value> = profile["fields"].as_array().unwrap().iter()
            .filter(|f| f["key"] != "preferences")
            .map(|f| { let mut f = f.clone(); if f["key"] == "communication_style" { f["sensitive"] = json!(true); } f })
            .collect();
        let (status, edited) = app.put("/api/v1/categories/profile", &app.admin_token, json!({"fields": fields})).await;
        assert_eq!(status, StatusCode::OK, "{edited}");

        let (_, seen) = app.get(&path, &w.employee.access_token).await;
        assert_eq!(seen["masked"], true);
        assert_eq!(seen["fields"]["preferences"], "***", "a value stored as sensitive stays masked: {seen}");
        assert_eq!(seen["fields"]["communication_style"], "***", "a field newly marked sensitive is masked: {seen}");
        assert_eq!(seen["fields"]["decision_makers"], "董事长");
        let (_, owners) = app.get(&path, &w.manager.access_token).await;
        assert_eq!(owners["fields"]["preferences"], "周末打高尔夫", "the owner still sees it");
        crate::helpers::eventually("the newly sensitive value leaves the index", || async { (found("直来直去").await == 0).then_some(()) }).await;
        assert_eq!(found("董事长").await, 1, "the rest stays searchable");
        let (_, audit) = app.get(&format!("/api/v1/audit?action=sensitive.read&target_id={entry_id}"), &app.admin_token).await;
        assert_eq!(audit["items"][0]["actor"]["real_name"], "李强", "the owner's unmasked read is audited: {audit}");
    }
}
