//! The `import` and `reindex` commands, run as real processes against a live server's database.

use std::process::Command;

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{blocking, TestApp, JWT_SECRET};
use crate::on_both_backends;
use crate::world::{balance, World};

/// Runs the `zhiku` binary on the server's data directory and database, off
/// the async runtime (a command may take seconds).
async fn zhiku(app: &TestApp, args: &[&str]) -> std::process::Output {
    let settings = app.settings();
    let url = match &settings.database_url {
        zhiku::db::DatabaseUrl::Postgres(url) | zhiku::db::DatabaseUrl::Sqlite(url) => url.clone(),
    };
    let mut command = Command::new(env!("CARGO_BIN_EXE_zhiku"));
    command
        .args(args)
        .env("ZHIKU_DATA_DIR", &settings.data_dir)
        .env("ZHIKU_DATABASE_URL", url)
        .env("ZHIKU_JWT_SECRET", JWT_SECRET)
        .env("RUST_LOG", "error");
    blocking(move || command.output().expect("run zhiku")).await
}

on_both_backends! {
    async fn import_keeps_valid_lines_and_reports_bad_ones(app: TestApp) {
        let w = World::new(&app).await;
        let records = [
            json!({"client": {"kind": "group", "name": "皖南老客户集团", "industry": "建材", "tags": ["茶艺"]}, "category": "business",
                   "title": "历史：年均话费百万", "body": "2019年记录", "fields": {}, "source": "public",
                   "observed_at": "2019-05-01", "author_employee_no": "E1001"}).to_string(),
            "{not json".to_owned(),
            json!({"client": {"kind": "group", "name": "皖南老客户集团"}, "category": "nosuch", "title": "坏分类", "source": "public",
                   "observed_at": "2019-05-01", "author_employee_no": "E1001"}).to_string(),
            json!({"client": {"kind": "individual", "name": "钱老板"}, "category": "profile", "title": "历史：喜欢钓鱼",
                   "fields": {"preferences": "垂钓"}, "source": "private", "observed_at": "2020-01-01T08:00:00Z",
                   "author_employee_no": "NOBODY"}).to_string(),
            String::new(),
            json!({"client": {"kind": "individual", "name": "钱老板"}, "category": "profile", "title": "历史：喜欢钓鱼",
                   "fields": {"preferences": "垂钓", "birthday": "not a date"}, "source": "private",
                   "observed_at": "2020-01-01", "author_employee_no": "E1001"}).to_string(),
            json!({"client": {"kind": "individual", "name": "钱老板"}, "category": "profile", "title": "历史：喜欢钓鱼",
                   "fields": {"preferences": "垂钓"}, "source": "private", "observed_at": "2020-01-01",
                   "author_employee_no": "E1001"}).to_string(),
        ];
        let file = app.settings().data_dir.join("legacy.jsonl");
        std::fs::write(&file, records.join("\n")).unwrap();
        let output = zhiku(&app, &["import", "--file", file.to_str().unwrap(), "--reviewer", "R2001"]).await;
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{stderr}");
        assert!(stdout.contains("imported: 2, skipped: 4"), "{stdout}");
        for line in ["line 2:", "line 3:", "line 4:", "line 6:"] {
            assert!(stderr.contains(line), "{line} not reported: {stderr}");
        }
        let (status, adopted) = app.get(&format!("/api/v1/intel?status=adopted&author_id={}", crate::world::id(&w.author.user)), &w.employee.access_token).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(adopted["total"], 2);
        assert_eq!(adopted["items"][0]["quality"], 3.0);
        assert!(adopted["items"][0]["adopted_at"].is_string(), "{adopted}");
        assert_eq!(balance(&app, &w.author).await, 0, "imports pay no points");
        // Not when used, nor on any recalculation.
        let imported = adopted["items"][0]["id"].as_i64().unwrap();
        let (status, _) = app.post(&format!("/api/v1/intel/{imported}/usages"), &w.marketer.access_token, json!({"purpose": "visit", "outcome": "won"})).await;
        assert_eq!(status, StatusCode::CREATED);
        let recalculate = || app.call(reqwest::Method::POST, "/api/v1/points/recalculate", Some(&app.admin_token), None);
        let (status, nothing) = recalculate().await;
        assert_eq!(status, StatusCode::OK, "{nothing}");
        assert_eq!((nothing["corrected"].as_i64(), nothing["delta"].as_i64()), (Some(0), Some(0)), "no rule changed");
        let (_, rules) = app.get("/api/v1/points/rules", &app.admin_token).await;
        let mut doubled = rules["rules"].clone();
        doubled["adopt_divisor"] = json!(1.5);
        assert_eq!(app.put("/api/v1/points/rules", &app.admin_token, doubled).await.0, StatusCode::OK);
        let (_, after_change) = recalculate().await;
        assert_eq!(after_change["corrected"], 0, "imports stay at zero under new rules: {after_change}");
        assert_eq!(balance(&app, &w.author).await, 0);
        let (_, clients) = app.get("/api/v1/clients?q=wnlkh", &w.employee.access_token).await;
        assert_eq!(clients["items"][0]["tags"], json!(["茶艺"]));

        let bad = zhiku(&app, &["import", "--file", file.to_str().unwrap(), "--reviewer", "E1003"]).await;
        assert!(!bad.status.success(), "an employee cannot be the adopting reviewer");
    }

    async fn reindex_command_swaps_in_a_new_generation(app: TestApp) {
        let w = World::new(&app).await;
        w.adopted_entry(&app, "重建命令").await;
        let root = zhiku::search::index::search_root(&app.settings().data_dir);
        let before = zhiku::search::index::current_generation(&root).unwrap();
        let output = zhiku(&app, &["reindex"]).await;
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        assert!(String::from_utf8_lossy(&output.stdout).contains("1 entries"));
        let after = zhiku::search::index::current_generation(&root).unwrap();
        assert_ne!(before, after);
    }
}
