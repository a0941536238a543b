//! `zhiku backup` taken while the server runs, and `zhiku restore` into a
//! fresh data directory and a fresh database, run as real processes: the
//! restored server has the entries (in search too), the points, the old
//! sessions and passwords and the old calendar-feed URL.

use std::path::Path;
use std::process::{Command, Output};

use chrono::{Duration, Utc};
use reqwest::StatusCode;
use serde_json::{json, Value};
use zhiku::config::{Overrides, Settings};
use zhiku::db::DatabaseUrl;

use crate::helpers::{blocking, eventually, user_password, Backend, TestApp};
use crate::on_both_backends;
use crate::test_db::TestDatabase;
use crate::world::{balance, World};

/// Runs `zhiku` on the data directory and database of `settings` with no
/// JWT secret set (each server keeps its generated one in its data
/// directory), plus `env`.
async fn zhiku(settings: &Settings, args: &[&str], env: &[(&str, &str)]) -> Output {
    let url = match &settings.database_url {
        DatabaseUrl::Postgres(url) | DatabaseUrl::Sqlite(url) => url.clone(),
    };
    let mut command = Command::new(env!("CARGO_BIN_EXE_zhiku"));
    command
        .args(args)
        .current_dir(std::env::temp_dir())
        .env("ZHIKU_DATA_DIR", &settings.data_dir)
        .env("ZHIKU_DATABASE_URL", url)
        .env_remove("ZHIKU_JWT_SECRET")
        .env_remove("ZHIKU_CONFIG")
        .env("RUST_LOG", "error");
    for (name, value) in env {
        command.env(name, value);
    }
    blocking(move || command.output().expect("run zhiku")).await
}

fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

/// An empty data directory and an empty database to restore into.
struct Target {
    data_dir: tempfile::TempDir,
    database: Option<TestDatabase>,
    settings: Settings,
}

async fn fresh_target(backend: Backend) -> Target {
    let data_dir = tempfile::tempdir().unwrap();
    let database = match backend {
        Backend::Sqlite => None,
        Backend::Postgres => Some(blocking(TestDatabase::create_database).await),
    };
    let database_url = match &database {
        Some(database) => database.url().to_owned(),
        None => data_dir.path().join("zhiku.db").to_string_lossy().into_owned(),
    };
    let settings = settings_for(data_dir.path(), database_url);
    Target { data_dir, database, settings }
}

/// A server's settings on `data_dir` and `database_url`, with the secret it generates.
fn settings_for(data_dir: &Path, database_url: String) -> Settings {
    Settings::from_overrides(Overrides {
        bind: Some("127.0.0.1:0".into()),
        data_dir: Some(data_dir.to_path_buf()),
        database_url: Some(database_url),
        workers: Some(2),
        scheduler_seconds: Some(0),
        ..Overrides::default()
    })
    .unwrap()
}

fn is_empty(dir: &Path) -> bool {
    std::fs::read_dir(dir).map_or(true, |mut entries| entries.next().is_none())
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &to.join(entry.file_name()));
        } else {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

async fn search_total(app: &TestApp, token: &str, q: &str) -> i64 {
    let (status, found) = app.get(&format!("/api/v1/search?q={}", crate::helpers::urlencode(q)), token).await;
    assert_eq!(status, StatusCode::OK, "{found}");
    found["total"].as_i64().unwrap()
}

on_both_backends! {
    async fn a_backup_taken_while_serving_restores_the_whole_world(backend: Backend) {
        let app = TestApp::spawn_with_generated_secret(backend).await;
        let w = World::new(&app).await;
        let first = w.adopted_entry(&app, "备份前采纳：续约商机").await;
        w.adopted_entry(&app, "备份前采纳：专线扩容").await;
        let today = (Utc::now() + Duration::hours(8)).date_naive();
        let tomorrow = (today + Duration::days(1)).to_string();
        let visit = json!({"client_id": w.client_id, "visited_on": today.to_string(), "contact_ids": [], "purpose": "方案交流",
            "summary": "客户希望统一代付话费。", "next_steps": [{"title": "发送代付方案", "due_on": tomorrow}]});
        let (status, recorded) = app.post("/api/v1/visits", &w.manager.access_token, visit).await;
        assert_eq!(status, StatusCode::CREATED, "{recorded}");
        let (status, calendar) = app.get("/api/v1/me/calendar", &w.manager.access_token).await;
        assert_eq!(status, StatusCode::OK, "{calendar}");
        let feed_url = calendar["url"].as_str().unwrap().to_owned();
        assert!(app.calendar_feed(&feed_url).await.1.contains("发送代付方案"));
        let points = balance(&app, &w.author).await;
        assert_eq!(points, 2 * 16, "DESIGN's worked example, twice");
        eventually("both entries are searchable before the backup", || async {
            (search_total(&app, &w.employee.access_token, "备份前采纳").await == 2).then_some(())
        })
        .await;

        let backups = tempfile::tempdir().unwrap();
        let dir = backups.path().join("nightly");
        // Entries keep being adopted while the backup runs.
        let writes = async {
            for i in 0..4 {
                w.adopted_entry(&app, &format!("备份进行中采纳：第{i}条")).await;
            }
        };
        let (made, ()) = futures_util::future::join(zhiku(app.settings(), &["backup", dir.to_str().unwrap()], &[]), writes).await;
        assert!(made.status.success(), "{}", text(&made));
        let manifest: Value = serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
        assert_eq!(manifest["backend"], if app.is_postgres() { "postgres" } else { "sqlite" });
        assert_eq!(manifest["zhiku_version"], env!("CARGO_PKG_VERSION"));
        assert!(manifest["migration"].as_str().unwrap().starts_with("20"), "{manifest}");
        assert_eq!(manifest["jwt_secret"]["source"], "data_dir", "{manifest}");
        assert!(manifest["search_index"]["entries"].as_u64().unwrap() >= 2, "{manifest}");
        let files = manifest["files"].as_array().unwrap();
        for file in files {
            let on_disk = std::fs::metadata(dir.join(file["path"].as_str().unwrap())).unwrap();
            assert_eq!(on_disk.len(), file["bytes"].as_u64().unwrap(), "{file}");
            assert_eq!(file["sha256"].as_str().unwrap().len(), 64);
        }
        assert!(files.iter().any(|f| f["path"] == manifest["database"]), "{manifest}");
        assert!(files.iter().any(|f| f["path"] == "jwt_secret"), "{manifest}");

        // Written after the backup: not part of it.
        let later = w.adopted_entry(&app, "备份之后才采纳的情报").await;

        // A damaged backup is refused before anything is touched.
        let other = fresh_target(backend).await;
        let damaged = backups.path().join("damaged");
        copy_dir(&dir, &damaged);
        let database_file = damaged.join(manifest["database"].as_str().unwrap());
        let mut bytes = std::fs::read(&database_file).unwrap();
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0x55;
        std::fs::write(&database_file, bytes).unwrap();
        let refused = zhiku(&other.settings, &["restore", damaged.to_str().unwrap()], &[]).await;
        assert!(!refused.status.success(), "{}", text(&refused));
        assert!(text(&refused).contains("备份已损坏") && text(&refused).contains(manifest["database"].as_str().unwrap()), "{}", text(&refused));
        assert!(is_empty(other.data_dir.path()), "nothing restored from a damaged backup");

        let target = fresh_target(backend).await;
        let restored = zhiku(&target.settings, &["restore", dir.to_str().unwrap()], &[]).await;
        assert!(restored.status.success(), "{}", text(&restored));
        assert!(text(&restored).contains("搜索索引取自备份"), "{}", text(&restored));
        let again = zhiku(&target.settings, &["restore", dir.to_str().unwrap()], &[]).await;
        assert!(!again.status.success() && text(&again).contains("--force"), "a used target is refused: {}", text(&again));

        let Target { data_dir, database, settings } = target;
        let new = TestApp::spawn_on_existing(settings, data_dir, database).await;
        new.login_ok("E1001", &user_password("E1001")).await;
        let (status, entry) = new.get(&format!("/api/v1/intel/{first}"), &w.employee.access_token).await;
        assert_eq!((status, entry["title"].as_str()), (StatusCode::OK, Some("备份前采纳：续约商机")), "{entry}");
        assert_eq!(new.get(&format!("/api/v1/intel/{later}"), &w.employee.access_token).await.0, StatusCode::NOT_FOUND);
        // Whatever the copy caught of the writes meanwhile, database and index agree.
        let (status, adopted) = new.get("/api/v1/intel?status=adopted&per_page=1", &w.employee.access_token).await;
        assert_eq!(status, StatusCode::OK, "{adopted}");
        let adopted = adopted["total"].as_i64().unwrap();
        assert!((2..=6).contains(&adopted), "{adopted}");
        assert_eq!(balance(&new, &w.author).await, points / 2 * adopted, "the old access token, and the ledger as copied");
        eventually("the restored index finds exactly the restored entries", || async {
            (search_total(&new, &w.employee.access_token, "采纳").await == adopted).then_some(())
        })
        .await;
        assert_eq!(search_total(&new, &w.employee.access_token, "备份前采纳").await, 2);
        assert_eq!(search_total(&new, &w.employee.access_token, "备份之后才采纳").await, 0);
        let (status, ics) = new.calendar_feed(&feed_url).await;
        assert_eq!(status, StatusCode::OK, "the old calendar URL: {ics}");
        assert!(ics.contains("发送代付方案"), "{ics}");
        // New writes go on from the restored ids.
        let after = w.adopted_entry(&new, "恢复之后的新情报").await;
        assert!(after > first);
        eventually("a new entry on the restored server is searchable", || async {
            (search_total(&new, &w.employee.access_token, "恢复之后的新情报").await == 1).then_some(())
        })
        .await;

        // Without the index, restore rebuilds it; --force replaces a used target.
        let no_index = backups.path().join("no-index");
        copy_dir(&dir, &no_index);
        let mut stripped = manifest.clone();
        stripped["search_index"] = Value::Null;
        stripped["files"] = json!(files.iter().filter(|f| !f["path"].as_str().unwrap().starts_with("search/")).collect::<Vec<_>>());
        std::fs::write(no_index.join("manifest.json"), stripped.to_string()).unwrap();
        let rebuilt = zhiku(&other.settings, &["restore", no_index.to_str().unwrap()], &[]).await;
        assert!(rebuilt.status.success(), "{}", text(&rebuilt));
        assert!(text(&rebuilt).contains("已重建（"), "{}", text(&rebuilt));
        let forced = zhiku(&other.settings, &["restore", "--force", dir.to_str().unwrap()], &[]).await;
        assert!(forced.status.success(), "{}", text(&forced));

        if app.is_postgres() {
            let nowhere = tempfile::tempdir().unwrap();
            let path = nowhere.path().to_str().unwrap();
            let missing = backups.path().join("without-pg-dump");
            let failed = zhiku(app.settings(), &["backup", missing.to_str().unwrap()], &[("PATH", path)]).await;
            assert!(!failed.status.success());
            assert!(text(&failed).contains("找不到 pg_dump"), "{}", text(&failed));
            assert!(!missing.exists(), "a failed backup leaves nothing behind");
        }
    }
}

/// Migrates the database of `url` up to the migration named `last` only, as
/// an older version of Zhiku left it.
fn migrate_up_to(url: &DatabaseUrl, last: &str) {
    use diesel::{Connection, PgConnection, SqliteConnection};
    use diesel_migrations::{FileBasedMigrations, MigrationHarness};

    fn up_to<C: MigrationHarness<C::Backend> + Connection>(
        conn: &mut C,
        migrations: FileBasedMigrations,
        last: &str,
    ) where
        FileBasedMigrations: diesel::migration::MigrationSource<C::Backend>,
    {
        while conn.run_next_migration(migrations.clone()).unwrap().to_string() != last {}
    }
    let folder = |backend: &str| {
        FileBasedMigrations::from_path(Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations").join(backend))
            .unwrap()
    };
    match url {
        DatabaseUrl::Sqlite(path) => {
            up_to(&mut SqliteConnection::establish(path).unwrap(), folder("sqlite"), last)
        }
        DatabaseUrl::Postgres(url) => {
            up_to(&mut PgConnection::establish(url).unwrap(), folder("postgres"), last)
        }
    }
}

fn applied(settings: &Settings) -> Option<String> {
    let pool = zhiku::db::connect(&settings.database_url, zhiku::db::Limits::cli(1)).unwrap();
    let mut conn = pool.get().unwrap();
    zhiku::db::applied_migration(&mut conn).unwrap()
}

on_both_backends! {
    async fn an_older_backup_is_migrated_on_restore_and_a_newer_one_refused(backend: Backend) {
        // The schema of a test database, as the servers of the other tests use.
        let data_dir = tempfile::tempdir().unwrap();
        let schema = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => Some(blocking(TestDatabase::create).await),
        };
        let settings = settings_for(data_dir.path(), match &schema {
            Some(schema) => schema.url().to_owned(),
            None => data_dir.path().join("zhiku.db").to_string_lossy().into_owned(),
        });
        let url = settings.database_url.clone();
        blocking(move || migrate_up_to(&url, "20261128000005")).await;

        let backups = tempfile::tempdir().unwrap();
        let dir = backups.path().join("old");
        let made = zhiku(&settings, &["backup", dir.to_str().unwrap()], &[]).await;
        assert!(made.status.success(), "{}", text(&made));
        assert!(text(&made).contains("没有搜索索引"), "a node that never served has no index: {}", text(&made));
        let manifest_path = dir.join("manifest.json");
        let mut manifest: Value = serde_json::from_slice(&std::fs::read(&manifest_path).unwrap()).unwrap();
        assert_eq!(manifest["migration"], "20261128000005");
        assert_eq!(manifest["search_index"], Value::Null);

        let target = fresh_target(backend).await;
        let restored = zhiku(&target.settings, &["restore", dir.to_str().unwrap()], &[]).await;
        assert!(restored.status.success(), "{}", text(&restored));
        // Every migration after the backup's, as this build embeds them.
        let newer = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite")).unwrap()
            .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().as_ref() > "2026-11-28-000005_~")
            .count();
        assert!(text(&restored).contains(&format!("补做迁移 {newer} 个")) && text(&restored).contains("已重建（0 条）"), "{}", text(&restored));
        let (restored_settings, latest) = (target.settings.clone(), zhiku::db::latest_migration(&target.settings.database_url).unwrap());
        assert_eq!(blocking(move || applied(&restored_settings)).await, Some(latest));

        // A backup from a newer Zhiku (a migration this build lacks) is refused.
        manifest["migration"] = json!("99991231000000");
        std::fs::write(&manifest_path, manifest.to_string()).unwrap();
        let newer = fresh_target(backend).await;
        let refused = zhiku(&newer.settings, &["restore", dir.to_str().unwrap()], &[]).await;
        assert!(!refused.status.success());
        assert!(text(&refused).contains("更新的智库版本"), "{}", text(&refused));
        assert!(is_empty(newer.data_dir.path()));
    }
}
