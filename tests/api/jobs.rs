//! Scheduled jobs (`GET /api/v1/jobs`, `POST /api/v1/jobs/{name}/run`): what
//! each job tells whom, once per period, whether an admin or the scheduler
//! starts it.

use chrono::Duration;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use zhiku::config::Overrides;

use crate::helpers::{eventually, Rows, TestApp};
use crate::on_both_backends;
use crate::smtp::{
    kinds_of, mail_settings, run_job, text, SmtpSink, AUTHOR_EMAIL, MANAGER_EMAIL, PUBLIC_URL,
};
use crate::world::World;

/// Waits until every job has run for its current period.
async fn all_jobs_done(app: &TestApp, what: &str) -> Value {
    eventually(what, || async {
        let (status, jobs) = app.get("/api/v1/jobs", &app.admin_token).await;
        assert_eq!(status, StatusCode::OK, "{jobs}");
        jobs.as_array().unwrap().iter().all(|j| j["done"] == true).then_some(jobs)
    })
    .await
}

on_both_backends! {
    async fn admins_run_a_job_once_per_period_unless_forced(app: TestApp) {
        let w = World::new(&app).await;
        crate::smtp::owners_mail_off(&app, &w).await;
        let (status, jobs) = app.get("/api/v1/jobs", &app.admin_token).await;
        assert_eq!(status, StatusCode::OK, "{jobs}");
        let names: Vec<&str> = jobs.as_array().unwrap().iter().map(|j| j["job"].as_str().unwrap()).collect();
        assert_eq!(names, ["stale_check", "review_queue", "reminders", "daily_digest", "weekly_digest"]);
        assert!(jobs.as_array().unwrap().iter().all(|j| j["done"] == false && j["last_run"].is_null()), "{jobs}");
        assert_eq!(app.get("/api/v1/jobs", &w.author.access_token).await.0, StatusCode::FORBIDDEN);

        w.submit(&app, w.business_entry("等待审核")).await;
        let (status, run) = run_job(&app, "review_queue", false).await;
        assert_eq!(status, StatusCode::OK, "{run}");
        assert_eq!(run["summary"]["reviewers"], 2, "{run}");
        let (status, body) = run_job(&app, "review_queue", false).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        let (status, forced) = run_job(&app, "review_queue", true).await;
        assert_eq!(status, StatusCode::OK, "{forced}");
        assert_eq!(forced["forced"], true);
        let reminders = kinds_of(&app, &w.reviewer.access_token).await.iter().filter(|k| *k == "review_queue").count();
        assert_eq!(reminders, 2, "one reminder per run");

        let (_, jobs) = app.get("/api/v1/jobs", &app.admin_token).await;
        let review = jobs.as_array().unwrap().iter().find(|j| j["job"] == "review_queue").unwrap();
        assert_eq!(review["done"], true);
        assert_eq!(review["last_run"]["summary"]["reviewers"], 2, "{review}");
        let denied = app.call(Method::POST, "/api/v1/jobs/review_queue/run", Some(&w.author.access_token), None).await;
        assert_eq!(denied.0, StatusCode::FORBIDDEN);
        assert_eq!(run_job(&app, "make_coffee", false).await.0, StatusCode::NOT_FOUND);
    }

}

on_both_backends! {
    async fn jobs_remind_of_stale_facts_waiting_reviews_and_the_past_week(backend: Backend) {
        let (sink, port) = SmtpSink::start().await;
        let app = TestApp::spawn_with(backend, mail_settings(port)).await;
        let w = World::new(&app).await;
        crate::smtp::owners_mail_off(&app, &w).await;
        let stale = w.adopted_entry(&app, "三个月前的月消费").await;
        let this_week = w.adopted_entry(&app, "上周采纳的商机").await;
        sink.expect(&app, 2).await;
        app.age("intel", Rows::Id(stale), &["adopted_at"], Duration::days(100)).await;
        // The second entry and all points so far belong to last week.
        app.age("intel", Rows::Id(this_week), &["adopted_at"], Duration::days(7)).await;
        app.age("point_entries", Rows::All, &["created_at"], Duration::days(7)).await;
        for title in ["待审一", "待审二"] {
            w.submit(&app, w.business_entry(title)).await;
        }

        // Stale: the author and the client's owner, once per freshness window.
        let (status, run) = run_job(&app, "stale_check", false).await;
        assert_eq!(status, StatusCode::OK, "{run}");
        assert_eq!(run["summary"]["entries"], 1, "{run}");
        let messages = sink.expect(&app, 4).await;
        let notices: Vec<&Value> = messages.iter().filter(|m| m["subject"].as_str().unwrap().contains("已过时效")).collect();
        let mut recipients: Vec<&str> = notices.iter().map(|m| m["rcpt_tos"][0].as_str().unwrap()).collect();
        recipients.sort_unstable();
        assert_eq!(recipients, [AUTHOR_EMAIL, MANAGER_EMAIL]);
        assert_eq!(notices[0]["subject"], "【智库】客户“芜湖长江实业集团有限公司”的情报“三个月前的月消费”已过时效，请核实");
        assert!(text(notices[0]).contains(&format!("{PUBLIC_URL}/intel/{stale}")));
        assert!(kinds_of(&app, &w.manager.access_token).await.contains(&"intel_stale".to_owned()));
        let (_, again) = run_job(&app, "stale_check", true).await;
        assert_eq!(again["summary"]["entries"], 0, "told once per window: {again}");
        // Verified since the reminder, and stale again: a new reminder.
        let (status, verified) = app.post(&format!("/api/v1/intel/{stale}/verify"), &w.author.access_token, json!({})).await;
        assert_eq!(status, StatusCode::OK, "{verified}");
        app.age("stale_notices", Rows::All, &["noticed_at"], Duration::days(200)).await;
        app.age("intel", Rows::Id(stale), &["verified_at"], Duration::days(95)).await;
        let (_, again) = run_job(&app, "stale_check", true).await;
        assert_eq!(again["summary"]["entries"], 1, "{again}");
        sink.expect(&app, 6).await;

        // Reviewers: one message each with the count and the oldest entries.
        let (status, run) = run_job(&app, "review_queue", false).await;
        assert_eq!((status, run["summary"]["reviewers"].as_i64()), (StatusCode::OK, Some(2)), "{run}");
        let messages = sink.expect(&app, 8).await;
        let reminders: Vec<&Value> = messages.iter().filter(|m| m["subject"] == "【智库】有 2 条情报等待审核").collect();
        let mut recipients: Vec<&str> = reminders.iter().map(|m| m["rcpt_tos"][0].as_str().unwrap()).collect();
        recipients.sort_unstable();
        assert_eq!(recipients, ["r2001@zhiku.test", "r2002@zhiku.test"]);
        assert!(text(reminders[0]).contains("· 待审一（") && text(reminders[0]).contains("· 待审二（"));
        assert!(text(reminders[0]).contains(&format!("{PUBLIC_URL}/review")));

        // The week that ended: points and rank; new entries on the clients one owns.
        let (status, run) = run_job(&app, "weekly_digest", false).await;
        assert_eq!(status, StatusCode::OK, "{run}");
        assert_eq!(run["summary"]["digests"], 3, "the author, the reviewer (review points) and the owner: {run}");
        let messages = sink.expect(&app, 11).await;
        let weekly: Vec<&Value> = messages.iter().filter(|m| m["subject"].as_str().unwrap().contains("每周回顾")).collect();
        let author = weekly.iter().find(|m| m["rcpt_tos"] == json!([AUTHOR_EMAIL])).expect("the author's weekly digest");
        assert!(text(author).contains("你获得 32 积分，排名第 1"), "{author}");
        let owner = weekly.iter().find(|m| m["rcpt_tos"] == json!([MANAGER_EMAIL])).expect("the owner's weekly digest");
        assert!(text(owner).contains("你负责的客户上周新采纳 1 条情报"), "{owner}");
        assert!(text(owner).contains("芜湖长江实业集团有限公司：上周采纳的商机（张伟）"));
        assert!(text(owner).contains(&format!("{PUBLIC_URL}/intel/{this_week}")));
        assert!(!weekly.iter().any(|m| m["rcpt_tos"] == json!(["m3001@zhiku.test"])), "nothing to tell, no mail");
    }

    async fn the_scheduler_runs_each_job_once_per_period(backend: Backend) {
        let settings = Overrides { scheduler_seconds: Some(1), ..Overrides::default() };
        let app = TestApp::spawn_with(backend, settings).await;
        let w = World::new(&app).await;
        crate::smtp::owners_mail_off(&app, &w).await;
        w.submit(&app, w.business_entry("等待调度提醒")).await;
        all_jobs_done(&app, "every job ran for today at start-up").await;
        let reminders = |kinds: Vec<String>| kinds.iter().filter(|k| *k == "review_queue").count();
        let before = reminders(kinds_of(&app, &w.reviewer.access_token).await);

        // Forget today's runs, as if a new day had begun: the next tick runs them, once.
        app.exec_sql("DELETE FROM job_runs").await;
        eventually("the scheduler sends the review reminder", || async {
            (reminders(kinds_of(&app, &w.reviewer.access_token).await) > before).then_some(())
        })
        .await;
        all_jobs_done(&app, "the scheduler runs every job of the new day").await;
        // A later tick (it runs the last job again, forgotten once more) passes the reminder by.
        app.exec_sql("DELETE FROM job_runs WHERE job = 'weekly_digest'").await;
        all_jobs_done(&app, "a later tick").await;
        assert_eq!(reminders(kinds_of(&app, &w.reviewer.access_token).await), before + 1);
    }
}
