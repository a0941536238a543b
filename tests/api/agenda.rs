//! The loop to the account manager, second half: reminders from adopted dates
//! (the daily job), visits and tasks (`/visits`, `/tasks`), `/reminders`, the
//! private calendar feed, and the handover preview and briefing.

use chrono::{Duration, NaiveDate, Utc};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::TestApp;
use crate::on_both_backends;
use crate::smtp::{kinds_of, run_job};
use crate::world::{id, World};

/// Today in the branch's time zone (UTC+8), as the job sees it.
fn today() -> NaiveDate {
    (Utc::now() + Duration::hours(8)).date_naive()
}

/// An adopted business entry whose contract ends `days` from today.
async fn contract_ending_in(app: &TestApp, w: &World, days: i64) -> (i64, NaiveDate) {
    let end = today() + Duration::days(days);
    let mut body = w.business_entry("合同即将到期");
    body["fields"]["contract_end"] = json!(end.to_string());
    let entry = id(&w.submit(app, body).await);
    w.adopt(app, entry, 4).await;
    (entry, end)
}

async fn reminders(app: &TestApp, token: &str, status: &str) -> Vec<Value> {
    let (code, page) = app.get(&format!("/api/v1/reminders?status={status}"), token).await;
    assert_eq!(code, StatusCode::OK, "{page}");
    page["items"].as_array().unwrap().clone()
}

on_both_backends! {
    async fn an_adopted_date_reminds_the_owner_once_and_reaches_the_calendar(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let w = World::new(&app).await;
        let (entry, end) = contract_ending_in(&app, &w, 25).await;
        // Two processes on one database run the day's job; it reminds once.
        let second = TestApp::spawn_on(app.settings().clone()).await;
        let runs = futures_util::future::join_all([run_job(&app, "reminders", false), run_job(&second, "reminders", false)]).await;
        let statuses: Vec<StatusCode> = runs.iter().map(|r| r.0).collect();
        assert!(statuses.contains(&StatusCode::OK) && statuses.contains(&StatusCode::CONFLICT), "{runs:?}");
        let ran = runs.iter().find(|r| r.0 == StatusCode::OK).unwrap();
        assert_eq!(ran.1["summary"]["fact_reminders"], 1, "{}", ran.1);
        // A forced run again (the next day's, as it were) adds nothing: each reminder once.
        assert_eq!(run_job(&second, "reminders", true).await.0, StatusCode::OK);

        let open = reminders(&app, &w.manager.access_token, "open").await;
        assert_eq!(open.len(), 1, "25 days before the end: only the 30-day reminder, not the 60-day one: {open:?}");
        let reminder = &open[0];
        assert_eq!((reminder["kind"].as_str(), reminder["offset_days"].as_i64(), reminder["intel_id"].as_i64()), (Some("fact"), Some(30), Some(entry)));
        assert_eq!(reminder["fact_on"], end.to_string());
        assert_eq!(reminder["client"]["name"], "芜湖长江实业集团有限公司");
        assert_eq!(kinds_of(&app, &w.manager.access_token).await.iter().filter(|k| *k == "reminder_due").count(), 1);
        assert!(reminders(&app, &w.author.access_token, "open").await.is_empty(), "the owner's, not the author's");

        // The private calendar feed carries it, parsed back by a real parser.
        let (status, calendar) = app.get("/api/v1/me/calendar", &w.manager.access_token).await;
        assert_eq!(status, StatusCode::OK, "{calendar}");
        let url = calendar["url"].as_str().unwrap().to_owned();
        assert!(url.starts_with(&format!("{}/api/v1/calendar/", app.address)), "a URL one can subscribe to: {url}");
        let (status, ics) = app.calendar_feed(&url).await;
        assert_eq!(status, StatusCode::OK, "{ics}");
        let parsed: icalendar::Calendar = ics.parse().expect("an iCalendar feed");
        let events: Vec<&icalendar::Event> = parsed.components.iter().filter_map(|c| c.as_event()).collect();
        assert_eq!(events.len(), 1, "{ics}");
        use icalendar::Component;
        assert!(events[0].get_summary().unwrap().contains("合同到期日"), "{ics}");
        assert_eq!(events[0].get_start(), Some(icalendar::DatePerhapsTime::Date(end)));
        // Rotating the URL ends the old one.
        let (_, rotated) = app.post("/api/v1/me/calendar/rotate", &w.manager.access_token, json!({})).await;
        let new_url = rotated["url"].as_str().unwrap();
        assert_ne!(new_url, url);
        assert_eq!(app.calendar_feed(&url).await.0, StatusCode::NOT_FOUND);
        assert_eq!(app.calendar_feed(new_url).await.0, StatusCode::OK);
        assert_eq!(app.calendar_feed("/api/v1/calendar/1-00000000000000000000000000000000.ics").await.0, StatusCode::NOT_FOUND);

        // Snooze, then done.
        let path = format!("/api/v1/reminders/{}", id(reminder));
        let (status, error) = app.post(&format!("{path}/snooze"), &w.manager.access_token, json!({"until": today().to_string()})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
        let tomorrow = (today() + Duration::days(1)).to_string();
        let (status, snoozed) = app.post(&format!("{path}/snooze"), &w.manager.access_token, json!({"until": tomorrow})).await;
        assert_eq!((status, snoozed["status"].as_str()), (StatusCode::OK, Some("snoozed")), "{snoozed}");
        assert!(reminders(&app, &w.manager.access_token, "open").await.is_empty());
        assert_eq!(reminders(&app, &w.manager.access_token, "snoozed").await.len(), 1);
        assert_eq!(app.post(&format!("{path}/done"), &w.author.access_token, json!({})).await.0, StatusCode::NOT_FOUND, "someone else's");
        let (status, done) = app.post(&format!("{path}/done"), &w.manager.access_token, json!({})).await;
        assert_eq!((status, done["status"].as_str()), (StatusCode::OK, Some("done")));
        assert_eq!(reminders(&app, &w.manager.access_token, "done").await.len(), 1);

        // Five days before the end, the 7-day reminder comes, once.
        let (_, soon) = contract_ending_in(&app, &w, 5).await;
        run_job(&app, "reminders", true).await;
        let open = reminders(&app, &w.manager.access_token, "open").await;
        assert_eq!(open.iter().map(|r| (r["fact_on"].as_str().unwrap().to_owned(), r["offset_days"].as_i64().unwrap())).collect::<Vec<_>>(),
                   [(soon.to_string(), 7)]);
    }

}

on_both_backends! {
    async fn a_visits_next_step_is_on_my_agenda_and_reminded_when_due(app: TestApp) {
        let w = World::new(&app).await;
        let (_, contact) = app.post(&format!("/api/v1/clients/{}/contacts", w.client_id), &w.manager.access_token,
            json!({"name": "孙总", "title": "财务副总"})).await;
        let tomorrow = (today() + Duration::days(1)).to_string();
        let visit = json!({"client_id": w.client_id, "visited_on": today().to_string(), "contact_ids": [id(&contact)],
            "purpose": "方案交流", "summary": "客户希望统一代付话费。",
            "next_steps": [{"title": "发送代付方案", "due_on": tomorrow}, {"title": "约财务部开会", "due_on": "2027-01-15", "assignee_id": id(&w.author.user)}]});
        assert_eq!(app.post("/api/v1/visits", &w.employee.access_token, visit.clone()).await.0, StatusCode::FORBIDDEN);
        let mut bad = visit.clone();
        bad["contact_ids"] = json!([999999]);
        bad["next_steps"][0]["title"] = json!(" ");
        let (status, error) = app.post("/api/v1/visits", &w.manager.access_token, bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
        assert!(error["fields"]["contact_ids[0]"].is_string() && error["fields"]["next_steps[0].title"].is_string(), "{error}");
        let (status, recorded) = app.post("/api/v1/visits", &w.manager.access_token, visit).await;
        assert_eq!(status, StatusCode::CREATED, "{recorded}");
        assert_eq!(recorded["contacts"][0]["name"], "孙总");
        assert_eq!(recorded["tasks"].as_array().unwrap().len(), 2);
        assert_eq!(recorded["tasks"][1]["assignee"]["real_name"], "张伟");

        let (_, mine) = app.get("/api/v1/tasks?status=open", &w.manager.access_token).await;
        assert_eq!(mine["total"], 1, "{mine}");
        let task = &mine["items"][0];
        assert_eq!((task["title"].as_str(), task["due_on"].as_str(), task["status"].as_str()), (Some("发送代付方案"), Some(tomorrow.as_str()), Some("open")));
        let (_, visits) = app.get(&format!("/api/v1/clients/{}/visits", w.client_id), &w.manager.access_token).await;
        assert_eq!(visits["total"], 1);
        assert_eq!(app.get(&format!("/api/v1/clients/{}/visits", w.client_id), &w.employee.access_token).await.0, StatusCode::FORBIDDEN);

        // Due tomorrow: the daily job reminds its assignee (the other task is not due yet).
        let (_, run) = run_job(&app, "reminders", false).await;
        assert_eq!(run["summary"]["task_reminders"], 1, "{run}");
        assert!(kinds_of(&app, &w.manager.access_token).await.contains(&"task_due".to_owned()));
        let open = reminders(&app, &w.manager.access_token, "open").await;
        assert_eq!((open.len(), open[0]["task_id"].as_i64()), (1, task["id"].as_i64()));

        // Closed with a result; its reminder goes with it.
        let done = format!("/api/v1/tasks/{}/done", id(task));
        assert_eq!(app.post(&done, &w.employee.access_token, json!({"result": "x"})).await.0, StatusCode::NOT_FOUND);
        let (status, closed) = app.post(&done, &w.manager.access_token, json!({"result": "方案已发，客户下周答复"})).await;
        assert_eq!((status, closed["status"].as_str(), closed["result"].as_str()), (StatusCode::OK, Some("done"), Some("方案已发，客户下周答复")));
        assert_eq!(app.post(&done, &w.manager.access_token, json!({"result": "再次"})).await.0, StatusCode::CONFLICT);
        assert!(reminders(&app, &w.manager.access_token, "open").await.is_empty());
        assert_eq!(app.get("/api/v1/tasks?status=open", &w.manager.access_token).await.1["total"], 0);
    }

    async fn a_handover_shows_what_moves_and_briefs_the_new_owner(app: TestApp) {
        let w = World::new(&app).await;
        app.post(&format!("/api/v1/clients/{}/contacts", w.client_id), &w.manager.access_token, json!({"name": "孙总", "title": "财务副总"})).await;
        contract_ending_in(&app, &w, 20).await;
        w.submit(&app, w.business_entry("待审的情报")).await;
        let visit = json!({"client_id": w.client_id, "visited_on": today().to_string(), "purpose": "例行拜访",
                           "next_steps": [{"title": "续约谈判", "due_on": (today() + Duration::days(10)).to_string()}]});
        assert_eq!(app.post("/api/v1/visits", &w.manager.access_token, visit).await.0, StatusCode::CREATED);
        app.post("/api/v1/follows", &w.manager.access_token, json!({"target": "client", "value": w.client_id})).await;
        run_job(&app, "reminders", false).await;

        let to = id(&w.author.user);
        let path = format!("/api/v1/clients/{}/handover?to={to}", w.client_id);
        assert_eq!(app.get(&path, &w.employee.access_token).await.0, StatusCode::FORBIDDEN);
        let (status, error) = app.get(&format!("/api/v1/clients/{}/handover?to={}", w.client_id, id(&w.employee.user)), &w.manager.access_token).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "not an account manager: {error}");
        let (status, preview) = app.get(&path, &w.manager.access_token).await;
        assert_eq!(status, StatusCode::OK, "{preview}");
        let counts: Vec<i64> = ["contacts", "open_tasks", "reminders", "pending_entries", "follows"].iter().map(|k| preview[k]["count"].as_i64().unwrap()).collect();
        assert_eq!(counts, [1, 1, 1, 1, 1], "{preview}");
        let briefing = preview["briefing"].as_str().unwrap();
        assert!(briefing.contains("业务状况：合同即将到期") && briefing.contains("续约谈判"), "{briefing}");

        let (status, client) = app.put(&format!("/api/v1/clients/{}/owner", w.client_id), &w.manager.access_token,
            json!({"owner_id": to, "note": "李强调岗"})).await;
        assert_eq!(status, StatusCode::OK, "{client}");
        let (_, notes) = app.get("/api/v1/notifications", &w.author.access_token).await;
        let handover = notes["items"].as_array().unwrap().iter().find(|n| n["kind"] == "client_handover").expect("the briefing");
        assert!(handover["body"].as_str().unwrap().contains("交接简报"), "{handover}");
        // What was the old owner's is the new owner's now.
        assert_eq!(app.get("/api/v1/tasks?status=open", &w.author.access_token).await.1["total"], 1);
        assert_eq!(reminders(&app, &w.author.access_token, "open").await.len(), 1);
        assert!(reminders(&app, &w.manager.access_token, "open").await.is_empty());
        let (_, follows) = app.get("/api/v1/follows", &w.author.access_token).await;
        assert_eq!(follows[0]["value"], w.client_id.to_string());
        assert_eq!(app.get("/api/v1/follows", &w.manager.access_token).await.1, json!([]));
        let (_, pending) = app.get(&format!("/api/v1/intel?client_id={}&status=submitted", w.client_id), &w.author.access_token).await;
        assert_eq!(pending["total"], 1);
    }

    async fn my_clients_put_what_needs_attention_first(app: TestApp) {
        let w = World::new(&app).await;
        let (status, quiet) = app.post("/api/v1/clients", &app.admin_token,
            json!({"kind": "group", "name": "安静的集团", "owner_id": id(&w.manager.user)})).await;
        assert_eq!(status, StatusCode::CREATED, "{quiet}");
        let (_, end) = contract_ending_in(&app, &w, 20).await;
        w.submit(&app, w.business_entry("待审的")).await;
        let competitor = w.submit(&app, json!({"client_id": w.client_id, "category": "competitor", "title": "联通送流量",
            "body": "联通拜访了财务部。", "fields": {"competitor": "中国联通", "offer": "流量包五折"}, "source": "public",
            "observed_at": "2026-11-28"})).await;
        w.adopt(&app, id(&competitor), 4).await;
        let opportunity = w.submit(&app, json!({"client_id": w.client_id, "category": "opportunity", "title": "视频会议需求",
            "body": "分公司要开视频会。", "fields": {"need": "视频会议", "stage": "方案"}, "source": "private",
            "observed_at": "2026-11-28"})).await;
        w.adopt(&app, id(&opportunity), 4).await;

        let (status, mine) = app.get("/api/v1/me/clients", &w.manager.access_token).await;
        assert_eq!(status, StatusCode::OK, "{mine}");
        assert_eq!(mine["total"], 2);
        let names: Vec<&str> = mine["items"].as_array().unwrap().iter().map(|i| i["client"]["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["芜湖长江实业集团有限公司", "安静的集团"], "what needs attention first");
        let summary = &mine["items"][0]["summary"];
        assert_eq!(summary["contract_end"], end.to_string());
        assert_eq!((summary["pending_entries"].as_i64(), summary["competitor_activity"].as_i64(), summary["stale_facts"].as_i64()), (Some(1), Some(1), Some(0)));
        assert_eq!(summary["opportunities"], json!([{"intel_id": id(&opportunity), "title": "视频会议需求", "stage": "方案"}]));
        // 3 pending + 3 competitor + 8 contract within 30 days + 1 opportunity.
        assert_eq!(summary["attention"], 15);
        assert_eq!(mine["items"][1]["summary"]["attention"], 0);
        let (_, by_name) = app.get("/api/v1/me/clients?sort=name&per_page=1", &w.manager.access_token).await;
        assert_eq!((by_name["items"].as_array().unwrap().len(), by_name["items"][0]["client"]["name"].as_str()), (1, Some("安静的集团")));
        assert_eq!(app.get("/api/v1/me/clients?sort=worst", &w.manager.access_token).await.0, StatusCode::BAD_REQUEST);
        assert_eq!(app.get("/api/v1/me/clients", &w.employee.access_token).await.1["total"], 0);

        // The dossier carries the same summary, and its timeline filters by category.
        let (_, dossier) = app.get(&format!("/api/v1/clients/{}/dossier?category=competitor", w.client_id), &w.manager.access_token).await;
        assert_eq!(dossier["summary"], *summary);
        let titles: Vec<&str> = dossier["intel"].as_array().unwrap().iter().map(|i| i["title"].as_str().unwrap()).collect();
        assert_eq!(titles, ["联通送流量"]);
    }
}
