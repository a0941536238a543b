//! The reports the database computes — freshness, competitors, clusters — at
//! their edges: market-wide entries and clients without an owner, verifying,
//! superseded and out-of-window entries, client filters and members' tags.

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{Rows, TestApp};
use crate::on_both_backends;
use crate::world::{id, World};

/// A competitor entry about one client, or about the whole market (`Value::Null`).
fn competitor(client_id: Value, competitor: &str, offer: &str) -> Value {
    let mut entry = json!({"client_id": client_id, "category": "competitor", "title": format!("{competitor}{offer}"),
           "body": "竞争情报", "fields": {"competitor": competitor, "offer": offer, "tariff": 39}, "source": "public",
           "observed_at": "2026-11-20"});
    if client_id.is_null() {
        entry["client_ids"] = json!([]);
    }
    entry
}

async fn client(app: &TestApp, body: Value) -> i64 {
    let (status, client) = app.post("/api/v1/clients", &app.admin_token, body).await;
    assert_eq!(status, StatusCode::CREATED, "{client}");
    id(&client)
}

fn find<'a>(list: &'a Value, key: &str, value: Value) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|x| x[key] == value)
        .unwrap_or_else(|| panic!("no {key}={value} in {list}"))
}

on_both_backends! {
    async fn freshness_counts_each_owner_and_restarts_on_verify(app: TestApp) {
        let w = World::new(&app).await;
        // 李强 owns the A-tier client; a B-tier client has no owner; one entry names no client.
        let unowned = client(&app, json!({"kind": "group", "name": "无主物流有限公司", "tier": "B"})).await;
        let on_key = w.adopted_entry(&app, "重点客户情报").await;
        let verified = w.adopted_entry(&app, "已核实情报").await;
        let mut other = w.business_entry("无主客户情报");
        other["client_id"] = json!(unowned);
        let on_unowned = id(&w.submit(&app, other).await);
        w.adopt(&app, on_unowned, 4).await;
        let market = id(&w.submit(&app, competitor(Value::Null, "中国联通", "校园卡五折")).await);
        w.adopt(&app, market, 4).await;
        let pending = id(&w.submit(&app, w.business_entry("待审情报")).await);

        // Business goes stale after 90 days, competitor news after 30.
        for entry in [on_key, verified, on_unowned, pending] {
            app.age("intel", Rows::Id(entry), &["adopted_at", "submitted_at"], Duration::days(100)).await;
        }
        app.age("intel", Rows::Id(market), &["adopted_at"], Duration::days(20)).await;
        let (status, body) = app.post(&format!("/api/v1/intel/{verified}/verify"), &w.author.access_token, json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");

        let (status, f) = app.get("/api/v1/stats/freshness", &w.marketer.access_token).await;
        assert_eq!(status, StatusCode::OK, "{f}");
        assert_eq!((f["adopted"].as_i64(), f["stale"].as_i64(), f["stale_share"].as_f64()), (Some(4), Some(2), Some(0.5)));
        let business = find(&f["by_category"], "category", json!("business"));
        assert_eq!((business["name"].as_str(), business["adopted"].as_i64(), business["stale"].as_i64()), (Some("业务状况"), Some(3), Some(2)));
        let news = find(&f["by_category"], "category", json!("competitor"));
        assert_eq!((news["adopted"].as_i64(), news["stale"].as_i64()), (Some(1), Some(0)));
        assert_eq!(f["by_owner"], json!([
            {"owner_id": null, "owner_name": null, "adopted": 2, "stale": 1, "stale_share": 0.5},
            {"owner_id": id(&w.manager.user), "owner_name": "李强", "adopted": 2, "stale": 1, "stale_share": 0.5},
        ]), "market-wide entries and unowned clients have no owner");
        // Only key clients are listed, the longest unconfirmed first; verifying restarts the clock.
        let oldest: Vec<(i64, bool, i64)> = f["oldest_on_key_clients"].as_array().unwrap().iter()
            .map(|o| (o["intel_id"].as_i64().unwrap(), o["stale"].as_bool().unwrap(), o["age_days"].as_i64().unwrap()))
            .collect();
        assert_eq!(oldest, [(on_key, true, 100), (verified, false, 0)]);
        assert_eq!(f["oldest_on_key_clients"][0]["client_name"], "芜湖长江实业集团有限公司");
        assert_eq!(f["oldest_on_key_clients"][0]["tier"], "A");
    }

    async fn competitors_count_the_window_and_market_wide_news(app: TestApp) {
        let w = World::new(&app).await;
        let mut adopted = Vec::new();
        for (client_id, competitor_name, offer) in [
            (json!(w.client_id), "中国电信", "宽带免费送"),
            (Value::Null, "中国电信", "宽带免费送"),
            (Value::Null, "中国电信", "融合套餐"),
            (json!(w.client_id), "中国联通", "校园卡五折"),
        ] {
            let entry = id(&w.submit(&app, competitor(client_id, competitor_name, offer)).await);
            w.adopt(&app, entry, 4).await;
            adopted.push(entry);
        }
        // One was adopted last year, one is still waiting: neither counts this month.
        app.age("intel", Rows::Id(adopted[2]), &["adopted_at"], Duration::days(400)).await;
        w.submit(&app, competitor(json!(w.client_id), "中国广电", "流量包")).await;

        let (status, month) = app.get("/api/v1/stats/competitors?period=month", &w.marketer.access_token).await;
        assert_eq!(status, StatusCode::OK, "{month}");
        let shown: Vec<(&str, i64, i64)> = month.as_array().unwrap().iter()
            .map(|c| (c["competitor"].as_str().unwrap(), c["entries"].as_i64().unwrap(), c["market_wide"].as_i64().unwrap()))
            .collect();
        assert_eq!(shown, [("中国电信", 2, 1), ("中国联通", 1, 0)]);
        assert_eq!(month[0]["offers"][0]["entries"], 2);
        let (_, all) = app.get("/api/v1/stats/competitors?period=all", &w.marketer.access_token).await;
        let telecom = find(&all, "competitor", json!("中国电信"));
        assert_eq!((telecom["entries"].as_i64(), telecom["market_wide"].as_i64()), (Some(3), Some(2)));
        assert_eq!(telecom["months"].as_array().unwrap().len(), 2, "{telecom}");
        assert_eq!(telecom["offers"][1]["offer"], "融合套餐");
    }

    async fn clusters_filter_by_region_and_members_carry_their_tags(app: TestApp) {
        let w = World::new(&app).await;
        client(&app, json!({"kind": "individual", "name": "王建国", "tier": "S", "region": "芜湖", "tags": ["高尔夫", "红酒"]})).await;
        client(&app, json!({"kind": "individual", "name": "李明", "region": "合肥", "tags": ["高尔夫"]})).await;
        let (_, wuhu) = app.get(&format!("/api/v1/stats/clusters?region={}", "%E8%8A%9C%E6%B9%96"), &w.marketer.access_token).await;
        assert_eq!(wuhu, json!([
            {"tag": "高尔夫", "clients": 2, "groups": 1, "individuals": 1},
            {"tag": "机场贵宾", "clients": 1, "groups": 1, "individuals": 0},
            {"tag": "红酒", "clients": 1, "groups": 0, "individuals": 1},
        ]));
        let (_, groups) = app.get("/api/v1/stats/clusters?kind=group", &w.marketer.access_token).await;
        assert_eq!(groups[0], json!({"tag": "机场贵宾", "clients": 1, "groups": 1, "individuals": 0}));

        let tag = "%E9%AB%98%E5%B0%94%E5%A4%AB"; // 高尔夫
        let (status, members) = app.get(&format!("/api/v1/stats/clusters/{tag}/clients?kind=individual"), &w.marketer.access_token).await;
        assert_eq!(status, StatusCode::OK, "{members}");
        let members = &members["items"];
        let names: Vec<&str> = members.as_array().unwrap().iter().map(|m| m["client"]["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["李明", "王建国"], "by name");
        let mut tags: Vec<&str> = members[1]["client"]["tags"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
        tags.sort_unstable();
        assert_eq!(tags, ["红酒", "高尔夫"], "every tag of the member");
        assert_eq!(members[1]["client"]["owner"], Value::Null);
        let (_, all) = app.get(&format!("/api/v1/stats/clusters/{tag}/clients"), &w.marketer.access_token).await;
        let all = &all["items"];
        assert_eq!(all.as_array().unwrap().len(), 3);
        let owned = all.as_array().unwrap().iter().find(|m| m["client"]["id"] == w.client_id).unwrap();
        assert_eq!(owned["client"]["owner"], json!({"id": id(&w.manager.user), "real_name": "李强"}));
    }
}
