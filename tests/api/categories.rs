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
}
