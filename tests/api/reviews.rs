//! The review queue and decisions: `GET /api/v1/reviews/queue`,
//! `POST /api/v1/intel/{id}/review`.

use reqwest::StatusCode;
use serde_json::json;

use crate::on_both_backends;
use crate::world::{balance, id, scores, World};

on_both_backends! {
    async fn the_worked_example_pays_sixteen_and_the_reviewer_one(app: TestApp) {
        let w = World::new(&app).await;
        let entry = w.submit(&app, w.business_entry("财务副总嫌话费报销繁琐")).await;
        assert_eq!(entry["status"], "submitted");
        assert_eq!(entry["author"]["real_name"], "张伟");
        assert_eq!(entry["client"]["name"], "芜湖长江实业集团有限公司");
        assert_eq!(entry["revision"], 1);
        // business template: 2 required (weight 2) + 6 optional; filled 2 required + contract_end = 5/10.
        assert_eq!(entry["completeness"], 0.5);
        let entry_id = id(&entry);

        // Nobody reviews their own entry; employees cannot review at all.
        let (status, _) = app.post(&format!("/api/v1/intel/{entry_id}/review"), &w.author.access_token, scores("adopt", 4)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = app.post(&format!("/api/v1/intel/{entry_id}/review"), &w.employee.access_token, scores("adopt", 4)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        let (status, queue) = app.get("/api/v1/reviews/queue", &w.reviewer.access_token).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(queue["total"], 1);
        assert_eq!(id(&queue["items"][0]), entry_id);

        let decided = w.adopt(&app, entry_id, 4).await;
        assert_eq!(decided["points_awarded"], 16);
        assert_eq!(decided["intel"]["status"], "adopted");
        assert_eq!(decided["intel"]["quality"], 4.0);
        assert!(decided["intel"]["adopted_at"].is_string());

        let (_, ledger) = app.get("/api/v1/points/ledger", &w.author.access_token).await;
        assert_eq!(ledger["balance"], 16);
        let mut rows: Vec<(String, i64)> = ledger["items"].as_array().unwrap().iter()
            .map(|r| (r["reason"].as_str().unwrap().to_owned(), r["delta"].as_i64().unwrap())).collect();
        rows.sort();
        assert_eq!(rows, [("adopted".to_owned(), 13), ("private_source".to_owned(), 3)]);
        assert_eq!(balance(&app, &w.reviewer).await, 1);
        let (_, me) = app.get("/api/v1/me", &w.author.access_token).await;
        assert_eq!(me["points"], 16);

        // A decided revision is decided once.
        let (status, body) = app.post(&format!("/api/v1/intel/{entry_id}/review"), &w.reviewer2.access_token, scores("adopt", 5)).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert_eq!(balance(&app, &w.author).await, 16);

        // The author hears about it.
        let (_, notes) = app.get("/api/v1/notifications", &w.author.access_token).await;
        assert_eq!(notes["unread"], 1);
        assert_eq!(notes["items"][0]["kind"], "intel_adopted");
        assert!(notes["items"][0]["title"].as_str().unwrap().contains("16"));
        let note_id = id(&notes["items"][0]);
        let (status, _) = app.call(reqwest::Method::POST, &format!("/api/v1/notifications/{note_id}/read"), Some(&w.author.access_token), None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        assert_eq!(app.get("/api/v1/notifications", &w.author.access_token).await.1["unread"], 0);
    }

    async fn returned_entries_are_revised_and_decided_again(app: TestApp) {
        let w = World::new(&app).await;
        let entry_id = id(&w.submit(&app, w.business_entry("需要补充")).await);
        let path = format!("/api/v1/intel/{entry_id}/review");
        let (status, body) = app.post(&path, &w.reviewer.access_token, json!({"decision": "revise", "comment": ""})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body["fields"]["comment"].is_string());
        let (status, body) = app.post(&path, &w.reviewer.access_token, json!({"decision": "revise", "comment": "请补充合同到期日"})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["intel"]["status"], "needs_revision");
        assert_eq!(body["points_awarded"], 0);

        let (_, mine) = app.get(&format!("/api/v1/intel/{entry_id}"), &w.author.access_token).await;
        assert_eq!(mine["last_review"]["comment"], "请补充合同到期日");
        let (status, entry) = app.put(&format!("/api/v1/intel/{entry_id}"), &w.author.access_token,
            json!({"fields": {"current_products": "专线", "monthly_spend": 1000, "contract_end": "2027-06-30"}, "submit": true})).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(entry["revision"], 2);
        assert_eq!(entry["status"], "submitted");
        let decided = w.adopt(&app, entry_id, 5).await;
        // round(10 × 5 / 3) = 17, +3 private
        assert_eq!(decided["points_awarded"], 20);
        assert_eq!(balance(&app, &w.reviewer).await, 1, "a reviewer is paid once per entry, however often it is returned");
        // Another return-and-resubmit round on a second entry pays nothing either.
        let second = id(&w.submit(&app, w.business_entry("来回退改")).await);
        for round in 0..3 {
            let (status, body) = app.post(&format!("/api/v1/intel/{second}/review"), &w.reviewer.access_token, json!({"decision": "revise", "comment": format!("请补充第{round}处")})).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            let (status, body) = app.put(&format!("/api/v1/intel/{second}"), &w.author.access_token, json!({"body": format!("补充 {round}"), "submit": true})).await;
            assert_eq!(status, StatusCode::OK, "{body}");
        }
        assert_eq!(balance(&app, &w.reviewer).await, 2);
        let (status, body) = app.post(&path, &w.reviewer.access_token, json!({"decision": "adopt"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body["fields"]["scores.truthfulness"].is_string());
        let mut bad = scores("adopt", 6);
        bad["scores"]["value"] = json!(0);
        let (status, body) = app.post(&path, &w.reviewer.access_token, bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body["fields"]["scores.value"].is_string());
    }

    async fn reviewers_racing_decide_exactly_once(app: TestApp) {
        let w = World::new(&app).await;
        let entry_id = id(&w.submit(&app, w.business_entry("抢审")).await);
        let path = format!("/api/v1/intel/{entry_id}/review");
        let attempts = (0..8).map(|i| {
            let token = if i % 2 == 0 { w.reviewer.access_token.clone() } else { w.reviewer2.access_token.clone() };
            let decision = if i % 3 == 0 { scores("reject", 2) } else { scores("adopt", 4) };
            let (app, path) = (&app, path.clone());
            async move { app.post(&path, &token, decision).await.0 }
        });
        let statuses = futures_util::future::join_all(attempts).await;
        assert_eq!(statuses.iter().filter(|s| **s == StatusCode::OK).count(), 1, "{statuses:?}");
        assert_eq!(statuses.iter().filter(|s| **s == StatusCode::CONFLICT).count(), 7, "{statuses:?}");
        let reviewers_total = balance(&app, &w.reviewer).await + balance(&app, &w.reviewer2).await;
        assert_eq!(reviewers_total, 1);
        let author = balance(&app, &w.author).await;
        assert!(author == 16 || author == 0, "{author}");
    }
}
