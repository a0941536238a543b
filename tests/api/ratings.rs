//! Ratings and leaderboards: `GET /api/v1/leaderboard`, `GET /api/v1/users/{id}/ratings`,
//! `GET /api/v1/departments/{id}/ratings`.

use reqwest::StatusCode;
use serde_json::json;

use crate::on_both_backends;
use crate::world::{id, World};

on_both_backends! {
    async fn ratings_and_leaderboard(app: TestApp) {
        let w = World::new(&app).await;
        w.adopted_entry(&app, "一").await; // 16
        let second = id(&w.submit(&app, w.business_entry("二")).await);
        app.post(&format!("/api/v1/intel/{second}/review"), &w.reviewer.access_token, json!({"decision": "reject", "comment": "无价值",
            "scores": {"truthfulness": 2, "relevance": 2, "completeness": 2, "timeliness": 2, "value": 2}})).await;
        let third = w.adopted_entry(&app, "三").await; // 16
        app.post(&format!("/api/v1/intel/{third}/usages"), &w.marketer.access_token, json!({"purpose": "visit"})).await; // +2

        let author_id = id(&w.author.user);
        let (status, ratings) = app.get(&format!("/api/v1/users/{author_id}/ratings?period=month"), &w.employee.access_token).await;
        assert_eq!(status, StatusCode::OK, "{ratings}");
        assert_eq!(ratings["period"], "month");
        assert_eq!(ratings["quality"], json!({"mean_score": 3.33, "adoption_rate": 0.67, "decided": 3}));
        assert_eq!(ratings["quantity"], json!({"submitted": 3, "adopted": 2}));
        assert_eq!(ratings["usage"], json!({"adopted": 2, "used": 1, "usage_rate": 0.5, "uses": 1}));
        assert!(ratings["timeliness"]["median_hours"].as_f64().unwrap() > 0.0);
        assert_eq!(app.get(&format!("/api/v1/users/{author_id}/ratings?period=decade"), &w.employee.access_token).await.0, StatusCode::BAD_REQUEST);

        let (status, board) = app.get("/api/v1/leaderboard?period=month", &w.employee.access_token).await;
        assert_eq!(status, StatusCode::OK);
        let rows: Vec<(i64, &str, i64)> = board["items"].as_array().unwrap().iter()
            .map(|r| (r["rank"].as_i64().unwrap(), r["user"]["real_name"].as_str().unwrap(), r["points"].as_i64().unwrap())).collect();
        assert_eq!(rows, [(1, "张伟", 34), (2, "陈静", 3)]);
        let (_, board) = app.get("/api/v1/leaderboard?period=week&exclude_staff=true", &w.employee.access_token).await;
        assert_eq!(board["items"].as_array().unwrap().len(), 1);
        let department = w.author.user["department"]["id"].as_i64().unwrap();
        let (_, board) = app.get(&format!("/api/v1/leaderboard?period=all&department_id={department}"), &w.employee.access_token).await;
        assert_eq!(board["items"][0]["user"]["department"]["name"], "政企客户部");
        assert_eq!(board["items"].as_array().unwrap().len(), 1);
        let (status, dept) = app.get(&format!("/api/v1/departments/{department}/ratings?period=year"), &w.employee.access_token).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(dept["quantity"]["submitted"], 3);
    }
}
