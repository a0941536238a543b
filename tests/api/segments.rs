//! The branch's marketing databases on both databases: segments and the
//! client list's filters, sort and export; lost clients with their reasons
//! and the lost-client report; interest tags on contacts and a cluster's
//! invitation tasks; the complaint and opportunity analysis.

use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::TestApp;
use crate::on_both_backends;
use crate::world::{id, World};

fn today() -> chrono::NaiveDate {
    (Utc::now() + Duration::hours(8)).date_naive()
}

fn in_days(days: i64) -> String {
    (today() + Duration::days(days)).to_string()
}

fn names(page: &Value) -> Vec<&str> {
    page["items"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect()
}

async fn client(app: &TestApp, body: Value) -> i64 {
    let (status, client) = app.post("/api/v1/clients", &app.admin_token, body).await;
    assert_eq!(status, StatusCode::CREATED, "{client}");
    id(&client)
}

/// Adopts a business entry about `client` whose contract ends `end`.
async fn contract(app: &TestApp, w: &World, client: i64, end: &str) -> i64 {
    let entry = w
        .submit(
            app,
            json!({"client_id": client, "category": "business", "title": "合同情况", "body": "续约在谈。",
        "fields": {"current_products": "专线", "monthly_spend": 5000, "contract_end": end},
        "source": "public", "observed_at": "2026-11-20"}),
        )
        .await;
    w.adopt(app, id(&entry), 4).await;
    id(&entry)
}

on_both_backends! {
    async fn marketers_find_supporters_by_industry_and_contract_end_and_export_them(app: TestApp) {
        let w = World::new(&app).await;
        let owner = id(&w.manager.user);
        let port = client(&app, json!({"kind": "group", "name": "三山港口物流有限公司", "industry": "港口物流",
            "region": "芜湖市三山区", "tier": "A", "segment": "supporter", "owner_id": owner})).await;
        let cold = client(&app, json!({"kind": "group", "name": "顺达冷链物流有限公司", "industry": "冷链物流",
            "tier": "B", "segment": "supporter"})).await;
        let neutral = client(&app, json!({"kind": "group", "name": "安运物流", "industry": "物流", "segment": "neutral"})).await;
        contract(&app, &w, port, &in_days(30)).await;
        contract(&app, &w, cold, &in_days(200)).await;
        contract(&app, &w, neutral, &in_days(10)).await;

        let wanted = "/api/v1/clients?segment=supporter&industry=%E7%89%A9%E6%B5%81&contract_end_within=90";
        let found = app.get_ok(wanted, &w.marketer.access_token).await;
        assert_eq!((names(&found), found["total"].as_i64()), (vec!["三山港口物流有限公司"], Some(1)), "{found}");
        assert_eq!(found["items"][0]["contract_end"], in_days(30));
        assert_eq!(found["items"][0]["segment"], "supporter");
        // A later adopted business entry restates the contract end.
        contract(&app, &w, port, &in_days(120)).await;
        assert_eq!(app.get_ok(wanted, &w.marketer.access_token).await["total"], 0);
        let within = app.get_ok("/api/v1/clients?industry=%E7%89%A9%E6%B5%81&contract_end_within=150&sort=contract_end", &w.marketer.access_token).await;
        assert_eq!(names(&within), ["安运物流", "三山港口物流有限公司"]);

        // Sorting: by contract end (clients without one last, both ways), by name descending, pinyin by default.
        let by_end = app.get_ok("/api/v1/clients?sort=contract_end", &w.employee.access_token).await;
        assert_eq!(names(&by_end), ["安运物流", "三山港口物流有限公司", "顺达冷链物流有限公司", "芜湖长江实业集团有限公司"]);
        let by_end_desc = app.get_ok("/api/v1/clients?sort=contract_end&order=desc", &w.employee.access_token).await;
        assert_eq!(names(&by_end_desc), ["顺达冷链物流有限公司", "三山港口物流有限公司", "安运物流", "芜湖长江实业集团有限公司"]);
        let by_pinyin = app.get_ok("/api/v1/clients", &w.employee.access_token).await;
        assert_eq!(names(&by_pinyin), ["安运物流", "三山港口物流有限公司", "顺达冷链物流有限公司", "芜湖长江实业集团有限公司"]);
        let segment = app.get_ok("/api/v1/clients?segment=neutral&status=active", &w.employee.access_token).await;
        assert_eq!(names(&segment), ["安运物流"]);
        let (status, body) = app.get("/api/v1/clients?contract_end_within=5000", &w.employee.access_token).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let (status, _) = app.get("/api/v1/clients?sort=owner", &w.employee.access_token).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);

        // The segment is edited like any field, and cleared with null.
        let (status, body) = app.patch(&format!("/api/v1/clients/{neutral}"), &app.admin_token, json!({"segment": "advocate"})).await;
        assert_eq!((status, body["segment"].as_str()), (StatusCode::OK, Some("advocate")), "{body}");
        let (_, body) = app.patch(&format!("/api/v1/clients/{neutral}"), &app.admin_token, json!({"segment": null})).await;
        assert_eq!(body["segment"], Value::Null);

        // The export: the filtered list, for the statistics roles only.
        let export = "/api/v1/clients/export?segment=supporter&industry=%E7%89%A9%E6%B5%81&format=csv";
        let response = app.client.get(app.url(export)).bearer_auth(&w.marketer.access_token).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let csv = response.text().await.unwrap();
        let lines: Vec<&str> = csv.trim_end().split("\r\n").collect();
        assert_eq!(lines.len(), 3, "{csv}");
        assert!(lines[0].contains("合同到期") && lines[1].starts_with("三山港口物流有限公司,集团,港口物流"), "{csv}");
        assert!(lines[1].contains("支持者") && lines[1].contains(&in_days(120)) && lines[1].contains("李强"), "{csv}");
        let (status, _) = app.get(export, &w.employee.access_token).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }

    async fn a_lost_client_records_why_and_shows_in_the_lost_client_report(app: TestApp) {
        let w = World::new(&app).await;
        let before = w.adopted_entry(&app, "电信上门报价").await;
        let path = format!("/api/v1/clients/{}", w.client_id);
        let token = &w.manager.access_token;
        // A bare status change (older callers) is recorded with no reasons; the web app always asks.
        let (status, body) = app.patch(&path, token, json!({"status": "lost"})).await;
        assert_eq!((status, body["loss"]["reasons"].clone()), (StatusCode::OK, json!([])), "{body}");
        let first = body["loss"]["id"].clone();
        let (status, body) = app.patch(&path, token, json!({"status": "lost", "loss": {"reasons": ["competitor_offer"]}})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body["fields"]["loss.competitor"].is_string(), "{body}");
        let (status, body) = app.patch(&path, token, json!({"status": "lost",
            "loss": {"reasons": ["price"], "occurred_on": in_days(3)}})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body["fields"]["loss.occurred_on"].is_string(), "{body}");
        let (status, body) = app.patch(&path, token, json!({"status": "lost",
            "loss": {"reasons": ["price"], "occurred_on": "0001-01-01"}})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let (status, body) = app.patch(&path, token, json!({"tier": "A", "loss": {"reasons": ["price"]}})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a loss needs the status: {body}");

        let (status, body) = app.patch(&path, token, json!({"status": "at_risk",
            "loss": {"reasons": ["network_quality"], "note": "基站信号差"}})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!((body["loss"]["status"].as_str(), body["loss"]["occurred_on"].as_str()), (Some("at_risk"), Some(today().to_string().as_str())));
        let loss_id = body["loss"]["id"].clone();
        assert_eq!(loss_id, first, "one open loss, restated");
        // At risk, then lost to a competitor: the same loss, restated.
        let (status, body) = app.patch(&path, token, json!({"status": "lost",
            "loss": {"reasons": ["competitor_offer", "price", "price"], "competitor": "中国电信", "occurred_on": today().to_string()}})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["loss"]["id"], loss_id);
        assert_eq!(body["loss"]["reasons"], json!(["price", "competitor_offer"]));
        assert_eq!((body["loss"]["competitor"].as_str(), body["loss"]["recorded_by"]["real_name"].as_str()), (Some("中国电信"), Some("李强")));

        let report = app.get_ok("/api/v1/stats/losses", &w.marketer.access_token).await;
        assert_eq!((report["total"].as_i64(), report["open"].as_i64()), (Some(1), Some(1)), "{report}");
        assert_eq!(report["by_competitor"], json!([{"key": "中国电信", "count": 1}]));
        assert_eq!(report["by_reason"], json!([{"key": "competitor_offer", "count": 1}, {"key": "price", "count": 1}]));
        assert_eq!(report["by_industry"], json!([{"key": "制造业", "count": 1}]));
        assert_eq!(report["by_month"][0]["lost"], 1);
        let item = &report["items"][0];
        assert_eq!((item["client"]["name"].as_str(), item["client"]["status"].as_str()), (Some("芜湖长江实业集团有限公司"), Some("lost")));
        assert_eq!(item["preceding"][0]["id"].as_i64(), Some(before), "{item}");
        let (status, _) = app.get("/api/v1/stats/losses", &w.employee.access_token).await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // Won back: the loss closes with its outcome; the report keeps it.
        let (status, body) = app.patch(&path, token, json!({"status": "active"})).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!((body["loss"]["outcome"].as_str(), body["loss"]["closed_on"].as_str()), (Some("won_back"), Some(today().to_string().as_str())));
        let all = app.get_ok("/api/v1/stats/losses?period=all", &w.marketer.access_token).await;
        assert_eq!(all["total"], 1, "{all}");
        let report = app.get_ok("/api/v1/stats/losses?period=year", &w.marketer.access_token).await;
        assert_eq!((report["total"].as_i64(), report["open"].as_i64(), report["won_back"].as_i64()), (Some(1), Some(0), Some(1)));
        assert_eq!(report["by_month"][0]["won_back"], 1);
    }

    async fn contacts_carry_interest_tags_and_invitations_become_owners_tasks(app: TestApp) {
        let w = World::new(&app).await;
        let owner = id(&w.manager.user);
        let group = client(&app, json!({"kind": "group", "name": "芜湖江淮农商行", "owner_id": owner})).await;
        let unowned = client(&app, json!({"kind": "individual", "name": "王建国", "tags": ["高尔夫"]})).await;
        let (status, contact) = app.post(&format!("/api/v1/clients/{group}/contacts"), &w.manager.access_token,
            json!({"name": "邓行长", "title": "行长", "phone": "13800000001", "tags": ["网球", "高尔夫", "网球"]})).await;
        assert_eq!(status, StatusCode::CREATED, "{contact}");
        assert_eq!(contact["tags"], json!(["网球", "高尔夫"]));
        let (status, edited) = app.patch(&format!("/api/v1/contacts/{}", id(&contact)), &w.manager.access_token,
            json!({"tags": ["网球"]})).await;
        assert_eq!((status, edited["tags"].clone()), (StatusCode::OK, json!(["网球"])));

        // The group is in the 网球 cluster through its contact; 高尔夫 has the World's client and 王建国.
        let clusters = app.get_ok("/api/v1/stats/clusters", &w.marketer.access_token).await;
        let cluster = |tag: &str| clusters.as_array().unwrap().iter().find(|c| c["tag"] == tag).cloned().unwrap();
        assert_eq!((cluster("网球")["clients"].as_i64(), cluster("网球")["groups"].as_i64()), (Some(1), Some(1)));
        assert_eq!((cluster("高尔夫")["clients"].as_i64(), cluster("高尔夫")["individuals"].as_i64()), (Some(2), Some(1)));
        let members = app.get_ok("/api/v1/stats/clusters/%E7%BD%91%E7%90%83/clients", &w.marketer.access_token).await;
        assert_eq!(names(&json!({"items": members["items"].as_array().unwrap().iter().map(|m| m["client"].clone()).collect::<Vec<_>>()})), ["芜湖江淮农商行"]);
        assert_eq!(members["items"][0]["contacts"][0]["phone"], "***", "masked for the marketer");
        assert_eq!(members["items"][0]["contacts"][0]["tags"], json!(["网球"]));

        // The invitation: a task for each owner, once while open; unowned clients are listed.
        let invite = json!({"title": "邀请参加12月高尔夫邀请赛", "due_on": in_days(7), "note": "名额有限"});
        let golf = "/api/v1/stats/clusters/%E9%AB%98%E5%B0%94%E5%A4%AB/invitations";
        let (status, first, _) = app.post_keyed(golf, &w.marketer.access_token, "golf-1", &invite).await;
        assert_eq!(status, StatusCode::CREATED, "{first}");
        assert_eq!((first["created"].as_i64(), first["already_open"].as_i64()), (Some(1), Some(0)), "{first}");
        assert_eq!(first["without_owner"], json!([{"id": unowned, "name": "王建国"}]));
        assert_eq!(first["tasks"][0]["assignee"]["id"].as_i64(), Some(owner));
        let (status, replay, replayed) = app.post_keyed(golf, &w.marketer.access_token, "golf-1", &invite).await;
        assert_eq!((status, &replay, replayed), (StatusCode::CREATED, &first, true), "the same key replays");
        let (status, again, _) = app.post_keyed(golf, &w.marketer.access_token, "golf-2", &invite).await;
        assert_eq!(status, StatusCode::CREATED);
        assert_eq!((again["created"].as_i64(), again["already_open"].as_i64()), (Some(0), Some(1)), "{again}");
        let (status, body, _) = app.post_keyed(golf, &w.marketer.access_token, "golf-3",
            &json!({"title": " ", "due_on": in_days(-1)})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body["fields"]["title"].is_string() && body["fields"]["due_on"].is_string(), "{body}");
        let (status, _, _) = app.post_keyed(golf, &w.employee.access_token, "golf-4", &invite).await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        let tasks = app.get_ok("/api/v1/tasks?status=open", &w.manager.access_token).await;
        assert_eq!((tasks["total"].as_i64(), tasks["items"][0]["title"].as_str()), (Some(1), Some("邀请参加12月高尔夫邀请赛")));
        let notes = app.get_ok("/api/v1/notifications", &w.manager.access_token).await;
        assert!(notes["items"].as_array().unwrap().iter().any(|n| n["kind"] == "task_assigned"), "{notes}");
    }

    async fn complaints_and_opportunities_are_analysed_from_their_fields(app: TestApp) {
        let w = World::new(&app).await;
        for (kind, severity, resolution) in [("网络质量", "严重", "已加装室分"), ("网络质量", "一般", ""), ("账单", "一般", "已退费")] {
            let entry = w.submit(&app, json!({"client_id": w.client_id, "category": "service", "title": "投诉",
                "body": "客户来电投诉。", "fields": {"complaint_type": kind, "severity": severity, "resolution": resolution,
                "occurred_on": "2026-11-18"}, "source": "public", "observed_at": "2026-11-20"})).await;
            w.adopt(&app, id(&entry), 4).await;
        }
        for (stage, budget) in [("方案", 80), ("商务谈判", 200)] {
            let entry = w.submit(&app, json!({"client_id": w.client_id, "category": "opportunity", "title": "商机",
                "body": "扩容需求。", "fields": {"need": "专线扩容", "stage": stage, "budget": budget, "timeline": "2027-02-10"},
                "source": "public", "observed_at": "2026-11-20"})).await;
            w.adopt(&app, id(&entry), 4).await;
        }
        let service = app.get_ok("/api/v1/stats/service?period=all", &w.marketer.access_token).await;
        assert_eq!((service["total"].as_i64(), service["resolved"].as_i64(), service["unresolved"].as_i64()), (Some(3), Some(2), Some(1)));
        assert_eq!(service["by_type"][0], json!({"key": "网络质量", "count": 2}));
        assert_eq!(service["network_by_area"], json!([{"key": "芜湖", "count": 2}]));
        assert_eq!(service["by_month"][0]["month"], "2026-11");
        let pipeline = app.get_ok("/api/v1/stats/opportunities?period=all", &w.marketer.access_token).await;
        assert_eq!(pipeline["total"], 2);
        assert_eq!(pipeline["pipeline"], json!({"budget": 280.0, "expected_value": 190.0}));
        assert_eq!(pipeline["by_timeline"], json!([{"month": "2027-02", "count": 2, "budget": 280.0}]));
        let (status, _) = app.get("/api/v1/stats/service", &w.employee.access_token).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
}
