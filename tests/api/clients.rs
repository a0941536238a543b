//! Clients: `POST/GET /api/v1/clients`, `GET/PATCH /api/v1/clients/{id}`,
//! `GET /api/v1/clients/{id}/dossier`, `PUT /api/v1/clients/{id}/owner`.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::urlencode;
use crate::on_both_backends;
use crate::world::{id, World};

on_both_backends! {
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
        let (status, client) = app.get(&format!("/api/v1/clients/{}", w.client_id), &w.employee.access_token).await;
        assert_eq!(status, StatusCode::OK, "{client}");
        assert_eq!((client["name"].as_str(), client["tier"].as_str(), client["status"].as_str()),
                   (Some("芜湖长江实业集团有限公司"), Some("S"), Some("at_risk")));
        assert_eq!(client["owner"]["real_name"], "李强");
        assert_eq!(client["kind"], "group");
        let (status, vip) = app.get(&format!("/api/v1/clients/{}", id(&vip)), &w.employee.access_token).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(vip["parent_id"], w.client_id);
        assert_eq!(app.get("/api/v1/clients/999999", &w.employee.access_token).await.0, StatusCode::NOT_FOUND);
    }

    async fn dossier_and_handover(app: TestApp) {
        let w = World::new(&app).await;
        let path = format!("/api/v1/clients/{}", w.client_id);
        let (status, contact) = app.post(&format!("{path}/contacts"), &w.author.access_token,
            json!({"name": "孙总", "title": "财务副总", "is_decision_maker": true, "phone": "13800001234", "notes": "不喝酒"})).await;
        assert_eq!(status, StatusCode::CREATED, "{contact}");
        let old = w.adopted_entry(&app, "老的").await;
        w.adopted_entry(&app, "新的").await;
        let false_one = w.adopted_entry(&app, "不实的").await;
        for (entry, note) in [(old, "拜访时提到"), (false_one, "按不实信息报价")] {
            let (status, _) = app.post(&format!("/api/v1/intel/{entry}/usages"), &w.marketer.access_token, json!({"purpose": "visit", "note": note})).await;
            assert_eq!(status, StatusCode::CREATED);
        }
        let (status, _) = app.post(&format!("/api/v1/intel/{false_one}/retract"), &w.reviewer.access_token, json!({"comment": "不实"})).await;
        assert_eq!(status, StatusCode::OK);
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
        let notes = |d: &serde_json::Value| d["usages"].as_array().unwrap().iter().map(|u| u["note"].as_str().unwrap().to_owned()).collect::<Vec<_>>();
        assert_eq!(notes(&dossier), ["拜访时提到"], "uses of a retracted entry are as hidden as the entry");
        let (_, owners) = app.get(&format!("{path}/dossier"), &w.manager.access_token).await;
        assert_eq!(owners["contacts"][0]["phone"], "13800001234");
        let (_, reviewers) = app.get(&format!("{path}/dossier"), &w.reviewer.access_token).await;
        assert_eq!(notes(&reviewers), ["按不实信息报价", "拜访时提到"]);

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
