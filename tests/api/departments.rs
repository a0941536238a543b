//! Departments: `POST /api/v1/departments`, `GET /api/v1/departments`.

use reqwest::StatusCode;
use serde_json::json;

use crate::on_both_backends;

on_both_backends! {
    async fn admins_create_departments_everyone_lists_them(app: TestApp) {
        let (status, department) = app
            .post("/api/v1/departments", &app.admin_token, json!({"name": "信息管理部", "kind": "management"}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{department}");
        assert_eq!((department["name"].as_str(), department["kind"].as_str()), (Some("信息管理部"), Some("management")));
        assert!(department["id"].is_i64());
        let (status, body) = app
            .post("/api/v1/departments", &app.admin_token, json!({"name": "信息管理部", "kind": "other"}))
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        app.create_department("政企客户部", "frontline").await;

        let employee = app.user_session("E7001", "吴刚", &["account_manager"]).await;
        let (status, body) = app
            .post("/api/v1/departments", &employee.access_token, json!({"name": "X", "kind": "other"}))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(body["error"], "forbidden");
        let (status, departments) = app.get("/api/v1/departments", &employee.access_token).await;
        assert_eq!(status, StatusCode::OK);
        let names: Vec<&str> = departments.as_array().unwrap().iter().map(|d| d["name"].as_str().unwrap()).collect();
        assert_eq!(names.len(), 2, "{departments}");
        assert!(names.contains(&"信息管理部") && names.contains(&"政企客户部"), "{departments}");
    }
}
