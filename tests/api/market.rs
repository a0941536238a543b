//! Market-wide competitor intelligence: a competitor entry about no client
//! (a tariff or campaign for the whole market) or about several clients —
//! `POST /api/v1/intel` with `"client_id": null` and `"client_ids"`, and where
//! such entries show: the entry, search, the dossiers and owners of the
//! clients named, the competitor's followers, `GET /api/v1/stats/competitors`
//! and the reminder job.

use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{eventually, urlencode, TestApp};
use crate::on_both_backends;
use crate::smtp::{kinds_of, run_job};
use crate::world::{id, World};

fn market_entry(title: &str, client_id: Value, client_ids: Value) -> Value {
    json!({"client_id": client_id, "client_ids": client_ids, "category": "competitor", "title": title,
           "body": "联通在全市推出校园卡五折，代理渠道同步铺开。",
           "fields": {"competitor": "中国联通", "offer": "校园卡五折", "tariff": 19}, "source": "public",
           "observed_at": "2026-11-28"})
}

async fn another_client(app: &TestApp, name: &str, owner: &Value) -> i64 {
    let (status, client) = app
        .post("/api/v1/clients", &app.admin_token,
              json!({"kind": "group", "name": name, "industry": "物流", "region": "马鞍山", "owner_id": id(owner)}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{client}");
    id(&client)
}

async fn search_total(app: &TestApp, token: &str, query: &str) -> i64 {
    let (status, page) = app.get(&format!("/api/v1/search?{query}"), token).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["total"].as_i64().unwrap()
}

on_both_backends! {
    async fn a_market_wide_entry_reaches_search_stats_and_the_competitors_followers(app: TestApp) {
        let w = World::new(&app).await;
        for who in [&w.marketer, &w.manager] {
            let (status, follow) = app.post("/api/v1/follows", &who.access_token, json!({"target": "competitor", "value": "中国联通"})).await;
            assert_eq!(status, StatusCode::CREATED, "{follow}");
        }
        let entry = w.submit(&app, market_entry("联通校园卡五折全市铺开", Value::Null, json!([]))).await;
        assert_eq!((entry["client"].clone(), entry["clients"].clone()), (Value::Null, json!([])), "{entry}");
        // Nobody owns the market: while it waits only the author and reviewers read it.
        let entry_id = id(&entry);
        assert_eq!(app.get(&format!("/api/v1/intel/{entry_id}"), &w.manager.access_token).await.0, StatusCode::NOT_FOUND);
        assert_eq!(app.get(&format!("/api/v1/intel/{entry_id}"), &w.reviewer.access_token).await.0, StatusCode::OK);
        assert!(kinds_of(&app, &w.manager.access_token).await.is_empty());

        let decided = w.adopt(&app, entry_id, 4).await;
        assert_eq!(decided["intel"]["client"], Value::Null, "{decided}");
        for who in [&w.marketer, &w.manager] {
            assert_eq!(kinds_of(&app, &who.access_token).await, ["intel_followed"], "followers of 中国联通 are told");
        }
        let (_, notes) = app.get("/api/v1/notifications", &w.marketer.access_token).await;
        let note = &notes["items"][0];
        assert_eq!((note["intel_id"].as_i64(), note["client_id"].clone()), (Some(entry_id), Value::Null), "{note}");
        assert!(note["body"].as_str().unwrap().contains("全市场"), "{note}");

        // Everyone finds it, by its words and as a competitor entry; the kind facet counts it as market-wide.
        let words = format!("q={}", urlencode("校园卡"));
        eventually("the adopted entry is searchable", || async {
            (search_total(&app, &w.employee.access_token, &words).await == 1).then_some(())
        }).await;
        let (_, found) = app.get(&format!("/api/v1/search?{words}&category=competitor"), &w.employee.access_token).await;
        assert_eq!(found["items"][0]["intel"]["id"].as_i64(), Some(entry_id), "{found}");
        assert_eq!(found["items"][0]["intel"]["clients"], json!([]));
        assert_eq!(found["facets"]["client_kind"]["market"], 1, "the kind facet counts it as market-wide: {}", found["facets"]);
        assert_eq!(search_total(&app, &w.employee.access_token, &format!("{words}&client_id={}", w.client_id)).await, 0);

        // The competitor report counts it, and as market-wide.
        let (status, report) = app.get("/api/v1/stats/competitors", &w.marketer.access_token).await;
        assert_eq!(status, StatusCode::OK, "{report}");
        let unicom = report["items"].as_array().or(report.as_array()).unwrap().iter()
            .find(|c| c["competitor"] == "中国联通").cloned().unwrap_or_else(|| panic!("{report}"));
        assert_eq!((unicom["entries"].as_i64(), unicom["market_wide"].as_i64()), (Some(1), Some(1)), "{unicom}");
        let (status, overview) = app.get("/api/v1/stats/overview", &app.admin_token).await;
        assert_eq!(status, StatusCode::OK, "{overview}");
        assert!(overview.to_string().contains("\"market\""), "the overview counts entries about no client as market: {overview}");
    }
}

on_both_backends! {
    async fn an_entry_about_several_clients_reaches_each_owner_and_dossier(app: TestApp) {
        let w = World::new(&app).await;
        let third_owner = app.user_session("E1009", "孙丽", &["account_manager"]).await;
        let other = another_client(&app, "马鞍山钢城物流有限公司", &w.author.user).await;
        let third = another_client(&app, "芜湖港航物流有限公司", &third_owner.user).await;
        // 李强 owns the first client, 张伟 (the author) the second, 孙丽 the third.
        let entry = w.submit(&app, market_entry("联通给两家物流企业报价", json!(w.client_id), json!([other, w.client_id, third]))).await;
        let entry_id = id(&entry);
        let named: Vec<i64> = entry["clients"].as_array().unwrap().iter().map(id).collect();
        assert_eq!((id(&entry["client"]), named), (w.client_id, vec![w.client_id, other, third]), "the first client first, each once");

        // Each owner but the author is told and reads it while it waits; others are not.
        for owner in [&w.manager, &third_owner] {
            assert_eq!(kinds_of(&app, &owner.access_token).await, ["intel_submitted_for_my_client"]);
            assert_eq!(app.get(&format!("/api/v1/intel/{entry_id}"), &owner.access_token).await.0, StatusCode::OK);
        }
        let (_, pending) = app.get(&format!("/api/v1/intel?client_id={third}&status=submitted"), &third_owner.access_token).await;
        assert_eq!(pending["total"], 1, "{pending}");
        assert_eq!(app.get(&format!("/api/v1/intel/{entry_id}"), &w.marketer.access_token).await.0, StatusCode::NOT_FOUND);
        let (_, preview) = app.get(&format!("/api/v1/clients/{third}/handover?to={}", id(&w.manager.user)), &app.admin_token).await;
        assert_eq!(preview["pending_entries"]["count"], 1, "{preview}");

        w.adopt(&app, entry_id, 4).await;
        // It is in every named client's dossier and summary, and found by each client.
        for client in [w.client_id, other, third] {
            let (status, dossier) = app.get(&format!("/api/v1/clients/{client}/dossier"), &app.admin_token).await;
            assert_eq!(status, StatusCode::OK, "{dossier}");
            assert!(dossier["intel"].as_array().unwrap().iter().any(|e| id(e) == entry_id), "client {client}: {dossier}");
            assert_eq!(dossier["summary"]["competitor_activity"], 1, "{}", dossier["summary"]);
        }
        eventually("each client finds it", || async {
            let mut all = true;
            for client in [w.client_id, other, third] {
                all &= search_total(&app, &w.employee.access_token, &format!("client_id={client}&category=competitor")).await == 1;
            }
            all.then_some(())
        }).await;
        // The search text holds every client's name.
        assert_eq!(search_total(&app, &w.employee.access_token, &format!("q={}", urlencode("钢城物流"))).await, 1);
    }
}

on_both_backends! {
    async fn only_competitor_entries_may_name_no_client_or_several(app: TestApp) {
        let w = World::new(&app).await;
        let other = another_client(&app, "马鞍山钢城物流有限公司", &w.manager.user).await;
        let mut business = w.business_entry("没有客户的商机");
        business["client_id"] = Value::Null;
        let (status, error) = app.post("/api/v1/intel", &w.author.access_token, business.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
        assert!(error["fields"]["client_id"].is_string(), "{error}");
        business.as_object_mut().unwrap().remove("client_id");
        assert_eq!(app.post("/api/v1/intel", &w.author.access_token, business).await.0, StatusCode::UNPROCESSABLE_ENTITY);
        let mut several = w.business_entry("两家客户的商机");
        several["client_ids"] = json!([other]);
        let (status, error) = app.post("/api/v1/intel", &w.author.access_token, several).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
        assert!(error["fields"]["client_ids"].is_string(), "{error}");
        // The same client twice is one client, not several.
        let mut twice = w.business_entry("同一客户");
        twice["client_ids"] = json!([w.client_id]);
        assert_eq!(app.post("/api/v1/intel", &w.author.access_token, twice).await.0, StatusCode::CREATED);

        for (bad, field) in [(json!([999_999]), "client_ids"), (json!("x"), ""), (json!((1..=51).collect::<Vec<i64>>()), "client_ids")] {
            let (status, error) = app.post("/api/v1/intel", &w.author.access_token, market_entry("坏的客户列表", Value::Null, bad)).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
            if !field.is_empty() {
                assert!(error["fields"][field].is_string(), "{error}");
            }
        }
        let (status, error) = app.post("/api/v1/intel", &w.author.access_token, market_entry("坏的客户", json!(999_999), json!([]))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
        assert!(error["fields"]["client_id"].is_string(), "{error}");

        // A draft moves from one client to the whole market and back; a business draft cannot lose its client.
        let mut draft = market_entry("草稿", json!(w.client_id), json!([]));
        draft["draft"] = json!(true);
        let draft_id = id(&w.submit(&app, draft).await);
        let path = format!("/api/v1/intel/{draft_id}");
        let (status, market) = app.put(&path, &w.author.access_token, json!({"client_id": null, "client_ids": []})).await;
        assert_eq!((status, market["client"].clone(), market["clients"].clone()), (StatusCode::OK, Value::Null, json!([])), "{market}");
        let (status, both) = app.put(&path, &w.author.access_token, json!({"client_ids": [other, w.client_id]})).await;
        assert_eq!(status, StatusCode::OK, "{both}");
        assert_eq!((both["client"].clone(), both["clients"].as_array().unwrap().len()), (Value::Null, 2), "{both}");
        let (status, error) = app.put(&path, &w.author.access_token, json!({"category": "business"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
        let (status, one) = app.put(&path, &w.author.access_token, json!({"client_id": other, "submit": true})).await;
        assert_eq!(status, StatusCode::OK, "{one}");
        assert_eq!((id(&one["client"]), one["clients"].as_array().unwrap().len(), one["status"].as_str()), (other, 1, Some("submitted")));
        // A revision keeps the clients of what it revises.
        w.adopt(&app, draft_id, 4).await;
        let (status, revision) = app.post(&format!("{path}/revisions"), &w.author.access_token,
            json!({"title": "草稿（修订）", "fields": {"competitor": "中国联通", "offer": "校园卡五折", "tariff": 19}, "source": "public", "observed_at": "2026-11-29"})).await;
        assert_eq!(status, StatusCode::CREATED, "{revision}");
        assert_eq!(id(&revision["client"]), other);
    }
}

on_both_backends! {
    async fn a_market_wide_deadline_reminds_the_competitors_followers_once(app: TestApp) {
        let w = World::new(&app).await;
        let (status, _) = app.post("/api/v1/follows", &w.marketer.access_token, json!({"target": "competitor", "value": "中国联通"})).await;
        assert_eq!(status, StatusCode::CREATED);
        let deadline = ((Utc::now() + Duration::hours(8)).date_naive() + Duration::days(5)).to_string();
        let mut market = market_entry("联通限时优惠截止", Value::Null, json!([]));
        market["fields"]["deadline"] = json!(deadline);
        let other_owner = app.user_session("E1009", "孙丽", &["account_manager"]).await;
        let other = another_client(&app, "马鞍山钢城物流有限公司", &other_owner.user).await;
        let mut several = market_entry("联通给两家客户限时报价", json!(w.client_id), json!([other]));
        several["fields"]["deadline"] = json!(deadline);
        for body in [market, several] {
            let entry = id(&w.submit(&app, body).await);
            w.adopt(&app, entry, 4).await;
        }
        let (status, run) = run_job(&app, "reminders", false).await;
        assert_eq!(status, StatusCode::OK, "{run}");
        assert_eq!(run["summary"]["fact_reminders"], 3, "the follower, and each client's owner: {run}");
        assert_eq!(run_job(&app, "reminders", true).await.1["summary"]["fact_reminders"], 0, "each once");
        for (who, about) in [(&w.marketer, "中国联通"), (&w.manager, "芜湖长江实业集团有限公司"), (&other_owner, "马鞍山钢城物流有限公司")] {
            let (_, page) = app.get("/api/v1/reminders?status=open", &who.access_token).await;
            let items = page["items"].as_array().unwrap();
            assert_eq!(items.len(), 1, "{page}");
            assert!(items[0]["title"].as_str().unwrap().starts_with(about), "{page}");
            assert_eq!(items[0]["due_on"].as_str().map(|_| ()), Some(()));
        }
    }
}
