//! The audit trail: `GET /api/v1/audit` (admins).

use reqwest::StatusCode;
use serde_json::json;

use crate::on_both_backends;
use crate::world::{id, World};

on_both_backends! {
    async fn admins_read_the_audit_trail_by_action_actor_target_and_time(app: TestApp) {
        let w = World::new(&app).await;
        let admin_id = app.get("/api/v1/me", &app.admin_token).await.1["id"].as_i64().unwrap();
        let employee = id(&w.employee.user);
        let (status, _) = app.patch(&format!("/api/v1/users/{employee}"), &app.admin_token, json!({"real_name": "赵敏（调岗）"})).await;
        assert_eq!(status, StatusCode::OK);

        let (status, audit) = app.get(&format!("/api/v1/audit?action=user.update&target_id={employee}"), &app.admin_token).await;
        assert_eq!(status, StatusCode::OK, "{audit}");
        assert_eq!(audit["total"], 1, "{audit}");
        let event = &audit["items"][0];
        assert_eq!((event["action"].as_str(), event["target_type"].as_str(), event["target_id"].as_i64()),
                   (Some("user.update"), Some("user"), Some(employee)));
        assert_eq!(event["actor"]["real_name"], "系统管理员");
        assert!(event["created_at"].is_string() && event["detail"].is_object(), "{event}");

        // The world's six accounts were created by the admin.
        let (_, created) = app.get(&format!("/api/v1/audit?action=user.create&actor_id={admin_id}"), &app.admin_token).await;
        assert_eq!(created["total"], 6, "{created}");
        let (_, by_nobody) = app.get(&format!("/api/v1/audit?action=user.create&actor_id={employee}"), &app.admin_token).await;
        assert_eq!(by_nobody["total"], 0);
        let (_, future) = app.get("/api/v1/audit?from=2999-01-01T00:00:00Z", &app.admin_token).await;
        assert_eq!(future["total"], 0);
        let (_, everything) = app.get("/api/v1/audit?to=2999-01-01T00:00:00Z&per_page=100", &app.admin_token).await;
        assert!(everything["total"].as_i64().unwrap() >= 9, "{everything}");
        assert_eq!(app.get("/api/v1/audit?from=yesterday", &app.admin_token).await.0, StatusCode::BAD_REQUEST);
        assert_eq!(app.get("/api/v1/audit", &w.reviewer.access_token).await.0, StatusCode::FORBIDDEN);
    }
}
