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
        let (status, ratings) = app.get(&format!("/api/v1/users/{author_id}/ratings?period=month"), &w.author.access_token).await;
        assert_eq!(status, StatusCode::OK, "{ratings}");
        assert_eq!(ratings["period"], "month");
        assert_eq!(ratings["quality"], json!({"mean_score": 3.33, "adoption_rate": 0.67, "decided": 3}));
        assert_eq!(ratings["quantity"], json!({"submitted": 3, "adopted": 2}));
        assert_eq!(ratings["usage"], json!({"adopted": 2, "used": 1, "usage_rate": 0.5, "uses": 1}));
        assert!(ratings["timeliness"]["median_hours"].as_f64().unwrap() > 0.0);
        assert_eq!(app.get(&format!("/api/v1/users/{author_id}/ratings?period=decade"), &w.author.access_token).await.0, StatusCode::BAD_REQUEST);

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
        let (status, dept) = app.get(&format!("/api/v1/departments/{department}/ratings?period=year"), &w.reviewer.access_token).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(dept["quantity"]["submitted"], 3);
    }

    async fn others_ratings_are_for_their_department_head_reviewers_and_admins(app: TestApp) {
        let w = World::new(&app).await;
        let author_id = id(&w.author.user);
        let department = w.author.user["department"]["id"].as_i64().unwrap();
        let other_department = app.create_department("市场部", "usage").await;
        app.create_user("H5001", "周部长", &["department_head"], Some(department)).await;
        app.create_user("H5002", "吴部长", &["department_head"], Some(other_department)).await;
        let head = app.login_ok("H5001", &crate::helpers::user_password("H5001")).await;
        let other_head = app.login_ok("H5002", &crate::helpers::user_password("H5002")).await;
        let ratings = format!("/api/v1/users/{author_id}/ratings");
        let of_department = format!("/api/v1/departments/{department}/ratings");
        for (who, person, dept) in [
            (&w.author, StatusCode::OK, StatusCode::FORBIDDEN),
            (&w.employee, StatusCode::FORBIDDEN, StatusCode::FORBIDDEN),
            (&w.marketer, StatusCode::FORBIDDEN, StatusCode::FORBIDDEN),
            (&w.manager, StatusCode::FORBIDDEN, StatusCode::FORBIDDEN),
            (&head, StatusCode::OK, StatusCode::OK),
            (&other_head, StatusCode::FORBIDDEN, StatusCode::FORBIDDEN),
            (&w.reviewer, StatusCode::OK, StatusCode::OK),
        ] {
            let name = &who.user["real_name"];
            let (status, body) = app.get(&ratings, &who.access_token).await;
            assert_eq!(status, person, "{name} reading 张伟's ratings: {body}");
            assert_eq!(app.get(&of_department, &who.access_token).await.0, dept, "{name} reading the department's");
        }
        assert_eq!(app.get(&ratings, &app.admin_token).await.0, StatusCode::OK);
        assert_eq!(app.get("/api/v1/users/999999/ratings", &w.reviewer.access_token).await.0, StatusCode::NOT_FOUND);
        // The head sees their own department's assessments, not another's.
        assert_eq!(app.get(&format!("/api/v1/stats/assessments?department_id={department}"), &head.access_token).await.0, StatusCode::OK);
        assert_eq!(app.get(&format!("/api/v1/stats/assessments?department_id={other_department}"), &head.access_token).await.0, StatusCode::FORBIDDEN);
        assert_eq!(app.get("/api/v1/stats/assessments", &head.access_token).await.0, StatusCode::FORBIDDEN);

        // The directory: names, departments and roles for everyone; e-mail and balance for oneself and admins.
        let (status, directory) = app.get("/api/v1/users?q=E100", &w.employee.access_token).await;
        assert_eq!(status, StatusCode::OK, "{directory}");
        let items = directory["items"].as_array().unwrap();
        assert_eq!(items.len(), 3, "{directory}");
        for user in items {
            assert!(user["real_name"].is_string() && user["department"]["name"].is_string() && user["roles"].is_array(), "{user}");
            let own = user["id"] == w.employee.user["id"];
            assert_eq!(user.get("email").is_some(), own, "{user}");
            assert_eq!(user.get("points").is_some(), own, "{user}");
        }
        let (_, one) = app.get(&format!("/api/v1/users/{author_id}"), &w.employee.access_token).await;
        assert!(one.get("email").is_none() && one["real_name"] == "张伟", "{one}");
        let (_, by_email) = app.get("/api/v1/users?q=e1001%40zhiku", &w.employee.access_token).await;
        assert_eq!(by_email["total"], 0, "e-mail addresses are not a search key for employees");
        let (_, as_admin) = app.get("/api/v1/users?q=e1001%40zhiku", &app.admin_token).await;
        assert_eq!(as_admin["items"][0]["email"], "e1001@zhiku.test");
        assert!(as_admin["items"][0]["points"].is_i64());
        let (_, me) = app.get("/api/v1/me", &w.employee.access_token).await;
        assert_eq!((me["email"].as_str(), me["points"].as_i64()), (Some("e1003@zhiku.test"), Some(0)));
    }
}
