use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{Rows, TestApp};
use crate::on_both_backends;
use crate::world::{id, World};

fn competitor(w: &World, offer: &str, tariff: i64) -> Value {
    json!({"client_id": w.client_id, "category": "competitor", "title": format!("电信{offer}"), "body": "竞争情报",
           "fields": {"competitor": "中国电信", "offer": offer, "tariff": tariff}, "source": "public", "observed_at": "2026-11-20"})
}

/// The known data set: four entries by 张伟, three adopted, two used by others (one won).
async fn known_world(app: &TestApp) -> (World, [i64; 4]) {
    let w = World::new(app).await;
    let e1 = id(&w.submit(app, w.business_entry("话费代付")).await);
    w.adopt(app, e1, 4).await;
    let e2 = id(&w.submit(app, w.business_entry("无价值")).await);
    let (status, _) = app.post(&format!("/api/v1/intel/{e2}/review"), &w.reviewer2.access_token, json!({"decision": "reject",
        "comment": "无价值", "scores": {"truthfulness": 2, "relevance": 2, "completeness": 2, "timeliness": 2, "value": 2}})).await;
    assert_eq!(status, StatusCode::OK);
    let e3 = id(&w.submit(app, competitor(&w, "宽带免费送", 99)).await);
    w.adopt(app, e3, 3).await;
    let e4 = id(&w.submit(app, competitor(&w, "宽带免费送", 79)).await);
    w.adopt(app, e4, 5).await;
    app.post(
        &format!("/api/v1/intel/{e1}/usages"),
        &w.marketer.access_token,
        json!({"purpose": "campaign", "outcome": "won"}),
    )
    .await;
    app.post(&format!("/api/v1/intel/{e3}/usages"), &w.manager.access_token, json!({"purpose": "visit"}))
        .await;
    app.post(&format!("/api/v1/intel/{e1}/usages"), &w.author.access_token, json!({"purpose": "visit"}))
        .await;
    // Decisions came 1, 2, 3 and 4 hours after submission.
    for (hours, entry) in [(1, e1), (2, e2), (3, e3), (4, e4)] {
        app.age("intel", Rows::Id(entry), &["submitted_at"], Duration::hours(hours)).await;
    }
    (w, [e1, e2, e3, e4])
}

on_both_backends! {
    async fn overview_figures_are_exact(app: TestApp) {
        let (w, _) = known_world(&app).await;
        assert_eq!(app.get("/api/v1/stats/overview", &w.employee.access_token).await.0, StatusCode::FORBIDDEN);
        let (status, o) = app.get("/api/v1/stats/overview?period=month", &w.marketer.access_token).await;
        assert_eq!(status, StatusCode::OK, "{o}");
        assert_eq!((o["submitted"].as_i64(), o["adopted"].as_i64(), o["decided"].as_i64()), (Some(4), Some(3), Some(4)));
        assert_eq!(o["adoption_rate"], 0.75);
        assert_eq!(o["usage_rate"], 0.67);
        assert_eq!((o["uses"].as_i64(), o["won"].as_i64()), (Some(2), Some(1)));
        assert_eq!(o["mean_score"], 3.5);
        assert_eq!(o["median_review_hours"], 2.5);
        assert_eq!(o["by_category"]["business"], json!({"submitted": 2, "adopted": 1, "uses": 1, "won": 1}));
        assert_eq!(o["by_category"]["competitor"], json!({"submitted": 2, "adopted": 2, "uses": 1, "won": 0}));
        assert_eq!(o["by_client_kind"]["group"], json!({"submitted": 4, "adopted": 3, "uses": 2, "won": 1}));
        assert_eq!(o["by_department"][0]["name"], "政企客户部");
        assert_eq!(o["series"].as_array().unwrap().len(), 1);
        assert_eq!(o["series"][0]["submitted"], 4);
        let department = w.reviewer.user["department"]["id"].as_i64().unwrap();
        let (_, other) = app.get(&format!("/api/v1/stats/overview?department_id={department}"), &w.marketer.access_token).await;
        assert_eq!(other["submitted"], 0, "the reviewers' department wrote nothing");
    }

    async fn competitors_and_freshness(app: TestApp) {
        let (w, [_, _, e3, _]) = known_world(&app).await;
        let (status, c) = app.get("/api/v1/stats/competitors?period=year", &w.marketer.access_token).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(c[0]["competitor"], "中国电信");
        assert_eq!(c[0]["entries"], 2);
        assert_eq!(c[0]["offers"][0]["offer"], "宽带免费送");
        assert_eq!((c[0]["offers"][0]["min_tariff"].as_f64(), c[0]["offers"][0]["max_tariff"].as_f64()), (Some(79.0), Some(99.0)));
        // Once the admin marks the tariff sensitive, the report marketing reads stops showing it.
        let (_, categories) = app.get("/api/v1/categories", &app.admin_token).await;
        let template = categories.as_array().unwrap().iter().find(|c| c["key"] == "competitor").unwrap();
        let fields: Vec<Value> = template["fields"].as_array().unwrap().iter()
            .map(|f| { let mut f = f.clone(); if f["key"] == "tariff" { f["sensitive"] = json!(true); } f }).collect();
        assert_eq!(app.put("/api/v1/categories/competitor", &app.admin_token, json!({"fields": fields})).await.0, StatusCode::OK);
        let (_, masked) = app.get("/api/v1/stats/competitors?period=year", &w.marketer.access_token).await;
        assert_eq!((masked[0]["offers"][0]["offer"].as_str(), masked[0]["offers"][0]["min_tariff"].as_f64()), (Some("宽带免费送"), None), "{masked}");

        // 40 days later for one of them (the competitor window is 30 days).
        app.age("intel", Rows::Id(e3), &["adopted_at"], Duration::days(40)).await;
        let (_, f) = app.get("/api/v1/stats/freshness", &w.reviewer.access_token).await;
        assert_eq!((f["adopted"].as_i64(), f["stale"].as_i64(), f["stale_share"].as_f64()), (Some(3), Some(1), Some(0.33)));
        let competitor = f["by_category"].as_array().unwrap().iter().find(|c| c["category"] == "competitor").unwrap();
        assert_eq!((competitor["adopted"].as_i64(), competitor["stale"].as_i64()), (Some(2), Some(1)));
        assert_eq!(f["by_owner"][0]["owner_name"], "李强");
        assert_eq!(f["oldest_on_key_clients"][0]["intel_id"], e3);
        assert_eq!(f["oldest_on_key_clients"][0]["stale"], true);
    }

    async fn clusters_and_their_audited_export(app: TestApp) {
        let (w, _) = known_world(&app).await;
        app.post("/api/v1/clients", &app.admin_token, json!({"kind": "individual", "name": "王建国", "tier": "S", "tags": ["高尔夫"]})).await;
        app.post(&format!("/api/v1/clients/{}/contacts", w.client_id), &w.manager.access_token,
            json!({"name": "孙总", "title": "财务副总", "phone": "13800001234", "notes": "不喝酒"})).await;
        let (_, clusters) = app.get("/api/v1/stats/clusters", &w.marketer.access_token).await;
        assert_eq!(clusters[0], json!({"tag": "高尔夫", "clients": 2, "groups": 1, "individuals": 1}));
        assert_eq!(clusters[1], json!({"tag": "机场贵宾", "clients": 1, "groups": 1, "individuals": 0}));
        let (_, s_tier) = app.get("/api/v1/stats/clusters?tier=S", &w.marketer.access_token).await;
        assert_eq!(s_tier, json!([{"tag": "高尔夫", "clients": 1, "groups": 0, "individuals": 1}]));

        let tag = "%E9%AB%98%E5%B0%94%E5%A4%AB"; // 高尔夫
        let (_, members) = app.get(&format!("/api/v1/stats/clusters/{tag}/clients"), &w.marketer.access_token).await;
        assert_eq!((members["total"].as_i64(), members["items"].as_array().map(Vec::len)), (Some(2), Some(2)));
        let (_, page) = app.get(&format!("/api/v1/stats/clusters/{tag}/clients?per_page=1&page=2"), &w.marketer.access_token).await;
        assert_eq!((page["total"].as_i64(), page["items"].as_array().map(Vec::len)), (Some(2), Some(1)));
        assert_eq!(page["items"][0]["client"]["id"], members["items"][1]["client"]["id"], "pages follow the names");
        let csv = app.client.get(app.url(&format!("/api/v1/stats/clusters/{tag}/export?format=csv")))
            .bearer_auth(&w.marketer.access_token).send().await.unwrap();
        assert_eq!(csv.status(), StatusCode::OK);
        assert!(csv.headers()["content-disposition"].to_str().unwrap().contains("filename*=UTF-8''"));
        let text = csv.text().await.unwrap();
        let lines: Vec<&str> = text.trim_end().split("\r\n").collect();
        assert_eq!(lines[0], "\u{FEFF}客户,类型,等级,区域,客户经理,联系人,职务,电话,备注");
        assert_eq!(lines.len(), 3);
        assert!(lines.iter().any(|l| l.starts_with("王建国,个人,S,")), "{text}");
        let contact = lines.iter().find(|l| l.contains("孙总")).unwrap();
        assert!(contact.ends_with("孙总,财务副总,***,***"), "sensitive values stay masked for marketing: {contact}");
        let xlsx = app.client.get(app.url(&format!("/api/v1/stats/clusters/{tag}/export")))
            .bearer_auth(&app.admin_token).send().await.unwrap().bytes().await.unwrap();
        let rows = read_xlsx(&xlsx);
        assert!(rows.iter().any(|r| r.contains(&"13800001234".to_owned())), "admins see the phone: {rows:?}");
        let (_, audit) = app.get("/api/v1/audit?action=export.cluster", &app.admin_token).await;
        assert_eq!(audit["total"], 2);
        assert_eq!(audit["items"][1]["actor"]["real_name"], "王芳");

        // A tag that is no valid sheet name still exports.
        let (status, _) = app.post("/api/v1/clients", &app.admin_token, json!({"kind": "individual", "name": "赵金卡", "tags": ["VIP:[金卡]*?"]})).await;
        assert_eq!(status, StatusCode::CREATED);
        let odd = app.client.get(app.url("/api/v1/stats/clusters/VIP%3A%5B%E9%87%91%E5%8D%A1%5D*%3F/export?format=xlsx"))
            .bearer_auth(&w.marketer.access_token).send().await.unwrap();
        assert_eq!(odd.status(), StatusCode::OK);
        let rows = read_xlsx(&odd.bytes().await.unwrap());
        assert!(rows.iter().any(|r| r.first().is_some_and(|c| c == "赵金卡")), "{rows:?}");
    }

    async fn assessments_export_and_reviewer_metrics(app: TestApp) {
        let (w, [e1, ..]) = known_world(&app).await;
        assert_eq!(app.get("/api/v1/stats/assessments", &w.marketer.access_token).await.0, StatusCode::FORBIDDEN);
        let (status, a) = app.get("/api/v1/stats/assessments?period=month", &w.reviewer.access_token).await;
        assert_eq!(status, StatusCode::OK, "{a}");
        let zhang = &a["items"][0];
        assert_eq!(zhang["real_name"], "张伟");
        assert_eq!((zhang["submitted"].as_i64(), zhang["adopted"].as_i64(), zhang["decided"].as_i64()), (Some(4), Some(3), Some(4)));
        assert_eq!((zhang["adoption_rate"].as_f64(), zhang["mean_score"].as_f64(), zhang["usage_rate"].as_f64()), (Some(0.75), Some(3.5), Some(0.67)));
        assert_eq!(zhang["uses"], 2);
        // 16 + 12 + 20 for adoptions, 2 + 10 + 2 for uses.
        assert_eq!(zhang["points"], 62);

        let xlsx = app.client.get(app.url("/api/v1/stats/assessments/export?period=month&format=xlsx"))
            .bearer_auth(&w.reviewer.access_token).send().await.unwrap();
        assert_eq!(xlsx.status(), StatusCode::OK);
        let rows = read_xlsx(&xlsx.bytes().await.unwrap());
        assert_eq!(rows[0][..4], ["工号", "姓名", "部门", "提交数"].map(String::from));
        assert_eq!(rows[1][1], "张伟");
        assert_eq!(rows[1][13], "62");
        let csv = app.client.get(app.url("/api/v1/stats/assessments/export?period=month&format=csv"))
            .bearer_auth(&w.reviewer.access_token).send().await.unwrap().text().await.unwrap();
        assert!(csv.lines().nth(1).unwrap().starts_with("E1001,张伟,政企客户部,4,3,4,0.75,3.5,0.67,2,"), "{csv}");
        let (_, audit) = app.get("/api/v1/audit?action=export.assessments", &app.admin_token).await;
        assert_eq!(audit["total"], 2);

        let (_, r) = app.get("/api/v1/stats/reviewers?period=month", &w.reviewer.access_token).await;
        let chen = r["reviewers"].as_array().unwrap().iter().find(|x| x["real_name"] == "陈静").unwrap();
        assert_eq!((chen["decisions"].as_i64(), chen["adopted"].as_i64(), chen["agreement"].as_f64()), (Some(3), Some(3), Some(0.0)));
        assert_eq!(chen["median_decision_hours"], 3.0);
        let liu = r["reviewers"].as_array().unwrap().iter().find(|x| x["real_name"] == "刘洋").unwrap();
        assert_eq!((liu["decisions"].as_i64(), liu["rejected"].as_i64()), (Some(1), Some(1)));
        assert_eq!(r["flags"], json!([{"reviewer_id": chen["reviewer_id"], "reviewer_name": "陈静", "author_id": w.author.user["id"],
            "author_name": "张伟", "decisions": 3, "adoption_rate": 1.0, "peer_adoption_rate": 0.0}]));
        // Beside them: who records uses of whose entries. One use each way is no pattern …
        let pairs = |r: &Value| r["usage_pairs"].as_array().unwrap().iter()
            .map(|p| (p["user_name"].as_str().unwrap().to_owned(), p["other_name"].as_str().unwrap().to_owned(),
                      p["uses_by_user"].as_i64().unwrap(), p["uses_by_other"].as_i64().unwrap(), p["flagged"].as_bool().unwrap()))
            .collect::<Vec<_>>();
        let s = |t: &str| t.to_owned();
        assert_eq!(pairs(&r), [(s("张伟"), s("王芳"), 0, 1, false), (s("张伟"), s("李强"), 0, 1, false)]);
        // … but 张伟 and 王芳 recording three uses each of the other's entries is.
        let (_, theirs) = app.post("/api/v1/intel", &w.marketer.access_token, w.business_entry("王芳的情报")).await;
        w.adopt(&app, id(&theirs), 3).await;
        for _ in 0..3 {
            app.post(&format!("/api/v1/intel/{}/usages", id(&theirs)), &w.author.access_token, json!({"purpose": "visit", "outcome": "won"})).await;
        }
        for _ in 0..2 {
            app.post(&format!("/api/v1/intel/{}/usages", e1), &w.marketer.access_token, json!({"purpose": "visit"})).await;
        }
        let (_, r) = app.get("/api/v1/stats/reviewers?period=month", &w.reviewer.access_token).await;
        assert_eq!(pairs(&r)[0], (s("张伟"), s("王芳"), 3, 3, true), "{}", r["usage_pairs"]);
        assert_eq!(r["usage_pairs"][0]["won_by_user"], 3);
        assert_eq!(app.get("/api/v1/stats/reviewers", &w.marketer.access_token).await.0, StatusCode::FORBIDDEN);
    }
}

on_both_backends! {
    // A person's assessment row and their ratings are one computation: every
    // figure they share agrees; revisions and verifications are counted.
    async fn assessments_agree_with_ratings(app: TestApp) {
        let (w, [e1, _, e3, _]) = known_world(&app).await;
        let revision = json!({"title": "话费代付已落实", "body": "已签统一代付协议。", "source": "private", "observed_at": "2026-11-25",
                              "fields": {"current_products": "集团V网、专线", "monthly_spend": 90000}});
        let (status, proposed) = app.post(&format!("/api/v1/intel/{e1}/revisions"), &w.author.access_token, revision).await;
        assert_eq!(status, StatusCode::CREATED, "{proposed}");
        w.adopt(&app, id(&proposed), 4).await;
        // The competitor entry (a 30-day window) was adopted 40 days ago: stale, so verifying it pays.
        app.age("intel", Rows::Id(e3), &["adopted_at"], chrono::Duration::days(40)).await;
        let (status, verified) = app.post(&format!("/api/v1/intel/{e3}/verify"), &w.author.access_token, json!({})).await;
        assert_eq!(status, StatusCode::OK, "{verified}");

        let (status, a) = app.get("/api/v1/stats/assessments?period=all", &w.reviewer.access_token).await;
        assert_eq!(status, StatusCode::OK, "{a}");
        let zhang = a["items"].as_array().unwrap().iter().find(|r| r["real_name"] == "张伟").unwrap();
        assert_eq!((zhang["submitted"].as_i64(), zhang["adopted"].as_i64(), zhang["decided"].as_i64()), (Some(5), Some(4), Some(5)));
        assert_eq!((zhang["updates"].as_i64(), zhang["verifications"].as_i64()), (Some(1), Some(1)));
        assert_eq!(zhang["points"], 62 + 8 + 1);
        let (status, r) = app.get(&format!("/api/v1/users/{}/ratings?period=all", id(&w.author.user)), &w.reviewer.access_token).await;
        assert_eq!(status, StatusCode::OK, "{r}");
        let shared = [
            ("submitted", &r["quantity"]["submitted"]),
            ("adopted", &r["quantity"]["adopted"]),
            ("decided", &r["quality"]["decided"]),
            ("adoption_rate", &r["quality"]["adoption_rate"]),
            ("mean_score", &r["quality"]["mean_score"]),
            ("usage_rate", &r["usage"]["usage_rate"]),
            ("uses", &r["usage"]["uses"]),
            ("median_submission_delay_hours", &r["timeliness"]["median_hours"]),
        ];
        for (field, rated) in shared {
            assert_eq!(&zhang[field], rated, "{field}");
        }
        assert!(zhang["median_submission_delay_hours"].as_f64().is_some());
        // Only 张伟 writes in 政企客户部, so the department's ratings are his.
        let department = w.author.user["department"]["id"].as_i64().unwrap();
        let (_, d) = app.get(&format!("/api/v1/departments/{department}/ratings?period=all"), &w.reviewer.access_token).await;
        assert_eq!(d, r);
    }

    // More entries than SQLite binds in one statement (32,766): the ratings
    // bind no list of them (PostgreSQL would take them as one array).
    async fn a_prolific_author_is_still_rated(app: TestApp) {
        let w = World::new(&app).await;
        let first = w.adopted_entry(&app, "原始条目").await;
        app.post(&format!("/api/v1/intel/{first}/usages"), &w.marketer.access_token, json!({"purpose": "visit"})).await;
        let columns = "client_id, category, author_id, title, body, fields, source, observed_at, completeness, status, \
                       revision, quality, created_at, updated_at, submitted_at, decided_at, adopted_at";
        let numbers = if app.is_postgres() {
            "generate_series(1, 40000) AS n(i)"
        } else {
            "(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40000) SELECT i FROM n)"
        };
        let copies = format!("INSERT INTO intel ({columns}) SELECT {columns} FROM intel, {numbers} WHERE intel.id = {first}");
        exec_sql_beside_the_server(&app, copies).await;

        let author = id(&w.author.user);
        let (status, r) = app.get(&format!("/api/v1/users/{author}/ratings?period=all"), &w.reviewer.access_token).await;
        assert_eq!(status, StatusCode::OK, "{r}");
        assert_eq!(r["quantity"], json!({"submitted": 40001, "adopted": 40001}));
        assert_eq!(r["usage"], json!({"adopted": 40001, "used": 1, "usage_rate": 0.0, "uses": 1}));
        let department = w.author.user["department"]["id"].as_i64().unwrap();
        let (status, d) = app.get(&format!("/api/v1/departments/{department}/ratings?period=all"), &w.reviewer.access_token).await;
        assert_eq!(status, StatusCode::OK, "{d}");
        assert_eq!(d["quantity"]["submitted"], 40001);
        let (status, a) = app.get("/api/v1/stats/assessments?period=all", &w.reviewer.access_token).await;
        assert_eq!(status, StatusCode::OK, "{a}");
        assert_eq!(a["items"][0]["adopted"], 40001);
    }
}

/// Runs a long statement on a blocking thread: the test server shares this
/// test's thread, and a blocked server lets the client's idle connections go
/// stale under it.
async fn exec_sql_beside_the_server(app: &TestApp, sql: String) {
    use diesel::connection::SimpleConnection;
    let url = app.settings().database_url.clone();
    actix_web::rt::task::spawn_blocking(move || {
        let pool = zhiku::db::connect(&url, zhiku::db::Limits::cli(1)).unwrap();
        let mut conn = pool.get().unwrap();
        zhiku::with_conn!(&mut *conn, |c| c.batch_execute(&sql)).unwrap();
        // Rows written around the app: rebuild what the statistics count from them.
        zhiku::db::rebuild_rollups(&mut conn, true).unwrap();
    })
    .await
    .unwrap();
}

fn read_xlsx(bytes: &[u8]) -> Vec<Vec<String>> {
    use calamine::{Reader, Xlsx};
    let mut workbook: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let sheet = workbook.worksheet_range_at(0).unwrap().unwrap();
    sheet.rows().map(|row| row.iter().map(|c| c.to_string()).collect()).collect()
}
