//! Users: `POST/GET /api/v1/users`, `GET/PATCH /api/v1/users/{id}`.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::user_password;
use crate::on_both_backends;

on_both_backends! {
    async fn admins_create_users(app: TestApp) {
        let department = app.create_department("信息管理部", "management").await;
        let user = app.create_user("R2001", "陈静", &["reviewer"], Some(department)).await;
        assert_eq!(user["employee_no"], "R2001");
        assert_eq!(user["email"], "r2001@zhiku.test");
        assert_eq!(user["roles"], json!(["employee", "reviewer"]));
        assert_eq!(user["department"], json!({"id": department, "name": "信息管理部"}));
        assert_eq!((user["is_active"].as_bool(), user["points"].as_i64()), (Some(true), Some(0)));
        assert!(user.get("password_hash").is_none());
        app.login_ok("R2001", &user_password("R2001")).await;

        let (status, listed) = app.get("/api/v1/users?q=R2001", &app.admin_token).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(listed["total"], 1);
        assert_eq!(listed["items"][0]["id"], user["id"]);
    }

    async fn user_input_is_validated_field_by_field(app: TestApp) {
        let (status, body) = app
            .post("/api/v1/users", &app.admin_token, json!({
                "employee_no": "x", "real_name": "", "email": "not-an-email",
                "department_id": null, "roles": ["wizard"], "password": "123"
            }))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["error"], "validation_failed");
        for field in ["employee_no", "real_name", "email", "roles", "password"] {
            assert!(body["fields"][field].is_string(), "{field}: {body}");
        }
        let (status, body) = app
            .post("/api/v1/users", &app.admin_token, json!({
                "employee_no": "E5001", "real_name": "周敏", "email": "e5001@zhiku.test",
                "department_id": 4242, "roles": [], "password": "Good-pass-1"
            }))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body["fields"]["department_id"].is_string());
    }

    async fn employee_numbers_and_emails_are_unique(app: TestApp) {
        app.create_user("E6001", "孙丽", &[], None).await;
        let (status, body) = app
            .post("/api/v1/users", &app.admin_token, json!({
                "employee_no": "e6001", "real_name": "孙丽2", "email": "other@zhiku.test",
                "roles": [], "password": "Good-pass-1"
            }))
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert_eq!(body["error"], "conflict");
        let (status, _) = app
            .post("/api/v1/users", &app.admin_token, json!({
                "employee_no": "E6002", "real_name": "孙丽3", "email": "E6001@ZHIKU.test",
                "roles": [], "password": "Good-pass-1"
            }))
            .await;
        assert_eq!(status, StatusCode::CONFLICT);
    }

    async fn only_admins_manage_users(app: TestApp) {
        let employee = app.user_session("E7001", "吴刚", &["account_manager"]).await;
        let (status, body) = app
            .post("/api/v1/users", &employee.access_token, json!({
                "employee_no": "E7002", "real_name": "x", "email": "e7002@zhiku.test", "roles": ["admin"], "password": "Good-pass-1"
            }))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(body["error"], "forbidden");
        let id = employee.user["id"].as_i64().unwrap();
        let (status, _) = app
            .patch(&format!("/api/v1/users/{id}"), &employee.access_token, json!({"roles": ["admin"]}))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        // Everyone may look people up.
        let (status, list) = app.get("/api/v1/users?q=吴", &employee.access_token).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(list["total"], 1);
    }

    async fn admins_edit_users_and_role_changes_apply_at_once(app: TestApp) {
        let department = app.create_department("市场部", "usage").await;
        let session = app.user_session("E8001", "郑洁", &[]).await;
        let id = session.user["id"].as_i64().unwrap();
        let (status, _) = app.get("/api/v1/departments", &session.access_token).await;
        assert_eq!(status, StatusCode::OK);
        let (status, _) = app.post("/api/v1/departments", &session.access_token, json!({"name": "Y", "kind": "other"})).await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        let (status, user) = app
            .patch(&format!("/api/v1/users/{id}"), &app.admin_token, json!({
                "roles": ["marketer", "admin"], "department_id": department, "real_name": "郑洁（市场）"
            }))
            .await;
        assert_eq!(status, StatusCode::OK, "{user}");
        assert_eq!(user["roles"], json!(["employee", "marketer", "admin"]));
        assert_eq!(user["department"]["name"], "市场部");
        // The same access token now carries the new role.
        let (status, _) = app.post("/api/v1/departments", &session.access_token, json!({"name": "Y", "kind": "other"})).await;
        assert_eq!(status, StatusCode::CREATED);

        let (status, user) = app.patch(&format!("/api/v1/users/{id}"), &app.admin_token, json!({"department_id": null})).await;
        assert_eq!(status, StatusCode::OK);
        assert!(user["department"].is_null());

        let (status, user) = app.get(&format!("/api/v1/users/{id}"), &app.admin_token).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(user["real_name"], "郑洁（市场）");
    }

    async fn admin_password_reset_ends_sessions(app: TestApp) {
        let session = app.user_session("E9001", "冯涛", &[]).await;
        let id = session.user["id"].as_i64().unwrap();
        let (status, _) = app.patch(&format!("/api/v1/users/{id}"), &app.admin_token, json!({"password": "Reset-pass-99"})).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(app.get("/api/v1/me", &session.access_token).await.0, StatusCode::UNAUTHORIZED);
        assert_eq!(app.login("E9001", &user_password("E9001")).await.0, StatusCode::UNAUTHORIZED);
        assert_eq!(app.login("E9001", "Reset-pass-99").await.0, StatusCode::OK);
    }

    async fn admins_cannot_lock_themselves_out(app: TestApp) {
        let me = app.get("/api/v1/me", &app.admin_token).await.1;
        let id = me["id"].as_i64().unwrap();
        let (status, _) = app.patch(&format!("/api/v1/users/{id}"), &app.admin_token, json!({"is_active": false})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, _) = app.patch(&format!("/api/v1/users/{id}"), &app.admin_token, json!({"roles": ["employee"]})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }
}
