//! Intelligence entries: `POST /api/v1/intel`, `GET /api/v1/intel`,
//! `GET/PUT /api/v1/intel/{id}`, and `/revisions`, `/verify`, `/retract`.

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::Rows;
use crate::on_both_backends;
use crate::world::{balance, id, World};

on_both_backends! {
    async fn templates_validate_each_field_and_drafts_may_be_incomplete(app: TestApp) {
        let w = World::new(&app).await;
        let mut body = w.business_entry("字段校验");
        body["fields"] = json!({"monthly_spend": "很多", "contract_end": "明年", "satisfaction": "超满意", "nonsense": 1});
        body["observed_at"] = json!("yesterday");
        let (status, error) = app.post("/api/v1/intel", &w.author.access_token, body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(error["fields"]["observed_at"].is_string(), "{error}");

        let mut body = w.business_entry("字段校验");
        body["fields"] = json!({"monthly_spend": "很多", "contract_end": "明年", "satisfaction": "超满意", "nonsense": 1});
        let (status, error) = app.post("/api/v1/intel", &w.author.access_token, body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let fields = error["fields"].as_object().unwrap();
        for key in ["fields.current_products", "fields.monthly_spend", "fields.contract_end", "fields.satisfaction", "fields.nonsense"] {
            assert!(fields.contains_key(key), "{key} missing in {error}");
        }

        let mut draft = w.business_entry("只写了标题的草稿");
        draft["fields"] = json!({});
        draft["draft"] = json!(true);
        let entry = w.submit(&app, draft).await;
        assert_eq!(entry["status"], "draft");
        assert_eq!(entry["completeness"], 0.0);
        let entry_id = id(&entry);
        // Drafts are the author's alone.
        assert_eq!(app.get(&format!("/api/v1/intel/{entry_id}"), &w.reviewer.access_token).await.0, StatusCode::NOT_FOUND);
        assert_eq!(app.get("/api/v1/reviews/queue", &w.reviewer.access_token).await.1["total"], 0);
        // Submitting needs the required fields.
        let (status, error) = app.put(&format!("/api/v1/intel/{entry_id}"), &w.author.access_token, json!({"submit": true})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(error["fields"]["fields.current_products"].is_string());
        let (status, entry) = app
            .put(&format!("/api/v1/intel/{entry_id}"), &w.author.access_token,
                 json!({"submit": true, "fields": {"current_products": "宽带", "monthly_spend": "5,000"}}))
            .await;
        assert_eq!(status, StatusCode::OK, "{entry}");
        assert_eq!(entry["status"], "submitted");
        assert_eq!(entry["fields"]["monthly_spend"], 5000);
        // Others cannot edit it, and it cannot be edited once submitted.
        assert_eq!(app.put(&format!("/api/v1/intel/{entry_id}"), &w.author.access_token, json!({"title": "x"})).await.0, StatusCode::CONFLICT);
        // The author is the signed-in user whatever the body says.
        let mut forged = w.business_entry("冒名");
        forged["author_id"] = json!(id(&w.reviewer.user));
        let entry = w.submit(&app, forged).await;
        assert_eq!(entry["author"]["id"], w.author.user["id"]);
    }

    async fn visibility_and_masking_follow_the_design(app: TestApp) {
        let w = World::new(&app).await;
        let profile = json!({
            "client_id": w.client_id, "category": "profile", "title": "董事长喜欢打高尔夫",
            "body": "周末常去南湖高尔夫球场。", "source": "private", "observed_at": "2026-11-01",
            "fields": {"decision_makers": "董事长王建国", "preferences": "高尔夫、普洱茶", "personal_phone": "13900001111"}
        });
        let entry_id = id(&w.submit(&app, profile).await);
        let path = format!("/api/v1/intel/{entry_id}");
        // Pending: the author, reviewers and the client's owner (who needs it first).
        assert_eq!(app.get(&path, &w.employee.access_token).await.0, StatusCode::NOT_FOUND);
        assert_eq!(app.get(&path, &w.marketer.access_token).await.0, StatusCode::NOT_FOUND);
        assert_eq!(app.get(&path, &w.reviewer.access_token).await.0, StatusCode::OK);
        let (status, owners) = app.get(&path, &w.manager.access_token).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(owners["fields"]["preferences"], "高尔夫、普洱茶", "the owner sees sensitive values as usual");
        let (_, listed) = app.get("/api/v1/intel?status=submitted", &w.employee.access_token).await;
        assert_eq!(listed["total"], 0);
        w.adopt(&app, entry_id, 4).await;

        let (status, seen) = app.get(&path, &w.employee.access_token).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(seen["fields"]["preferences"], "***");
        assert_eq!(seen["fields"]["personal_phone"], "***");
        assert_eq!(seen["fields"]["decision_makers"], "董事长王建国");
        assert_eq!(seen["masked"], true);
        let (_, owner_view) = app.get(&path, &w.manager.access_token).await;
        assert_eq!(owner_view["fields"]["preferences"], "高尔夫、普洱茶");
        let (_, author_view) = app.get(&path, &w.author.access_token).await;
        assert_eq!(author_view["fields"]["personal_phone"], "13900001111");

        let (_, audit) = app.get(&format!("/api/v1/audit?action=sensitive.read&target_id={entry_id}"), &app.admin_token).await;
        let actors: Vec<&str> = audit["items"].as_array().unwrap().iter().map(|e| e["actor"]["real_name"].as_str().unwrap()).collect();
        assert!(actors.contains(&"李强"), "owner's unmasked read is audited: {audit}");
        assert!(!actors.contains(&"张伟"), "the author's own reads are not audited");
        assert!(!actors.contains(&"赵敏"), "masked reads are not audited");
        assert_eq!(app.get("/api/v1/audit", &w.employee.access_token).await.0, StatusCode::FORBIDDEN);
    }

    async fn revisions_supersede_and_pay_half(app: TestApp) {
        let w = World::new(&app).await;
        let original = w.adopted_entry(&app, "月消费八万六").await;
        let revision = json!({"title": "月消费九万", "body": "新增两条专线。", "source": "private", "observed_at": "2026-11-25",
                              "fields": {"current_products": "集团V网、专线×3", "monthly_spend": 90000}});
        let (status, _) = app.post(&format!("/api/v1/intel/{original}/revisions"), &w.employee.access_token, revision.clone()).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, proposed) = app.post(&format!("/api/v1/intel/{original}/revisions"), &w.author.access_token, revision.clone()).await;
        assert_eq!(status, StatusCode::CREATED, "{proposed}");
        assert_eq!(proposed["status"], "submitted");
        assert_eq!(proposed["revision"], 2);
        assert_eq!(proposed["supersedes_id"], original);
        assert_eq!(app.post(&format!("/api/v1/intel/{original}/revisions"), &w.author.access_token, revision).await.0, StatusCode::CONFLICT);

        let decided = w.adopt(&app, id(&proposed), 4).await;
        assert_eq!(decided["points_awarded"], 8);
        let (_, old) = app.get(&format!("/api/v1/intel/{original}"), &w.employee.access_token).await;
        assert_eq!(old["status"], "superseded");
        assert_eq!(balance(&app, &w.author).await, 24);
        let (_, dossier) = app.get(&format!("/api/v1/clients/{}/dossier", w.client_id), &w.employee.access_token).await;
        let titles: Vec<&str> = dossier["intel"].as_array().unwrap().iter().map(|i| i["title"].as_str().unwrap()).collect();
        assert_eq!(titles, ["月消费九万"]);

        // Concurrent proposals of the next revision: exactly one gets in.
        let current = id(&proposed);
        let next = json!({"title": "月消费九万五", "body": "又加一条。", "source": "public", "observed_at": "2026-11-26",
                          "fields": {"current_products": "集团V网、专线×4", "monthly_spend": 95000}});
        let attempts = (0..8).map(|_| {
            let (app, token, next) = (&app, w.manager.access_token.clone(), next.clone());
            async move { app.post(&format!("/api/v1/intel/{current}/revisions"), &token, next).await.0 }
        });
        let statuses = futures_util::future::join_all(attempts).await;
        assert_eq!(statuses.iter().filter(|s| **s == StatusCode::CREATED).count(), 1, "{statuses:?}");
        assert!(statuses.iter().all(|s| *s == StatusCode::CREATED || *s == StatusCode::CONFLICT), "{statuses:?}");
        let (_, queue) = app.get("/api/v1/reviews/queue", &w.reviewer.access_token).await;
        assert_eq!(queue["total"], 1, "{queue}");
    }

    async fn a_returned_revision_keeps_its_client_and_category(app: TestApp) {
        let w = World::new(&app).await;
        let original = w.adopted_entry(&app, "合同情况").await;
        let (_, other) = app.post("/api/v1/clients", &app.admin_token, json!({"kind": "group", "name": "另一家集团公司"})).await;
        let revision = json!({"title": "合同续签", "body": "已续签。", "source": "public", "observed_at": "2026-11-25",
                              "fields": {"current_products": "专线", "monthly_spend": 1000}});
        let (_, proposed) = app.post(&format!("/api/v1/intel/{original}/revisions"), &w.author.access_token, revision).await;
        let path = format!("/api/v1/intel/{}", id(&proposed));
        let (status, _) = app.post(&format!("{path}/review"), &w.reviewer.access_token, json!({"decision": "revise", "comment": "请注明续签年限"})).await;
        assert_eq!(status, StatusCode::OK);
        let (status, error) = app.put(&path, &w.author.access_token, json!({"client_id": id(&other), "submit": true})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
        assert!(error["fields"]["client_id"].is_string(), "{error}");
        let (status, error) = app.put(&path, &w.author.access_token, json!({"category": "opportunity", "submit": true})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
        assert!(error["fields"]["category"].is_string(), "{error}");
        // Naming the same client and category is fine.
        let (status, resubmitted) = app.put(&path, &w.author.access_token,
            json!({"client_id": w.client_id, "category": "business", "body": "已续签三年。", "submit": true})).await;
        assert_eq!(status, StatusCode::OK, "{resubmitted}");
        assert_eq!((resubmitted["client"]["id"].as_i64(), resubmitted["category"].as_str()), (Some(w.client_id), Some("business")));
        assert_eq!(w.adopt(&app, id(&proposed), 4).await["points_awarded"], 7, "half of a public business adoption: 13 / 2 → 7");
        let (_, old) = app.get(&format!("/api/v1/intel/{original}"), &w.employee.access_token).await;
        assert_eq!(old["status"], "superseded");
    }

    async fn retraction_covers_the_whole_revision_chain(app: TestApp) {
        let w = World::new(&app).await;
        let original = w.adopted_entry(&app, "原始事实").await;
        let revise = |of: i64, title: &'static str| {
            let (app, token) = (&app, w.manager.access_token.clone());
            async move {
                let body = json!({"title": title, "body": "客户经理更新。", "source": "private", "observed_at": "2026-11-25",
                                  "fields": {"current_products": "专线", "monthly_spend": 2000}});
                let (status, revision) = app.post(&format!("/api/v1/intel/{of}/revisions"), &token, body).await;
                assert_eq!(status, StatusCode::CREATED, "{revision}");
                id(&revision)
            }
        };
        // The client's owner revises twice; both revisions are adopted, a third waits.
        let first = revise(original, "第一次修订").await;
        w.adopt(&app, first, 4).await;
        let second = revise(first, "第二次修订").await;
        w.adopt(&app, second, 4).await;
        let pending = revise(second, "第三次修订").await;
        assert_eq!((balance(&app, &w.author).await, balance(&app, &w.manager).await), (16, 16));

        // Retracting the superseded original takes the whole chain with it.
        let (status, retracted) = app.post(&format!("/api/v1/intel/{original}/retract"), &w.reviewer.access_token, json!({"comment": "源头信息不实"})).await;
        assert_eq!(status, StatusCode::OK, "{retracted}");
        assert_eq!(retracted["status"], "retracted");
        for entry in [original, first, second, pending] {
            assert_eq!(app.get(&format!("/api/v1/intel/{entry}"), &w.employee.access_token).await.0, StatusCode::NOT_FOUND, "{entry} is hidden");
            assert_eq!(app.get(&format!("/api/v1/intel/{entry}"), &w.reviewer.access_token).await.1["status"], "retracted");
        }
        assert_eq!(balance(&app, &w.author).await, -5, "the author's pay reversed, then the penalty");
        assert_eq!(balance(&app, &w.manager).await, -5, "the reviser's pay reversed, then the penalty once");
        assert_eq!(app.post(&format!("/api/v1/intel/{second}/retract"), &w.reviewer.access_token, json!({"comment": "再次"})).await.0, StatusCode::CONFLICT);
        let (_, queue) = app.get("/api/v1/reviews/queue", &w.reviewer.access_token).await;
        assert_eq!(queue["total"], 0, "a retracted chain waits for nobody: {queue}");
        let (_, dossier) = app.get(&format!("/api/v1/clients/{}/dossier", w.client_id), &w.employee.access_token).await;
        assert_eq!(dossier["intel"], json!([]));

        // Retracting the adopted revision of another chain hides what it superseded too.
        let base = w.adopted_entry(&app, "另一条事实").await;
        let revised = revise(base, "另一条的修订").await;
        w.adopt(&app, revised, 4).await;
        let (status, _) = app.post(&format!("/api/v1/intel/{revised}/retract"), &w.reviewer.access_token, json!({"comment": "修订不实"})).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(app.get(&format!("/api/v1/intel/{base}"), &w.employee.access_token).await.0, StatusCode::NOT_FOUND);
        assert_eq!(balance(&app, &w.author).await, -10);
    }

    async fn verify_resets_staleness_and_pays_once_per_window(app: TestApp) {
        let w = World::new(&app).await;
        let entry_id = w.adopted_entry(&app, "会过期的事实").await;
        let path = format!("/api/v1/intel/{entry_id}");
        assert_eq!(app.get(&path, &w.author.access_token).await.1["stale"], false);
        let (status, fresh) = app.post(&format!("{path}/verify"), &w.author.access_token, json!({})).await;
        assert_eq!(status, StatusCode::OK, "{fresh}");
        assert_eq!(balance(&app, &w.author).await, 16, "verifying a fresh entry pays nothing");

        // 100 days later (the business window is 90 days).
        app.age("intel", Rows::Id(entry_id), &["adopted_at", "verified_at"], Duration::days(100)).await;
        assert_eq!(app.get(&path, &w.employee.access_token).await.1["stale"], true);
        let (_, dossier) = app.get(&format!("/api/v1/clients/{}/dossier", w.client_id), &w.manager.access_token).await;
        assert_eq!(dossier["stale_count"], 1);

        assert_eq!(app.post(&format!("{path}/verify"), &w.employee.access_token, json!({})).await.0, StatusCode::FORBIDDEN);
        let (status, verified) = app.post(&format!("{path}/verify"), &w.manager.access_token, json!({})).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(verified["stale"], false);
        assert_eq!(balance(&app, &w.manager).await, 1);
        app.post(&format!("{path}/verify"), &w.manager.access_token, json!({})).await;
        assert_eq!(balance(&app, &w.manager).await, 1);
    }

    async fn retraction_reverses_everything_and_penalises(app: TestApp) {
        let w = World::new(&app).await;
        let entry_id = w.adopted_entry(&app, "后来发现不实").await;
        app.post(&format!("/api/v1/intel/{entry_id}/usages"), &w.marketer.access_token, json!({"purpose": "visit", "outcome": "won"})).await;
        assert_eq!(balance(&app, &w.author).await, 28);
        let path = format!("/api/v1/intel/{entry_id}/retract");
        assert_eq!(app.post(&path, &w.employee.access_token, json!({"comment": "不实"})).await.0, StatusCode::FORBIDDEN);
        assert_eq!(app.post(&path, &w.reviewer.access_token, json!({"comment": " "})).await.0, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, retracted) = app.post(&path, &w.reviewer.access_token, json!({"comment": "经核实不属实"})).await;
        assert_eq!(status, StatusCode::OK, "{retracted}");
        assert_eq!(retracted["status"], "retracted");
        assert_eq!(balance(&app, &w.author).await, -5);
        assert_eq!(app.post(&path, &w.reviewer.access_token, json!({"comment": "再次"})).await.0, StatusCode::CONFLICT);
        assert_eq!(app.get(&format!("/api/v1/intel/{entry_id}"), &w.employee.access_token).await.0, StatusCode::NOT_FOUND);
    }

    async fn entries_are_listed_by_author_status_client_and_category(app: TestApp) {
        let w = World::new(&app).await;
        let adopted = w.adopted_entry(&app, "已采纳").await;
        let pending = id(&w.submit(&app, w.business_entry("待审核")).await);
        let (_, other_client) = app.post("/api/v1/clients", &w.manager.access_token,
            json!({"kind": "group", "name": "芜湖港务集团", "owner_id": id(&w.manager.user)})).await;
        let mut elsewhere = w.business_entry("另一个客户");
        elsewhere["client_id"] = other_client["id"].clone();
        let elsewhere = id(&w.submit(&app, elsewhere).await);
        w.adopt(&app, elsewhere, 3).await;

        let ids = |body: &serde_json::Value| -> Vec<i64> { body["items"].as_array().unwrap().iter().map(id).collect() };
        let list = |query: String, token: String| {
            let app = &app;
            async move {
                let (status, body) = app.get(&format!("/api/v1/intel?{query}"), &token).await;
                assert_eq!(status, StatusCode::OK, "{query}: {body}");
                body
            }
        };
        let author = id(&w.author.user);
        let mine = list(format!("author_id={author}"), w.author.access_token.clone()).await;
        assert_eq!((mine["total"].as_i64(), ids(&mine)), (Some(3), vec![elsewhere, pending, adopted]), "newest first");
        // Others see adopted entries only.
        let theirs = list(format!("author_id={author}"), w.employee.access_token.clone()).await;
        assert_eq!(ids(&theirs), [elsewhere, adopted]);
        let submitted = list("status=submitted".into(), w.reviewer.access_token.clone()).await;
        assert_eq!(ids(&submitted), [pending]);
        let on_client = list(format!("client_id={}&status=adopted", w.client_id), w.employee.access_token.clone()).await;
        assert_eq!(ids(&on_client), [adopted]);
        assert_eq!(list("category=competitor".into(), w.employee.access_token.clone()).await["total"], 0);
        let paged = list(format!("author_id={author}&per_page=1&page=2"), w.author.access_token.clone()).await;
        assert_eq!((paged["total"].as_i64(), ids(&paged)), (Some(3), vec![pending]));
        assert_eq!(app.get("/api/v1/intel?status=maybe", &w.employee.access_token).await.0, StatusCode::BAD_REQUEST);
    }
}
