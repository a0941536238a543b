//! A real SMTP server on loopback for the mail and job tests (aiosmtpd,
//! `tests/smtp_sink.py`), and what those tests ask of the outbox.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use reqwest::{Method, StatusCode};
use serde_json::Value;
use zhiku::config::Overrides;

use crate::helpers::{blocking, eventually, TestApp};

pub const PUBLIC_URL: &str = "https://zhiku.example.com";
pub const AUTHOR_EMAIL: &str = "e1001@zhiku.test";
pub const MANAGER_EMAIL: &str = "e1002@zhiku.test";

/// The SMTP server of a test: every message it accepted is a JSON file.
pub struct SmtpSink {
    child: Child,
    dir: tempfile::TempDir,
}

impl SmtpSink {
    /// A server on a free port.
    pub async fn start() -> (SmtpSink, u16) {
        let port = free_port();
        (SmtpSink::start_on(port).await, port)
    }

    pub async fn start_on(port: u16) -> SmtpSink {
        Self::launch(port, Vec::new()).await
    }

    /// A server that requires SMTP authentication as `user`.
    pub async fn start_with_login(port: u16, user: &str, password: &str) -> SmtpSink {
        Self::launch(port, vec!["--user".into(), user.into(), "--password".into(), password.into()]).await
    }

    async fn launch(port: u16, extra: Vec<String>) -> SmtpSink {
        blocking(move || {
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
        })
        .await
    }

    /// The messages received so far, in order of arrival.
    pub fn messages(&self) -> Vec<Value> {
        let mut paths: Vec<_> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        paths.sort();
        paths.iter().map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()).collect()
    }

    /// Every message, once `app` has nothing left to send (no outbox row is
    /// pending or being sent, so none is on its way); there must be `count`.
    /// A message is on file before the server answers 250, and so before its
    /// row is marked sent.
    pub async fn expect(&self, app: &TestApp, count: usize) -> Vec<Value> {
        eventually("the mail outbox to be sent", || async {
            let settled =
                outbox(app, "pending").await["total"] == 0 && outbox(app, "sending").await["total"] == 0;
            settled.then_some(())
        })
        .await;
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

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Server settings that send mail to the sink on `port`, retrying each second.
pub fn mail_settings(port: u16) -> Overrides {
    Overrides {
        smtp_url: Some(format!("smtp://127.0.0.1:{port}")),
        public_url: Some(PUBLIC_URL.into()),
        mail_from: Some("智库 Zhiku <zhiku@zhiku.test>".into()),
        mail_retry_seconds: Some(1),
        ..Overrides::default()
    }
}

/// The one message whose decoded subject contains `part`.
pub fn find<'a>(messages: &'a [Value], part: &str) -> &'a Value {
    let found: Vec<&Value> =
        messages.iter().filter(|m| m["subject"].as_str().unwrap().contains(part)).collect();
    assert_eq!(found.len(), 1, "one message about {part:?} in {messages:#?}");
    found[0]
}

pub fn text(message: &Value) -> &str {
    message["text"].as_str().unwrap()
}

/// The admin's view of the outbox rows in `status`.
pub async fn outbox(app: &TestApp, status: &str) -> Value {
    let (code, body) = app.get(&format!("/api/v1/mail/outbox?status={status}"), &app.admin_token).await;
    assert_eq!(code, StatusCode::OK, "{body}");
    body
}

/// Runs a scheduled job now, as the admin.
pub async fn run_job(app: &TestApp, job: &str, force: bool) -> (StatusCode, Value) {
    let query = if force { "?force=true" } else { "" };
    app.call(Method::POST, &format!("/api/v1/jobs/{job}/run{query}"), Some(&app.admin_token), None).await
}

/// The kinds of the notifications of the user signed in with `token`, newest first.
pub async fn kinds_of(app: &TestApp, token: &str) -> Vec<String> {
    let (_, notes) = app.get("/api/v1/notifications?per_page=100", token).await;
    notes["items"].as_array().unwrap().iter().map(|n| n["kind"].as_str().unwrap().to_owned()).collect()
}

/// Turns off the mail the client's owner gets about entries on their client,
/// for tests about other mail (the owner's mail is tested in `follows`).
pub async fn owners_mail_off(app: &TestApp, w: &crate::world::World) {
    let off =
        serde_json::json!({"intel_submitted_for_my_client": "off", "intel_adopted_for_my_client": "off"});
    let (status, body) = app.put("/api/v1/me/notification-preferences", &w.manager.access_token, off).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}
