//! The loop to the account manager, first half: owners read and are told of
//! entries on their clients at once; `POST/GET/DELETE /api/v1/follows` and
//! what followers are told.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{urlencode, TestApp};
use crate::on_both_backends;
use crate::smtp::{kinds_of, mail_settings, SmtpSink};
use crate::world::{id, World};

fn competitor_entry(w: &World, title: &str) -> Value {
    json!({"client_id": w.client_id, "category": "competitor", "title": title, "body": "对手报价比我们低两成。",
           "fields": {"competitor": "中国电信", "offer": "千兆宽带免费送一年", "tariff": 199}, "source": "private",
           "observed_at": "2026-11-28"})
}

on_both_backends! {
    async fn owners_read_pending_entries_and_owners_and_followers_are_told(backend: Backend) {
        let (sink, port) = SmtpSink::start().await;
        let app = TestApp::spawn_with(backend, mail_settings(port)).await;
        let w = World::new(&app).await;
        // The owner (李强) and marketing (王芳) follow the competitor; 赵敏 follows the tag, without mail.
        for (who, body) in [
            (&w.manager, json!({"target": "competitor", "value": "中国电信"})),
            (&w.marketer, json!({"target": "competitor", "value": " 中国电信 ", "delivery": "immediate"})),
            (&w.employee, json!({"target": "tag", "value": "高尔夫", "delivery": "off"})),
        ] {
            let (status, follow) = app.post("/api/v1/follows", &who.access_token, body).await;
            assert_eq!(status, StatusCode::CREATED, "{follow}");
        }
        let (status, again) = app.post("/api/v1/follows", &w.marketer.access_token, json!({"target": "competitor", "value": "中国电信"})).await;
        assert_eq!(status, StatusCode::CONFLICT, "{again}");

        let entry = w.submit(&app, competitor_entry(&w, "电信千兆宽带抢单")).await;
        let entry_id = id(&entry);
        // The owner reads it while it waits, and finds it; others do not.
        let (status, seen) = app.get(&format!("/api/v1/intel/{entry_id}"), &w.manager.access_token).await;
        assert_eq!((status, seen["status"].as_str()), (StatusCode::OK, Some("submitted")), "{seen}");
        let (_, pending) = app.get(&format!("/api/v1/intel?client_id={}&status=submitted", w.client_id), &w.manager.access_token).await;
        assert_eq!(pending["total"], 1, "{pending}");
        assert_eq!(app.get(&format!("/api/v1/intel/{entry_id}"), &w.employee.access_token).await.0, StatusCode::NOT_FOUND);
        let (_, others) = app.get(&format!("/api/v1/intel?client_id={}&status=submitted", w.client_id), &w.marketer.access_token).await;
        assert_eq!(others["total"], 0);
        let search = |who: &crate::helpers::Session| {
            let (app, token) = (&app, who.access_token.clone());
            async move { app.get(&format!("/api/v1/search?q={}", urlencode("千兆宽带")), &token).await.1["total"].as_i64().unwrap() }
        };
        crate::helpers::eventually("the owner finds the pending entry", || async { (search(&w.manager).await == 1).then_some(()) }).await;
        assert_eq!(search(&w.employee).await, 0, "a pending entry is not for everyone");
        assert_eq!(kinds_of(&app, &w.manager.access_token).await, ["intel_submitted_for_my_client"]);

        // Adopted and marked urgent: the owner is told again, followers once each, the author not as a follower.
        let mut decision = crate::world::scores("adopt", 4);
        decision["urgent"] = json!(true);
        let (status, decided) = app.post(&format!("/api/v1/intel/{entry_id}/review"), &w.reviewer.access_token, decision).await;
        assert_eq!(status, StatusCode::OK, "{decided}");
        assert_eq!(decided["intel"]["urgent"], true);
        assert_eq!(kinds_of(&app, &w.manager.access_token).await, ["intel_adopted_for_my_client", "intel_submitted_for_my_client"],
                   "the owner is not told twice as a follower");
        assert_eq!(kinds_of(&app, &w.marketer.access_token).await, ["intel_followed"]);
        assert_eq!(kinds_of(&app, &w.employee.access_token).await, ["intel_followed"], "the tag of the client matches");
        assert!(!kinds_of(&app, &w.author.access_token).await.contains(&"intel_followed".to_owned()));

        // Mail: the owner twice, marketing once; 赵敏 chose no mail.
        let messages = sink.expect(&app, 4).await;
        let to = |email: &str| messages.iter().filter(|m| m["rcpt_tos"] == json!([email])).count();
        assert_eq!((to("e1002@zhiku.test"), to("m3001@zhiku.test"), to("e1003@zhiku.test"), to("e1001@zhiku.test")), (2, 1, 0, 1),
                   "{messages:#?}");
        assert!(messages.iter().any(|m| m["subject"].as_str().unwrap().contains("【紧急】")), "urgent is said");

        // What I follow, and unfollowing.
        let (status, mine) = app.get("/api/v1/follows", &w.marketer.access_token).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(mine.as_array().unwrap().len(), 1);
        assert_eq!((mine[0]["target"].as_str(), mine[0]["value"].as_str(), mine[0]["label"].as_str()), (Some("competitor"), Some("中国电信"), Some("中国电信")));
        let path = format!("/api/v1/follows/{}", id(&mine[0]));
        let (status, daily) = app.patch(&path, &w.marketer.access_token, json!({"delivery": "daily"})).await;
        assert_eq!((status, daily["delivery"].as_str()), (StatusCode::OK, Some("daily")), "{daily}");
        assert_eq!(app.patch(&path, &w.marketer.access_token, json!({"delivery": "weekly"})).await.0, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.patch(&path, &w.employee.access_token, json!({"delivery": "off"})).await.0, StatusCode::NOT_FOUND);
        assert_eq!(app.call(Method::DELETE, &path, Some(&w.employee.access_token), None).await.0, StatusCode::NOT_FOUND);
        assert_eq!(app.call(Method::DELETE, &path, Some(&w.marketer.access_token), None).await.0, StatusCode::NO_CONTENT);
        assert_eq!(app.get("/api/v1/follows", &w.marketer.access_token).await.1, json!([]));
    }

}

on_both_backends! {
    async fn following_a_client_includes_its_individuals(app: TestApp) {
        let w = World::new(&app).await;
        let (status, person) = app.post("/api/v1/clients", &app.admin_token,
            json!({"kind": "individual", "name": "周董", "parent_id": w.client_id})).await;
        assert_eq!(status, StatusCode::CREATED, "{person}");
        let (status, follow) = app.post("/api/v1/follows", &w.marketer.access_token, json!({"target": "client", "value": w.client_id})).await;
        assert_eq!(status, StatusCode::CREATED, "{follow}");
        assert_eq!(follow["label"], "芜湖长江实业集团有限公司");
        for bad in [json!({"target": "client", "value": 999999}), json!({"target": "client", "value": "abc"}), json!({"target": "tag", "value": "  "})] {
            let (status, error) = app.post("/api/v1/follows", &w.marketer.access_token, bad).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
            assert!(error["fields"]["value"].is_string(), "{error}");
        }
        let (status, _) = app.post("/api/v1/follows", &w.marketer.access_token, json!({"target": "planet", "value": "x"})).await;
        assert!(status.is_client_error());
        let (status, _) = app.post("/api/v1/follows", &w.marketer.access_token, json!({"target": "region", "value": "芜湖", "delivery": "weekly"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

        let entry = w.submit(&app, json!({"client_id": id(&person), "category": "profile", "title": "周董喜欢高尔夫",
            "body": "周末常去球场。", "fields": {"decision_makers": "周董"}, "source": "private", "observed_at": "2026-11-20"})).await;
        w.adopt(&app, id(&entry), 4).await;
        assert_eq!(kinds_of(&app, &w.marketer.access_token).await, ["intel_followed"], "the group's follower hears of its individual");
    }
}
