//! The statistics the database counts: windows and buckets follow local
//! (UTC+8) days on both backends, drafts never count, a department is its
//! authors' entries.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::on_both_backends;
use crate::world::{id, World};

/// `(bucket, submitted, adopted, uses)` of an overview's series.
fn series(o: &Value) -> Vec<(String, i64, i64, i64)> {
    o["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            let n = |k: &str| b[k].as_i64().unwrap();
            (b["bucket"].as_str().unwrap().to_owned(), n("submitted"), n("adopted"), n("uses"))
        })
        .collect()
}

on_both_backends! {
    async fn local_days_decide_windows_and_buckets(app: TestApp) {
        let w = World::new(&app).await;
        let first = w.adopted_entry(&app, "月末最后一分钟").await;
        let second = w.adopted_entry(&app, "周一凌晨").await;
        let (status, _) = app.post(&format!("/api/v1/intel/{first}/usages"), &w.marketer.access_token,
            json!({"purpose": "visit", "outcome": "won"})).await;
        assert_eq!(status, StatusCode::CREATED);
        let mut draft = w.business_entry("草稿不计");
        draft["draft"] = json!(true);
        let draft = id(&w.submit(&app, draft).await);
        // UTC instants either side of local midnight (UTC+8): 2026-11-30 is a
        // Monday, 12-06 a Sunday, 12-07 a Monday.
        app.exec_sql(&format!(
            "UPDATE intel SET submitted_at = '2026-11-30 15:59:00', adopted_at = '2026-11-30 16:00:00' WHERE id = {first};
             UPDATE intel SET submitted_at = '2026-12-06 16:30:00', adopted_at = '2026-12-06 15:30:00' WHERE id = {second};
             UPDATE intel SET submitted_at = '2026-12-02 00:00:00' WHERE id = {draft};
             UPDATE usages SET created_at = '2026-11-30 16:00:00' WHERE intel_id = {first};"
        )).await;
        let overview = |query: &'static str| {
            let (app, token) = (&app, w.marketer.access_token.clone());
            async move {
                let (status, o) = app.get(&format!("/api/v1/stats/overview?{query}"), &token).await;
                assert_eq!(status, StatusCode::OK, "{o}");
                o
            }
        };
        let s = |t: &str| t.to_owned();

        let months = overview("period=all&interval=month").await;
        assert_eq!(series(&months), [(s("2026-11"), 1, 0, 0), (s("2026-12"), 1, 2, 1)]);
        assert_eq!((months["submitted"].as_i64(), months["usage_rate"].as_f64()), (Some(2), Some(0.5)));
        let weeks = overview("period=all&interval=week").await;
        assert_eq!(series(&weeks), [(s("2026-11-30"), 1, 2, 1), (s("2026-12-07"), 1, 0, 0)]);

        let november = overview("period=month&date=2026-11-15").await;
        assert_eq!((november["submitted"].as_i64(), november["adopted"].as_i64(), november["uses"].as_i64()),
            (Some(1), Some(0), Some(0)));
        assert_eq!(november["usage_rate"], Value::Null, "nothing was adopted in November");
        let december = overview("period=month&date=2026-12-01").await;
        assert_eq!((december["submitted"].as_i64(), december["adopted"].as_i64(), december["uses"].as_i64(),
            december["won"].as_i64()), (Some(1), Some(2), Some(1), Some(1)));
        assert_eq!(december["usage_rate"], 0.5);
        assert_eq!(december["by_client_kind"]["group"], json!({"submitted": 1, "adopted": 2, "uses": 1, "won": 1}));

        let frontline = w.author.user["department"]["id"].as_i64().unwrap();
        let management = w.reviewer.user["department"]["id"].as_i64().unwrap();
        let (_, theirs) = app.get(&format!("/api/v1/stats/overview?period=all&department_id={frontline}"),
            &w.marketer.access_token).await;
        assert_eq!((theirs["submitted"].as_i64(), theirs["adopted"].as_i64(), theirs["uses"].as_i64(),
            theirs["decided"].as_i64()), (Some(2), Some(2), Some(1), Some(2)));
        assert_eq!(theirs["by_department"][0]["name"], "政企客户部");
        let (_, none) = app.get(&format!("/api/v1/stats/overview?period=all&department_id={management}"),
            &w.marketer.access_token).await;
        assert_eq!((none["submitted"].as_i64(), none["decided"].as_i64(), none["uses"].as_i64()), (Some(0), Some(0), Some(0)));
        assert_eq!((none["series"].clone(), none["by_department"].clone()), (json!([]), json!([])));
    }
}
