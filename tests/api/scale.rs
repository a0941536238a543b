//! One author with 40,000 entries: every endpoint that takes a user (or
//! reports over users) answers with exact numbers, on both databases. SQLite
//! refuses a statement with more than 32,766 bound values, so a query that
//! binds one value per entry fails here.

use reqwest::StatusCode;

use crate::helpers::TestApp;
use crate::on_both_backends;
use crate::world::{id, World};

/// Entries of the one author, written straight into the database (as an
/// import would) an hour ago: each submitted, adopted by the reviewer
/// (scores 4), used by the client's manager and paid 16 points.
const ENTRIES: i64 = 40_000;

async fn fill(app: &TestApp, w: &World) {
    let at = |hours: i64| {
        let t = (chrono::Utc::now() - chrono::Duration::hours(hours)).format("%Y-%m-%d %H:%M:%S");
        if app.is_postgres() {
            format!("TIMESTAMP '{t}'")
        } else {
            format!("'{t}'")
        }
    };
    let (author, reviewer, manager) = (id(&w.author.user), id(&w.reviewer.user), id(&w.manager.user));
    let (client, hour_ago, days_ago) = (w.client_id, at(1), at(48));
    app.exec_sql(&format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {ENTRIES})
         INSERT INTO intel (client_id, category, author_id, title, body, fields, source, observed_at,
             completeness, status, revision, created_at, updated_at, submitted_at, decided_at, adopted_at,
             imported, sensitive_keys, urgent)
         SELECT {client}, 'business', {author}, '规模 ' || i, '集团统一代付话费', '{{}}', 'public', {days_ago},
             1.0, 'adopted', 1, {hour_ago}, {hour_ago}, {hour_ago}, {hour_ago}, {hour_ago},
             FALSE, '[]', FALSE
         FROM n;
         INSERT INTO intel_clients (intel_id, client_id) SELECT id, {client} FROM intel WHERE author_id = {author};
         INSERT INTO reviews (intel_id, revision, reviewer_id, author_id, decision, truthfulness, relevance,
             completeness, timeliness, value, mean_score, comment, created_at)
         SELECT id, 1, {reviewer}, {author}, 'adopt', 4, 4, 4, 4, 4, 4.0, '', {hour_ago}
         FROM intel WHERE author_id = {author};
         INSERT INTO usages (intel_id, user_id, purpose, outcome, note, created_at, updated_at)
         SELECT id, {manager}, 'visit', 'pending', '', {hour_ago}, {hour_ago} FROM intel WHERE author_id = {author};
         INSERT INTO point_entries (user_id, delta, reason, intel_id, rule_version, idempotency_key, note, created_at)
         SELECT {author}, 16, 'adopted', id, 1, 'scale:' || id, '', {hour_ago} FROM intel WHERE author_id = {author};"
    ))
    .await;
}

on_both_backends! {
    async fn an_author_with_forty_thousand_entries(app: TestApp) {
        let w = World::new(&app).await;
        fill(&app, &w).await;
        let (author, manager) = (id(&w.author.user), id(&w.manager.user));
        let department = w.author.user["department"]["id"].as_i64().unwrap();
        let (admin, mine) = (app.admin_token.clone(), w.author.access_token.clone());

        for period in ["month", "year", "all"] {
            let ratings = app.get_ok(&format!("/api/v1/users/{author}/ratings?period={period}"), &mine).await;
            assert_eq!(ratings["quantity"]["submitted"], ENTRIES, "{period}: {ratings}");
            assert_eq!(ratings["quantity"]["adopted"], ENTRIES);
            assert_eq!(ratings["quality"]["decided"], ENTRIES);
            assert_eq!(ratings["quality"]["mean_score"], 4.0);
            assert_eq!(ratings["usage"]["used"], ENTRIES);
            assert_eq!(ratings["usage"]["uses"], ENTRIES);
            assert_eq!(ratings["timeliness"]["median_hours"], 47.0);
        }
        let ratings = app.get_ok(&format!("/api/v1/departments/{department}/ratings?period=month"), &admin).await;
        assert_eq!(ratings["quantity"]["submitted"], ENTRIES);

        let board = app.get_ok("/api/v1/leaderboard?period=month", &mine).await;
        assert_eq!(board["items"][0]["user"]["id"], author);
        assert_eq!(board["items"][0]["points"], 16 * ENTRIES);
        let ledger = app.get_ok(&format!("/api/v1/points/ledger?user_id={author}&per_page=20"), &admin).await;
        assert_eq!(ledger["balance"], 16 * ENTRIES);
        assert_eq!(ledger["items"].as_array().unwrap().len(), 20);

        let assessments = app.get_ok("/api/v1/stats/assessments?period=month", &w.reviewer.access_token).await;
        let row = assessments["items"].as_array().unwrap().iter().find(|r| r["user_id"] == author).unwrap();
        assert_eq!((row["submitted"].as_i64(), row["adopted"].as_i64(), row["points"].as_i64()),
            (Some(ENTRIES), Some(ENTRIES), Some(16 * ENTRIES)), "{row}");
        let overview = app.get_ok("/api/v1/stats/overview?period=month", &admin).await;
        assert_eq!((overview["submitted"].as_i64(), overview["adopted"].as_i64(), overview["uses"].as_i64()),
            (Some(ENTRIES), Some(ENTRIES), Some(ENTRIES)), "{overview}");
        assert_eq!(overview["mean_score"], 4.0);
        assert_eq!(overview["usage_rate"], 1.0);
        let reviewers = app.get_ok("/api/v1/stats/reviewers?period=month", &admin).await;
        assert_eq!(reviewers["reviewers"][0]["decisions"], ENTRIES, "{reviewers}");
        for path in ["/api/v1/stats/freshness", "/api/v1/stats/competitors", "/api/v1/stats/clusters"] {
            app.get_ok(path, &admin).await;
        }

        let list = app.get_ok(&format!("/api/v1/intel?author_id={author}&per_page=20"), &admin).await;
        assert_eq!(list["total"], ENTRIES);
        assert_eq!(list["items"].as_array().unwrap().len(), 20);
        app.get_ok("/api/v1/me", &mine).await;
        app.get_ok(&format!("/api/v1/users/{author}"), &admin).await;
        let clients = app.get_ok("/api/v1/me/clients", &w.manager.access_token).await;
        assert_eq!(clients["items"][0]["client"]["id"], w.client_id, "{clients}");
        let dossier = app.get_ok(&format!("/api/v1/clients/{}/dossier?page=2", w.client_id), &w.manager.access_token).await;
        assert_eq!((dossier["intel_total"].as_i64(), dossier["intel"].as_array().map(Vec::len)), (Some(ENTRIES), Some(20)));
        assert_eq!(dossier["intel"][0]["title"], format!("规模 {}", ENTRIES - 20), "newest first, the second page");
        assert_eq!(dossier["stale_count"], 0);
        assert_eq!(dossier["usages"].as_array().map(Vec::len), Some(50));
        let to = author;
        app.get_ok(&format!("/api/v1/clients/{}/handover?to={to}", w.client_id), &admin).await;
        let (status, moved) = app
            .put(&format!("/api/v1/clients/{}/owner", w.client_id), &admin, serde_json::json!({"owner_id": to}))
            .await;
        assert_eq!(status, StatusCode::OK, "{moved}");
        assert_ne!(manager, to);
    }
}
