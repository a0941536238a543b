//! In-app notifications: `GET /api/v1/notifications`, `POST /api/v1/notifications/{id}/read`,
//! `POST /api/v1/notifications/read-all`, and the e-mail choice per kind
//! (`GET/PUT /api/v1/me/notification-preferences`).

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{Session, TestApp};
use crate::on_both_backends;
use crate::world::{id, World};

async fn notifications(app: &TestApp, who: &Session, query: &str) -> Value {
    let (status, body) = app.get(&format!("/api/v1/notifications{query}"), &who.access_token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

fn kinds(page: &Value) -> Vec<&str> {
    page["items"].as_array().unwrap().iter().map(|n| n["kind"].as_str().unwrap()).collect()
}

on_both_backends! {
    async fn notifications_are_listed_newest_first_and_read_one_by_one_or_all_at_once(app: TestApp) {
        let w = World::new(&app).await;
        let adopted = w.adopted_entry(&app, "采纳通知").await;
        let returned = id(&w.submit(&app, w.business_entry("退回通知")).await);
        let revise = json!({"decision": "revise", "comment": "请补充合同到期日"});
        assert_eq!(app.post(&format!("/api/v1/intel/{returned}/review"), &w.reviewer.access_token, revise).await.0, StatusCode::OK);
        app.post(&format!("/api/v1/intel/{adopted}/usages"), &w.marketer.access_token, json!({"purpose": "visit"})).await;

        let all = notifications(&app, &w.author, "").await;
        assert_eq!(kinds(&all), ["intel_used", "intel_returned", "intel_adopted"]);
        assert_eq!((all["total"].as_i64(), all["unread"].as_i64()), (Some(3), Some(3)));
        let first = &all["items"][2];
        assert_eq!((first["intel_id"].as_i64(), first["read"].as_bool()), (Some(adopted), Some(false)));
        assert!(first["title"].as_str().unwrap().contains("采纳通知"), "{first}");
        assert!(first["created_at"].is_string());
        assert_eq!(notifications(&app, &w.employee, "").await["total"], 0, "each person sees their own");

        let read = |path: String, token: String| {
            let app = &app;
            async move { app.call(Method::POST, &path, Some(&token), None).await.0 }
        };
        let returned_note = format!("/api/v1/notifications/{}/read", id(&all["items"][1]));
        assert_eq!(read(returned_note.clone(), w.employee.access_token.clone()).await, StatusCode::NOT_FOUND, "not theirs");
        assert_eq!(read(returned_note.clone(), w.author.access_token.clone()).await, StatusCode::NO_CONTENT);
        assert_eq!(read("/api/v1/notifications/999999/read".into(), w.author.access_token.clone()).await, StatusCode::NOT_FOUND);
        let unread = notifications(&app, &w.author, "?unread=true").await;
        assert_eq!(kinds(&unread), ["intel_used", "intel_adopted"]);
        assert_eq!((unread["total"].as_i64(), unread["unread"].as_i64()), (Some(2), Some(2)));
        let paged = notifications(&app, &w.author, "?per_page=1&page=3").await;
        assert_eq!((kinds(&paged), paged["total"].as_i64()), (vec!["intel_adopted"], Some(3)));

        assert_eq!(read("/api/v1/notifications/read-all".into(), w.author.access_token.clone()).await, StatusCode::NO_CONTENT);
        let all = notifications(&app, &w.author, "").await;
        assert_eq!((all["total"].as_i64(), all["unread"].as_i64()), (Some(3), Some(0)));
        assert!(all["items"].as_array().unwrap().iter().all(|n| n["read"] == true), "{all}");
        assert_eq!(notifications(&app, &w.author, "?unread=true").await["total"], 0);
        // Someone else's stay unread.
        assert_eq!(notifications(&app, &w.reviewer, "").await["unread"], 0);
        app.post(&format!("/api/v1/intel/{adopted}/usages"), &w.manager.access_token, json!({"purpose": "visit"})).await;
        assert_eq!(notifications(&app, &w.author, "").await["unread"], 1, "new ones arrive unread");
    }

    async fn notification_preferences_choose_mail_per_kind(app: TestApp) {
        let w = World::new(&app).await;
        let token = w.author.access_token.as_str();
        let path = "/api/v1/me/notification-preferences";
        let choice = |preferences: &Value, kind: &str| -> Value {
            let items = preferences["items"].as_array().unwrap();
            items.iter().find(|p| p["kind"] == kind).unwrap_or_else(|| panic!("no {kind} in {preferences}"))["email"].clone()
        };

        let (status, prefs) = app.get(path, token).await;
        assert_eq!(status, StatusCode::OK, "{prefs}");
        assert_eq!(prefs["items"].as_array().unwrap().len(), 18);
        assert_eq!(choice(&prefs, "intel_adopted"), "immediate");
        assert_eq!(choice(&prefs, "weekly_digest"), "weekly");
        for (bad, field) in [
            (json!({"intel_adopted": "weekly"}), "intel_adopted"),
            (json!({"weekly_digest": "daily"}), "weekly_digest"),
            (json!({"no_such_kind": "off"}), "no_such_kind"),
            (json!({"intel_used": "sometimes"}), "intel_used"),
        ] {
            let (status, error) = app.put(path, token, bad).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
            assert!(error["fields"][field].is_string(), "{error}");
        }
        assert_eq!(app.put(path, token, json!(["intel_used"])).await.0, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(choice(&app.get(path, token).await.1, "intel_adopted"), "immediate", "refused changes change nothing");

        let (status, prefs) = app.put(path, token, json!({"intel_adopted": "off", "intel_returned": "daily"})).await;
        assert_eq!(status, StatusCode::OK, "{prefs}");
        assert_eq!((choice(&prefs, "intel_adopted"), choice(&prefs, "intel_returned")), (json!("off"), json!("daily")));
        let (_, again) = app.get(path, token).await;
        assert_eq!((choice(&again, "intel_adopted"), choice(&again, "intel_used")), (json!("off"), json!("immediate")));
        let (_, others) = app.get(path, &w.manager.access_token).await;
        assert_eq!(choice(&others, "intel_adopted"), "immediate", "preferences are personal");
    }
}
