//! Notifications reach people by mail: through lettre's SMTP transport to a
//! real SMTP server on loopback, with retries while it is down, per-user
//! preferences and digests, the admin's outbox (`GET /api/v1/mail/outbox`,
//! `POST /api/v1/mail/outbox/{id}/retry`), and no duplicates with two servers
//! on one PostgreSQL database.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use zhiku::config::Overrides;

use crate::helpers::{blocking, eventually, Backend, TestApp};
use crate::on_both_backends;
use crate::smtp::{
    find, free_port, kinds_of, mail_settings, outbox, run_job, text, SmtpSink, AUTHOR_EMAIL, MANAGER_EMAIL,
    PUBLIC_URL,
};
use crate::world::{id, scores, World};

/// The failed rows of the outbox, once there are `count`.
async fn failed_mail(app: &TestApp, count: usize) -> Value {
    eventually(&format!("{count} failed mails"), || async {
        let failed = outbox(app, "failed").await;
        (failed["total"] == count).then_some(failed)
    })
    .await
}

/// The e-mail choice for `kind` in a preferences response.
fn choice(preferences: &Value, kind: &str) -> Value {
    let items = preferences["items"].as_array().unwrap();
    items.iter().find(|p| p["kind"] == kind).unwrap_or_else(|| panic!("no {kind} in {preferences}"))["email"]
        .clone()
}

on_both_backends! {
    async fn every_person_concerned_gets_one_correct_message_per_event(backend: Backend) {
        let (sink, port) = SmtpSink::start().await;
        let app = TestApp::spawn_with(backend, mail_settings(port)).await;
        let w = World::new(&app).await;
        crate::smtp::owners_mail_off(&app, &w).await;

        // Adopted: the author hears it, with the points and the reviewer's words.
        let adopted = id(&w.submit(&app, w.business_entry("<b>专线</b> & 扩容需求")).await);
        w.adopt(&app, adopted, 4).await;

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

        let messages = sink.expect(&app, 7).await;
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
        crate::smtp::owners_mail_off(&app, &w).await;
        w.adopted_entry(&app, "服务器宕机期间的采纳").await;

        // Nobody listens on the port: attempts grow, each with its error.
        let row = eventually("a second failed attempt", || async {
            let row = outbox(&app, "pending").await["items"][0].clone();
            (row["attempts"].as_i64().unwrap_or(0) >= 2).then_some(row)
        })
        .await;
        assert!(row["attempts"].as_i64().unwrap() >= 2, "{row}");
        assert!(!row["last_error"].as_str().unwrap_or_default().is_empty(), "{row}");
        assert_eq!(row["recipient"], AUTHOR_EMAIL);

        let sink = SmtpSink::start_on(port).await;
        let messages = sink.expect(&app, 1).await;
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
        crate::smtp::owners_mail_off(&app, &w).await;
        w.adopted_entry(&app, "重试两次后放弃").await;

        let failed = failed_mail(&app, 1).await;
        let row = &failed["items"][0];
        assert_eq!((row["attempts"].as_i64(), row["recipient"].as_str()), (Some(2), Some(AUTHOR_EMAIL)));
        assert!(row["subject"].as_str().unwrap().contains("重试两次后放弃"));
        assert!(!row["last_error"].as_str().unwrap().is_empty());
        let mail_id = id(row);
        // A later mail fails too: the sender went on working and left the first alone.
        w.adopted_entry(&app, "后来的邮件").await;
        let failed = failed_mail(&app, 2).await;
        let first = failed["items"].as_array().unwrap().iter().find(|m| id(m) == mail_id).unwrap();
        assert_eq!(first["attempts"], 2, "no attempt after the last");

        let retry = format!("/api/v1/mail/outbox/{mail_id}/retry");
        assert_eq!(app.call(Method::POST, &retry, Some(&w.author.access_token), None).await.0, StatusCode::FORBIDDEN);
        assert_eq!(app.get("/api/v1/mail/outbox?status=lost", &app.admin_token).await.0, StatusCode::BAD_REQUEST);
        let missing = app.call(Method::POST, "/api/v1/mail/outbox/999999/retry", Some(&app.admin_token), None).await;
        assert_eq!(missing.0, StatusCode::NOT_FOUND);

        let sink = SmtpSink::start_on(port).await;
        let (status, body) = app.call(Method::POST, &retry, Some(&app.admin_token), None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!((body["status"].as_str(), body["attempts"].as_i64()), (Some("pending"), Some(0)));
        sink.expect(&app, 1).await;
        assert_eq!(outbox(&app, "sent").await["total"], 1);
        let (status, body) = app.call(Method::POST, &retry, Some(&app.admin_token), None).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
    }

    async fn a_crashed_senders_claim_is_taken_over_when_its_lease_ends(backend: Backend) {
        let (sink, port) = SmtpSink::start().await;
        let app = TestApp::spawn_with(backend, mail_settings(port)).await;
        let w = World::new(&app).await;
        crate::smtp::owners_mail_off(&app, &w).await;
        w.adopted_entry(&app, "租约测试").await;
        sink.expect(&app, 1).await;

        // A sender that claimed the row and died: its lease runs out, another sender takes over.
        let crashed = |lease: chrono::NaiveDateTime| format!(
            "UPDATE mail_outbox SET status = 'sending', claim = 'dead', lease_until = '{lease}', sent_at = NULL");
        let now = chrono::Utc::now().naive_utc();
        app.exec_sql(&crashed(now - chrono::Duration::hours(1))).await;
        let messages = sink.expect(&app, 2).await;
        assert_eq!(messages[0]["message_id"], messages[1]["message_id"], "the same message, sent again");

        // While the lease lasts, nobody else claims the row: a later message goes out, it does not.
        app.exec_sql(&crashed(now + chrono::Duration::days(365))).await;
        let leased = outbox(&app, "sending").await;
        assert_eq!(leased["total"], 1, "{leased}");
        w.adopted_entry(&app, "租约期间的新邮件").await;
        eventually("the later message sent", || async { (outbox(&app, "sent").await["total"] == 1).then_some(()) }).await;
        let messages = sink.messages();
        assert_eq!(messages.len(), 3, "{messages:#?}");
        assert!(messages[2]["subject"].as_str().unwrap().contains("租约期间的新邮件"), "{messages:#?}");
        // A claim counts an attempt: the leased row was not claimed meanwhile.
        assert_eq!(outbox(&app, "sending").await["items"], leased["items"]);
    }

    async fn smtp_credentials_in_the_url_authenticate(backend: Backend) {
        let port = free_port();
        let sink = SmtpSink::start_with_login(port, "zhiku", "p@ss:word").await;
        // Refused credentials are a permanent failure: no retry, an admin sees why.
        let wrong = Overrides { smtp_url: Some(format!("smtp://zhiku:wrong@127.0.0.1:{port}")), ..mail_settings(port) };
        let app = TestApp::spawn_with(backend, wrong).await;
        let w = World::new(&app).await;
        crate::smtp::owners_mail_off(&app, &w).await;
        w.adopted_entry(&app, "密码错误时的邮件").await;
        let failed = failed_mail(&app, 1).await;
        assert_eq!(failed["items"][0]["attempts"], 1, "{failed}");
        assert!(failed["items"][0]["last_error"].as_str().unwrap().contains("535"), "{failed}");

        // The right ones, percent-encoded in the URL.
        let right = Overrides { smtp_url: Some(format!("smtp://zhiku:p%40ss%3Aword@127.0.0.1:{port}")), ..mail_settings(port) };
        let app = TestApp::spawn_with(backend, right).await;
        let w = World::new(&app).await;
        crate::smtp::owners_mail_off(&app, &w).await;
        w.adopted_entry(&app, "密码正确时的邮件").await;
        let messages = sink.expect(&app, 1).await;
        assert_eq!(messages[0]["authenticated_as"], "zhiku");
        assert!(messages[0]["subject"].as_str().unwrap().contains("密码正确时的邮件"));
    }

    async fn preferences_send_at_once_in_the_daily_digest_or_not_at_all(backend: Backend) {
        let (sink, port) = SmtpSink::start().await;
        let app = TestApp::spawn_with(backend, mail_settings(port)).await;
        let w = World::new(&app).await;
        crate::smtp::owners_mail_off(&app, &w).await;
        let token = w.author.access_token.as_str();
        let path = "/api/v1/me/notification-preferences";

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
        let messages = sink.expect(&app, 1).await;
        assert!(messages[0]["subject"].as_str().unwrap().contains("已交接给你"));
        let kinds = kinds_of(&app, token).await;
        for kind in ["intel_adopted", "intel_returned", "intel_used", "client_handover"] {
            assert!(kinds.iter().any(|k| k == kind), "{kind} missing from {kinds:?}");
        }
        assert_eq!(outbox(&app, "digest").await["total"], 2);

        let (status, run) = run_job(&app, "daily_digest", false).await;
        assert_eq!(status, StatusCode::OK, "{run}");
        assert_eq!((run["summary"]["digests"].as_i64(), run["summary"]["notifications"].as_i64()), (Some(1), Some(2)));
        let messages = sink.expect(&app, 2).await;
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
        sink.expect(&app, 2).await;
    }
}

/// Two servers on one PostgreSQL database: each mail goes out once, and a
/// job runs once per period although both servers are asked at once.
#[actix_web::test]
async fn two_servers_on_one_postgres_send_each_mail_once() {
    let (sink, port) = SmtpSink::start().await;
    let first = TestApp::spawn_with(Backend::Postgres, mail_settings(port)).await;
    let second = TestApp::spawn_on(first.settings().clone()).await;
    let w = World::new(&first).await;
    crate::smtp::owners_mail_off(&first, &w).await;

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
    let messages = sink.expect(&first, 22).await;
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
         SELECT u.id, u.email, 'intel_adopted', '并发认领', 'pending', '2990-01-01', NOW() FROM users u, generate_series(1, 15)",
    )
    .await;
    let url = app.settings().database_url.clone();
    blocking(move || {
        let at = chrono::NaiveDate::from_ymd_opt(2991, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
        let lease = chrono::Duration::minutes(5);
        let pool = zhiku::db::connect(&url, zhiku::db::Limits::cli(2)).unwrap();
        let (mut one, mut two) = (pool.get().unwrap(), pool.get().unwrap());
        if let DbConn::Pg(c) = &mut *two {
            c.batch_execute("SET lock_timeout = '3s'").unwrap();
        }
        let (first, second) = one
            .transaction::<_, diesel::result::Error, _>(|one| {
                let first = zhiku::notify::outbox::claim(one, at, lease, 10)?;
                let second = two.transaction(|two| zhiku::notify::outbox::claim(two, at, lease, 10))?;
                Ok((first, second))
            })
            .unwrap();
        let ids = |rows: &[zhiku::notify::mail::Mail]| rows.iter().map(|m| m.id).collect::<Vec<_>>();
        assert_eq!((first.len(), second.len()), (10, 5));
        assert!(
            ids(&first).iter().all(|id| !ids(&second).contains(id)),
            "{:?} {:?}",
            ids(&first),
            ids(&second)
        );
        assert!(first
            .iter()
            .chain(&second)
            .all(|m| m.status == zhiku::enums::MailStatus::Sending && m.attempts == 1));
        let later = at + chrono::Duration::minutes(1);
        let none = one.transaction(|c| zhiku::notify::outbox::claim(c, later, lease, 10)).unwrap();
        assert!(none.is_empty(), "claimed rows are not due while their lease lasts");
        let expired = one.transaction(|c| zhiku::notify::outbox::claim(c, later + lease, lease, 20)).unwrap();
        assert_eq!(expired.len(), 15, "every row is taken over once the leases ran out");
    })
    .await;
}
