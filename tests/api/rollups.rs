//! The statistics rollups (`db::rollup`) stay equal to a rebuild from the
//! tables through every kind of change: decisions, a resubmission about
//! another client under another category, uses and their outcomes, a
//! revision, points, a person moving department, and concurrent uses of one
//! entry — on both databases.

use futures_util::future::join_all;
use reqwest::StatusCode;
use serde_json::json;

use crate::on_both_backends;
use crate::world::{id, scores, World};

on_both_backends! {
    async fn the_cells_follow_every_change(app: TestApp) {
        let w = World::new(&app).await;
        let kept = w.adopted_entry(&app, "续约意向").await;

        // Returned, then resubmitted about a VIP client under another category.
        let (_, vip) = app.post("/api/v1/clients", &w.employee.access_token,
            json!({"kind": "individual", "name": "王建国"})).await;
        let returned = id(&w.submit(&app, w.business_entry("待补充")).await);
        let path = format!("/api/v1/intel/{returned}");
        let (status, _) = app.post(&format!("{path}/review"), &w.reviewer.access_token,
            json!({"decision": "revise", "comment": "请补充"})).await;
        assert_eq!(status, StatusCode::OK);
        let (status, body) = app.put(&path, &w.author.access_token, json!({"client_id": id(&vip), "category": "opportunity",
            "fields": {"need": "专线扩容"}, "submit": true})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        w.adopt(&app, returned, 5).await;

        let rejected = id(&w.submit(&app, w.business_entry("传闻")).await);
        let (status, _) = app.post(&format!("/api/v1/intel/{rejected}/review"), &w.reviewer2.access_token,
            scores("reject", 1)).await;
        assert_eq!(status, StatusCode::OK);

        // Uses, one won later; the author's own use does not count.
        let (_, used) = app.post(&format!("/api/v1/intel/{kept}/usages"), &w.marketer.access_token,
            json!({"purpose": "campaign"})).await;
        app.post(&format!("/api/v1/intel/{kept}/usages"), &w.author.access_token, json!({"purpose": "visit"})).await;
        let (status, _) = app.patch(&format!("/api/v1/usages/{}", id(&used)), &w.marketer.access_token,
            json!({"outcome": "won"})).await;
        assert_eq!(status, StatusCode::OK);

        // A revision of the kept entry, adopted; a manual adjustment.
        let (status, revision) = app.post(&format!("/api/v1/intel/{kept}/revisions"), &w.manager.access_token,
            json!({"title": "续约三年", "body": "已续签。", "source": "public", "observed_at": "2026-11-25",
                   "fields": {"current_products": "专线", "monthly_spend": 1000}})).await;
        assert_eq!(status, StatusCode::CREATED, "{revision}");
        w.adopt(&app, id(&revision), 3).await;
        let author = id(&w.author.user);
        let (status, _) = app.post("/api/v1/points/adjustments", &app.admin_token,
            json!({"user_id": author, "delta": -3, "note": "更正"})).await;
        assert_eq!(status, StatusCode::CREATED);
        app.assert_rollups_match_a_rebuild().await;

        let overview = app.get_ok("/api/v1/stats/overview?period=all", &w.marketer.access_token).await;
        assert_eq!((overview["submitted"].as_i64(), overview["adopted"].as_i64()), (Some(4), Some(3)), "{overview}");
        assert_eq!(overview["by_client_kind"]["individual"]["adopted"], 1, "{overview}");
        assert_eq!(overview["by_category"]["opportunity"]["submitted"], 1, "{overview}");
        assert_eq!((overview["uses"].as_i64(), overview["won"].as_i64()), (Some(1), Some(1)));
        // Decisions scored 4, 2 (returned: unscored), 5, 1, 3.
        assert_eq!((overview["decided"].as_i64(), overview["mean_score"].as_f64()), (Some(5), Some(3.25)), "{overview}");

        // The author moves department: their entries move with them, now and in the past.
        let moved_to = app.create_department("个人客户部", "frontline").await;
        let (status, _) = app.patch(&format!("/api/v1/users/{author}"), &app.admin_token,
            json!({"department_id": moved_to})).await;
        assert_eq!(status, StatusCode::OK);
        app.assert_rollups_match_a_rebuild().await;
        for period in ["month", "year", "all"] {
            let path = format!("/api/v1/stats/overview?period={period}&department_id={moved_to}");
            let theirs = app.get_ok(&path, &app.admin_token).await;
            assert_eq!(theirs["submitted"], 3, "{period}: {theirs}");
            let ratings = app.get_ok(&format!("/api/v1/departments/{moved_to}/ratings?period={period}"), &app.admin_token).await;
            assert_eq!(ratings["quantity"]["submitted"], 3, "{period}: {ratings}");
        }
    }

    async fn concurrent_uses_of_one_entry_are_each_counted_once(app: TestApp) {
        let w = World::new(&app).await;
        let entry = w.adopted_entry(&app, "集团专线").await;
        let mut people = Vec::new();
        for i in 0..8 {
            let no = format!("U{i:03}");
            app.create_user(&no, "同事", &[], None).await;
            people.push(app.login_ok(&no, &crate::helpers::user_password(&no)).await);
        }
        let uses = people.iter().map(|p| {
            let (app, token, path) = (&app, p.access_token.clone(), format!("/api/v1/intel/{entry}/usages"));
            async move { app.post(&path, &token, json!({"purpose": "visit", "outcome": "won"})).await.0 }
        });
        let statuses = join_all(uses).await;
        assert!(statuses.iter().all(|s| *s == StatusCode::CREATED), "{statuses:?}");
        app.assert_rollups_match_a_rebuild().await;
        let overview = app.get_ok("/api/v1/stats/overview?period=all", &w.marketer.access_token).await;
        assert_eq!((overview["uses"].as_i64(), overview["won"].as_i64()), (Some(8), Some(8)), "{overview}");
        assert_eq!(overview["usage_rate"], 1.0, "{overview}");
    }
}
