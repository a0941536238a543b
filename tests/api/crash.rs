//! A real `zhiku serve` process is killed between the database commit and the
//! index commit; the next process catches the index up from the outbox.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use serde_json::{json, Value};

use crate::helpers::{blocking, eventually, http_client, JWT_SECRET};
use crate::test_db::TestDatabase;

struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn zhiku(data_dir: &std::path::Path, database_url: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_zhiku"));
    command
        .env("ZHIKU_DATA_DIR", data_dir)
        .env("ZHIKU_DATABASE_URL", database_url)
        .env("ZHIKU_JWT_SECRET", JWT_SECRET)
        .env("RUST_LOG", "error");
    command
}

/// Starts `zhiku serve` and waits until it prints its URL (off the async runtime).
async fn start(data_dir: &std::path::Path, database_url: &str, commit_ms: &str) -> Server {
    let mut command = zhiku(data_dir, database_url);
    command
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("ZHIKU_INDEX_COMMIT_MS", commit_ms)
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    blocking(move || {
        let mut child = command.spawn().expect("start zhiku serve");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let url = loop {
            let line = lines.next().expect("server printed its URL").expect("readable stdout");
            if let Some(at) = line.find("http://") {
                break line[at..].split_whitespace().next().unwrap().to_owned();
            }
        };
        std::thread::spawn(move || lines.for_each(drop));
        Server { child, url }
    })
    .await
}

async fn call(
    client: &reqwest::Client,
    server: &Server,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Value {
    let mut request = match body {
        Some(body) => client.post(format!("{}{path}", server.url)).json(&body),
        None => client.get(format!("{}{path}", server.url)),
    };
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    assert!(response.status().is_success(), "{path}: {}", response.status());
    response.json().await.unwrap()
}

async fn login(client: &reqwest::Client, server: &Server, login: &str, password: &str) -> String {
    let body =
        call(client, server, "/api/v1/auth/login", None, Some(json!({"login": login, "password": password})))
            .await;
    body["access_token"].as_str().unwrap().to_owned()
}

async fn search_total(client: &reqwest::Client, server: &Server, token: &str) -> i64 {
    call(client, server, "/api/v1/search?q=%E5%B4%A9%E6%BA%83%E6%B5%8B%E8%AF%95", Some(token), None).await
        ["total"]
        .as_i64()
        .unwrap()
}

async fn killed_indexer_catches_up(database_url: &str) {
    let data_dir = tempfile::tempdir().unwrap();
    let mut create_admin = zhiku(data_dir.path(), database_url);
    create_admin
        .args([
            "create-admin",
            "--employee-no",
            "ADMIN1",
            "--name",
            "管理员",
            "--email",
            "a@zhiku.test",
            "--password",
            "Admin-pass-2026",
        ])
        .stdout(Stdio::null());
    let status = blocking(move || create_admin.status().unwrap()).await;
    assert!(status.success());
    let client = http_client();

    // A server whose indexer would commit only after an hour.
    let first = start(data_dir.path(), database_url, "3600000").await;
    let admin = login(&client, &first, "ADMIN1", "Admin-pass-2026").await;
    call(
        &client,
        &first,
        "/api/v1/users",
        Some(&admin),
        Some(json!({"employee_no": "E1", "real_name": "张伟",
        "email": "e1@zhiku.test", "roles": [], "password": "Author-pass-1"})),
    )
    .await;
    let author = login(&client, &first, "E1", "Author-pass-1").await;
    let client_row = call(
        &client,
        &first,
        "/api/v1/clients",
        Some(&author),
        Some(json!({"kind": "group", "name": "崩溃测试集团"})),
    )
    .await;
    let entry = call(&client, &first, "/api/v1/intel", Some(&author), Some(json!({"client_id": client_row["id"], "category": "basic",
        "title": "崩溃测试", "body": "进程被杀", "fields": {"legal_representative": "王某", "registered_address": "芜湖"},
        "source": "public", "observed_at": "2026-11-20"}))).await;
    let scores = json!({"truthfulness": 4, "relevance": 4, "completeness": 4, "timeliness": 4, "value": 4});
    call(
        &client,
        &first,
        &format!("/api/v1/intel/{}/review", entry["id"]),
        Some(&admin),
        Some(json!({"decision": "adopt", "scores": scores})),
    )
    .await;
    assert_eq!(
        search_total(&client, &first, &admin).await,
        0,
        "the first indexer must not have committed yet"
    );
    drop(first); // SIGKILL: no shutdown, no final commit

    let second = start(data_dir.path(), database_url, "200").await;
    let admin = login(&client, &second, "ADMIN1", "Admin-pass-2026").await;
    eventually("the restarted indexer catches up", || async {
        (search_total(&client, &second, &admin).await == 1).then_some(())
    })
    .await;
}

#[actix_web::test]
async fn sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crash.db");
    killed_indexer_catches_up(db.to_str().unwrap()).await;
}

#[actix_web::test]
async fn postgres() {
    let database = blocking(TestDatabase::create).await;
    killed_indexer_catches_up(database.url()).await;
}
