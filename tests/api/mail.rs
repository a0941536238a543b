//! Notifications reach people by mail: through lettre's SMTP transport to a
//! real SMTP server on loopback (aiosmtpd, `tests/smtp_sink.py`), with
//! retries while it is down, per-user preferences, digests, scheduled jobs
//! that run once per period, and no duplicates with two servers on one
//! PostgreSQL database.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use zhiku::config::Overrides;

use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;
use crate::world::{id, scores, World};

const PUBLIC_URL: &str = "https://zhiku.example.com";
const AUTHOR_EMAIL: &str = "e1001@zhiku.test";
const MANAGER_EMAIL: &str = "e1002@zhiku.test";

/// The SMTP server of a test: every message it accepted is a JSON file.
struct SmtpSink {
    child: Child,
    dir: tempfile::TempDir,
}

impl SmtpSink {
    fn start_on(port: u16) -> SmtpSink {
        Self::launch(port, &[])
    }

    /// A server that requires SMTP authentication as `user`.
    fn start_with_login(port: u16, user: &str, password: &str) -> SmtpSink {
        Self::launch(port, &["--user", user, "--password", password])
    }

    fn launch(port: u16, extra: &[&str]) -> SmtpSink {
        let dir = tempfile::tempdir().unwrap();
        let mut child = Command::new("python3")
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smtp_sink.py"))
            .args(["--port", &port.to_string(), "--dir"])
            .arg(dir.path())
            .args(extra)
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 runs tests/smtp_sink.py (pip install aiosmtpd)");
        let mut ready = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut ready).unwrap();
        assert_eq!(ready.trim(), "ready", "the SMTP sink did not start (is aiosmtpd installed?)");
        SmtpSink { child, dir }
    }

    fn start() -> (SmtpSink, u16) {
        let port = free_port();
        (SmtpSink::start_on(port), port)
    }

    fn messages(&self) -> Vec<Value> {
        let mut paths: Vec<_> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        paths.sort();
        paths.iter().map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()).collect()
    }

    /// Waits until `count` messages arrived, then a moment more to see that no other follows.
    async fn expect(&self, count: usize) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.messages().len() < count && Instant::now() < deadline {
            actix_web::rt::time::sleep(Duration::from_millis(20)).await;
        }
        actix_web::rt::time::sleep(Duration::from_millis(1500)).await;
        let messages = self.messages();
        let subjects: Vec<&str> = messages.iter().map(|m| m["subject"].as_str().unwrap()).collect();
        assert_eq!(messages.len(), count, "{subjects:#?}");
        messages
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn mail_settings(port: u16) -> Overrides {
    Overrides {
        smtp_url: Some(format!("smtp://127.0.0.1:{port}")),
        public_url: Some(PUBLIC_URL.into()),
        mail_from: Some("智库 Zhiku <zhiku@zhiku.test>".into()),
        mail_retry_seconds: Some(1),
        ..Overrides::default()
    }
}

/// The one message whose decoded subject contains `part`.
fn find<'a>(messages: &'a [Value], part: &str) -> &'a Value {
    let found: Vec<&Value> =
        messages.iter().filter(|m| m["subject"].as_str().unwrap().contains(part)).collect();
    assert_eq!(found.len(), 1, "one message about {part:?} in {messages:#?}");
    found[0]
}

fn text(message: &Value) -> &str {
    message["text"].as_str().unwrap()
}

async fn outbox(app: &TestApp, status: &str) -> Value {
    let (code, body) = app.get(&format!("/api/v1/mail/outbox?status={status}"), &app.admin_token).await;
    assert_eq!(code, StatusCode::OK, "{body}");
    body
}

/// The failed rows of the outbox, once there are some (or after 20 s).
async fn failed_mail(app: &TestApp) -> Value {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut failed = outbox(app, "failed").await;
    while failed["total"] == 0 && Instant::now() < deadline {
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        failed = outbox(app, "failed").await;
    }
    failed
}

async fn run_job(app: &TestApp, job: &str, force: bool) -> (StatusCode, Value) {
    let query = if force { "?force=true" } else { "" };
    app.call(Method::POST, &format!("/api/v1/jobs/{job}/run{query}"), Some(&app.admin_token), None).await
}

async fn kinds_of(app: &TestApp, token: &str) -> Vec<String> {
    let (_, notes) = app.get("/api/v1/notifications?per_page=100", token).await;
    notes["items"].as_array().unwrap().iter().map(|n| n["kind"].as_str().unwrap().to_owned()).collect()
}

/// The e-mail choice for `kind` in a preferences response.
fn choice(preferences: &Value, kind: &str) -> Value {
    let items = preferences["items"].as_array().unwrap();
    items.iter().find(|p| p["kind"] == kind).unwrap_or_else(|| panic!("no {kind} in {preferences}"))["email"]
        .clone()
}

/// A UTC timestamp `days` ago, as both databases take it in SQL.
fn days_ago(days: i64) -> String {
    (chrono::Utc::now() - chrono::Duration::days(days)).format("%Y-%m-%d %H:%M:%S").to_string()
}

on_both_backends! {
    async fn every_person_concerned_gets_one_correct_message_per_event(backend: Backend) {
        let (sink, port) = SmtpSink::start();
        let app = TestApp::spawn_with(backend, mail_settings(port)).await;
        let w = World::new(&app).await;

        // Adopted: the author hears it, with the points and the reviewer's words.
        let adopted = id(&w.submit(&app, w.business_entry("<b>专线</b> & 扩容需求")).await);
        w.adopt(&app, adopted, 4).await;
        let started = Instant::now();
        while sink.messages().is_empty() && started.elapsed() < Duration::from_secs(10) {
            actix_web::rt::time::sleep(Duration::from_millis(5)).await;
        }
        eprintln!("adoption mail delivered {:?} after the review answered", started.elapsed());

        // Returned with a comment.
        let returned = id(&w.submit(&app, w.business_entry("集团V网续约意向")).await);
        let revise = json!({"decision": "revise", "comment": "请补充合同到期日"});
        let (status, body) = app.post(&format!("/api/v1/intel/{returned}/review"), &w.reviewer.access_token, revise).await;
        assert_eq!(status, StatusCode::OK, "{body}");

        // Used by marketing.
        let use_it = json!({"purpose": "campaign", "outcome": "pending", "note": "年底营销活动"});
        let (status, body) = app.post(&format!("/api/v1/intel/{adopted}/usages"), &w.marketer.access_token, use_it).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");

        // The client's owner revises it, and the revision is adopted.
        let revision = json!({"title": "专线扩容至三条", "body": "新增两条专线。", "source": "private", "observed_at": "2026-11-25",
                              "fields": {"current_products": "集团V网、专线×3", "monthly_spend": 90000}});
        let (status, proposed) = app.post(&format!("/api/v1/intel/{adopted}/revisions"), &w.manager.access_token, revision).await;
        assert_eq!(status, StatusCode::CREATED, "{proposed}");
        w.adopt(&app, id(&proposed), 4).await;

        // The client is handed over to the author.
        let handover = json!({"owner_id": id(&w.author.user), "note": "李强调岗，交由张伟负责"});
        let (status, body) = app.put(&format!("/api/v1/clients/{}/owner", w.client_id), &w.manager.access_token, handover).await;
        assert_eq!(status, StatusCode::OK, "{body}");

        let messages = sink.expect(7).await;
        let to_author: Vec<&Value> = messages.iter().filter(|m| m["rcpt_tos"] == json!([AUTHOR_EMAIL])).collect();
        let to_manager: Vec<&Value> = messages.iter().filter(|m| m["rcpt_tos"] == json!([MANAGER_EMAIL])).collect();
        assert_eq!((to_author.len(), to_manager.len()), (6, 1), "{messages:#?}");

        let adoption = find(&messages, "“<b>专线</b> & 扩容需求”已被采纳");
        assert_eq!(adoption["subject"], "【智库】你的情报“<b>专线</b> & 扩容需求”已被采纳，获得 16 积分");
        assert!(adoption["raw_subject"].as_str().unwrap().starts_with("=?utf-8?"), "{adoption}");
        assert_eq!(adoption["mail_from"], "zhiku@zhiku.test");
        assert!(adoption["to"].as_str().unwrap().contains("张伟"), "{adoption}");
        assert_eq!(adoption["content_type"], "multipart/alternative");
        assert!(text(adoption).starts_with("张伟，您好："), "{adoption}");
        assert!(text(adoption).contains("审核意见：信息真实，价值较高"));
        assert!(text(adoption).contains(&format!("查看详情：{PUBLIC_URL}/intel/{adopted}")));
        let html = adoption["html"].as_str().unwrap();
        assert!(html.contains("&lt;b&gt;专线&lt;/b&gt; &amp; 扩容需求") && !html.contains("<b>专线"), "{html}");
        assert!(html.contains(&format!("href=\"{PUBLIC_URL}/intel/{adopted}\"")));

        assert!(text(find(&messages, "“集团V网续约意向”被退回修改")).contains("审核意见：请补充合同到期日"));
        let used = find(&messages, "王芳使用了你的情报");
        assert!(text(used).contains("用途：营销活动"), "{used}");
        let proposed_mail = find(&messages, "李强提交了你的情报");
        assert!(text(proposed_mail).contains("修订标题：专线扩容至三条"));
        let revision_id = id(&proposed);
        let replaced = find(&messages, "的修订已被采纳");
        assert_eq!(replaced["rcpt_tos"], json!([AUTHOR_EMAIL]));
        assert!(text(replaced).contains(&format!("{PUBLIC_URL}/intel/{revision_id}")));
        assert_eq!(find(&messages, "“专线扩容至三条”已被采纳")["rcpt_tos"], json!([MANAGER_EMAIL]));
        let handed = find(&messages, "已交接给你");
        assert!(text(handed).contains("交接说明：李强调岗，交由张伟负责"));
        assert!(text(handed).contains(&format!("{PUBLIC_URL}/clients/{}", w.client_id)));

        let mut ids: Vec<&str> = messages.iter().map(|m| m["message_id"].as_str().unwrap()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 7, "every message is a different outbox row");
        assert_eq!(outbox(&app, "sent").await["total"], 7);
        assert_eq!(outbox(&app, "pending").await["total"], 0);
        let (status, _) = app.get("/api/v1/mail/outbox", &w.author.access_token).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }

    async fn mail_is_retried_until_the_smtp_server_is_back(backend: Backend) {
        let port = free_port();
        let app = TestApp::spawn_with(backend, mail_settings(port)).await;
        let w = World::new(&app).await;
        w.adopted_entry(&app, "服务器宕机期间的采纳").await;

        // Nobody listens on the port: attempts grow, each with its error.
        let deadline = Instant::now() + Duration::from_secs(20);
        let row = loop {
            let pending = outbox(&app, "pending").await;
            let row = pending["items"][0].clone();
            if row["attempts"].as_i64().unwrap_or(0) >= 2 || Instant::now() > deadline {
                break row;
            }
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        };
        assert!(row["attempts"].as_i64().unwrap() >= 2, "{row}");
        assert!(!row["last_error"].as_str().unwrap_or_default().is_empty(), "{row}");
        assert_eq!(row["recipient"], AUTHOR_EMAIL);

        let sink = SmtpSink::start_on(port);
        let messages = sink.expect(1).await;
        assert!(messages[0]["subject"].as_str().unwrap().contains("服务器宕机期间的采纳"));
        let sent = outbox(&app, "sent").await;
        assert_eq!(sent["total"], 1);
        assert!(sent["items"][0]["attempts"].as_i64().unwrap() >= 3, "{sent}");
        assert_eq!(sent["items"][0]["last_error"], Value::Null);
    }

    async fn mail_that_keeps_failing_waits_for_an_admin(backend: Backend) {
        let port = free_port();
        let settings = Overrides { mail_max_attempts: Some(2), ..mail_settings(port) };
        let app = TestApp::spawn_with(backend, settings).await;
        let w = World::new(&app).await;
        w.adopted_entry(&app, "重试两次后放弃").await;

        let failed = failed_mail(&app).await;
        assert_eq!(failed["total"], 1, "{failed}");
        let row = &failed["items"][0];
        assert_eq!((row["attempts"].as_i64(), row["recipient"].as_str()), (Some(2), Some(AUTHOR_EMAIL)));
        assert!(row["subject"].as_str().unwrap().contains("重试两次后放弃"));
        assert!(!row["last_error"].as_str().unwrap().is_empty());
        let mail_id = id(row);
        actix_web::rt::time::sleep(Duration::from_millis(2500)).await;
        assert_eq!(outbox(&app, "failed").await["items"][0]["attempts"], 2, "no attempt after the last");

        let retry = format!("/api/v1/mail/outbox/{mail_id}/retry");
        assert_eq!(app.call(Method::POST, &retry, Some(&w.author.access_token), None).await.0, StatusCode::FORBIDDEN);
        assert_eq!(app.get("/api/v1/mail/outbox?status=lost", &app.admin_token).await.0, StatusCode::BAD_REQUEST);
        let missing = app.call(Method::POST, "/api/v1/mail/outbox/999999/retry", Some(&app.admin_token), None).await;
        assert_eq!(missing.0, StatusCode::NOT_FOUND);

        let sink = SmtpSink::start_on(port);
        let (status, body) = app.call(Method::POST, &retry, Some(&app.admin_token), None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!((body["status"].as_str(), body["attempts"].as_i64()), (Some("pending"), Some(0)));
        sink.expect(1).await;
        assert_eq!(outbox(&app, "sent").await["total"], 1);
        let (status, body) = app.call(Method::POST, &retry, Some(&app.admin_token), None).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
    }

    async fn a_crashed_senders_claim_is_taken_over_when_its_lease_ends(backend: Backend) {
        let (sink, port) = SmtpSink::start();
        let app = TestApp::spawn_with(backend, mail_settings(port)).await;
        let w = World::new(&app).await;
        w.adopted_entry(&app, "租约测试").await;
        sink.expect(1).await;

        // A sender that claimed the row and died: its lease runs out, another sender takes over.
        let crashed = |lease: &str| format!(
            "UPDATE mail_outbox SET status = 'sending', claim = 'dead', lease_until = '{lease}', sent_at = NULL");
        app.exec_sql(&crashed(&days_ago(1)));
        let messages = sink.expect(2).await;
        assert_eq!(messages[0]["message_id"], messages[1]["message_id"], "the same message, sent again");
        // While the lease lasts, nobody else touches the row.
        app.exec_sql(&crashed("2999-01-01 00:00:00"));
        sink.expect(2).await;
        assert_eq!(outbox(&app, "sending").await["total"], 1);
    }

    async fn smtp_credentials_in_the_url_authenticate(backend: Backend) {
        let port = free_port();
        let sink = SmtpSink::start_with_login(port, "zhiku", "p@ss:word");
        // Refused credentials are a permanent failure: no retry, an admin sees why.
        let wrong = Overrides { smtp_url: Some(format!("smtp://zhiku:wrong@127.0.0.1:{port}")), ..mail_settings(port) };
        let app = TestApp::spawn_with(backend, wrong).await;
        let w = World::new(&app).await;
        w.adopted_entry(&app, "密码错误时的邮件").await;
        let failed = failed_mail(&app).await;
        assert_eq!(failed["items"][0]["attempts"], 1, "{failed}");
        assert!(failed["items"][0]["last_error"].as_str().unwrap().contains("535"), "{failed}");

        // The right ones, percent-encoded in the URL.
        let right = Overrides { smtp_url: Some(format!("smtp://zhiku:p%40ss%3Aword@127.0.0.1:{port}")), ..mail_settings(port) };
        let app = TestApp::spawn_with(backend, right).await;
        let w = World::new(&app).await;
        w.adopted_entry(&app, "密码正确时的邮件").await;
        let messages = sink.expect(1).await;
        assert_eq!(messages[0]["authenticated_as"], "zhiku");
        assert!(messages[0]["subject"].as_str().unwrap().contains("密码正确时的邮件"));
    }

    async fn preferences_send_at_once_in_the_daily_digest_or_not_at_all(backend: Backend) {
        let (sink, port) = SmtpSink::start();
        let app = TestApp::spawn_with(backend, mail_settings(port)).await;
        let w = World::new(&app).await;
        let token = w.author.access_token.as_str();
        let path = "/api/v1/me/notification-preferences";

        let (status, prefs) = app.get(path, token).await;
        assert_eq!(status, StatusCode::OK, "{prefs}");
        assert_eq!(prefs["items"].as_array().unwrap().len(), 13);
        assert_eq!(choice(&prefs, "intel_adopted"), "immediate");
        assert_eq!(choice(&prefs, "weekly_digest"), "weekly");

        for (bad, field) in [
            (json!({"intel_adopted": "weekly"}), "intel_adopted"),
            (json!({"weekly_digest": "daily"}), "weekly_digest"),
            (json!({"no_such_kind": "off"}), "no_such_kind"),
            (json!({"intel_used": "sometimes"}), "intel_used"),
        ] {
            let (status, error) = app.put(path, token, bad).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
            assert!(error["fields"][field].is_string(), "{error}");
        }
        assert_eq!(app.put(path, token, json!(["intel_used"])).await.0, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, prefs) = app.put(path, token, json!({"intel_adopted": "off", "intel_returned": "daily", "intel_used": "daily"})).await;
        assert_eq!(status, StatusCode::OK, "{prefs}");
        assert_eq!((choice(&prefs, "intel_adopted"), choice(&prefs, "intel_used")), (json!("off"), json!("daily")));
        assert_eq!(choice(&app.get(path, token).await.1, "intel_returned"), "daily");

        let adopted = w.adopted_entry(&app, "不发邮件的采纳").await;
        let returned = id(&w.submit(&app, w.business_entry("进入摘要的退回")).await);
        let revise = json!({"decision": "revise", "comment": "请补充联系人"});
        assert_eq!(app.post(&format!("/api/v1/intel/{returned}/review"), &w.reviewer.access_token, revise).await.0, StatusCode::OK);
        let use_it = json!({"purpose": "visit", "outcome": "won"});
        assert_eq!(app.post(&format!("/api/v1/intel/{adopted}/usages"), &w.marketer.access_token, use_it).await.0, StatusCode::CREATED);
        let handover = json!({"owner_id": id(&w.author.user), "note": ""});
        assert_eq!(app.put(&format!("/api/v1/clients/{}/owner", w.client_id), &w.manager.access_token, handover).await.0, StatusCode::OK);

        // Only the handover is mailed at once; the in-app notifications are all there.
        let messages = sink.expect(1).await;
        assert!(messages[0]["subject"].as_str().unwrap().contains("已交接给你"));
        let kinds = kinds_of(&app, token).await;
        for kind in ["intel_adopted", "intel_returned", "intel_used", "client_handover"] {
            assert!(kinds.iter().any(|k| k == kind), "{kind} missing from {kinds:?}");
        }
        assert_eq!(outbox(&app, "digest").await["total"], 2);

        let (status, run) = run_job(&app, "daily_digest", false).await;
        assert_eq!(status, StatusCode::OK, "{run}");
        assert_eq!((run["summary"]["digests"].as_i64(), run["summary"]["notifications"].as_i64()), (Some(1), Some(2)));
        let messages = sink.expect(2).await;
        let digest = find(&messages, "每日通知摘要");
        assert_eq!(digest["subject"], "【智库】每日通知摘要：2 条新通知");
        assert_eq!(digest["rcpt_tos"], json!([AUTHOR_EMAIL]));
        assert!(text(digest).contains("你的情报“进入摘要的退回”被退回修改"), "{digest}");
        assert!(text(digest).contains("审核意见：请补充联系人"));
        assert!(text(digest).contains("王芳使用了你的情报“不发邮件的采纳”"));
        assert!(text(digest).contains(&format!("{PUBLIC_URL}/intel/{returned}")));
        assert_eq!(outbox(&app, "digested").await["total"], 2);

        // Once a day, unless forced; a forced run finds nothing new.
        let (status, body) = run_job(&app, "daily_digest", false).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        let (status, body) = run_job(&app, "daily_digest", true).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!((body["forced"].as_bool(), body["summary"]["digests"].as_i64()), (Some(true), Some(0)));
        sink.expect(2).await;
        let denied = app.call(Method::POST, "/api/v1/jobs/daily_digest/run", Some(token), None).await;
        assert_eq!(denied.0, StatusCode::FORBIDDEN);
        assert_eq!(run_job(&app, "make_coffee", false).await.0, StatusCode::NOT_FOUND);
    }

    async fn jobs_remind_of_stale_facts_waiting_reviews_and_the_past_week(backend: Backend) {
        let (sink, port) = SmtpSink::start();
        let app = TestApp::spawn_with(backend, mail_settings(port)).await;
        let w = World::new(&app).await;
        let stale = w.adopted_entry(&app, "三个月前的月消费").await;
        let this_week = w.adopted_entry(&app, "上周采纳的商机").await;
        sink.expect(2).await;
        app.exec_sql(&format!("UPDATE intel SET adopted_at = '{}' WHERE id = {stale}", days_ago(100)));
        // The second entry and its points belong to last week.
        app.exec_sql(&format!("UPDATE intel SET adopted_at = '{0}' WHERE id = {this_week};
                               UPDATE point_entries SET created_at = '{0}'", days_ago(7)));
        for title in ["待审一", "待审二"] {
            w.submit(&app, w.business_entry(title)).await;
        }

        // Stale: the author and the client's owner, once per freshness window.
        let (status, run) = run_job(&app, "stale_check", false).await;
        assert_eq!(status, StatusCode::OK, "{run}");
        assert_eq!(run["summary"]["entries"], 1, "{run}");
        let messages = sink.expect(4).await;
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
        app.exec_sql(&format!("UPDATE stale_notices SET noticed_at = '{}'; UPDATE intel SET verified_at = '{}' WHERE id = {stale}",
                              days_ago(200), days_ago(95)));
        let (_, again) = run_job(&app, "stale_check", true).await;
        assert_eq!(again["summary"]["entries"], 1, "{again}");
        sink.expect(6).await;

        // Reviewers: one message each with the count and the oldest entries.
        let (status, run) = run_job(&app, "review_queue", false).await;
        assert_eq!((status, run["summary"]["reviewers"].as_i64()), (StatusCode::OK, Some(2)), "{run}");
        let messages = sink.expect(8).await;
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
        let messages = sink.expect(11).await;
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
        w.submit(&app, w.business_entry("等待调度提醒")).await;
        // Every job ran for today at start-up.
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let (status, jobs) = app.get("/api/v1/jobs", &app.admin_token).await;
            assert_eq!(status, StatusCode::OK, "{jobs}");
            if jobs.as_array().unwrap().iter().all(|j| j["done"] == true) {
                break;
            }
            assert!(Instant::now() < deadline, "the scheduler did not run at start: {jobs}");
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(app.get("/api/v1/jobs", &w.author.access_token).await.0, StatusCode::FORBIDDEN);
        let (_, spec) = app.call(Method::GET, "/api/openapi.json", None, None).await;
        for path in ["/api/v1/jobs", "/api/v1/jobs/{name}/run", "/api/v1/mail/outbox",
                     "/api/v1/mail/outbox/{id}/retry", "/api/v1/me/notification-preferences"] {
            assert!(spec["paths"][path].is_object(), "{path} missing from the OpenAPI document");
        }
        let reminders = |kinds: Vec<String>| kinds.iter().filter(|k| *k == "review_queue").count();
        let before = reminders(kinds_of(&app, &w.reviewer.access_token).await);

        // Forget today's runs, as if a new day had begun: the next tick runs them, once.
        app.exec_sql("DELETE FROM job_runs");
        while reminders(kinds_of(&app, &w.reviewer.access_token).await) == before {
            assert!(Instant::now() < deadline, "the scheduler did not run the review reminder");
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
        actix_web::rt::time::sleep(Duration::from_millis(2500)).await;
        assert_eq!(reminders(kinds_of(&app, &w.reviewer.access_token).await), before + 1);
    }
}

/// Two servers on one PostgreSQL database: each mail goes out once, and a
/// job runs once per period although both servers are asked at once.
#[actix_web::test]
async fn two_servers_on_one_postgres_send_each_mail_once() {
    let (sink, port) = SmtpSink::start();
    let first = TestApp::spawn_with(Backend::Postgres, mail_settings(port)).await;
    let second = TestApp::spawn_on(first.settings().clone()).await;
    let w = World::new(&first).await;

    let mut entries = Vec::new();
    for n in 0..10 {
        let app = if n % 2 == 0 { &first } else { &second };
        let (status, entry) = app
            .post("/api/v1/intel", &w.author.access_token, w.business_entry(&format!("双机第{n}条")))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{entry}");
        entries.push(id(&entry));
    }
    // Both admins start the review reminder at the same moment: one run.
    let (a, b) =
        futures_util::join!(run_job(&first, "review_queue", false), run_job(&second, "review_queue", false));
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT], "{a:?} {b:?}");
    for (n, entry) in entries.iter().enumerate() {
        let app = if n % 2 == 0 { &second } else { &first };
        let (status, body) = app
            .post(&format!("/api/v1/intel/{entry}/review"), &w.reviewer.access_token, scores("adopt", 4))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let use_it = json!({"purpose": "visit", "outcome": "pending"});
        let (status, body) =
            app.post(&format!("/api/v1/intel/{entry}/usages"), &w.marketer.access_token, use_it).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    // 10 adoptions and 10 uses for the author; one review reminder for each reviewer.
    let messages = sink.expect(22).await;
    let mut ids: Vec<&str> = messages.iter().map(|m| m["message_id"].as_str().unwrap()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 22, "no message twice");
    let reminders: Vec<&Value> =
        messages.iter().filter(|m| m["subject"] == "【智库】有 10 条情报等待审核").collect();
    assert_eq!(reminders.len(), 2, "{messages:#?}");
}

/// Two senders claiming at the same moment on PostgreSQL take disjoint rows
/// (`FOR UPDATE SKIP LOCKED`), and the second does not wait for the first.
#[actix_web::test]
async fn concurrent_claims_on_postgres_take_disjoint_rows() {
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    use zhiku::db::DbConn;

    let app = TestApp::spawn(Backend::Postgres).await;
    // Due only in the far future, so that the server's own sender leaves them alone.
    app.exec_sql(
        "INSERT INTO mail_outbox (user_id, recipient, kind, subject, status, next_attempt_at, created_at)
         SELECT u.id, u.email, 'test', '并发认领', 'pending', '2990-01-01', NOW() FROM users u, generate_series(1, 15)",
    );
    let at = chrono::NaiveDate::from_ymd_opt(2991, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
    let lease = chrono::Duration::minutes(5);
    let pool = zhiku::db::connect(&app.settings().database_url, 2).unwrap();
    let (mut one, mut two) = (pool.get().unwrap(), pool.get().unwrap());
    if let DbConn::Pg(c) = &mut *two {
        c.batch_execute("SET lock_timeout = '3s'").unwrap();
    }
    let (first, second) = one
        .transaction::<_, diesel::result::Error, _>(|one| {
            let first = zhiku::mail::outbox::claim(one, at, lease, 10)?;
            let second = two.transaction(|two| zhiku::mail::outbox::claim(two, at, lease, 10))?;
            Ok((first, second))
        })
        .unwrap();
    let ids = |rows: &[zhiku::mail::model::Mail]| rows.iter().map(|m| m.id).collect::<Vec<_>>();
    assert_eq!((first.len(), second.len()), (10, 5));
    assert!(ids(&first).iter().all(|id| !ids(&second).contains(id)), "{:?} {:?}", ids(&first), ids(&second));
    assert!(first.iter().chain(&second).all(|m| m.status == "sending" && m.attempts == 1));
    let later = at + chrono::Duration::minutes(1);
    let none = one.transaction(|c| zhiku::mail::outbox::claim(c, later, lease, 10)).unwrap();
    assert!(none.is_empty(), "claimed rows are not due while their lease lasts");
    let expired = one.transaction(|c| zhiku::mail::outbox::claim(c, later + lease, lease, 20)).unwrap();
    assert_eq!(expired.len(), 15, "every row is taken over once the leases ran out");
}
