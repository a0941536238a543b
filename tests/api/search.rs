use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{eventually, Session, TestApp};
use crate::on_both_backends;
use crate::world::{id, World};

use crate::helpers::urlencode as enc;

/// One search as `who`; it must answer 200.
async fn search(app: &TestApp, who: &Session, query: &str) -> Value {
    let (status, body) = app.get(&format!("/api/v1/search?{query}"), &who.access_token).await;
    assert_eq!(status, StatusCode::OK, "{query}: {body}");
    body
}

/// Searches until `done` holds: the index follows the database within moments.
/// Wait as someone who can see only the state waited for (an entry's author
/// sees it before its adoption is indexed, an employee only after).
async fn search_until(app: &TestApp, who: &Session, query: &str, done: impl Fn(&Value) -> bool) -> Value {
    let done = &done;
    eventually(&format!("a search for {query} to satisfy the test"), || async move {
        Some(search(app, who, query).await).filter(done)
    })
    .await
}

fn titles(result: &Value) -> Vec<String> {
    result["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["intel"]["title"].as_str().unwrap().to_owned())
        .collect()
}

fn entry(w: &World, category: &str, title: &str, body: &str, fields: Value) -> Value {
    json!({"client_id": w.client_id, "category": category, "title": title, "body": body,
           "fields": fields, "source": "public", "observed_at": "2026-11-20"})
}

fn business(w: &World, title: &str, body: &str) -> Value {
    entry(w, "business", title, body, json!({"current_products": "集团V网", "monthly_spend": 1000}))
}

on_both_backends! {
    async fn an_adopted_entry_is_found_highlighted(app: TestApp) {
        let w = World::new(&app).await;
        let entry_id = id(&w.submit(&app, business(&w, "财务副总嫌话费报销繁琐", "财务副总王总说每月话费报销流程太繁琐，希望统一代付。")).await);
        w.adopt(&app, entry_id, 4).await;
        let found = search_until(&app, &w.employee, &format!("q={}", enc("财务副总 话费")), |b| b["total"] == 1).await;
        let hit = &found["items"][0];
        assert_eq!(hit["intel"]["id"], entry_id);
        let snippet = hit["snippet"].as_str().unwrap();
        assert!(snippet.contains("<mark>财务副总</mark>") && snippet.contains("<mark>话费</mark>"), "{snippet}");
        assert!(hit["score"].as_f64().unwrap() > 0.0);
        assert_eq!(found["facets"]["category"], json!({"business": 1}));
        assert_eq!(found["facets"]["client_kind"], json!({"group": 1}));
    }

    async fn ranking_favours_titles_and_quality_and_pages_agree(app: TestApp) {
        let w = World::new(&app).await;
        // Same body length, so only the title and the rubric score differ.
        let body_only = id(&w.submit(&app, business(&w, "季度走访记录甲", "对方提到云视讯续约，预算已批。")).await);
        let in_title = id(&w.submit(&app, business(&w, "云视讯续约意向", "对方提到季度走访，预算已批。")).await);
        let low = id(&w.submit(&app, business(&w, "季度走访记录乙", "对方提到云视讯续约，预算已批。")).await);
        w.adopt(&app, body_only, 5).await;
        w.adopt(&app, in_title, 3).await;
        w.adopt(&app, low, 1).await;
        let query = format!("q={}", enc("云视讯"));
        let found = search_until(&app, &w.employee, &query, |b| b["total"] == 3).await;
        assert_eq!(
            titles(&found),
            ["云视讯续约意向", "季度走访记录甲", "季度走访记录乙"],
            "title match first, then the better-scored of two equal bodies: {found}"
        );
        let scores: Vec<f64> = found["items"].as_array().unwrap().iter().map(|i| i["score"].as_f64().unwrap()).collect();
        assert!(scores.windows(2).all(|p| p[0] >= p[1]), "{scores:?}");
        let mut paged = Vec::new();
        for page in 1..=3 {
            let (_, body) = app.get(&format!("/api/v1/search?{query}&per_page=1&page={page}"), &w.employee.access_token).await;
            assert_eq!(body["total"], 3);
            paged.extend(titles(&body));
        }
        assert_eq!(paged, titles(&found), "pages of one follow the same order");
    }

    async fn substrings_jieba_misses_are_found(app: TestApp) {
        let w = World::new(&app).await;
        for (title, body) in [
            ("月费用户增长", "本季度月费用户增加了两百户。"),
            ("对大客户的服务", "公司对大客户提供专属经理。"),
            ("5G专线需求", "客户计划开通5G专线连接两个园区。"),
            ("无关条目", "完全不相干的内容，没有那些词。"),
        ] {
            let entry_id = id(&w.submit(&app, business(&w, title, body)).await);
            w.adopt(&app, entry_id, 3).await;
        }
        let expect = [("费用", "月费用户增长"), ("大客户", "对大客户的服务"), ("5G专线", "5G专线需求"), ("5g", "5G专线需求"), ("\"专属经理\"", "对大客户的服务")];
        for (q, title) in expect {
            let found = search_until(&app, &w.employee, &format!("q={}", enc(q)), |b| b["total"] == 1).await;
            assert_eq!(titles(&found), [title], "query {q}");
        }
        // Every word must appear: two words from different entries find nothing.
        let found = search(&app, &w.employee, &format!("q={}", enc("费用 园区"))).await;
        assert_eq!(found["total"], 0);
        // Client names match by pinyin initials and full pinyin; author names too.
        let found = search_until(&app, &w.employee, "q=whcj", |b| b["total"] == 4).await;
        assert_eq!(found["total"], 4);
        let found = search_until(&app, &w.employee, "q=zhangwei", |b| b["total"] == 4).await;
        assert_eq!(found["total"], 4, "author 张伟 by pinyin");
    }

    async fn visibility_holds_for_hits_counts_and_facets(app: TestApp) {
        let w = World::new(&app).await;
        let adopted = id(&w.submit(&app, business(&w, "已采纳的宽带情报", "宽带续约")).await);
        w.adopt(&app, adopted, 4).await;
        w.submit(&app, business(&w, "待审核的宽带情报", "宽带扩容")).await;
        let mut draft = business(&w, "草稿宽带情报", "宽带草稿");
        draft["draft"] = json!(true);
        w.submit(&app, draft).await;

        let q = format!("q={}", enc("宽带"));
        let author = search_until(&app, &w.author, &q, |b| b["total"] == 3).await;
        assert_eq!(author["total"], 3, "the author sees all three of their own");
        let reviewer = search_until(&app, &w.reviewer, &q, |b| b["total"] == 2).await;
        assert_eq!(reviewer["total"], 2, "reviewers see pending but no drafts: {reviewer}");
        let employee = search_until(&app, &w.employee, &q, |b| b["total"] == 1).await;
        assert_eq!(titles(&employee), ["已采纳的宽带情报"]);
        assert_eq!(employee["facets"]["category"], json!({"business": 1}));
        let pending = search(&app, &w.employee, &format!("{q}&status=submitted")).await;
        assert_eq!(pending["total"], 0);
        assert_eq!(pending["facets"]["category"], json!({}));
    }

    async fn sensitive_values_are_not_searchable(app: TestApp) {
        let w = World::new(&app).await;
        let profile = entry(&w, "profile", "董事长的偏好", "公开的信息。",
            json!({"decision_makers": "董事长", "preferences": "喜欢普洱茶和高尔夫"}));
        let entry_id = id(&w.submit(&app, profile).await);
        w.adopt(&app, entry_id, 4).await;
        search_until(&app, &w.employee, &format!("q={}", enc("董事长")), |b| b["total"] == 1).await;
        for who in [&w.employee, &w.author, &w.reviewer] {
            let found = search(&app, who, &format!("q={}", enc("普洱茶"))).await;
            assert_eq!(found["total"], 0, "sensitive text leaked into the index");
        }
    }

    async fn filters_sorts_and_paging(app: TestApp) {
        let w = World::new(&app).await;
        let (_, vip) = app.post("/api/v1/clients", &w.employee.access_token,
            json!({"kind": "individual", "name": "王建国", "tags": ["网球"]})).await;
        let first = id(&w.submit(&app, business(&w, "专线情报一", "专线")).await);
        w.adopt(&app, first, 2).await;
        let second = id(&w.submit(&app, json!({"client_id": id(&vip), "category": "opportunity", "title": "专线情报二",
            "body": "专线", "fields": {"need": "专线扩容"}, "source": "private", "observed_at": "2026-11-21"})).await);
        w.adopt(&app, second, 5).await;
        let q = format!("q={}", enc("专线"));
        let all = search_until(&app, &w.employee, &q, |b| b["total"] == 2).await;
        assert_eq!(all["facets"]["category"], json!({"business": 1, "opportunity": 1}));
        assert_eq!(all["facets"]["client_kind"], json!({"group": 1, "individual": 1}));

        let only = search(&app, &w.employee, &format!("{q}&category=opportunity")).await;
        assert_eq!(titles(&only), ["专线情报二"]);
        // A facet counts as if its own filter were not set.
        assert_eq!(only["facets"]["category"], json!({"business": 1, "opportunity": 1}));
        assert_eq!(only["facets"]["client_kind"], json!({"individual": 1}));
        let kind = search(&app, &w.employee, &format!("{q}&client_kind=group")).await;
        assert_eq!(titles(&kind), ["专线情报一"]);
        let tagged = search(&app, &w.employee, &format!("{q}&tag={}", enc("高尔夫"))).await;
        assert_eq!(titles(&tagged), ["专线情报一"]);
        let by_quality = search(&app, &w.employee, &format!("{q}&sort=quality")).await;
        assert_eq!(titles(&by_quality), ["专线情报二", "专线情报一"]);
        let newest = search(&app, &w.employee, &format!("{q}&sort=newest")).await;
        assert_eq!(titles(&newest), ["专线情报二", "专线情报一"]);
        let page2 = search(&app, &w.employee, &format!("{q}&sort=newest&per_page=1&page=2")).await;
        assert_eq!((page2["total"].as_i64(), titles(&page2)), (Some(2), vec!["专线情报一".to_owned()]));
        let future = search(&app, &w.employee, &format!("{q}&from=2999-01-01")).await;
        assert_eq!(future["total"], 0);
        let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
        let window = search(&app, &w.employee, &format!("{q}&from=2020-01-01&to={today}")).await;
        assert_eq!(window["total"], 2);
        let browse = search(&app, &w.employee, "sort=newest").await;
        assert_eq!(browse["total"], 2, "no words: everything visible, newest first");
    }

    async fn hostile_queries_never_fail(app: TestApp) {
        let w = World::new(&app).await;
        for q in ["title:(a OR b)", "\"unclosed", "*", "?", "\\", "((((", "[1 TO 2]", "a^2~3", "<script>alert(1)</script>", "%00", "'; DROP TABLE intel;--"] {
            let (status, body) = app.get(&format!("/api/v1/search?q={}", enc(q)), &w.employee.access_token).await;
            assert_eq!(status, StatusCode::OK, "{q}: {body}");
        }
        // Long text is refused clearly, never searched slowly: over 200 characters a 422 on `q`,
        // a URL over 8 KiB a 400, both in the error shape.
        let (status, body) = app.get(&format!("/api/v1/search?q={}", enc(&"长".repeat(201))), &w.employee.access_token).await;
        assert_eq!((status, body["fields"]["q"].is_string()), (StatusCode::UNPROCESSABLE_ENTITY, true), "{body}");
        let (status, body) = app.get(&format!("/api/v1/search?q={}", enc(&"长".repeat(5000))), &w.employee.access_token).await;
        assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("bad_request")), "{body}");
        assert_eq!(app.get(&format!("/api/v1/search?q={}", enc(&"长".repeat(200))), &w.employee.access_token).await.0, StatusCode::OK);
        for bad in ["from=yesterday", "sort=random", "client_kind=alien", "status=maybe", "page=-3", "author_id=x"] {
            let (status, body) = app.get(&format!("/api/v1/search?q=a&{bad}"), &w.employee.access_token).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
            assert_eq!(body["error"], "bad_request");
        }
        let (status, body) = app.get("/api/v1/search?category=nonsense", &w.employee.access_token).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    }

    async fn misses_are_logged_for_admins(app: TestApp) {
        let w = World::new(&app).await;
        search(&app, &w.employee, &format!("q={}", enc("不存在的词语"))).await;
        let (status, misses) = app.get("/api/v1/search/misses", &app.admin_token).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(misses["items"][0]["query"], "不存在的词语");
        assert_eq!(misses["items"][0]["user"]["real_name"], "赵敏");
        assert_eq!(app.get("/api/v1/search/misses", &w.employee.access_token).await.0, StatusCode::FORBIDDEN);
    }

    async fn similar_entries_are_hinted(app: TestApp) {
        let w = World::new(&app).await;
        let adopted = id(&w.submit(&app, business(&w, "财务副总希望话费统一代付", "话费报销繁琐")).await);
        w.adopt(&app, adopted, 4).await;
        // Waiting as the author would not do: they find the entry before its adoption is indexed.
        search_until(&app, &w.employee, &format!("q={}", enc("代付")), |b| b["total"] == 1).await;
        let (status, hints) = app.post("/api/v1/search/similar", &w.employee.access_token,
            json!({"client_id": w.client_id, "title": "话费代付需求", "body": "财务副总提到话费"})).await;
        assert_eq!(status, StatusCode::OK, "{hints}");
        assert_eq!(hints[0]["intel"]["id"], adopted);
        let pending = id(&w.submit(&app, business(&w, "话费统一代付", "财务副总再次提到话费代付")).await);
        search_until(&app, &w.reviewer, &format!("q={}", enc("再次")), |b| b["total"] == 1).await;
        let (status, hints) = app.get(&format!("/api/v1/intel/{pending}/similar"), &w.reviewer.access_token).await;
        assert_eq!(status, StatusCode::OK);
        let ids: Vec<i64> = hints.as_array().unwrap().iter().map(|h| h["intel"]["id"].as_i64().unwrap()).collect();
        assert_eq!(ids, [adopted]);
        assert_eq!(app.get(&format!("/api/v1/intel/{pending}/similar"), &w.employee.access_token).await.0, StatusCode::NOT_FOUND);
    }

    async fn clients_renamed_or_retagged_are_reindexed(app: TestApp) {
        let w = World::new(&app).await;
        let entry_id = id(&w.submit(&app, business(&w, "改名测试", "内容")).await);
        w.adopt(&app, entry_id, 4).await;
        let (status, _) = app.patch(&format!("/api/v1/clients/{}", w.client_id), &w.manager.access_token,
            json!({"name": "皖江新港集团", "tags": ["垂钓"]})).await;
        assert_eq!(status, StatusCode::OK);
        let found = search_until(&app, &w.employee, &format!("q={}", enc("皖江新港")), |b| b["total"] == 1).await;
        assert_eq!(found["total"], 1);
        let tagged = search_until(&app, &w.employee, &format!("tag={}", enc("垂钓")), |b| b["total"] == 1).await;
        assert_eq!(tagged["total"], 1);
        let old = search_until(&app, &w.employee, "q=whcj", |b| b["total"] == 0).await;
        assert_eq!(old["total"], 0);
    }

    async fn reindex_rebuilds_and_swaps_the_live_index(app: TestApp) {
        let w = World::new(&app).await;
        for n in 0..3 {
            let entry_id = id(&w.submit(&app, business(&w, &format!("重建索引{n}"), "重建")).await);
            w.adopt(&app, entry_id, 4).await;
        }
        search_until(&app, &w.employee, &format!("q={}", enc("重建")), |b| b["total"] == 3).await;
        let settings = app.settings().clone();
        let rebuilt = tokio::task::spawn_blocking(move || {
            let pool = zhiku::db::connect(&settings.database_url, zhiku::db::Limits::cli(2)).unwrap();
            zhiku::search::reindex::rebuild(&pool, &settings.data_dir, false).unwrap()
        })
        .await
        .unwrap();
        assert_eq!(rebuilt.entries, 3);
        // The server follows the swap; a change after the rebuild is applied on top.
        let entry_id = id(&w.submit(&app, business(&w, "重建索引3", "重建")).await);
        w.adopt(&app, entry_id, 4).await;
        let found = search_until(&app, &w.employee, &format!("q={}", enc("重建")), |b| b["total"] == 4).await;
        assert_eq!(found["total"], 4);
        let root = zhiku::search::index::search_root(&app.settings().data_dir);
        assert_eq!(zhiku::search::index::current_generation(&root).as_deref(), Some(rebuilt.generation.as_str()));
    }
}
