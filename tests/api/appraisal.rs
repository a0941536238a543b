//! 绩效考核 (docs/APPRAISAL.md) end to end on both databases: last month's
//! work played through the API and placed in last month, the preview's
//! exact numbers, publishing (once, by whom, only an ended period), the
//! frozen result surviving a rule change, who sees which rows, and the
//! workbook with a sheet per department.

use chrono::{Datelike, Duration, NaiveDate, Utc};
use futures_util::future::join_all;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::on_both_backends;
use crate::world::{id, World};

/// The first day of last month and its period key (business time, UTC+8).
fn last_month() -> (NaiveDate, String) {
    let today = (Utc::now() + Duration::hours(8)).date_naive();
    let this = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap();
    let first = (this - Duration::days(1)).with_day(1).unwrap();
    (first, format!("{}-{:02}", first.year(), first.month()))
}

fn item<'a>(appraisal: &'a Value, employee_no: &str) -> &'a Value {
    appraisal["items"]
        .as_array()
        .and_then(|items| items.iter().find(|i| i["employee_no"] == employee_no))
        .unwrap_or_else(|| panic!("no {employee_no} in {appraisal}"))
}

fn weighted_sum(person: &Value) -> f64 {
    ["saving", "reporting", "updating", "use"]
        .iter()
        .flat_map(|a| ["time", "quality"].map(|d| person["activities"][a][d]["weighted"].as_f64().unwrap()))
        .sum()
}

on_both_backends! {
    async fn last_months_work_is_scored_published_once_and_frozen(app: TestApp) {
        let w = World::new(&app).await;
        let (first, period) = last_month();
        let at = |days: i64, hours: i64| {
            (first.and_hms_opt(2, 0, 0).unwrap() + Duration::days(days) + Duration::hours(hours))
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        };

        // Two entries adopted (scores 4 and 5), a third returned, corrected with every field and adopted (3).
        let a = w.adopted_entry(&app, "续约意向").await;
        let b = id(&w.submit(&app, w.business_entry("扩容需求")).await);
        w.adopt(&app, b, 5).await;
        let c = id(&w.submit(&app, w.business_entry("待补充")).await);
        let (status, _) = app.post(&format!("/api/v1/intel/{c}/review"), &w.reviewer.access_token,
            json!({"decision": "revise", "comment": "请补全字段"})).await;
        assert_eq!(status, StatusCode::OK);
        let full = json!({"current_products": "专线", "monthly_spend": 1000, "lines": 30, "contract_end": "2027-06-30",
            "satisfaction": "满意", "pain_points": "报销繁琐", "sales_record": "年销售额稳定", "cooperation_attitude": "积极"});
        let (status, body) = app.put(&format!("/api/v1/intel/{c}"), &w.author.access_token,
            json!({"fields": full, "submit": true})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["completeness"], 1.0, "{body}");
        w.adopt(&app, c, 3).await;
        // The marketer uses A and wins with it.
        let (status, used) = app.post(&format!("/api/v1/intel/{a}/usages"), &w.marketer.access_token,
            json!({"purpose": "campaign"})).await;
        assert_eq!(status, StatusCode::CREATED, "{used}");
        let (status, _) = app.patch(&format!("/api/v1/usages/{}", id(&used)), &w.marketer.access_token,
            json!({"outcome": "won"})).await;
        assert_eq!(status, StatusCode::OK);

        // Into last month: observed on day 3; A and C submitted 10 h later, B 11 days later.
        let mut sql = String::new();
        for (entry, submitted) in [(a, at(2, 10)), (b, at(2, 264)), (c, at(2, 10))] {
            sql.push_str(&format!(
                "UPDATE intel SET observed_at = '{}', created_at = '{}', submitted_at = '{submitted}', decided_at = '{}', \
                 adopted_at = '{}', updated_at = '{}' WHERE id = {entry};\n",
                at(2, 0), at(2, 0), at(14, 0), at(14, 0), at(14, 0)));
            sql.push_str(&format!("UPDATE reviews SET created_at = '{}' WHERE intel_id = {entry};\n", at(14, 0)));
        }
        // C's correction: returned on day 4, resubmitted 9 days later.
        sql.push_str(&format!("UPDATE upkeep SET due_at = '{}', done_at = '{}' WHERE intel_id = {c};\n", at(3, 0), at(12, 0)));
        sql.push_str(&format!("UPDATE usages SET created_at = '{}', updated_at = '{}' WHERE intel_id = {a};\n", at(4, 0), at(24, 0)));
        app.exec_sql(&sql).await;

        let preview = app.get_ok(&format!("/api/v1/appraisals/{period}"), &app.admin_token).await;
        assert_eq!((preview["published"].as_bool(), preview["rules"]["version"].as_i64()), (Some(false), Some(1)));
        let author = item(&preview, "E1001");
        let s = &author["activities"];
        // Saving: 3 entries kept (target 10), all fresh; completeness 0.5, 0.5, 1.
        assert_eq!((s["saving"]["count"].as_i64(), s["saving"]["volume"].as_f64()), (Some(3), Some(0.3)));
        assert_eq!((s["saving"]["time"]["score"].as_f64(), s["saving"]["quality"]["raw"].as_f64()), (Some(30.0), Some(66.667)));
        assert_eq!(s["saving"]["quality"]["score"], 20.0);
        // Reporting: 100, 65.517, 100 → 88.506 × 3/4; reviews 4, 5, 3 → 80 × 3/4.
        assert_eq!((s["reporting"]["time"]["raw"].as_f64(), s["reporting"]["time"]["score"].as_f64()), (Some(88.506), Some(66.4)));
        assert_eq!((s["reporting"]["quality"]["raw"].as_f64(), s["reporting"]["quality"]["weighted"].as_f64()), (Some(80.0), Some(15.0)));
        // Updating: one correction 9 days after its return → 91.304 × 1/2; its review 3 → 60 × 1/2.
        assert_eq!((s["updating"]["time"]["raw"].as_f64(), s["updating"]["time"]["score"].as_f64()), (Some(91.304), Some(45.7)));
        assert_eq!(s["updating"]["quality"]["score"], 30.0);
        assert_eq!((s["use"]["count"].as_i64(), s["use"]["time"]["raw"].clone()), (Some(0), Value::Null));
        assert_eq!(author["total"], 37.53, "{author}");
        assert!((weighted_sum(author) - 37.53).abs() < 1e-9);
        // The marketer's one use of two, won 20 days later: 86.957 and 100, halved.
        let marketer = item(&preview, "M3001");
        assert_eq!((marketer["activities"]["use"]["time"]["score"].as_f64(), marketer["total"].as_f64()), (Some(43.5), Some(9.35)));
        assert_eq!((author["rank"].as_i64(), marketer["rank"].as_i64()), (Some(1), Some(2)));
        let appraised: Vec<&str> = preview["items"].as_array().unwrap().iter().map(|i| i["employee_no"].as_str().unwrap()).collect();
        assert!(!appraised.contains(&"R2001"), "reviewers run the appraisal, it does not assess them: {appraised:?}");
        let frontline = preview["departments"].as_array().unwrap().iter()
            .find(|d| d["name"] == "政企客户部").cloned().unwrap();
        // 37.53 + 9.35 + 0 + 0 (the account manager, the employee) over 4 people.
        assert_eq!((frontline["people"].as_i64(), frontline["mean_total"].as_f64()), (Some(4), Some(11.72)));

        // Who sees which rows: oneself; a department head their department.
        let own = app.get_ok(&format!("/api/v1/appraisals/{period}"), &w.employee.access_token).await;
        assert_eq!(own["total"], 1);
        assert_eq!(own["items"][0]["employee_no"], "E1003");
        let frontline_id = frontline["department_id"].as_i64().unwrap();
        let head = app.user_session("H1001", "钱主任", &["department_head"]).await;
        app.patch(&format!("/api/v1/users/{}", id(&head.user)), &app.admin_token, json!({"department_id": frontline_id})).await;
        let head = app.login_ok("H1001", &crate::helpers::user_password("H1001")).await;
        let theirs = app.get_ok(&format!("/api/v1/appraisals/{period}"), &head.access_token).await;
        assert_eq!(theirs["total"], 5, "the four and the head: {theirs}");
        let (status, _) = app.get(&format!("/api/v1/appraisals/{period}?department_id={}", frontline_id + 1), &head.access_token).await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // Publishing: not by a plain reviewer, not a running month, once among concurrent attempts.
        let (status, _) = app.post("/api/v1/appraisals", &w.reviewer.access_token, json!({"period": period})).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let this_month = (Utc::now() + Duration::hours(8)).format("%Y-%m").to_string();
        let (status, body) = app.post("/api/v1/appraisals", &app.admin_token, json!({"period": this_month})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body["fields"]["period"].is_string(), "{body}");
        let (status, _) = app.post("/api/v1/appraisals", &app.admin_token, json!({"period": "2026-13"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let head_of_management = app.user_session("R2009", "信息部主任", &["reviewer", "department_head"]).await;
        let app = &app;
        let attempts = (0..4).map(|i| {
            let token = if i % 2 == 0 { app.admin_token.clone() } else { head_of_management.access_token.clone() };
            let body = json!({"period": period});
            async move { app.post("/api/v1/appraisals", &token, body).await }
        });
        let answers = join_all(attempts).await;
        let created: Vec<&Value> = answers.iter().filter(|(s, _)| *s == StatusCode::CREATED).map(|(_, b)| b).collect();
        assert_eq!(created.len(), 1, "{answers:?}");
        assert!(answers.iter().all(|(s, _)| *s == StatusCode::CREATED || *s == StatusCode::CONFLICT), "{answers:?}");
        assert_eq!(item(created[0], "E1001")["total"], 37.53);

        // A new rule version: the published month keeps its numbers and its version.
        let mut rules = app.get_ok("/api/v1/appraisal/rules", &w.employee.access_token).await["rules"].clone();
        rules["weights"]["reporting_quality"] = json!(15);
        let (status, body) = app.put("/api/v1/appraisal/rules", &app.admin_token, rules.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "weights must sum to 100: {body}");
        assert!(body["fields"]["weights"].is_string(), "{body}");
        let mut huge = rules.clone();
        huge["weights"]["use_time"] = json!(u32::MAX);
        huge["weights"]["use_quality"] = json!(u32::MAX);
        let (status, body) = app.put("/api/v1/appraisal/rules", &app.admin_token, huge).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        rules["weights"]["use_quality"] = json!(20);
        let (status, body) = app.put("/api/v1/appraisal/rules", &app.admin_token, rules).await;
        assert_eq!((status, body["version"].as_i64()), (StatusCode::OK, Some(2)), "{body}");
        let frozen = app.get_ok(&format!("/api/v1/appraisals/{period}"), &app.admin_token).await;
        assert_eq!((frozen["published"].as_bool(), frozen["rules"]["version"].as_i64()), (Some(true), Some(1)));
        assert_eq!(item(&frozen, "E1001")["total"], 37.53);
        assert_eq!(item(&frozen, "E1001")["activities"], author["activities"]);
        assert!(frozen["published_by"]["real_name"].is_string(), "{frozen}");
        let list = app.get_ok("/api/v1/appraisals", &w.employee.access_token).await;
        assert_eq!((list[0]["period"].as_str(), list[0]["people"].as_i64()), (Some(period.as_str()), Some(frozen["total"].as_i64().unwrap())));

        // The workbook: the standings, then a sheet per department.
        let response = app.client.get(app.url(&format!("/api/v1/appraisals/{period}/export")))
            .bearer_auth(&app.admin_token).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let bytes = response.bytes().await.unwrap();
        use calamine::{Reader, Xlsx};
        let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let names = book.sheet_names();
        assert_eq!(names[0], "部门排名");
        assert_eq!(names, ["部门排名", "政企客户部"], "reviewers and admins are not appraised");
        let sheet = book.worksheet_range("政企客户部").unwrap();
        let first_row: Vec<String> = sheet.rows().nth(1).unwrap().iter().map(|c| c.to_string()).collect();
        assert_eq!((first_row[2].as_str(), first_row[5].as_str()), ("E1001", "37.53"), "{first_row:?}");
        let (status, _) = app.get(&format!("/api/v1/appraisals/{period}/export"), &w.employee.access_token).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
}
