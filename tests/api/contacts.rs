//! Contacts of group clients: `POST /api/v1/clients/{id}/contacts`, `PATCH /api/v1/contacts/{id}`.

use reqwest::StatusCode;
use serde_json::json;

use crate::on_both_backends;
use crate::world::{id, World};

on_both_backends! {
    async fn contacts_belong_to_group_clients_and_are_validated(app: TestApp) {
        let w = World::new(&app).await;
        let path = format!("/api/v1/clients/{}/contacts", w.client_id);
        let (status, error) = app.post(&path, &w.author.access_token, json!({"title": "财务副总", "phone": "call me"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
        assert!(error["fields"]["name"].is_string() && error["fields"]["phone"].is_string(), "{error}");
        let (_, vip) = app.post("/api/v1/clients", &w.author.access_token, json!({"kind": "individual", "name": "王建国"})).await;
        let (status, error) = app.post(&format!("/api/v1/clients/{}/contacts", id(&vip)), &w.author.access_token, json!({"name": "秘书"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
        assert!(error["fields"]["client_id"].is_string(), "{error}");
        assert_eq!(app.post("/api/v1/clients/999999/contacts", &w.author.access_token, json!({"name": "无名"})).await.0, StatusCode::NOT_FOUND);

        let (status, contact) = app.post(&path, &w.author.access_token,
            json!({"name": "孙总", "title": "财务副总", "is_decision_maker": true, "phone": "13800001234", "notes": "不喝酒"})).await;
        assert_eq!(status, StatusCode::CREATED, "{contact}");
        assert_eq!((contact["name"].as_str(), contact["title"].as_str(), contact["is_decision_maker"].as_bool()),
                   (Some("孙总"), Some("财务副总"), Some(true)));
        assert_eq!(contact["client_id"], w.client_id);
        let (_, dossier) = app.get(&format!("/api/v1/clients/{}/dossier", w.client_id), &w.manager.access_token).await;
        assert_eq!(dossier["contacts"][0]["phone"], "13800001234", "the owner sees it");
    }

    async fn contacts_are_edited_by_their_author_the_owner_or_staff(app: TestApp) {
        let w = World::new(&app).await;
        let (_, contact) = app.post(&format!("/api/v1/clients/{}/contacts", w.client_id), &w.author.access_token,
            json!({"name": "孙总", "title": "财务副总", "phone": "13800001234", "notes": "不喝酒"})).await;
        let path = format!("/api/v1/contacts/{}", id(&contact));

        assert_eq!(app.patch(&path, &w.employee.access_token, json!({"title": "总经理"})).await.0, StatusCode::FORBIDDEN);
        assert_eq!(app.patch("/api/v1/contacts/999999", &w.author.access_token, json!({"title": "总经理"})).await.0, StatusCode::NOT_FOUND);
        let (status, error) = app.patch(&path, &w.author.access_token, json!({"phone": "call me"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
        assert!(error["fields"]["phone"].is_string(), "{error}");

        let (status, edited) = app.patch(&path, &w.author.access_token, json!({"title": "总经理", "is_decision_maker": true})).await;
        assert_eq!(status, StatusCode::OK, "{edited}");
        assert_eq!((edited["title"].as_str(), edited["is_decision_maker"].as_bool()), (Some("总经理"), Some(true)));
        assert_eq!(edited["name"], "孙总", "fields left out stay as they were");
        let (status, edited) = app.patch(&path, &w.manager.access_token, json!({"phone": "13900005678"})).await;
        assert_eq!(status, StatusCode::OK, "{edited}");
        assert_eq!((edited["phone"].as_str(), edited["title"].as_str()), (Some("13900005678"), Some("总经理")));
        assert_eq!(app.patch(&path, &w.reviewer.access_token, json!({"notes": "喜欢喝茶"})).await.0, StatusCode::OK);

        let (_, dossier) = app.get(&format!("/api/v1/clients/{}/dossier", w.client_id), &w.manager.access_token).await;
        let listed = &dossier["contacts"][0];
        assert_eq!((listed["title"].as_str(), listed["phone"].as_str(), listed["notes"].as_str()),
                   (Some("总经理"), Some("13900005678"), Some("喜欢喝茶")));
        let (_, public) = app.get(&format!("/api/v1/clients/{}/dossier", w.client_id), &w.employee.access_token).await;
        assert_eq!((public["contacts"][0]["phone"].as_str(), public["contacts"][0]["masked"].as_bool()), (Some("***"), Some(true)));
    }
}
